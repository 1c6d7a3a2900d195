"""Messages with boto3: send, receive, delete, visibility, delays, long polling, batches
with per-entry failures, message attributes and their MD5 digests (computed here as
AWS documents: "Calculating the MD5 message digest for message attributes")."""
import hashlib
import struct
import threading
import time

import pytest
from sqs_helpers import error_of, receive_all


def documented_md5(attributes: dict) -> str:
    digest = hashlib.md5()
    for name in sorted(attributes):
        value = attributes[name]
        for part in (name.encode(), value["DataType"].encode()):
            digest.update(struct.pack(">I", len(part)) + part)
        if "BinaryValue" in value:
            digest.update(b"\x02" + struct.pack(">I", len(value["BinaryValue"])) + value["BinaryValue"])
        else:
            data = value["StringValue"].encode()
            digest.update(b"\x01" + struct.pack(">I", len(data)) + data)
    return digest.hexdigest()


ATTRIBUTES = {"colour": {"DataType": "String", "StringValue": "blau"},
              "count": {"DataType": "Number", "StringValue": "42"},
              "raw": {"DataType": "Binary", "BinaryValue": b"\x00\xff\x10"},
              "kind": {"DataType": "String.custom", "StringValue": "ünïcode"}}


def test_round_trip_with_attributes_and_digests(sqs, make_queue):
    url = make_queue()
    sent = sqs.send_message(QueueUrl=url, MessageBody="héllo wörld", MessageAttributes=ATTRIBUTES,
                            MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String",
                                                                       "StringValue": "Root=1-abc"}})
    assert sent["MD5OfMessageBody"] == hashlib.md5("héllo wörld".encode()).hexdigest()
    assert sent["MD5OfMessageAttributes"] == documented_md5(ATTRIBUTES)
    assert sent["MD5OfMessageSystemAttributes"] == documented_md5(
        {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-abc"}})
    [message] = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"],
                                    MessageSystemAttributeNames=["All"])["Messages"]
    assert message["MessageId"] == sent["MessageId"]
    assert message["Body"] == "héllo wörld"
    assert message["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert message["MessageAttributes"] == ATTRIBUTES
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"
    assert message["Attributes"]["AWSTraceHeader"] == "Root=1-abc"
    assert set(message["Attributes"]) >= {"SenderId", "SentTimestamp", "ApproximateFirstReceiveTimestamp"}
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None


def test_only_requested_attributes_come_back(sqs, make_queue):
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes=ATTRIBUTES)
    [message] = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["colour", "ra.*"],
                                    MessageSystemAttributeNames=["SentTimestamp"])["Messages"]
    assert set(message["MessageAttributes"]) == {"colour", "raw"}
    assert message["MD5OfMessageAttributes"] == documented_md5({name: ATTRIBUTES[name] for name in ("colour", "raw")})
    assert set(message["Attributes"]) == {"SentTimestamp"}
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    [plain] = sqs.receive_message(QueueUrl=url)["Messages"]
    assert "MessageAttributes" not in plain and "MD5OfMessageAttributes" not in plain and "Attributes" not in plain


def test_in_flight_messages_are_hidden_and_change_visibility_returns_them(sqs, make_queue):
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="once")
    [first] = sqs.receive_message(QueueUrl=url)["Messages"]
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0)
    [again] = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert again["MessageId"] == first["MessageId"]
    assert again["ReceiptHandle"] != first["ReceiptHandle"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"
    # The older handle no longer deletes: the latest receive's does.
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"], VisibilityTimeout=0)
    [third] = sqs.receive_message(QueueUrl=url)["Messages"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=third["ReceiptHandle"])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=third["ReceiptHandle"])      # again: still succeeds
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None


@pytest.mark.local_only
def test_visibility_timeout_runs_on_the_server_clock(sqs, make_queue, clock):
    url = make_queue(VisibilityTimeout=100)
    sqs.send_message(QueueUrl=url, MessageBody="slow work")
    [first] = sqs.receive_message(QueueUrl=url)["Messages"]
    clock(50)
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None
    clock(51)
    [again] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=5)["Messages"]
    assert again["MessageId"] == first["MessageId"]
    clock(6)
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["MessageId"] == first["MessageId"]


