"""A telemetry team's producer and consumer on a standard queue, checking the digests the
way the Java and .NET SDKs do: every message carries typed attributes (String, Number,
Binary, and custom types such as Number.float, String.json and Binary.gif) and an X-Ray
AWSTraceHeader; the producer recomputes MD5OfMessageBody, MD5OfMessageAttributes and
MD5OfMessageSystemAttributes from what it sent; the consumer asks for system attributes
by the new name (MessageSystemAttributeNames) in one service and the old one
(AttributeNames) in another, filters user attributes by name, `*` and `prefix.*`, and
recomputes MD5OfMessageAttributes over only the attributes it got back. The mistakes a
producer makes along the way are refused with SQS's words: an empty value, a Number that
is not one, a list value, an empty body or message group id, a system attribute other
than AWSTraceHeader."""
import hashlib
import struct

import pytest

from trip_helpers import error_of

TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
ATTRIBUTES = {
    "device": {"DataType": "String", "StringValue": "sensor-17"},
    "reading.celsius": {"DataType": "Number.float", "StringValue": "21.75"},
    "reading.count": {"DataType": "Number", "StringValue": "42"},
    "payload.meta": {"DataType": "String.json", "StringValue": '{"fw": "1.2.3"}'},
    "thumbnail": {"DataType": "Binary.gif", "BinaryValue": b"GIF89a\x01\x00\x01\x00\x00\xff"},
    "signature": {"DataType": "Binary", "BinaryValue": bytes(range(16))},
}


def md5_of_attributes(attributes: dict) -> str:
    """The SDKs' digest: per name in order, the name, the type, 1 (string) or 2 (binary)
    and the value, each length-prefixed (4 bytes, big-endian) but the transport byte."""
    def prefixed(data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + data
    digest = hashlib.md5()
    for name in sorted(attributes):
        value = attributes[name]
        digest.update(prefixed(name.encode()) + prefixed(value["DataType"].encode()))
        if "BinaryValue" in value:
            digest.update(b"\x02" + prefixed(value["BinaryValue"]))
        else:
            digest.update(b"\x01" + prefixed(value["StringValue"].encode()))
    return digest.hexdigest()


def receive_one(sqs, url, **params):
    """The one message a receive returns (waiting for it, as AWS's short polls may miss it)."""
    (message,) = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5, **params)["Messages"]
    return message


@pytest.fixture
def telemetry(sqs_queues):
    return sqs_queues("telemetry")


