"""SQS between the lake and its workers. Fan-in: S3 sends created orders (`.csv` under
`incoming/orders/`) and returns (`.json` under `incoming/returns/`) to two queues; a
catch-all rule that would overlap them is refused; one worker polls both queues and
writes DynamoDB; a file it cannot parse goes to the dead-letter queue after two tries,
and once the file is fixed the operator redrives it back with a message move task. A CDC
feed: row changes on a FIFO queue (one group per row, a deduplication id per change),
applied in order with a receive retried by its ReceiveRequestAttemptId."""
import csv
import io
import json
import uuid
from urllib.parse import unquote_plus

import pytest
from boto3.dynamodb.conditions import Attr

from trip_helpers import error_of, keyed_table, wait_for

ORDERS_OK = "order_id,sku,qty\no-1,apple,3\no-2,pear,1\n"
ORDERS_BAD = "order_id,sku,qty\no-3,plum,many\n"
ORDERS_FIXED = "order_id,sku,qty\no-3,plum,12\n"


def arn_of(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


@pytest.fixture
def queues(client):
    sqs, suffix, made = client("sqs"), uuid.uuid4().hex[:8], []

    def make(name, fifo=False, **attributes):
        full = f"{name}-{suffix}" + (".fifo" if fifo else "")
        url = sqs.create_queue(QueueName=full, Attributes={**attributes, **({"FifoQueue": "true"} if fifo else {})})
        url = url["QueueUrl"]
        made.append(url)
        return url

    yield make
    for url in made:
        sqs.delete_queue(QueueUrl=url)


@pytest.fixture
def ledger(resource, table_name):
    return keyed_table(resource("dynamodb"), table_name, "order_id")


def rule(queue_arn, prefix, suffix, events, name):
    return {"Id": name, "QueueArn": queue_arn, "Events": events,
            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": prefix},
                                                {"Name": "suffix", "Value": suffix}]}}}


class Worker:
    """Polls both queues; a message it fails on is given back at once (visibility 0)."""

    def __init__(self, sqs, s3, ledger, urls):
        self.sqs, self.s3, self.ledger, self.urls = sqs, s3, ledger, urls
        self.handled, self.failed = [], []

    def poll(self) -> int:
        """One receive per queue; returns how many messages it got."""
        got = 0
        for url in self.urls:
            for message in self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
                got += 1
                body = json.loads(message["Body"])
                if body.get("Event") == "s3:TestEvent":
                    self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                    continue
                try:
                    for record in body["Records"]:
                        self.handle(record)
                except ValueError:
                    self.failed.append(unquote_plus(body["Records"][0]["s3"]["object"]["key"]))
                    self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"],
                                                       VisibilityTimeout=0)
                    continue
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return got

    def handle(self, record):
        bucket, key = record["s3"]["bucket"]["name"], unquote_plus(record["s3"]["object"]["key"])
        body = self.s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        if key.endswith(".csv"):
            rows = [{**row, "qty": int(row["qty"])} for row in csv.DictReader(io.StringIO(body))]
            for row in rows:                     # int() raises ValueError on a bad file: nothing is written
                self.ledger.put_item(Item={**row, "status": "ordered", "source": key})
        else:
            returned = json.loads(body)
            self.ledger.update_item(Key={"order_id": returned["order_id"]}, UpdateExpression="SET #s = :r",
                                    ExpressionAttributeNames={"#s": "status"},
                                    ExpressionAttributeValues={":r": "returned"})
        self.handled.append((record["eventName"], key))

    def drain(self):
        while self.poll():
            pass


