"""The flows of AWS's SQS examples for Python (awsdocs/aws-doc-sdk-examples,
python/example_code/sqs) through the boto3 resource: queue_wrapper's demo (a standard
queue with MaximumMessageSize/ReceiveMessageWaitTimeSeconds, a FIFO queue whose booleans
are written str(True), get_queue_by_name, queues.filter by prefix, queue.delete) and
message_wrapper's demo (lines sent in batches of ten with String attributes, received
with MessageAttributeNames=["All"] and a short long-poll, reassembled, deleted in
batches until the queue is empty), plus the hello example's ListQueues paginator and a
dead-letter queue wired by RedrivePolicy."""
import json
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


@pytest.fixture
def sqs_resource(lakebox_server):
    kwargs = {"config": Config(retries={"total_max_attempts": 1}), "region_name": "us-east-1"}
    if lakebox_server.endpoint:
        kwargs.update(endpoint_url=lakebox_server.endpoint, aws_access_key_id="test", aws_secret_access_key="test")
    return boto3.resource("sqs", **kwargs)


@pytest.fixture
def prefix(sqs_resource):
    prefix = f"sqs-usage-demo-{uuid.uuid4().hex[:8]}-"
    yield prefix
    for queue in sqs_resource.queues.filter(QueueNamePrefix=prefix):
        queue.delete()


def test_queue_wrapper_demo(sqs_resource, prefix):
    river = sqs_resource.create_queue(QueueName=prefix + "peculiar-river", Attributes={
        "MaximumMessageSize": str(1024), "ReceiveMessageWaitTimeSeconds": str(20)})
    lake = sqs_resource.create_queue(QueueName=prefix + "strange-lake.fifo", Attributes={
        "MaximumMessageSize": str(4096), "ReceiveMessageWaitTimeSeconds": str(10), "VisibilityTimeout": str(300),
        "FifoQueue": str(True), "ContentBasedDeduplication": str(True)})
    stream = sqs_resource.create_queue(QueueName=prefix + "boring-stream")
    assert river.attributes["MaximumMessageSize"] == "1024"
    assert river.attributes["ReceiveMessageWaitTimeSeconds"] == "20"
    assert lake.attributes["FifoQueue"] == "true" and lake.attributes["ContentBasedDeduplication"] == "true"
    assert lake.attributes["VisibilityTimeout"] == "300"

    assert sqs_resource.get_queue_by_name(QueueName=prefix + "peculiar-river").url == river.url
    stream.delete()
    with pytest.raises(ClientError) as missing:
        sqs_resource.get_queue_by_name(QueueName=prefix + "boring-stream")
    assert missing.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"

    assert sorted(q.url for q in sqs_resource.queues.filter(QueueNamePrefix=prefix)) == sorted([river.url, lake.url])


def test_message_wrapper_demo_sends_and_reassembles_lines(sqs_resource, prefix):
    queue = sqs_resource.create_queue(QueueName=prefix + "message-wrapper")
    lines = [f"line {n}: {'x' * n}\n" for n in range(37)]
    for start in range(0, len(lines), 10):
        sent = queue.send_messages(Entries=[
            {"Id": str(n), "MessageBody": lines[n], "MessageAttributes": {
                "path": {"StringValue": "demo.py", "DataType": "String"},
                "line": {"StringValue": str(n), "DataType": "String"}}}
            for n in range(start, min(start + 10, len(lines)))])
        assert not sent.get("Failed") and len(sent["Successful"]) == min(10, len(lines) - start)

    received = [None] * len(lines)
    while True:
        batch = queue.receive_messages(MessageAttributeNames=["All"], MaxNumberOfMessages=10, WaitTimeSeconds=1)
        if not batch:
            break
        for message in batch:
            assert message.message_attributes["path"] == {"StringValue": "demo.py", "DataType": "String"}
            received[int(message.message_attributes["line"]["StringValue"])] = message.body
        deleted = queue.delete_messages(Entries=[
            {"Id": str(n), "ReceiptHandle": m.receipt_handle} for n, m in enumerate(batch)])
        assert not deleted.get("Failed") and len(deleted["Successful"]) == len(batch)
    assert received == lines

    single = queue.send_message(MessageBody="one", MessageAttributes={})
    assert single["MD5OfMessageBody"] == "f97c5d29941bfb1b2fdab0874906ab82"
    message = queue.receive_messages(MaxNumberOfMessages=1, WaitTimeSeconds=1)[0]
    assert message.message_id == single["MessageId"]
    message.delete()
    queue.load()
    assert queue.attributes["ApproximateNumberOfMessages"] == "0"


def test_hello_sqs_lists_queue_urls_through_the_paginator(sqs_resource, prefix):
    urls = {sqs_resource.create_queue(QueueName=f"{prefix}{n}").url for n in range(3)}
    client = sqs_resource.meta.client
    listed = [url for page in client.get_paginator("list_queues").paginate(QueueNamePrefix=prefix, MaxResults=2)
              for url in page.get("QueueUrls", [])]
    assert sorted(listed) == sorted(urls)


def test_dead_letter_queue_receives_messages_after_max_receives(sqs_resource, prefix):
    dead = sqs_resource.create_queue(QueueName=prefix + "dead")
    work = sqs_resource.create_queue(QueueName=prefix + "work", Attributes={"VisibilityTimeout": "0"})
    work.set_attributes(Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dead.attributes["QueueArn"], "maxReceiveCount": "1"})})
    work.load()
    assert json.loads(work.attributes["RedrivePolicy"]) == {
        "deadLetterTargetArn": dead.attributes["QueueArn"], "maxReceiveCount": 1}
    work.send_message(MessageBody="poison")
    assert [m.body for m in work.receive_messages(WaitTimeSeconds=1)] == ["poison"]
    assert work.receive_messages(WaitTimeSeconds=1) == []
    assert [m.body for m in dead.receive_messages(WaitTimeSeconds=1)] == ["poison"]
    assert [q.url for q in dead.dead_letter_source_queues.all()] == [work.url]
