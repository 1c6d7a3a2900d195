"""Dead-letter queues with boto3: a message received maxReceiveCount times moves to the
dead-letter queue, ListDeadLetterSourceQueues finds its sources, and a message move task
redrives it back."""
import json
import time

import pytest
from sqs_helpers import error_of


def arn(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def with_dead_letters(sqs, make_queue, max_receives=2, fifo=False):
    dlq = make_queue(fifo=fifo, prefix="dlq")
    extra = {"ContentBasedDeduplication": "true"} if fifo else {}
    source = make_queue(fifo=fifo, prefix="src", **extra, RedrivePolicy=json.dumps(
        {"deadLetterTargetArn": arn(sqs, dlq), "maxReceiveCount": max_receives}))
    return source, dlq


def fail_to_process(sqs, url, times):
    for _ in range(times):
        [message] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"]
    return message


def test_message_moves_after_max_receive_count(sqs, make_queue):
    source, dlq = with_dead_letters(sqs, make_queue, max_receives=2)
    sent = sqs.send_message(QueueUrl=source, MessageBody="poison")
    fail_to_process(sqs, source, 2)
    assert sqs.receive_message(QueueUrl=source).get("Messages") is None
    [dead] = sqs.receive_message(QueueUrl=dlq, MessageSystemAttributeNames=["All"])["Messages"]
    assert dead["MessageId"] == sent["MessageId"]
    assert dead["Body"] == "poison"
    assert dead["Attributes"]["DeadLetterQueueSourceArn"] == arn(sqs, source)
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [source]


def test_fifo_dead_letters_keep_order(sqs, make_queue):
    source, dlq = with_dead_letters(sqs, make_queue, max_receives=1, fifo=True)
    for body in ("first", "second"):
        sqs.send_message(QueueUrl=source, MessageBody=body, MessageGroupId="g")
    [message] = sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)["Messages"]
    assert message["Body"] == "first"
    [next_one] = sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)["Messages"]
    assert next_one["Body"] == "second"
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]] == ["first"]


def test_fifo_dead_letter_takes_its_message_id_as_deduplication_id(sqs, make_queue):
    """SQS Developer Guide (dead-letter queue redrive): moved to a FIFO DLQ, a message's
    deduplication id is replaced by its message id."""
    source, dlq = with_dead_letters(sqs, make_queue, max_receives=1, fifo=True)
    sent = sqs.send_message(QueueUrl=source, MessageBody="poison", MessageGroupId="g", MessageDeduplicationId="d-1")
    fail_to_process(sqs, source, 1)
    assert sqs.receive_message(QueueUrl=source).get("Messages") is None
    [dead] = sqs.receive_message(QueueUrl=dlq, MessageSystemAttributeNames=["All"])["Messages"]
    assert (dead["MessageId"], dead["Attributes"]["MessageDeduplicationId"], dead["Attributes"]["MessageGroupId"]) == (
        sent["MessageId"], sent["MessageId"], "g")


def test_redrive_policy_checks(sqs, make_queue):
    url = make_queue()
    bad = json.dumps({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:no-such-queue",
                      "maxReceiveCount": 3})
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": bad})
    assert error_of(raised) == ("InvalidParameterValue", f"Value {bad} for parameter RedrivePolicy is invalid. "
                                                         "Reason: Dead letter target does not exist.")


def wait_for_status(sqs, source_arn, wanted):
    for _ in range(200):
        [task] = sqs.list_message_move_tasks(SourceArn=source_arn)["Results"]
        if task["Status"] == wanted:
            return task
        time.sleep(0.05)
    raise AssertionError(f"task still {task['Status']}")


