"""An on-call engineer drains a dead-letter queue from a shell with the aws cli after a
bad deploy: invoices that failed once landed in the DLQ (maxReceiveCount 1); a paced
move task sends them to a separate `repair` queue (DestinationArn, at most 1 a second),
a second task on the same DLQ is refused while the first runs, the engineer cancels it,
cannot cancel it twice, and then starts an unpaced task that finishes the move. Every
invoice ends up in the repair queue exactly once, none is left in the DLQ."""
import json
import uuid

import pytest

from trip_helpers import aws, ok, wait_for

pytestmark = pytest.mark.local_only          # a paced move advances on the lakebox clock


def cli_error(done) -> str:
    assert done.returncode != 0, done.stdout
    return done.stderr.strip()


@pytest.fixture
def queues(client):
    sqs, tag = client("sqs"), uuid.uuid4().hex[:8]
    made = {}
    for role in ("dlq", "repair"):
        made[role] = sqs.create_queue(QueueName=f"invoices-{tag}-{role}")["QueueUrl"]
    arns = {role: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            for role, url in made.items()}
    made["source"] = sqs.create_queue(QueueName=f"invoices-{tag}", Attributes={"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": arns["dlq"], "maxReceiveCount": 1})})["QueueUrl"]
    yield made, arns
    for url in made.values():
        sqs.delete_queue(QueueUrl=url)


INVOICES = 40


def count(sqs, url) -> int:
    return int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"])


def test_dead_letters_moved_to_repair(lakebox_server, client, clock, queues):
    urls, arns = queues
    sqs = client("sqs")
    for first in range(0, INVOICES, 10):
        sqs.send_message_batch(QueueUrl=urls["source"], Entries=[
            {"Id": str(n), "MessageBody": json.dumps({"invoice": n})} for n in range(first, first + 10)])
    seen = set()
    while len(seen) < INVOICES:          # the bad deploy takes each invoice once and never deletes it
        seen |= {m["MessageId"] for m in sqs.receive_message(QueueUrl=urls["source"], MaxNumberOfMessages=10,
                                                             VisibilityTimeout=30).get("Messages", [])}
    clock(31)
    wait_for(lambda: not sqs.receive_message(QueueUrl=urls["source"], MaxNumberOfMessages=10).get("Messages")
             and count(sqs, urls["dlq"]) == INVOICES)

    handle = ok(aws(lakebox_server, "sqs", "start-message-move-task", "--source-arn", arns["dlq"],
                    "--destination-arn", arns["repair"], "--max-number-of-messages-per-second", "1"))["TaskHandle"]
    again = cli_error(aws(lakebox_server, "sqs", "start-message-move-task", "--source-arn", arns["dlq"]))
    assert "(InvalidParameterValue)" in again and again.endswith(
        "There is already a task running. Only one active task is allowed for a source queue arn at a given time.")
    running = ok(aws(lakebox_server, "sqs", "list-message-move-tasks", "--source-arn", arns["dlq"]))["Results"]
    assert [(t["Status"], t["TaskHandle"], t["DestinationArn"], t["MaxNumberOfMessagesPerSecond"],
             t["ApproximateNumberOfMessagesToMove"]) for t in running] == [("RUNNING", handle, arns["repair"], 1, INVOICES)]

    cancelled = ok(aws(lakebox_server, "sqs", "cancel-message-move-task", "--task-handle", handle))
    moved_first = cancelled["ApproximateNumberOfMessagesMoved"]
    assert moved_first < INVOICES
    twice = cli_error(aws(lakebox_server, "sqs", "cancel-message-move-task", "--task-handle", handle))
    assert "(InvalidParameterValue)" in twice
    listed = ok(aws(lakebox_server, "sqs", "list-message-move-tasks", "--source-arn", arns["dlq"]))["Results"]
    assert [(t["Status"], t["ApproximateNumberOfMessagesMoved"], "TaskHandle" in t) for t in listed] == [
        ("CANCELLING", moved_first, False)]         # as SQS lists it right after the cancel

    clock(10)                      # a cancelled task moves nothing more
    listed = ok(aws(lakebox_server, "sqs", "list-message-move-tasks", "--source-arn", arns["dlq"]))["Results"]
    assert [(t["Status"], t["ApproximateNumberOfMessagesMoved"]) for t in listed] == [("CANCELLED", moved_first)]
    assert count(sqs, urls["repair"]) == moved_first and count(sqs, urls["dlq"]) == INVOICES - moved_first

    ok(aws(lakebox_server, "sqs", "start-message-move-task", "--source-arn", arns["dlq"],
           "--destination-arn", arns["repair"]))
    finished = wait_for(lambda: (t := ok(aws(lakebox_server, "sqs", "list-message-move-tasks", "--source-arn",
                                             arns["dlq"], "--max-results", "10"))["Results"])
                        and t[0]["Status"] == "COMPLETED" and t)
    assert [(t["Status"], t["ApproximateNumberOfMessagesMoved"]) for t in finished] == [
        ("COMPLETED", INVOICES - moved_first), ("CANCELLED", moved_first)]
    bodies = []
    while batch := sqs.receive_message(QueueUrl=urls["repair"], MaxNumberOfMessages=10).get("Messages", []):
        bodies += [json.loads(m["Body"])["invoice"] for m in batch]
        sqs.delete_message_batch(QueueUrl=urls["repair"], Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)])
    assert sorted(bodies) == list(range(INVOICES))
    assert count(sqs, urls["dlq"]) == 0
