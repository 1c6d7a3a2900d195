"""Shipment updates on a FIFO queue through boto3's resource layer, with a FIFO
dead-letter queue: the producer sends each parcel's updates in its own message group with
an explicit deduplication id (a retried send of the same update is dropped), the
consumer receives with every system attribute and handles groups in order (a group
waits while one of its messages is in flight), an update it cannot apply is received
twice and moved to the dead-letter queue by the redrive policy, and once the bug is
fixed the operator starts a message move task that returns it to the source queue.
Sending to a FIFO queue as if it were a standard one is refused with SQS's words."""
import json
import uuid

import pytest

from trip_helpers import error_of, wait_for


@pytest.fixture
def shipments(resource):
    sqs = resource("sqs")
    tag = uuid.uuid4().hex[:8]
    dlq = sqs.create_queue(QueueName=f"shipments-{tag}-dlq.fifo", Attributes={"FifoQueue": "true"})
    queue = sqs.create_queue(QueueName=f"shipments-{tag}.fifo", Attributes={
        "FifoQueue": "true", "VisibilityTimeout": "30",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq.attributes["QueueArn"], "maxReceiveCount": 2})})
    yield queue, dlq
    queue.delete()
    dlq.delete()


def update(parcel, step):
    return {"Id": f"{parcel}-{step}", "MessageBody": json.dumps({"parcel": parcel, "step": step}),
            "MessageGroupId": parcel, "MessageDeduplicationId": f"{parcel}-{step}"}


def test_parcel_updates_in_order_with_a_redrive(client, shipments):
    queue, dlq = shipments
    sent = queue.send_messages(Entries=[update("P1", 1), update("P1", 2), update("P2", 1), update("P1", 3)])
    assert len(sent["Successful"]) == 4 and sent.get("Failed", []) == []
    numbers = [s["SequenceNumber"] for s in sent["Successful"]]
    assert numbers == sorted(numbers, key=int) and len(set(numbers)) == 4
    queue.send_message(**{k: v for k, v in update("P1", 2).items() if k != "Id"})     # a producer's retry
    assert queue.attributes["FifoQueue"] == "true"
    queue.reload()
    assert queue.attributes["ApproximateNumberOfMessages"] == "4"

    first = queue.receive_messages(MaxNumberOfMessages=1, MessageSystemAttributeNames=["All"], WaitTimeSeconds=1)
    assert json.loads(first[0].body) == {"parcel": "P1", "step": 1}
    assert {k: first[0].attributes[k] for k in ("MessageGroupId", "MessageDeduplicationId", "SequenceNumber")} == {
        "MessageGroupId": "P1", "MessageDeduplicationId": "P1-1", "SequenceNumber": numbers[0]}
    others = queue.receive_messages(MaxNumberOfMessages=10, WaitTimeSeconds=1)
    assert [json.loads(m.body) for m in others] == [{"parcel": "P2", "step": 1}]   # P1 waits for its first
    first[0].delete()
    others[0].delete()

    rest = queue.receive_messages(MaxNumberOfMessages=10, WaitTimeSeconds=1)
    assert [json.loads(m.body)["step"] for m in rest] == [2, 3]
    rest[1].delete()
    bad = rest[0]                                                 # step 2 cannot be applied yet
    bad.change_visibility(VisibilityTimeout=0)
    again = queue.receive_messages(MaxNumberOfMessages=1, MessageSystemAttributeNames=["ApproximateReceiveCount"],
                                   WaitTimeSeconds=1)
    assert again[0].message_id == bad.message_id and again[0].attributes["ApproximateReceiveCount"] == "2"
    again[0].change_visibility(VisibilityTimeout=0)
    assert queue.receive_messages(MaxNumberOfMessages=10, WaitTimeSeconds=1) == []   # its third try: the DLQ
    dead = wait_for(lambda: dlq.receive_messages(MaxNumberOfMessages=10, VisibilityTimeout=0,
                                                 MessageSystemAttributeNames=["MessageGroupId"]))
    assert [(json.loads(m.body), m.attributes["MessageGroupId"]) for m in dead] == [
        ({"parcel": "P1", "step": 2}, "P1")]
    assert [q.url for q in dlq.dead_letter_source_queues.all()] == [queue.url]

    sqs = client("sqs")
    task = sqs.start_message_move_task(SourceArn=dlq.attributes["QueueArn"])
    assert "TaskHandle" in task
    moved = wait_for(lambda: (t := sqs.list_message_move_tasks(SourceArn=dlq.attributes["QueueArn"])["Results"])
                     and t[0]["Status"] == "COMPLETED" and t[0])
    assert (moved["ApproximateNumberOfMessagesMoved"], moved["SourceArn"]) == (1, dlq.attributes["QueueArn"])
    back = queue.receive_messages(MaxNumberOfMessages=10, WaitTimeSeconds=1)
    assert [json.loads(m.body) for m in back] == [{"parcel": "P1", "step": 2}]
    back[0].delete()


def test_fifo_mistakes(client, shipments):
    queue, _ = shipments
    sqs = client("sqs")
    assert error_of(sqs.send_message, QueueUrl=queue.url, MessageBody="x", MessageDeduplicationId="d") == (
        "MissingParameter", "The request must contain the parameter MessageGroupId.")
    assert error_of(sqs.send_message, QueueUrl=queue.url, MessageBody="x", MessageGroupId="g") == (
        "InvalidParameterValue", "The queue should either have ContentBasedDeduplication enabled or "
                                 "MessageDeduplicationId provided explicitly")
    assert error_of(sqs.send_message, QueueUrl=queue.url, MessageBody="x", MessageGroupId="g",
                    MessageDeduplicationId="d", DelaySeconds=5) == (
        "InvalidParameterValue", "Value 5 for parameter DelaySeconds is invalid. Reason: The request include "
                                 "parameter that is not valid for this queue type.")
    code, message = error_of(sqs.create_queue, QueueName=f"no-suffix-{uuid.uuid4().hex[:6]}",
                             Attributes={"FifoQueue": "true"})
    assert (code, message) == ("InvalidParameterValue", "The name of a FIFO queue can only include alphanumeric "
                                                        "characters, hyphens, or underscores, must end with .fifo "
                                                        "suffix and be 1 to 80 in length.")
    assert error_of(sqs.start_message_move_task, SourceArn=queue.attributes["QueueArn"]) == (
        "InvalidParameterValue", "Source queue must be configured as a Dead Letter Queue.")
