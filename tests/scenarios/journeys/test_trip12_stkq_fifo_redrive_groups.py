"""A settlement team's FIFO dead-letter queue is redriven to a repair queue while one of
its messages is still being looked at: the move task keeps each message group in order
(the group whose first message is in flight waits for it, other groups move at once),
every redriven message is a new message whose deduplication id is the message id it had
in the dead-letter queue, a producer that sends with that id afterwards is answered with
the redriven message, and a message whose id the repair queue has already seen is
dropped, not delivered twice. Recorded from real SQS: radkawar/stackd
testdata/aws/sqs/fifo_redrive.json (held_progress, held_destination, released_destination,
duplicate_a0, collision_progress, collision_destination)."""
import json

from trip_helpers import wait_for

ALL = ["All"]


def _arn(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def _task(sqs, source_arn):
    return sqs.list_message_move_tasks(SourceArn=source_arn)["Results"][0]


def _family(sqs, sqs_queues, prefix):
    dead = sqs_queues(f"{prefix}-dead", FifoQueue="true")
    dead_arn = _arn(sqs, dead)
    sqs_queues(f"{prefix}-source", FifoQueue="true",
               RedrivePolicy=json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": 1}))
    repair = sqs_queues(f"{prefix}-repair", FifoQueue="true")
    return dead, dead_arn, repair, _arn(sqs, repair)


def test_a_redrive_keeps_groups_in_order_and_dedups_by_old_id(client, sqs_queues):
    sqs = client("sqs")
    dead, dead_arn, repair, repair_arn = _family(sqs, sqs_queues, "settle")
    a0 = sqs.send_message(QueueUrl=dead, MessageBody="a0", MessageGroupId="a", MessageDeduplicationId="manual-a0")
    held = sqs.receive_message(QueueUrl=dead, VisibilityTimeout=600)["Messages"][0]     # someone looks at a0
    a1 = sqs.send_message(QueueUrl=dead, MessageBody="a1", MessageGroupId="a", MessageDeduplicationId="manual-a1")
    b0 = sqs.send_message(QueueUrl=dead, MessageBody="b0", MessageGroupId="b", MessageDeduplicationId="manual-b0")

    sqs.start_message_move_task(SourceArn=dead_arn, DestinationArn=repair_arn, MaxNumberOfMessagesPerSecond=10)
    moved_b = wait_for(lambda: sqs.receive_message(QueueUrl=repair, MaxNumberOfMessages=10,
                                                   MessageSystemAttributeNames=ALL).get("Messages"))
    assert [m["Body"] for m in moved_b] == ["b0"]                 # group a waits for a0
    attrs = moved_b[0]["Attributes"]
    assert moved_b[0]["MessageId"] != b0["MessageId"]
    assert attrs["MessageDeduplicationId"] == b0["MessageId"] and attrs["MessageGroupId"] == "b"
    assert int(attrs["SequenceNumber"]) > int(b0["SequenceNumber"])
    task = _task(sqs, dead_arn)
    assert task["Status"] == "RUNNING" and "TaskHandle" in task
    assert task["ApproximateNumberOfMessagesToMove"] == 3
    assert task["MaxNumberOfMessagesPerSecond"] == 10
    assert sqs.receive_message(QueueUrl=repair, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages") is None
    assert _task(sqs, dead_arn)["Status"] == "RUNNING"

    sqs.change_message_visibility(QueueUrl=dead, ReceiptHandle=held["ReceiptHandle"], VisibilityTimeout=0)
    done = wait_for(lambda: (t := _task(sqs, dead_arn))["Status"] == "COMPLETED" and t)
    assert "TaskHandle" not in done
    moved_a = wait_for(lambda: sqs.receive_message(QueueUrl=repair, MaxNumberOfMessages=10,
                                                   MessageSystemAttributeNames=ALL).get("Messages"))
    assert [m["Body"] for m in moved_a] == ["a0", "a1"]
    assert [m["Attributes"]["MessageDeduplicationId"] for m in moved_a] == [a0["MessageId"], a1["MessageId"]]
    assert {m["Attributes"]["MessageGroupId"] for m in moved_a} == {"a"}

    again = sqs.send_message(QueueUrl=repair, MessageBody="a0 again", MessageGroupId="a",
                             MessageDeduplicationId=a0["MessageId"])
    assert (again["MessageId"], again["SequenceNumber"]) == (
        moved_a[0]["MessageId"], moved_a[0]["Attributes"]["SequenceNumber"])
    assert sqs.receive_message(QueueUrl=repair, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages") is None


def test_a_message_the_destination_has_seen_is_not_delivered_again(client, sqs_queues):
    sqs = client("sqs")
    dead, dead_arn, repair, repair_arn = _family(sqs, sqs_queues, "collide")
    sent = sqs.send_message(QueueUrl=dead, MessageBody="collision", MessageGroupId="collision-group",
                            MessageDeduplicationId="collision")
    seeded = sqs.send_message(QueueUrl=repair, MessageBody="existing", MessageGroupId="collision-group",
                              MessageDeduplicationId=sent["MessageId"])
    seen = sqs.receive_message(QueueUrl=repair, MessageSystemAttributeNames=ALL)["Messages"]
    assert [(m["MessageId"], m["Body"]) for m in seen] == [(seeded["MessageId"], "existing")]

    sqs.start_message_move_task(SourceArn=dead_arn, DestinationArn=repair_arn, MaxNumberOfMessagesPerSecond=10)
    done = wait_for(lambda: (t := _task(sqs, dead_arn))["Status"] == "COMPLETED" and t)
    assert (done["ApproximateNumberOfMessagesMoved"], done["ApproximateNumberOfMessagesToMove"]) == (0, 1)
    assert sqs.receive_message(QueueUrl=repair, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages") is None


def test_an_automatic_dead_letter_move_keeps_the_message_and_remembers_its_id(client, sqs_queues):
    """fifo_redrive.json: source_attempt_poison, dead_arrival_poison,
    duplicate_dead_arrival, return_start, returned_source."""
    sqs = client("sqs")
    dead = sqs_queues("auto-dead", FifoQueue="true")
    dead_arn = _arn(sqs, dead)
    source = sqs_queues("auto-source", FifoQueue="true",
                        RedrivePolicy=json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": 1}))
    sent = sqs.send_message(QueueUrl=source, MessageBody="return", MessageGroupId="source-group",
                            MessageDeduplicationId="source-return")
    first = sqs.receive_message(QueueUrl=source, VisibilityTimeout=1, MessageSystemAttributeNames=ALL)["Messages"][0]

    def arrived():
        assert sqs.receive_message(QueueUrl=source, MessageSystemAttributeNames=ALL).get("Messages") is None
        return sqs.receive_message(QueueUrl=dead, MessageSystemAttributeNames=ALL).get("Messages")
    [moved] = wait_for(arrived)
    attrs = moved["Attributes"]
    assert moved["MessageId"] == sent["MessageId"] and moved["Body"] == "return"
    assert attrs["SentTimestamp"] == first["Attributes"]["SentTimestamp"]
    assert attrs["ApproximateFirstReceiveTimestamp"] == first["Attributes"]["ApproximateFirstReceiveTimestamp"]
    assert attrs["ApproximateReceiveCount"] == "2"
    assert attrs["MessageDeduplicationId"] == sent["MessageId"] and attrs["MessageGroupId"] == "source-group"
    assert attrs["DeadLetterQueueSourceArn"] == _arn(sqs, source)
    assert int(attrs["SequenceNumber"]) > int(sent["SequenceNumber"])

    repeat = sqs.send_message(QueueUrl=dead, MessageBody="repeat", MessageGroupId="source-group",
                              MessageDeduplicationId=sent["MessageId"])
    assert (repeat["MessageId"], repeat["SequenceNumber"]) == (sent["MessageId"], attrs["SequenceNumber"])
    assert sqs.receive_message(QueueUrl=dead, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages") is None

    sqs.change_message_visibility(QueueUrl=dead, ReceiptHandle=moved["ReceiptHandle"], VisibilityTimeout=0)
    sqs.start_message_move_task(SourceArn=dead_arn)
    [back] = wait_for(lambda: sqs.receive_message(QueueUrl=source, MessageSystemAttributeNames=ALL).get("Messages"))
    assert back["Body"] == "return" and back["MessageId"] != sent["MessageId"]
    assert back["Attributes"]["MessageDeduplicationId"] == sent["MessageId"]
    assert back["Attributes"]["ApproximateReceiveCount"] == "1"
    assert "DeadLetterQueueSourceArn" not in back["Attributes"]
