"""A video-transcoding worker pool on a standard SQS queue, written the way such workers
usually are: the queue long-polls by default (ReceiveMessageWaitTimeSeconds), so a worker's
plain ReceiveMessage waits for the next job and returns as soon as a producer sends one;
a worker on a long job keeps its message hidden with a heartbeat (ChangeMessageVisibility
every so often), up to the 12 hours a receive may last, where the next extension is
refused; a crashed worker's job comes back once its visibility lapses, received again
with a new receipt handle and ApproximateReceiveCount 2; the worker that finishes deletes
in one batch, where the crashed worker's stale handle succeeds but deletes nothing (only
the latest receive's handle does) and a garbled handle fails on its own; a heartbeat sent
in a batch with the crashed worker's earlier handle still applies, as a standard queue's
earlier handles change visibility (localstack's AWS-validated
test_terminate_visibility_timeout_after_receive)."""
import threading
import uuid

import pytest

from trip_helpers import error_of

TWELVE_HOURS = 43200


@pytest.fixture
def jobs(client):
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=f"transcode-{uuid.uuid4().hex[:8]}", Attributes={
        "ReceiveMessageWaitTimeSeconds": "10", "VisibilityTimeout": "60"})["QueueUrl"]
    yield url
    sqs.delete_queue(QueueUrl=url)


def counts(sqs, url):
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]), int(attributes["ApproximateNumberOfMessagesNotVisible"])


def test_long_poll_then_a_job_arrives(client, jobs, lakebox_server):
    sqs = client("sqs")
    producer = client("sqs")
    sender = threading.Timer(1.0, lambda: producer.send_message(
        QueueUrl=jobs, MessageBody='{"video": "v-1"}',
        MessageAttributes={"preset": {"DataType": "String", "StringValue": "1080p"}}))
    sender.start()
    try:
        answer = sqs.receive_message(QueueUrl=jobs, MessageAttributeNames=["All"])   # waits: the queue long-polls
    finally:
        sender.join()
    (message,) = answer["Messages"]
    assert message["Body"] == '{"video": "v-1"}'
    assert message["MessageAttributes"] == {"preset": {"DataType": "String", "StringValue": "1080p"}}
    assert counts(sqs, jobs) == (0, 1)
    sqs.delete_message(QueueUrl=jobs, ReceiptHandle=message["ReceiptHandle"])
    assert sqs.receive_message(QueueUrl=jobs, WaitTimeSeconds=0).get("Messages", []) == []


@pytest.mark.local_only
def test_heartbeats_crashes_and_batch_deletes(client, jobs, clock):
    sqs = client("sqs")
    sqs.send_message_batch(QueueUrl=jobs, Entries=[
        {"Id": f"v{n}", "MessageBody": f'{{"video": "v-{n}"}}'} for n in range(3)])
    received = sqs.receive_message(QueueUrl=jobs, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                   AttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert sorted(m["Body"] for m in received) == [f'{{"video": "v-{n}"}}' for n in range(3)]
    long_job, crashed, quick = sorted(received, key=lambda m: m["Body"])

    # The long job's heartbeat: ten minutes more every five minutes, for hours.
    for _ in range(3):
        sqs.change_message_visibility(QueueUrl=jobs, ReceiptHandle=long_job["ReceiptHandle"], VisibilityTimeout=600)
        clock(300)
    sqs.change_message_visibility(QueueUrl=jobs, ReceiptHandle=long_job["ReceiptHandle"], VisibilityTimeout=36000)
    clock(35000)
    held = 900 + 35000
    code, message = error_of(sqs.change_message_visibility, QueueUrl=jobs,
                             ReceiptHandle=long_job["ReceiptHandle"], VisibilityTimeout=TWELVE_HOURS - held + 1)
    assert (code, message) == (
        "InvalidParameterValue",
        f"Value {TWELVE_HOURS - held + 1} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout "
        f"for the message is beyond the limit [{TWELVE_HOURS} seconds]")
    sqs.change_message_visibility(QueueUrl=jobs, ReceiptHandle=long_job["ReceiptHandle"],
                                  VisibilityTimeout=TWELVE_HOURS - held - 60)

    # The crashed worker's job (and the quick one, never deleted) came back long ago.
    again = sqs.receive_message(QueueUrl=jobs, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                AttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert sorted(m["Body"] for m in again) == [crashed["Body"], quick["Body"]]
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in again} == {"2"}
    assert {m["MessageId"] for m in again} == {crashed["MessageId"], quick["MessageId"]}
    assert not {m["ReceiptHandle"] for m in again} & {crashed["ReceiptHandle"], quick["ReceiptHandle"]}
    crashed_again = next(m for m in again if m["MessageId"] == crashed["MessageId"])
    quick_again = next(m for m in again if m["MessageId"] == quick["MessageId"])

    beats = sqs.change_message_visibility_batch(QueueUrl=jobs, Entries=[
        {"Id": "long", "ReceiptHandle": long_job["ReceiptHandle"], "VisibilityTimeout": 30},
        {"Id": "stale", "ReceiptHandle": crashed["ReceiptHandle"], "VisibilityTimeout": 30},
        {"Id": "fresh", "ReceiptHandle": crashed_again["ReceiptHandle"], "VisibilityTimeout": 120}])
    assert sorted(e["Id"] for e in beats["Successful"]) == ["fresh", "long", "stale"]
    assert "Failed" not in beats

    done = sqs.delete_message_batch(QueueUrl=jobs, Entries=[
        {"Id": "long", "ReceiptHandle": long_job["ReceiptHandle"]},
        {"Id": "stale", "ReceiptHandle": crashed["ReceiptHandle"]},      # succeeds, deletes nothing
        {"Id": "quick", "ReceiptHandle": quick_again["ReceiptHandle"]},
        {"Id": "garbled", "ReceiptHandle": "not-a-handle"}])
    assert sorted(e["Id"] for e in done["Successful"]) == ["long", "quick", "stale"]
    assert done["Failed"] == [{"Id": "garbled", "SenderFault": True, "Code": "ReceiptHandleIsInvalid",
                               "Message": 'The input receipt handle "not-a-handle" is not a valid receipt handle.'}]
    assert counts(sqs, jobs) == (0, 1)                   # the crashed job, still held by its new receive
    sqs.delete_message(QueueUrl=jobs, ReceiptHandle=crashed_again["ReceiptHandle"])
    assert counts(sqs, jobs) == (0, 0)
