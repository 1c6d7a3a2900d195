"""A thumbnail worker pool on SQS as it is usually written: the web tier sends jobs in
batches of ten (one entry with a bad delay comes back in `Failed`, the rest go in), a
worker long-polls for up to ten jobs with their attributes and system attributes, extends
the visibility of a slow job while it works (ChangeMessageVisibility, then a batch for
the rest), deletes what it finished in one batch (a receipt handle from an older receive
comes back failed, not the whole batch), lets one job go back at once (visibility 0) for
another worker, and the mistakes a worker makes are refused with SQS's words."""
import hashlib
import uuid

import pytest

from trip_helpers import error_of


@pytest.fixture
def jobs(client):
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=f"thumbs-{uuid.uuid4().hex[:8]}",
                           Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
    yield url
    sqs.delete_queue(QueueUrl=url)


def entry(n, **extra):
    return {"Id": f"job{n}", "MessageBody": f'{{"image": "img-{n}.png"}}',
            "MessageAttributes": {"size": {"DataType": "Number", "StringValue": str(64 * (n + 1))},
                                  "format": {"DataType": "String", "StringValue": "png"}}, **extra}


def test_worker_pool(client, jobs):
    sqs = client("sqs")
    sent = sqs.send_message_batch(QueueUrl=jobs, Entries=[entry(n) for n in range(9)] + [entry(9, DelaySeconds=901)])
    assert sorted(s["Id"] for s in sent["Successful"]) == [f"job{n}" for n in range(9)]
    assert sent["Successful"][0]["MD5OfMessageBody"] == hashlib.md5(b'{"image": "img-0.png"}').hexdigest()
    assert sent["Failed"] == [{"Id": "job9", "SenderFault": True, "Code": "InvalidParameterValue",
                               "Message": "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds "
                                          "must be >= 0 and <= 900."}]

    received = []
    while len(received) < 9:
        page = sqs.receive_message(QueueUrl=jobs, MaxNumberOfMessages=10, WaitTimeSeconds=2,
                                   MessageAttributeNames=["All"],
                                   MessageSystemAttributeNames=["ApproximateReceiveCount", "SentTimestamp",
                                                                "ApproximateFirstReceiveTimestamp"])
        received += page.get("Messages", [])
    first = received[0]
    assert set(first["Attributes"]) == {"ApproximateReceiveCount", "SentTimestamp", "ApproximateFirstReceiveTimestamp"}
    assert first["Attributes"]["ApproximateReceiveCount"] == "1"
    assert first["MessageAttributes"]["format"] == {"StringValue": "png", "DataType": "String"}
    assert "MD5OfMessageAttributes" in first

    slow, rest = received[0], received[1:]
    sqs.change_message_visibility(QueueUrl=jobs, ReceiptHandle=slow["ReceiptHandle"], VisibilityTimeout=600)
    extended = sqs.change_message_visibility_batch(QueueUrl=jobs, Entries=[
        {"Id": m["MessageId"][:8], "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 300} for m in rest[:3]]
        + [{"Id": "forged", "ReceiptHandle": "not-a-handle", "VisibilityTimeout": 300}])
    assert len(extended["Successful"]) == 3
    assert extended["Failed"][0]["Id"] == "forged" and extended["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"
    assert extended["Failed"][0]["SenderFault"] is True

    handed_back = rest[-1]
    sqs.change_message_visibility(QueueUrl=jobs, ReceiptHandle=handed_back["ReceiptHandle"], VisibilityTimeout=0)
    other_worker = sqs.receive_message(QueueUrl=jobs, WaitTimeSeconds=2,
                                       MessageSystemAttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert [m["MessageId"] for m in other_worker] == [handed_back["MessageId"]]
    assert other_worker[0]["Attributes"]["ApproximateReceiveCount"] == "2"

    finished = [m for m in received if m is not handed_back]
    deleted = sqs.delete_message_batch(QueueUrl=jobs, Entries=[
        {"Id": f"d{n}", "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(finished)]
        + [{"Id": "stale", "ReceiptHandle": handed_back["ReceiptHandle"]},
           {"Id": "fresh", "ReceiptHandle": other_worker[0]["ReceiptHandle"]}])
    assert len(deleted["Successful"]) == 10           # an old handle of a message deletes it too
    assert deleted.get("Failed", []) == []
    counts = sqs.get_queue_attributes(QueueUrl=jobs, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"])
    assert counts["Attributes"] == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0",
                                    "ApproximateNumberOfMessagesDelayed": "0"}


def test_worker_mistakes(client, jobs):
    sqs = client("sqs")
    sqs.send_message(QueueUrl=jobs, MessageBody="x")
    message = sqs.receive_message(QueueUrl=jobs, WaitTimeSeconds=2)["Messages"][0]
    code, message = error_of(sqs.change_message_visibility, QueueUrl=jobs, ReceiptHandle=message["ReceiptHandle"],
                             VisibilityTimeout=43201)
    assert code == "InvalidParameterValue"
    assert message.startswith("Value 43201 for parameter VisibilityTimeout is invalid. Reason: Total "
                              "VisibilityTimeout for the message is beyond the limit [43200 seconds]")
    assert error_of(sqs.receive_message, QueueUrl=jobs, MaxNumberOfMessages=11) == (
        "InvalidParameterValue", "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 "
                                 "and 10, if provided.")
    assert error_of(sqs.receive_message, QueueUrl=jobs, WaitTimeSeconds=21) == (
        "InvalidParameterValue", "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, "
                                 "if provided.")
    assert error_of(sqs.send_message_batch, QueueUrl=jobs, Entries=[entry(1), entry(1)]) == (
        "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id job1 repeated.")
    assert error_of(sqs.send_message_batch, QueueUrl=jobs, Entries=[entry(n) for n in range(11)]) == (
        "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. "
                                                               "You have sent 11.")
    code, _ = error_of(sqs.delete_message, QueueUrl=jobs, ReceiptHandle="garbage")
    assert code == "ReceiptHandleIsInvalid"
    attributes = {f"a{n}": {"DataType": "String", "StringValue": "v"} for n in range(11)}
    assert error_of(sqs.send_message, QueueUrl=jobs, MessageBody="x", MessageAttributes=attributes) == (
        "InvalidParameterValue", "Number of message attributes [11] exceeds the allowed maximum [10].")