@pytest.mark.local_only
def test_delays_and_retention(sqs, make_queue, clock):
    url = make_queue(DelaySeconds=30, MessageRetentionPeriod=120)
    sqs.send_message(QueueUrl=url, MessageBody="queue delay")
    sqs.send_message(QueueUrl=url, MessageBody="own delay", DelaySeconds=60)
    sqs.send_message(QueueUrl=url, MessageBody="no delay", DelaySeconds=0)
    def peek():
        """The bodies receivable now, left visible."""
        found = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
        return sorted(m["Body"] for m in found.get("Messages", []))
    assert peek() == ["no delay"]
    clock(31)
    assert peek() == ["no delay", "queue delay"]
    clock(30)
    assert peek() == ["no delay", "own delay", "queue delay"]
    clock(60)
    assert receive_all(sqs, url) == []
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert counts["Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_long_poll_returns_when_a_message_arrives(sqs, make_queue):
    url = make_queue()
    got = []
    poller = threading.Thread(target=lambda: got.append(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20)))
    poller.start()
    time.sleep(0.3)
    sqs.send_message(QueueUrl=url, MessageBody="wake up")
    poller.join(10)          # well inside the 20 s wait: the answer came with the message
    assert not poller.is_alive()
    assert got[0]["Messages"][0]["Body"] == "wake up"


def test_long_poll_with_nothing_answers_empty(sqs, make_queue):
    url = make_queue(ReceiveMessageWaitTimeSeconds=1)
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None


def test_batches_report_each_entry(sqs, make_queue):
    url = make_queue()
    answer = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "ok", "MessageBody": "fine"},
        {"Id": "late", "MessageBody": "too late", "DelaySeconds": 901},
        {"Id": "bad", "MessageBody": "nul \x00 byte"}])
    assert [e["Id"] for e in answer["Successful"]] == ["ok"]
    failed = {e["Id"]: (e["Code"], e["Message"], e["SenderFault"]) for e in answer["Failed"]}
    assert failed["late"] == ("InvalidParameterValue", "Value 901 for parameter DelaySeconds is invalid. "
                              "Reason: DelaySeconds must be >= 0 and <= 900.", True)
    assert failed["bad"][0] == "InvalidMessageContents"
    [message] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[
        {"Id": "a", "ReceiptHandle": message["ReceiptHandle"]}, {"Id": "b", "ReceiptHandle": "garbage"}])
    assert deleted["Successful"] == [{"Id": "a"}]
    assert deleted["Failed"] == [{"Id": "b", "SenderFault": True, "Code": "ReceiptHandleIsInvalid",
                                  "Message": 'The input receipt handle "garbage" is not a valid receipt handle.'}]


@pytest.mark.parametrize("entries, code, message", [
    ([], "AWS.SimpleQueueService.EmptyBatchRequest",
     "There should be at least one SendMessageBatchRequestEntry in the request."),
    ([{"Id": str(i), "MessageBody": "x"} for i in range(11)], "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
     "Maximum number of entries per request are 10. You have sent 11."),
    ([{"Id": "same", "MessageBody": "x"}, {"Id": "same", "MessageBody": "y"}],
     "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id same repeated."),
    ([{"Id": "no spaces", "MessageBody": "x"}], "AWS.SimpleQueueService.InvalidBatchEntryId",
     "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
     "It can be at most 80 letters long."),
])
def test_bad_batches_change_nothing(sqs, make_queue, entries, code, message):
    url = make_queue()
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    assert error_of(raised) == (code, message)
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None


def test_batch_too_long(sqs, make_queue):
    url = make_queue()
    entries = [{"Id": str(i), "MessageBody": "x" * 200_000} for i in range(6)]
    with pytest.raises(sqs.exceptions.BatchRequestTooLong) as raised:
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    assert error_of(raised) == ("AWS.SimpleQueueService.BatchRequestTooLong",
                                "Batch requests cannot be longer than 1048576 bytes. You have sent 1200000 bytes.")


def test_message_size_limit(sqs, make_queue):
    url = make_queue(MaximumMessageSize=1024)
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1025)
    assert error_of(raised) == ("InvalidParameterValue", "One or more parameters are invalid. Reason: Message must "
                                                         "be shorter than 1024 bytes.")


def test_receipt_handle_and_receive_checks(sqs, make_queue):
    url = make_queue()
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid) as raised:
        sqs.delete_message(QueueUrl=url, ReceiptHandle="not-a-handle")
    assert error_of(raised) == ("ReceiptHandleIsInvalid",
                                'The input receipt handle "not-a-handle" is not a valid receipt handle.')
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=11)
    assert error_of(raised) == ("InvalidParameterValue", "Value 11 for parameter MaxNumberOfMessages is invalid. "
                                                         "Reason: Must be between 1 and 10, if provided.")
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    with pytest.raises(sqs.exceptions.MessageNotInflight) as raised:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=10)
    assert error_of(raised) == ("AWS.SimpleQueueService.MessageNotInflight", "The message referred to isn't in "
                                                                             "flight.")


def test_missing_queue_on_every_message_call(sqs):
    url = sqs.create_queue(QueueName="short-lived")["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    for call in (lambda: sqs.send_message(QueueUrl=url, MessageBody="x"),
                 lambda: sqs.receive_message(QueueUrl=url),
                 lambda: sqs.purge_queue(QueueUrl=url)):
        with pytest.raises(sqs.exceptions.QueueDoesNotExist):
            call()
