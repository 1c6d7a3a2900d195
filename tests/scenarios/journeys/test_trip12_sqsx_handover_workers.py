"""Workers hand messages over on a standard queue, and a FIFO producer written against an
SDK that always sends DelaySeconds. A dispatcher peeks at a job (VisibilityTimeout 0), a
worker takes it; the dispatcher, still holding its earlier receipt handle, gives the job
back at once (ChangeMessageVisibility 0): on a standard queue an earlier receive's handle
still changes the message's visibility. A job whose worker never answers comes back after
its visibility timeout with ApproximateReceiveCount one higher, a new receipt handle, and
the same SentTimestamp and ApproximateFirstReceiveTimestamp (MessageSystemAttributeNames
All). Visibility past 12 hours and on a deleted message is refused in SQS's words;
deleting twice is harmless. The FIFO producer's DelaySeconds 0 is accepted, a real delay
is refused: FIFO queues delay per queue only.

Sources: SQS Developer Guide, "Amazon SQS visibility timeout" (12 hours at most;
VisibilityTimeout 0 makes a message visible at once) and "Amazon SQS message timers"
(FIFO queues don't support per-message timers); ReceiveMessage API reference
(MessageSystemAttributeNames, ApproximateFirstReceiveTimestamp); AWS replies recorded
by localstack's AWS-validated tests test_terminate_visibility_timeout_after_receive (the
first of two receipt handles gives the message back) and
test_send_message_with_delay_0_works_for_fifo."""
import time

from trip_helpers import error_of

COUNTERS = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
STANDARD_ATTRIBUTES = ["ApproximateFirstReceiveTimestamp", "ApproximateReceiveCount", "SenderId", "SentTimestamp"]


def counters(sqs, url):
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=COUNTERS)["Attributes"]
    return tuple(int(attributes[name]) for name in COUNTERS)


def one(sqs, url, **params):
    [message] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5, MessageSystemAttributeNames=["All"],
                                    **params)["Messages"]
    return message


def test_a_job_handed_back_with_an_earlier_handle(client, sqs_queues):
    sqs = client("sqs")
    url = sqs_queues("dispatch")
    sent = sqs.send_message(QueueUrl=url, MessageBody='{"job": 41}')

    peeked = one(sqs, url, VisibilityTimeout=0)                 # the dispatcher looks
    taken = one(sqs, url, VisibilityTimeout=300)                # a worker takes it
    assert sorted(taken["Attributes"]) == STANDARD_ATTRIBUTES
    assert (peeked["MessageId"], taken["MessageId"]) == (sent["MessageId"], sent["MessageId"])
    assert peeked["ReceiptHandle"] != taken["ReceiptHandle"]
    assert (peeked["Attributes"]["ApproximateReceiveCount"], taken["Attributes"]["ApproximateReceiveCount"]) == (
        "1", "2")
    assert counters(sqs, url) == (0, 1)

    # The dispatcher gives it back with the handle of its own, earlier receive.
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=peeked["ReceiptHandle"], VisibilityTimeout=0)
    assert counters(sqs, url) == (1, 0)
    again = one(sqs, url, VisibilityTimeout=1)
    assert again["Attributes"]["ApproximateReceiveCount"] == "3"

    # This worker never answers: after its one second the job is back, the times kept.
    time.sleep(1.5)
    last = one(sqs, url, VisibilityTimeout=60)
    assert last["ReceiptHandle"] not in {peeked["ReceiptHandle"], taken["ReceiptHandle"], again["ReceiptHandle"]}
    assert last["Attributes"]["ApproximateReceiveCount"] == "4"
    for name in ("SentTimestamp", "ApproximateFirstReceiveTimestamp", "SenderId"):
        assert last["Attributes"][name] == peeked["Attributes"][name]
    assert int(last["Attributes"]["ApproximateFirstReceiveTimestamp"]) >= int(last["Attributes"]["SentTimestamp"])

    assert error_of(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=last["ReceiptHandle"],
                    VisibilityTimeout=43201) == (
        "InvalidParameterValue", "Value 43201 for parameter VisibilityTimeout is invalid. Reason: Total "
                                 "VisibilityTimeout for the message is beyond the limit [43200 seconds]")
    sqs.delete_message(QueueUrl=url, ReceiptHandle=last["ReceiptHandle"])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=last["ReceiptHandle"])
    assert counters(sqs, url) == (0, 0)
    for handle in (last["ReceiptHandle"], peeked["ReceiptHandle"]):
        assert error_of(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=10) == (
            "InvalidParameterValue", f"Value {handle} for parameter ReceiptHandle is invalid. Reason: Message does "
                                     "not exist or is not available for visibility timeout change.")


def test_a_fifo_producer_that_always_sends_delay_seconds(client, sqs_queues):
    sqs = client("sqs")
    url = sqs_queues("ledger", FifoQueue="true", ContentBasedDeduplication="true")
    first = sqs.send_message(QueueUrl=url, MessageBody="entry 1", MessageGroupId="acct-7", DelaySeconds=0)
    batch = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "e2", "MessageBody": "entry 2", "MessageGroupId": "acct-7", "DelaySeconds": 0},
        {"Id": "e3", "MessageBody": "entry 3", "MessageGroupId": "acct-7", "DelaySeconds": 5}])
    assert [e["Id"] for e in batch["Successful"]] == ["e2"]
    assert batch["Failed"] == [{"Id": "e3", "SenderFault": True, "Code": "InvalidParameterValue",
                                "Message": "Value 5 for parameter DelaySeconds is invalid. Reason: The request "
                                           "include parameter that is not valid for this queue type."}]
    assert error_of(sqs.send_message, QueueUrl=url, MessageBody="entry 3", MessageGroupId="acct-7",
                    DelaySeconds=5) == (
        "InvalidParameterValue", "Value 5 for parameter DelaySeconds is invalid. Reason: The request include "
                                 "parameter that is not valid for this queue type.")

    entries = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=5,
                                  MessageSystemAttributeNames=["SequenceNumber", "MessageGroupId"])["Messages"]
    assert [(m["Body"], m["Attributes"]["MessageGroupId"]) for m in entries] == [
        ("entry 1", "acct-7"), ("entry 2", "acct-7")]
    assert entries[0]["Attributes"]["SequenceNumber"] == first["SequenceNumber"]
    assert entries[1]["Attributes"]["SequenceNumber"] == batch["Successful"][0]["SequenceNumber"]
