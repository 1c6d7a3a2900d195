"""Order events through an SQS FIFO queue into DynamoDB: one message group per order keeps
each order's events in sequence (a group waits while its message is in flight), content
based deduplication drops a producer's retry, and the consumer applies each event as a
conditional state transition plus an audit row in one DynamoDB transaction."""
import json
import uuid

import pytest

NEXT = {"created": None, "paid": "created", "shipped": "paid"}


@pytest.fixture
def fifo(client):
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=f"orders-{uuid.uuid4().hex[:10]}.fifo", Attributes={
        "FifoQueue": "true", "ContentBasedDeduplication": "true", "VisibilityTimeout": "30"})["QueueUrl"]
    yield url
    sqs.delete_queue(QueueUrl=url)


@pytest.fixture
def tables(client, table_name):
    ddb = client("dynamodb")
    audit = table_name + "-audit"
    for name, key in ((table_name, "order_id"), (audit, "event_id")):
        ddb.create_table(TableName=name, KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        ddb.get_waiter("table_exists").wait(TableName=name)
    yield table_name, audit
    ddb.delete_table(TableName=audit)


def send(sqs, url, order_id, status, **extra):
    return sqs.send_message(QueueUrl=url, MessageGroupId=order_id,
                            MessageBody=json.dumps({"order_id": order_id, "status": status, **extra}))


def apply(ddb, tables, message):
    """The event's transition and its audit row, both or neither."""
    orders, audit = tables
    event = json.loads(message["Body"])
    previous = NEXT[event["status"]]
    update = {"TableName": orders, "Key": {"order_id": {"S": event["order_id"]}},
              "UpdateExpression": "SET #s = :new", "ExpressionAttributeNames": {"#s": "status"},
              "ExpressionAttributeValues": {":new": {"S": event["status"]}},
              "ConditionExpression": "attribute_not_exists(order_id)"}
    if previous:
        update["ConditionExpression"] = "#s = :old"
        update["ExpressionAttributeValues"][":old"] = {"S": previous}
    ddb.transact_write_items(TransactItems=[
        {"Update": update},
        {"Put": {"TableName": audit, "ConditionExpression": "attribute_not_exists(event_id)",
                 "Item": {"event_id": {"S": message["MessageId"]}, "order_id": {"S": event["order_id"]},
                          "status": {"S": event["status"]},
                          "seq": {"S": message["Attributes"]["SequenceNumber"]}}}}])


def test_fifo_events_drive_order_states(client, fifo, tables):
    sqs, ddb = client("sqs"), client("dynamodb")
    first = send(sqs, fifo, "o-1", "created")
    assert send(sqs, fifo, "o-1", "created")["MessageId"] == first["MessageId"]   # a retry, deduplicated
    send(sqs, fifo, "o-2", "created")
    send(sqs, fifo, "o-1", "paid")
    send(sqs, fifo, "o-2", "paid")
    send(sqs, fifo, "o-1", "shipped")

    batch = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"])["Messages"]
    assert [json.loads(m["Body"])["status"] for m in batch if json.loads(m["Body"])["order_id"] == "o-1"] == [
        "created", "paid", "shipped"]
    assert len(batch) == 5
    assert sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10).get("Messages", []) == []   # groups in flight

    for message in batch:
        apply(ddb, tables, message)
        sqs.delete_message(QueueUrl=fifo, ReceiptHandle=message["ReceiptHandle"])
    assert sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10).get("Messages", []) == []

    orders, audit = tables
    states = {i["order_id"]["S"]: i["status"]["S"] for i in ddb.scan(TableName=orders)["Items"]}
    assert states == {"o-1": "shipped", "o-2": "paid"}
    trail = sorted(ddb.scan(TableName=audit)["Items"], key=lambda i: int(i["seq"]["S"]))
    assert [(i["order_id"]["S"], i["status"]["S"]) for i in trail] == [
        ("o-1", "created"), ("o-2", "created"), ("o-1", "paid"), ("o-2", "paid"), ("o-1", "shipped")]

    # The same body again within five minutes is a duplicate; an upstream replay of an old
    # event (a body of its own) arrives, and fails its transaction without changing anything.
    send(sqs, fifo, "o-2", "shipped")
    send(sqs, fifo, "o-2", "paid")
    send(sqs, fifo, "o-2", "paid", replayed=True)
    late = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"])["Messages"]
    apply(ddb, tables, late[0])
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as caught:
        apply(ddb, tables, late[1])
    reasons = caught.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["ConditionalCheckFailed", "None"]
    assert caught.value.response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[ConditionalCheckFailed, None]")
    assert ddb.get_item(TableName=orders, Key={"order_id": {"S": "o-2"}})["Item"]["status"] == {"S": "shipped"}
    assert ddb.scan(TableName=audit, Select="COUNT")["Count"] == 6
