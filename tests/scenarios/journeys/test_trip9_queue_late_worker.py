"""A report-rendering worker on a standard queue that is sometimes late: it long-polls
(WaitTimeSeconds 20) and is woken as soon as the web app enqueues a job; a render that
overruns the queue's short visibility timeout asks for more time with the handle it still
holds, and SQS grants it (the message, not yet received by anyone else, is hidden again);
once another worker has received the job, the first worker's handle still changes its
visibility (a standard queue's earlier handles do: localstack's AWS-validated
test_terminate_visibility_timeout_after_receive); deleting twice is harmless, while changing a deleted message's visibility is refused;
an operator who purges the queue twice within a minute is told to wait."""
import threading
import time

import pytest

from trip_helpers import error_of


@pytest.fixture
def renders(sqs_queues):
    return sqs_queues("renders", VisibilityTimeout="1")


def counts(sqs, url):
    found = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(found["ApproximateNumberOfMessages"]), int(found["ApproximateNumberOfMessagesNotVisible"])


def test_a_long_poll_is_woken_by_a_send(client, renders):
    worker, web = client("sqs"), client("sqs")
    enqueue = threading.Timer(1.0, lambda: web.send_message(QueueUrl=renders, MessageBody='{"report": "q3"}'))
    enqueue.start()
    try:
        got = worker.receive_message(QueueUrl=renders, WaitTimeSeconds=20, VisibilityTimeout=30)
    finally:
        enqueue.join()
    (job,) = got["Messages"]
    assert job["Body"] == '{"report": "q3"}'
    worker.delete_message(QueueUrl=renders, ReceiptHandle=job["ReceiptHandle"])
    assert counts(worker, renders) == (0, 0)


def test_a_late_worker_extends_then_loses_its_job(client, renders):
    sqs, other = client("sqs"), client("sqs")
    sqs.send_message(QueueUrl=renders, MessageBody='{"report": "annual"}')
    (job,) = sqs.receive_message(QueueUrl=renders, WaitTimeSeconds=5)["Messages"]
    time.sleep(2)                                    # the one-second visibility lapsed mid-render

    # The handle of the latest receive still changes the message: it is hidden again.
    sqs.change_message_visibility(QueueUrl=renders, ReceiptHandle=job["ReceiptHandle"], VisibilityTimeout=60)
    assert counts(sqs, renders) == (0, 1)
    assert other.receive_message(QueueUrl=renders, WaitTimeSeconds=0).get("Messages") is None

    # Given back at once, another worker takes it; the first handle is now an earlier
    # receive's, and on a standard queue it still changes the message's visibility.
    sqs.change_message_visibility(QueueUrl=renders, ReceiptHandle=job["ReceiptHandle"], VisibilityTimeout=0)
    (taken,) = other.receive_message(QueueUrl=renders, WaitTimeSeconds=5, VisibilityTimeout=60,
                                     AttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert (taken["MessageId"], taken["Attributes"]["ApproximateReceiveCount"]) == (job["MessageId"], "2")
    sqs.change_message_visibility(QueueUrl=renders, ReceiptHandle=job["ReceiptHandle"], VisibilityTimeout=60)
    assert counts(sqs, renders) == (0, 1)

    # Deleting is idempotent; the deleted message's visibility cannot change.
    other.delete_message(QueueUrl=renders, ReceiptHandle=taken["ReceiptHandle"])
    other.delete_message(QueueUrl=renders, ReceiptHandle=taken["ReceiptHandle"])
    assert counts(sqs, renders) == (0, 0)
    assert error_of(other.change_message_visibility, QueueUrl=renders, ReceiptHandle=taken["ReceiptHandle"],
                    VisibilityTimeout=10)[0] == "InvalidParameterValue"


def test_the_same_in_a_batch(client, renders):
    sqs = client("sqs")
    sqs.send_message_batch(QueueUrl=renders, Entries=[{"Id": f"r{n}", "MessageBody": f"r{n}"} for n in range(2)])
    jobs = []
    for _ in range(10):                               # a short poll may return some of them
        jobs += sqs.receive_message(QueueUrl=renders, MaxNumberOfMessages=10, WaitTimeSeconds=5).get("Messages", [])
        if len(jobs) == 2:
            break
    assert len(jobs) == 2
    time.sleep(2)
    extended = sqs.change_message_visibility_batch(QueueUrl=renders, Entries=[
        {"Id": f"e{n}", "ReceiptHandle": job["ReceiptHandle"], "VisibilityTimeout": 60} for n, job in enumerate(jobs)])
    assert sorted(entry["Id"] for entry in extended["Successful"]) == ["e0", "e1"]
    assert "Failed" not in extended              # AWS leaves out an empty list
    assert counts(sqs, renders) == (0, 2)
    sqs.delete_message_batch(QueueUrl=renders, Entries=[
        {"Id": f"d{n}", "ReceiptHandle": job["ReceiptHandle"]} for n, job in enumerate(jobs)])
    assert counts(sqs, renders) == (0, 0)


def test_purging_twice_within_a_minute(client, renders):
    sqs = client("sqs")
    sqs.send_message(QueueUrl=renders, MessageBody="stale")
    sqs.purge_queue(QueueUrl=renders)
    with pytest.raises(sqs.exceptions.PurgeQueueInProgress) as refused:
        sqs.purge_queue(QueueUrl=renders)
    error = refused.value.response["Error"]
    name = renders.rsplit("/", 1)[1]
    assert (error["Code"], error["Message"]) == (
        "AWS.SimpleQueueService.PurgeQueueInProgress",
        f"Only one PurgeQueue operation on {name} is allowed every 60 seconds.")
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