def test_two_prefixes_two_queues_one_worker_and_a_redrive(client, bucket, queues, ledger):
    sqs, s3 = client("sqs"), client("s3")
    dlq = queues("orders-dlq")
    orders = queues("orders", RedrivePolicy=json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq),
                                                         "maxReceiveCount": "2"}))
    returns = queues("returns")
    config = {"QueueConfigurations": [
        rule(arn_of(sqs, orders), "incoming/orders/", ".csv", ["s3:ObjectCreated:*"], "orders"),
        rule(arn_of(sqs, returns), "incoming/returns/", ".json", ["s3:ObjectCreated:Put"], "returns")]}
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)

    catch_all = {"QueueConfigurations": config["QueueConfigurations"] + [
        rule(arn_of(sqs, returns), "incoming/", ".csv", ["s3:ObjectCreated:Put"], "everything")]}
    assert error_of(s3.put_bucket_notification_configuration, Bucket=bucket,
                    NotificationConfiguration=catch_all) == (
        "InvalidArgument", "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules "
                           "if the prefixes are overlapping for the same event type.")
    kept = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]
    assert [c["Id"] for c in kept] == ["orders", "returns"]

    s3.put_object(Bucket=bucket, Key="incoming/orders/day 1.csv", Body=ORDERS_OK.encode())
    s3.put_object(Bucket=bucket, Key="incoming/orders/day2.csv", Body=ORDERS_BAD.encode())
    s3.put_object(Bucket=bucket, Key="incoming/orders/readme.txt", Body=b"not an order")
    s3.put_object(Bucket=bucket, Key="incoming/returns/r-1.json", Body=json.dumps({"order_id": "o-2"}).encode())
    s3.copy_object(Bucket=bucket, Key="incoming/returns/r-1-copy.json",
                   CopySource={"Bucket": bucket, "Key": "incoming/returns/r-1.json"})   # Copy: not a Put
    upload = s3.create_multipart_upload(Bucket=bucket, Key="incoming/orders/bulk.csv")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="incoming/orders/bulk.csv", UploadId=upload, PartNumber=1,
                          Body=b"order_id,sku,qty\no-4,fig,2\n")
    s3.complete_multipart_upload(Bucket=bucket, Key="incoming/orders/bulk.csv", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})

    worker = Worker(sqs, s3, ledger, [orders, returns])
    worker.drain()
    assert sorted(worker.handled) == [
        ("ObjectCreated:CompleteMultipartUpload", "incoming/orders/bulk.csv"),
        ("ObjectCreated:Put", "incoming/orders/day 1.csv"), ("ObjectCreated:Put", "incoming/returns/r-1.json")]
    assert worker.failed == ["incoming/orders/day2.csv", "incoming/orders/day2.csv"]
    dead = sqs.receive_message(QueueUrl=dlq, VisibilityTimeout=0).get("Messages", [])
    assert [unquote_plus(json.loads(m["Body"])["Records"][0]["s3"]["object"]["key"]) for m in dead] == [
        "incoming/orders/day2.csv"]

    # The producer fixes the file in place; its new event is handled, and the old one is redriven.
    s3.put_object(Bucket=bucket, Key="incoming/orders/day2.csv", Body=ORDERS_FIXED.encode())
    task = sqs.start_message_move_task(SourceArn=arn_of(sqs, dlq))
    assert task["TaskHandle"]
    moved = wait_for(lambda: [t for t in sqs.list_message_move_tasks(SourceArn=arn_of(sqs, dlq))["Results"]
                              if t["Status"] == "COMPLETED"])
    assert moved[0]["ApproximateNumberOfMessagesMoved"] == 1
    worker.drain()
    assert [k for _, k in worker.handled].count("incoming/orders/day2.csv") == 2
    items = {i["order_id"]: (i["sku"], i["qty"], i["status"]) for i in ledger.scan()["Items"]}
    assert items == {"o-1": ("apple", 3, "ordered"), "o-2": ("pear", 1, "returned"), "o-3": ("plum", 12, "ordered"),
                     "o-4": ("fig", 2, "ordered")}
    for url in (orders, returns, dlq):
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages",
                                                                            "ApproximateNumberOfMessagesNotVisible"])
        assert attributes["Attributes"] == {"ApproximateNumberOfMessages": "0",
                                            "ApproximateNumberOfMessagesNotVisible": "0"}


