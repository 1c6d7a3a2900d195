"""Payment events on a FIFO queue encrypted with the team's own KMS key: the queue names
the key by alias (SSE-KMS) and dedupes by content within each message group (high
throughput FIFO); the consumer applies each account's events in order to a DynamoDB
ledger with conditional writes; the key is rotated on demand and the queue keeps
working; while security has the key disabled, sends are refused with SQS's KMS error,
and once it is enabled again the backlog drains."""
import hashlib
import json
import uuid

import pytest
from boto3.dynamodb.conditions import Attr

from kms_waits import wait_rotated
from trip_helpers import keyed_table, wait_for

EVENTS = [("acct-1", "deposit", 100), ("acct-2", "deposit", 40), ("acct-1", "withdraw", 30),
          ("acct-2", "withdraw", 15), ("acct-1", "deposit", 5)]


@pytest.fixture
def key(client):
    kms = client("kms")
    key_id = kms.create_key(Description="payments queue")["KeyMetadata"]["KeyId"]
    alias = f"alias/payments-{uuid.uuid4().hex[:8]}"
    kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    yield key_id, alias
    kms.delete_alias(AliasName=alias)
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)


@pytest.fixture
def queue(client, key):
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=f"payments-{uuid.uuid4().hex[:8]}.fifo", Attributes={
        "FifoQueue": "true", "ContentBasedDeduplication": "true", "DeduplicationScope": "messageGroup",
        "FifoThroughputLimit": "perMessageGroupId", "KmsMasterKeyId": key[1],
        "KmsDataKeyReusePeriodSeconds": "60"})["QueueUrl"]
    yield url
    sqs.delete_queue(QueueUrl=url)


def send(sqs, url, account, kind, amount, sequence):
    body = json.dumps({"account": account, "kind": kind, "amount": amount, "seq": sequence})
    return sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=account)


def apply(ledger, event):
    """Applies an event once, and only after the account's previous one."""
    sign = 1 if event["kind"] == "deposit" else -1
    ledger.update_item(Key={"account": event["account"]},
                       UpdateExpression="SET balance = if_not_exists(balance, :zero) + :delta, seq = :seq",
                       ConditionExpression=Attr("seq").not_exists() | Attr("seq").lt(event["seq"]),
                       ExpressionAttributeValues={":zero": 0, ":delta": sign * event["amount"], ":seq": event["seq"]})


def drain(sqs, url, ledger):
    applied = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                          MessageSystemAttributeNames=["MessageGroupId"]).get("Messages", []):
        for message in messages:
            assert message["MD5OfBody"] == hashlib.md5(message["Body"].encode()).hexdigest()
            event = json.loads(message["Body"])
            apply(ledger, event)
            applied.append((message["Attributes"]["MessageGroupId"], event["seq"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return applied


def test_encrypted_fifo_payments_through_a_key_rotation_and_an_outage(client, resource, table_name, key, queue):
    sqs, kms = client("sqs"), client("kms")
    ledger = keyed_table(resource("dynamodb"), table_name, "account")
    attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    names = ("KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled", "DeduplicationScope",
             "FifoThroughputLimit")
    assert [attributes[n] for n in names] == [key[1], "60", "false", "messageGroup", "perMessageGroupId"]

    for sequence, event in enumerate(EVENTS[:3], start=1):
        send(sqs, queue, *event, sequence)
    send(sqs, queue, *EVENTS[0], 1)                               # the producer's retry: same body, same group
    applied = drain(sqs, queue, ledger)
    assert sorted(applied) == [("acct-1", 1), ("acct-1", 3), ("acct-2", 2)]
    assert [seq for group, seq in applied if group == "acct-1"] == [1, 3]          # in order within a group

    kms.enable_key_rotation(KeyId=key[0])
    kms.rotate_key_on_demand(KeyId=key[0])
    wait_rotated(kms, key[0])
    assert [r["RotationType"] for r in kms.list_key_rotations(KeyId=key[0])["Rotations"]] == ["ON_DEMAND"]
    send(sqs, queue, *EVENTS[3], 4)

    kms.disable_key(KeyId=key[0])
    refused = pytest.raises(sqs.exceptions.ClientError, send, sqs, queue, *EVENTS[4], 5)
    assert refused.value.response["Error"]["Code"] == "KMS.DisabledException"
    kms.enable_key(KeyId=key[0])
    send(sqs, queue, *EVENTS[4], 5)
    assert drain(sqs, queue, ledger) == [("acct-2", 4), ("acct-1", 5)]

    balances = {i["account"]: int(i["balance"]) for i in ledger.scan(ConsistentRead=True)["Items"]}
    assert balances == {"acct-1": 75, "acct-2": 25}
    wait_for(lambda: sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"] == "0")
