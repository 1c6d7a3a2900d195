"""An on-call engineer drains a payments dead-letter queue after a bad deploy. The
payments queue hands a message to its dead-letter queue after one failed receive; four
payments land there. From a runbook script (boto3) the engineer first points
StartMessageMoveTask at the wrong queues (the payments queue itself, which is no
dead-letter queue; a destination that does not exist), then pastes task handles that are
garbled, that name a queue since deleted, or that name no task, and reads each refusal
in SQS's words. The handle SQS gives back is base64 of a small JSON document naming the
task and its source queue. A slow redrive (one message a second) is started, a second
one is refused while it runs, and it is cancelled; a full-speed redrive back to the
queues the messages came from then finishes the job, and ListMessageMoveTasks shows
both tasks, newest first (one by default).

Sources: StartMessageMoveTask / ListMessageMoveTasks / CancelMessageMoveTask API
reference; AWS's replies recorded in localstack's test_sqs_move_task snapshots
(source not a dead-letter queue, missing destination, invalid handle, missing source,
missing task, one running task per source, the listing's members)."""
import base64
import json
import uuid

from trip_helpers import error_of, wait_for


def arn_of(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def count(sqs, url):
    return int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"])


def handle_for(task_id, source_arn):
    return base64.b64encode(json.dumps({"taskId": task_id, "sourceArn": source_arn},
                                       separators=(",", ":")).encode()).decode()


def test_drain_a_dead_letter_queue(client, sqs_queues):
    sqs = client("sqs")
    dlq = sqs_queues("payments-dlq")
    payments = sqs_queues("payments", RedrivePolicy=json.dumps(
        {"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": 1}))
    sent = [sqs.send_message(QueueUrl=payments, MessageBody=json.dumps({"payment": n}))["MessageId"]
            for n in range(4)]
    for _ in range(4):                                   # each payment fails once
        sqs.receive_message(QueueUrl=payments, VisibilityTimeout=0, WaitTimeSeconds=5)
    assert sqs.receive_message(QueueUrl=payments, MaxNumberOfMessages=10).get("Messages") is None
    wait_for(lambda: count(sqs, dlq) == 4)
    dlq_arn, payments_arn = arn_of(sqs, dlq), arn_of(sqs, payments)

    # Wrong queues first.
    assert error_of(sqs.start_message_move_task, SourceArn=payments_arn) == (
        "InvalidParameterValue", "Source queue must be configured as a Dead Letter Queue.")
    assert error_of(sqs.start_message_move_task, SourceArn=dlq_arn, DestinationArn=payments_arn + "-gone") == (
        "ResourceNotFoundException", "The resource that you specified for the DestinationArn parameter doesn't "
                                     "exist.")

    # Handles pasted from the wrong place.
    assert error_of(sqs.cancel_message_move_task, TaskHandle="foobared") == (
        "InvalidParameterValue", "Value for parameter TaskHandle is invalid.")
    gone = dlq_arn.rsplit(":", 1)[0] + f":deleted-{uuid.uuid4().hex[:8]}"
    assert error_of(sqs.cancel_message_move_task, TaskHandle=handle_for(str(uuid.uuid4()), gone)) == (
        "ResourceNotFoundException", "The resource that you specified for the SourceArn parameter doesn't exist.")
    assert error_of(sqs.cancel_message_move_task, TaskHandle=handle_for(str(uuid.uuid4()), dlq_arn)) == (
        "ResourceNotFoundException", "Task does not exist.")

    # A slow redrive to the payments queue, refused twice over, then cancelled.
    slow = sqs.start_message_move_task(SourceArn=dlq_arn, DestinationArn=payments_arn,
                                       MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    decoded = json.loads(base64.b64decode(slow))
    assert sorted(decoded) == ["sourceArn", "taskId"] and decoded["sourceArn"] == dlq_arn
    assert str(uuid.UUID(decoded["taskId"])) == decoded["taskId"]
    assert error_of(sqs.start_message_move_task, SourceArn=dlq_arn) == (
        "InvalidParameterValue", "There is already a task running. Only one active task is allowed for a source "
                                 "queue arn at a given time.")
    [running] = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert {k: v for k, v in running.items() if k not in ("ApproximateNumberOfMessagesMoved",
                                                            "StartedTimestamp")} == {
        "TaskHandle": slow, "Status": "RUNNING", "SourceArn": dlq_arn, "DestinationArn": payments_arn,
        "MaxNumberOfMessagesPerSecond": 1, "ApproximateNumberOfMessagesToMove": 4}
    sqs.cancel_message_move_task(TaskHandle=slow)
    cancelled = wait_for(lambda: (lambda t: t if t["Status"] == "CANCELLED" else None)(
        sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]))
    assert "TaskHandle" not in cancelled and cancelled["ApproximateNumberOfMessagesToMove"] == 4
    moved_slowly = cancelled["ApproximateNumberOfMessagesMoved"]
    assert moved_slowly < 4
    left = wait_for(lambda: (lambda n: n if n + moved_slowly == 4 else None)(count(sqs, dlq)))

    # Full speed, back to where each message came from.
    sqs.start_message_move_task(SourceArn=dlq_arn)
    done = wait_for(lambda: (lambda t: t if t["Status"] == "COMPLETED" else None)(
        sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]))
    assert {k: v for k, v in done.items() if k != "StartedTimestamp"} == {
        "Status": "COMPLETED", "SourceArn": dlq_arn, "ApproximateNumberOfMessagesMoved": left,
        "ApproximateNumberOfMessagesToMove": left}
    both = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10)["Results"]
    assert [t["Status"] for t in both] == ["COMPLETED", "CANCELLED"]
    assert both[0]["StartedTimestamp"] >= both[1]["StartedTimestamp"]
    assert error_of(sqs.list_message_move_tasks, SourceArn=dlq_arn, MaxResults=11)[0] == "InvalidParameterValue"

    back = []
    wait_for(lambda: back.extend(sqs.receive_message(
        QueueUrl=payments, MaxNumberOfMessages=10, MessageSystemAttributeNames=["ApproximateReceiveCount"]).get(
        "Messages", [])) or len(back) == 4)
    assert sorted(json.loads(m["Body"])["payment"] for m in back) == [0, 1, 2, 3]
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in back} == {"1"}
    assert not {m["MessageId"] for m in back} & set(sent)          # redriven messages are new messages
    assert count(sqs, dlq) == 0