def test_typed_attributes_and_their_digests(client, telemetry):
    sqs = client("sqs")
    body = '{"t": 1733300000, "v": 21.75}'
    sent = sqs.send_message(QueueUrl=telemetry, MessageBody=body, MessageAttributes=ATTRIBUTES,
                            MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": TRACE}})
    assert sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest()
    assert sent["MD5OfMessageAttributes"] == md5_of_attributes(ATTRIBUTES)
    assert sent["MD5OfMessageSystemAttributes"] == md5_of_attributes(
        {"AWSTraceHeader": {"DataType": "String", "StringValue": TRACE}})

    # The new parameter name, every user attribute.
    message = receive_one(sqs, telemetry, MessageSystemAttributeNames=["AWSTraceHeader", "SenderId"],
                          MessageAttributeNames=["All"], VisibilityTimeout=0)
    assert message["MessageId"] == sent["MessageId"]
    assert message["Body"] == body and message["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert message["MessageAttributes"] == ATTRIBUTES
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert sorted(message["Attributes"]) == ["AWSTraceHeader", "SenderId"]
    assert message["Attributes"]["AWSTraceHeader"] == TRACE

    # The old parameter name, attributes chosen by name and by prefix: the digest covers
    # only what came back.
    again = receive_one(sqs, telemetry, AttributeNames=["ApproximateReceiveCount", "AWSTraceHeader"],
                        MessageAttributeNames=["reading.*", "thumbnail", "missing"], VisibilityTimeout=0)
    chosen = {name: ATTRIBUTES[name] for name in ("reading.celsius", "reading.count", "thumbnail")}
    assert again["MessageAttributes"] == chosen
    assert again["MD5OfMessageAttributes"] == md5_of_attributes(chosen)
    assert again["Attributes"] == {"ApproximateReceiveCount": "2", "AWSTraceHeader": TRACE}

    # `*` is every attribute; `pay.*` is every name starting with "pay", dot or not.
    star = receive_one(sqs, telemetry, MessageAttributeNames=["*"], VisibilityTimeout=0)
    assert star["MessageAttributes"] == ATTRIBUTES
    prefixed = receive_one(sqs, telemetry, MessageAttributeNames=["pay.*", "sig.*"], VisibilityTimeout=0)
    assert prefixed["MessageAttributes"] == {name: ATTRIBUTES[name] for name in ("payload.meta", "signature")}
    assert prefixed["MD5OfMessageAttributes"] == md5_of_attributes(prefixed["MessageAttributes"])

    # Nothing asked for, nothing but the body.
    plain = receive_one(sqs, telemetry)
    assert "MessageAttributes" not in plain and "Attributes" not in plain and "MD5OfMessageAttributes" not in plain
    sqs.delete_message(QueueUrl=telemetry, ReceiptHandle=plain["ReceiptHandle"])


def test_a_batch_reports_each_digest(client, telemetry):
    sqs = client("sqs")
    batch = sqs.send_message_batch(QueueUrl=telemetry, Entries=[
        {"Id": "typed", "MessageBody": "a", "MessageAttributes": {"n": ATTRIBUTES["reading.celsius"]}},
        {"Id": "traced", "MessageBody": "b",
         "MessageSystemAttributes": {"AWSTraceHeader": {"DataType": "String", "StringValue": TRACE}}},
        {"Id": "empty", "MessageBody": "c", "MessageAttributes": {"note": {"DataType": "String", "StringValue": ""}}},
    ])
    by_id = {entry["Id"]: entry for entry in batch["Successful"]}
    assert sorted(by_id) == ["traced", "typed"]
    assert by_id["typed"]["MD5OfMessageAttributes"] == md5_of_attributes({"n": ATTRIBUTES["reading.celsius"]})
    assert "MD5OfMessageSystemAttributes" not in by_id["typed"]
    assert by_id["traced"]["MD5OfMessageSystemAttributes"] == md5_of_attributes(
        {"AWSTraceHeader": {"DataType": "String", "StringValue": TRACE}})
    assert "MD5OfMessageAttributes" not in by_id["traced"]
    assert batch["Failed"] == [{"Id": "empty", "SenderFault": True, "Code": "InvalidParameterValue",
                                "Message": "Message (user) attribute 'note' must contain a non-empty value of type "
                                           "'String'."}]


def test_producer_mistakes(client, telemetry):
    sqs = client("sqs")
    assert error_of(sqs.send_message, QueueUrl=telemetry, MessageBody="x",
                    MessageAttributes={"error.details": {"DataType": "String", "StringValue": ""}}) == (
        "InvalidParameterValue",
        "Message (user) attribute 'error.details' must contain a non-empty value of type 'String'.")
    assert error_of(sqs.send_message, QueueUrl=telemetry, MessageBody="x",
                    MessageAttributes={"reading": {"DataType": "Number.float", "StringValue": "warm"}}) == (
        "InvalidParameterValue", "Can't cast the value of message (user) attribute 'reading' to a number.")
    assert error_of(sqs.send_message, QueueUrl=telemetry, MessageBody="x",
                    MessageAttributes={"tags": {"DataType": "String", "StringListValues": ["a", "b"]}}) == (
        "InvalidParameterValue", "Message attribute list values in SendMessage operation are not supported.")
    assert error_of(sqs.send_message, QueueUrl=telemetry, MessageBody="") == (
        "MissingParameter", "The request must contain the parameter MessageBody.")
    assert error_of(sqs.send_message, QueueUrl=telemetry, MessageBody="x", MessageGroupId="") == (
        "InvalidParameterValue", "Value  for parameter MessageGroupId is invalid. Reason: MessageGroupId can only "
                                 "include alphanumeric and punctuation characters. 1 to 128 in length.")
    code, _ = error_of(sqs.send_message, QueueUrl=telemetry, MessageBody="x",
                       MessageSystemAttributes={"SenderId": {"DataType": "String", "StringValue": "me"}})
    assert code == "ValidationException"
    assert sqs.receive_message(QueueUrl=telemetry).get("Messages") is None     # nothing was sent