def test_move_task_redrives_to_the_source(sqs, make_queue):
    source, dlq = with_dead_letters(sqs, make_queue, max_receives=1)
    for i in range(3):
        sqs.send_message(QueueUrl=source, MessageBody=f"m{i}")
    for _ in range(3):
        fail_to_process(sqs, source, 1)
    assert sqs.receive_message(QueueUrl=source).get("Messages") is None
    handle = sqs.start_message_move_task(SourceArn=arn(sqs, dlq))["TaskHandle"]
    assert handle
    task = wait_for_status(sqs, arn(sqs, dlq), "COMPLETED")
    assert task["ApproximateNumberOfMessagesMoved"] == 3
    assert task["ApproximateNumberOfMessagesToMove"] == 3
    assert task["SourceArn"] == arn(sqs, dlq)
    assert "TaskHandle" not in task
    back = sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10,
                               MessageSystemAttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert sorted(m["Body"] for m in back) == ["m0", "m1", "m2"]
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in back} == {"1"}


def test_a_redriven_message_is_a_new_message(sqs, make_queue):
    """SQS Developer Guide (dead-letter queue redrive): redriven messages are new messages,
    with a new MessageId (and enqueue time); an encrypted body reads back the same."""
    source, dlq = with_dead_letters(sqs, make_queue, max_receives=1)
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"SqsManagedSseEnabled": "true"})
    sqs.set_queue_attributes(QueueUrl=source, Attributes={"SqsManagedSseEnabled": "true"})
    sent = sqs.send_message(QueueUrl=source, MessageBody="retry me")
    fail_to_process(sqs, source, 1)
    assert sqs.receive_message(QueueUrl=source).get("Messages") is None
    sqs.start_message_move_task(SourceArn=arn(sqs, dlq))
    wait_for_status(sqs, arn(sqs, dlq), "COMPLETED")
    [back] = sqs.receive_message(QueueUrl=source, MessageSystemAttributeNames=["All"])["Messages"]
    assert back["Body"] == "retry me" and back["MessageId"] != sent["MessageId"]
    assert back["Attributes"]["ApproximateReceiveCount"] == "1" and "DeadLetterQueueSourceArn" not in back["Attributes"]


def test_move_task_to_a_destination_and_its_errors(sqs, make_queue):
    source, dlq = with_dead_letters(sqs, make_queue, max_receives=1)
    other = make_queue(prefix="dest")
    sqs.send_message(QueueUrl=source, MessageBody="elsewhere")
    fail_to_process(sqs, source, 1)
    sqs.receive_message(QueueUrl=source)           # the move to the dead-letter queue happens here
    sqs.start_message_move_task(SourceArn=arn(sqs, dlq), DestinationArn=arn(sqs, other))
    wait_for_status(sqs, arn(sqs, dlq), "COMPLETED")
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=other)["Messages"]] == ["elsewhere"]
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.start_message_move_task(SourceArn=arn(sqs, source))
    assert error_of(raised) == ("InvalidParameterValue", "Source queue must be configured as a Dead Letter Queue.")
    with pytest.raises(sqs.exceptions.ResourceNotFoundException) as raised:
        sqs.start_message_move_task(SourceArn="arn:aws:sqs:us-east-1:000000000000:nowhere")
    assert error_of(raised) == ("ResourceNotFoundException", "The resource that you specified for the SourceArn "
                                                             "parameter doesn't exist.")


@pytest.mark.local_only
def test_paced_task_can_be_cancelled(sqs, make_queue):
    source, dlq = with_dead_letters(sqs, make_queue, max_receives=1)
    sqs.send_message_batch(QueueUrl=source, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(10)])
    for _ in range(10):
        fail_to_process(sqs, source, 1)
    sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10)
    handle = sqs.start_message_move_task(SourceArn=arn(sqs, dlq), MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    moved = sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"]
    assert moved < 10
    [task] = sqs.list_message_move_tasks(SourceArn=arn(sqs, dlq))["Results"]
    assert task["Status"] == "CANCELLING" and "TaskHandle" not in task    # as recorded: stackd redrive.json
    task = wait_for_status(sqs, arn(sqs, dlq), "CANCELLED")
    assert task["MaxNumberOfMessagesPerSecond"] == 1
    assert task["ApproximateNumberOfMessagesMoved"] == moved
