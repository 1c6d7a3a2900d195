"""Pure SQS logic: digests, receipt handles, queue URLs, batch checks, attribute rules."""
import hashlib
import json

import pytest

from lakebox.services.sqs import attributes, model
from lakebox.services.sqs.errors import (BatchEntryIdsNotDistinct, InvalidAddress, InvalidAttributeName,
                                         InvalidAttributeValue, InvalidParameterValue, ReceiptHandleIsInvalid)


def test_attribute_digest_follows_the_documented_byte_layout():
    # name, type, transport byte 1, value; each length-prefixed big-endian (AWS SQS Developer Guide).
    layout = (b"\x00\x00\x00\x01a" + b"\x00\x00\x00\x06String" + b"\x01" + b"\x00\x00\x00\x01x"
              + b"\x00\x00\x00\x01b" + b"\x00\x00\x00\x06Binary" + b"\x02" + b"\x00\x00\x00\x02\x00\x01")
    attrs = {"b": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}, "a": {"DataType": "String", "StringValue": "x"}}
    assert model.md5_of_attributes(attrs) == hashlib.md5(layout).hexdigest()
    assert model.md5_of_attributes({}) is None


def test_receipt_handles_round_trip_and_reject_garbage():
    handle = model.receipt_handle(7, 12345, "abcd")
    assert model.parse_receipt_handle(handle) == (7, 12345, "abcd")
    for bad in ("", "garbage", "bGFrZWJveA==", "bGFrZWJveC1zcXM6MTp4OnQ="):     # the last: a non-numeric row
        with pytest.raises(ReceiptHandleIsInvalid):
            model.parse_receipt_handle(bad)


def test_queue_urls():
    assert model.parse_queue_url("http://localhost:4566/123456789012/jobs", "000000000000") == ("123456789012", "jobs")
    assert model.parse_queue_url("https://sqs.us-east-1.amazonaws.com/123456789012/a.fifo", "x") == \
        ("123456789012", "a.fifo")
    assert model.parse_queue_url("jobs", "000000000000") == ("000000000000", "jobs")
    with pytest.raises(InvalidAddress):
        model.parse_queue_url("http://localhost/a/b/c", "000000000000")


def test_batch_ids():
    model.check_batch_ids([{"Id": "a-1_B"}, {"Id": "b"}], "X")
    with pytest.raises(BatchEntryIdsNotDistinct):
        model.check_batch_ids([{"Id": "a"}, {"Id": "a"}], "X")


def test_attribute_names_filters():
    assert model.wants(["All"], "x") and model.wants([".*"], "x") and model.wants(["*"], "x")
    assert model.wants(["co.*"], "co.lour") and model.wants(["co.*"], "colour")
    assert not model.wants(["co.*"], "kind") and not model.wants(["colour"], "count") and not model.wants(None, "x")


def test_defaults_and_ranges():
    stored = attributes.initial({"VisibilityTimeout": "0", "DelaySeconds": "900"}, False, lambda arn: None)
    assert stored["VisibilityTimeout"] == "0" and stored["DelaySeconds"] == "900"
    assert stored["MessageRetentionPeriod"] == "345600" and "FifoQueue" not in stored
    fifo = attributes.initial({"FifoQueue": "true"}, True, lambda arn: None)
    assert fifo["FifoQueue"] == "true" and fifo["DeduplicationScope"] == "queue"
    for name, value in (("VisibilityTimeout", "-1"), ("DelaySeconds", "1.5"), ("MaximumMessageSize", " 2048")):
        with pytest.raises(InvalidAttributeValue):
            attributes.initial({name: value}, False, lambda arn: None)
    with pytest.raises(InvalidAttributeName):
        attributes.initial({"FifoThroughputLimit": "perQueue"}, False, lambda arn: None)


def test_kms_and_sse_exclude_each_other():
    stored = attributes.initial({"KmsMasterKeyId": "alias/aws/sqs"}, False, lambda arn: None)
    assert stored["SqsManagedSseEnabled"] == "false" and stored["KmsDataKeyReusePeriodSeconds"] == "300"
    with pytest.raises(InvalidAttributeName):
        attributes.initial({"KmsMasterKeyId": "k", "SqsManagedSseEnabled": "true"}, False, lambda arn: None)


def test_redrive_policy_checks():
    target = {"fifo": 0}
    find = {"arn:aws:sqs:us-east-1:000000000000:dlq": target}.get
    good = attributes.redrive_policy(json.dumps({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:dlq",
                                                 "maxReceiveCount": "3"}), False, find)
    assert json.loads(good)["maxReceiveCount"] == 3
    for policy, reason in (
            ({"maxReceiveCount": 3}, "Redrive policy does not contain mandatory attribute: deadLetterTargetArn."),
            ({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:nope", "maxReceiveCount": 3},
             "Dead letter target does not exist."),
            ({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:dlq", "maxReceiveCount": 0},
             "Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive.")):
        with pytest.raises(InvalidParameterValue) as raised:
            attributes.redrive_policy(json.dumps(policy), False, find)
        assert raised.value.message.endswith("Reason: " + reason)
    with pytest.raises(InvalidParameterValue):
        attributes.redrive_policy(good, True, find)          # a FIFO source needs a FIFO dead-letter queue


def test_redrive_allow_policy():
    assert attributes.redrive_allows(None, "arn:x")
    assert not attributes.redrive_allows('{"redrivePermission": "denyAll"}', "arn:x")
    by_queue = attributes.redrive_allow_policy('{"redrivePermission": "byQueue", "sourceQueueArns": ["arn:a"]}')
    assert attributes.redrive_allows(by_queue, "arn:a") and not attributes.redrive_allows(by_queue, "arn:b")
    with pytest.raises(InvalidParameterValue):
        attributes.redrive_allow_policy('{"redrivePermission": "byQueue"}')


def test_body_checks():
    model.check_body("tab\tnew\nline\r ok \U0001f600")
    with pytest.raises(Exception) as raised:
        model.check_body("bell \x07")
    assert type(raised.value).__name__ == "InvalidMessageContents"


def test_redrive_policy_obeys_the_targets_allow_policy():
    dlq = "arn:aws:sqs:us-east-1:000000000000:dlq"
    allow = json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": ["arn:aws:sqs:us-east-1:000000000000:a"]})
    find = {dlq: {"fifo": 0, "attributes": json.dumps({"RedriveAllowPolicy": allow})}}.get
    policy = json.dumps({"deadLetterTargetArn": dlq, "maxReceiveCount": 2})
    assert attributes.redrive_policy(policy, False, find, "arn:aws:sqs:us-east-1:000000000000:a")
    with pytest.raises(InvalidParameterValue) as raised:
        attributes.redrive_policy(policy, False, find, "arn:aws:sqs:us-east-1:000000000000:b")
    assert raised.value.message.startswith(f"Value {policy} for parameter RedrivePolicy is invalid. Reason: ")