CHANGES = [  # (lsn, row key, operation, balance)
    (101, "acct-1", "insert", 100), (102, "acct-2", "insert", 50), (103, "acct-1", "update", 80),
    (104, "acct-3", "insert", 10), (105, "acct-2", "update", 75), (106, "acct-1", "update", 95),
    (107, "acct-3", "delete", None), (108, "acct-2", "update", 60)]


def change_entries(changes):
    return [{"Id": f"c{lsn}", "MessageGroupId": key, "MessageDeduplicationId": str(lsn),
             "MessageBody": json.dumps({"lsn": lsn, "key": key, "op": op, "balance": balance})}
            for lsn, key, op, balance in changes]


def apply(table, change):
    """Applies a change only if it is newer than what the row has seen."""
    newer = Attr("lsn").not_exists() | Attr("lsn").lt(change["lsn"])
    if change["op"] == "delete":
        table.put_item(Item={"account": change["key"], "lsn": change["lsn"], "deleted": True},
                       ConditionExpression=newer)
    else:
        table.put_item(Item={"account": change["key"], "lsn": change["lsn"], "balance": change["balance"]},
                       ConditionExpression=newer)


@pytest.fixture
def replica(resource, table_name):
    return keyed_table(resource("dynamodb"), table_name, "account")


def test_fifo_cdc_feed_applied_in_order(client, queues, replica):
    sqs = client("sqs")
    feed = queues("cdc", fifo=True, VisibilityTimeout="30")
    sent = sqs.send_message_batch(QueueUrl=feed, Entries=change_entries(CHANGES[:5]))
    assert [s["Id"] for s in sent["Successful"]] == ["c101", "c102", "c103", "c104", "c105"]
    assert sent.get("Failed", []) == []
    # The producer did not see the answer and sends the last two again, with the rest.
    sqs.send_message_batch(QueueUrl=feed, Entries=change_entries(CHANGES[3:]))

    applied, attempt = [], "poll-1"
    first = sqs.receive_message(QueueUrl=feed, MaxNumberOfMessages=10, ReceiveRequestAttemptId=attempt,
                                MessageSystemAttributeNames=["MessageGroupId", "SequenceNumber"])["Messages"]
    # The answer was lost on the way: the same attempt id gives the same messages back.
    again = sqs.receive_message(QueueUrl=feed, MaxNumberOfMessages=10, ReceiveRequestAttemptId=attempt,
                                MessageSystemAttributeNames=["MessageGroupId", "SequenceNumber"])["Messages"]
    assert [m["MessageId"] for m in again] == [m["MessageId"] for m in first]
    batches = [again]
    while True:
        for message in batches[-1]:
            change = json.loads(message["Body"])
            apply(replica, change)
            applied.append(change["lsn"])
            sqs.delete_message(QueueUrl=feed, ReceiptHandle=message["ReceiptHandle"])
        batch = sqs.receive_message(QueueUrl=feed, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            break
        batches.append(batch)

    assert sorted(applied) == [lsn for lsn, *_ in CHANGES]          # each change once
    for key in ("acct-1", "acct-2", "acct-3"):                     # in order per row
        of_row = [lsn for lsn, row, *_ in CHANGES if row == key]
        assert [lsn for lsn in applied if lsn in of_row] == of_row
    sequence = {}
    for message in first:
        group, number = message["Attributes"]["MessageGroupId"], int(message["Attributes"]["SequenceNumber"])
        assert number > sequence.get(group, 0)
        sequence[group] = number
    rows = {i["account"]: (int(i["lsn"]), i.get("balance"), i.get("deleted", False))
            for i in replica.scan(ConsistentRead=True)["Items"]}
    assert rows == {"acct-1": (106, 95, False), "acct-2": (108, 60, False), "acct-3": (107, None, True)}
