"""An ops team retunes a live notification queue while workers poll it. The queue delays
every message (DelaySeconds) and long-polls by default (ReceiveMessageWaitTimeSeconds),
so a worker that names no WaitTimeSeconds waits; an urgent message sent with its own
DelaySeconds 0 skips the queue's delay. The three counters move as messages are sent,
delayed, received and deleted. Lowering the queue's delay leaves the messages already
delayed as they were; a worker's long poll is answered as soon as the delayed message
comes due, not at the end of its wait (a message sent later is left for the next poll).
The team's mistakes are refused in SQS's words. Later (on the lakebox clock) the team
shortens MessageRetentionPeriod below the age of the old messages: they expire, also the
one a worker holds, whose handle can then no longer be extended.

Sources: SQS Developer Guide, "Amazon SQS delay queues" (changing a queue's DelaySeconds
does not affect messages already in the queue; a message's own DelaySeconds overrides
the queue's) and "Amazon SQS short and long polling" (a long poll returns as soon as a
message is available); SetQueueAttributes API reference (MessageRetentionPeriod "will
impact existing messages in the queue potentially causing them to be expired and deleted
if the MessageRetentionPeriod is reduced below the age of existing messages");
ReceiveMessage API reference (WaitTimeSeconds, MaxNumberOfMessages bounds)."""
import threading
import time

import pytest

from trip_helpers import error_of

COUNTERS = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed"]


def counters(sqs, url):
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=COUNTERS)["Attributes"]
    return tuple(int(attributes[name]) for name in COUNTERS)


def bodies(answer):
    return sorted(m["Body"] for m in answer.get("Messages", []))


def test_delays_and_long_polls_of_a_retuned_queue(client, sqs_queues):
    sqs = client("sqs", read_timeout=60)
    url = sqs_queues("notify", DelaySeconds="3", ReceiveMessageWaitTimeSeconds="1")
    sqs.send_message(QueueUrl=url, MessageBody="digest")                 # the queue's 3 seconds
    sqs.send_message(QueueUrl=url, MessageBody="urgent", DelaySeconds=0)
    assert counters(sqs, url) == (1, 0, 1)

    # No WaitTimeSeconds: the queue's default long poll; only the urgent message is due.
    [urgent] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60)["Messages"]
    assert urgent["Body"] == "urgent"
    assert counters(sqs, url) == (0, 1, 1)

    # Lowering the queue's delay leaves the digest delayed; a new message is due at once.
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "0"})
    sqs.send_message(QueueUrl=url, MessageBody="reminder")
    assert counters(sqs, url) == (1, 1, 1)
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60)) == ["reminder"]
    assert counters(sqs, url) == (0, 2, 1)

    # A long poll is answered when the digest comes due: the message sent well after
    # that is not in the answer, it waits for the next poll.
    def late_sender():
        time.sleep(7)
        sqs.send_message(QueueUrl=url, MessageBody="late")
    sender = threading.Thread(target=late_sender)
    sender.start()
    try:
        assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=20)) == ["digest"]
    finally:
        sender.join()
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=5)) == ["late"]

    sqs.delete_message(QueueUrl=url, ReceiptHandle=urgent["ReceiptHandle"])
    assert counters(sqs, url) == (0, 3, 0)

    # The team's mistakes, in SQS's words.
    assert error_of(sqs.receive_message, QueueUrl=url, WaitTimeSeconds=21) == (
        "InvalidParameterValue", "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, "
                                 "if provided.")
    for wanted in (0, 11):
        assert error_of(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=wanted) == (
            "InvalidParameterValue", f"Value {wanted} for parameter MaxNumberOfMessages is invalid. Reason: Must be "
                                     "between 1 and 10, if provided.")
    assert error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"ReceiveMessageWaitTimeSeconds": "21"}) == (
        "InvalidAttributeValue", "Invalid value for the parameter ReceiveMessageWaitTimeSeconds.")
    assert error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"DelaySeconds": "901"}) == (
        "InvalidAttributeValue", "Invalid value for the parameter DelaySeconds.")
    assert error_of(sqs.send_message, QueueUrl=url, MessageBody="x", DelaySeconds=901) == (
        "InvalidParameterValue", "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 "
                                 "and <= 900.")
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds", "ReceiveMessageWaitTimeSeconds"])[
        "Attributes"] == {"DelaySeconds": "0", "ReceiveMessageWaitTimeSeconds": "1"}


@pytest.mark.local_only          # ages messages on the lakebox clock
def test_shortened_retention_expires_old_messages(client, sqs_queues, clock):
    sqs = client("sqs")
    url = sqs_queues("audit-trail", MessageRetentionPeriod="3600")
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": f"e{i}", "MessageBody": f"event {i}"} for i in range(3)])
    [held] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=600)["Messages"]
    clock(120)
    sqs.send_message(QueueUrl=url, MessageBody="fresh event")
    assert counters(sqs, url) == (3, 1, 0)

    # 60 seconds is below the age of the first three: they expire, the held one too.
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"MessageRetentionPeriod": "60"})
    assert counters(sqs, url) == (1, 0, 0)
    assert error_of(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=held["ReceiptHandle"],
                    VisibilityTimeout=60) == (
        "InvalidParameterValue", f"Value {held['ReceiptHandle']} for parameter ReceiptHandle is invalid. Reason: "
                                 "Message does not exist or is not available for visibility timeout change.")
    sqs.delete_message(QueueUrl=url, ReceiptHandle=held["ReceiptHandle"])       # gone already: still 200
    [fresh] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert fresh["Body"] == "fresh event"

    # The fresh one lives its 60 seconds from its own send, not from the change.
    clock(61)
    assert counters(sqs, url) == (0, 0, 0)
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None
