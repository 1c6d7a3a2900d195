"""How long a message moved to a dead-letter queue is kept, on the lakebox clock. The SQS
Developer Guide (dead-letter queue retention): "For standard queues, the expiration of a
message is always based on its original enqueue timestamp. When a message is moved to a
dead-letter queue, the enqueue timestamp is unchanged." and "For FIFO queues, the enqueue
timestamp resets when the message is moved to a dead-letter queue." A message that spent
50 s in its source queue is moved to a dead-letter queue keeping messages 60 s: 30 s
later the standard one is gone (80 s since it was sent), the FIFO one is still there
(30 s since the move), its SentTimestamp still the original send."""
import json

import pytest
from sqs_helpers import receive_all


def arn(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def moved_after_50_seconds(sqs, make_queue, clock, fifo):
    dlq = make_queue(fifo=fifo, prefix="dlq", MessageRetentionPeriod=60)
    source = make_queue(fifo=fifo, prefix="src", RedrivePolicy=json.dumps(
        {"deadLetterTargetArn": arn(sqs, dlq), "maxReceiveCount": 1}))
    send = {"MessageGroupId": "g", "MessageDeduplicationId": "d"} if fifo else {}
    sqs.send_message(QueueUrl=source, MessageBody="poison", **send)
    sent = sqs.receive_message(QueueUrl=source, AttributeNames=["SentTimestamp"])["Messages"][0]
    sqs.change_message_visibility(QueueUrl=source, ReceiptHandle=sent["ReceiptHandle"], VisibilityTimeout=0)
    clock(50)
    assert sqs.receive_message(QueueUrl=source).get("Messages", []) == []     # moved, not handed out
    return dlq, sent["Attributes"]["SentTimestamp"]


@pytest.mark.local_only
def test_a_standard_message_keeps_its_enqueue_time_in_the_dead_letter_queue(sqs, make_queue, clock):
    dlq, _ = moved_after_50_seconds(sqs, make_queue, clock, fifo=False)
    clock(30)
    assert receive_all(sqs, dlq) == []


@pytest.mark.local_only
def test_a_fifo_message_is_kept_from_its_move_to_the_dead_letter_queue(sqs, make_queue, clock):
    dlq, sent_at = moved_after_50_seconds(sqs, make_queue, clock, fifo=True)
    clock(30)
    [kept] = sqs.receive_message(QueueUrl=dlq, AttributeNames=["SentTimestamp"])["Messages"]
    assert (kept["Body"], kept["Attributes"]["SentTimestamp"]) == ("poison", sent_at)
    sqs.change_message_visibility(QueueUrl=dlq, ReceiptHandle=kept["ReceiptHandle"], VisibilityTimeout=0)
    clock(31)
    assert receive_all(sqs, dlq) == []
