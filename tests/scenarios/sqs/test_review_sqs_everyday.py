"""A user's everyday SQS code, written against AWS's documentation: boto3's resource API,
a worker pool that extends its visibility while it works (heartbeats), FIFO groups with
their ids as AWS checks them, and the query protocol's batch calls of older SDKs."""
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from sqs_helpers import error_of

NS = {"q": "http://queue.amazonaws.com/doc/2012-11-05/"}
GROUP_ID_REASON = "can only include alphanumeric and punctuation characters. 1 to 128 in length."


@pytest.fixture
def resource(lakebox_server):
    import boto3
    return boto3.resource("sqs", endpoint_url=lakebox_server.endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")


def test_resource_api_send_receive_delete(resource):
    queue = resource.create_queue(QueueName=f"review-{uuid.uuid4().hex[:10]}", Attributes={"VisibilityTimeout": "45"})
    try:
        assert queue.attributes["VisibilityTimeout"] == "45"
        sent = queue.send_messages(Entries=[
            {"Id": str(i), "MessageBody": f"order {i}",
             "MessageAttributes": {"amount": {"DataType": "Number", "StringValue": str(i * 10)},
                                   "raw": {"DataType": "Binary", "BinaryValue": bytes([i, 0, 255])}}}
            for i in range(3)])
        assert [entry["Id"] for entry in sent["Successful"]] == ["0", "1", "2"]
        assert not sent.get("Failed")
        messages = queue.receive_messages(WaitTimeSeconds=1, MaxNumberOfMessages=10,
                                          MessageAttributeNames=["All"], AttributeNames=["All"])
        assert sorted(m.body for m in messages) == ["order 0", "order 1", "order 2"]
        for message in messages:
            i = int(message.body.split()[1])
            assert message.message_attributes == {
                "amount": {"StringValue": str(i * 10), "DataType": "Number"},
                "raw": {"BinaryValue": bytes([i, 0, 255]), "DataType": "Binary"}}
            assert message.attributes["ApproximateReceiveCount"] == "1"
            assert set(message.attributes) >= {"SenderId", "SentTimestamp", "ApproximateFirstReceiveTimestamp"}
            message.delete()
        queue.reload()
        assert queue.attributes["ApproximateNumberOfMessages"] == "0"
        assert queue.attributes["ApproximateNumberOfMessagesNotVisible"] == "0"
        assert resource.get_queue_by_name(QueueName=queue.url.rsplit("/", 1)[1]).url == queue.url
    finally:
        queue.delete()


@pytest.mark.local_only       # moves the lakebox clock
def test_worker_heartbeats_keep_a_message_hidden(sqs, make_queue, clock):
    url = make_queue(VisibilityTimeout=30)
    sqs.send_message(QueueUrl=url, MessageBody="long job")
    [job] = sqs.receive_message(QueueUrl=url)["Messages"]
    for _ in range(3):                          # the worker extends its lease every 20 s
        clock(20)
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=job["ReceiptHandle"], VisibilityTimeout=30)
        assert "Messages" not in sqs.receive_message(QueueUrl=url)
    clock(31)                                   # the worker died: the message comes back
    [again] = sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert again["MessageId"] == job["MessageId"] and again["Attributes"]["ApproximateReceiveCount"] == "2"
    # The first worker's handle is stale now; the second worker deletes with its own.
    sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_fifo_receive_shows_group_sequence_and_dedup(sqs, make_queue):
    url = make_queue(fifo=True, ContentBasedDeduplication="true")
    sent = sqs.send_message(QueueUrl=url, MessageBody="first", MessageGroupId="customer-1")
    [message] = sqs.receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"]
    assert message["Attributes"]["MessageGroupId"] == "customer-1"
    assert message["Attributes"]["SequenceNumber"] == sent["SequenceNumber"]
    assert len(message["Attributes"]["MessageDeduplicationId"]) == 64


@pytest.mark.parametrize("parameter, value", [
    ("MessageGroupId", "group with spaces"), ("MessageGroupId", "g" * 129),
    ("MessageDeduplicationId", "d" * 129), ("MessageDeduplicationId", "dédup")])
def test_fifo_ids_are_checked(sqs, make_queue, parameter, value):
    url = make_queue(fifo=True)
    args = {"MessageGroupId": "g", "MessageDeduplicationId": "d", parameter: value}
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.send_message(QueueUrl=url, MessageBody="x", **args)
    assert error_of(raised) == ("InvalidParameterValue",
                                f"Value {value} for parameter {parameter} is invalid. Reason: {parameter} {GROUP_ID_REASON}")
    batch = sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "bad", "MessageBody": "x", **args},
                                                          {"Id": "good", "MessageBody": "y", "MessageGroupId": "g",
                                                           "MessageDeduplicationId": "ok"}])
    assert [entry["Id"] for entry in batch["Successful"]] == ["good"]
    assert [(f["Id"], f["Code"], f["SenderFault"]) for f in batch["Failed"]] == [("bad", "InvalidParameterValue", True)]
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"] == "1"


def test_punctuation_is_a_valid_group_id(sqs, make_queue):
    url = make_queue(fifo=True)
    group = "tenant#42/orders:eu-west-1!~"
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId=group, MessageDeduplicationId="a.b-c_d@e")
    [message] = sqs.receive_message(QueueUrl=url, AttributeNames=["MessageGroupId", "SentTimestamp"])["Messages"]
    assert message["Attributes"]["MessageGroupId"] == group
    assert set(message["Attributes"]) == {"MessageGroupId", "SentTimestamp"}


def test_legacy_attribute_names_select_system_attributes(sqs, make_queue):
    """`AttributeNames` is deprecated for MessageSystemAttributeNames, yet AWS's own
    boto3 examples still pass `AttributeNames=['SentTimestamp']`."""
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [message] = sqs.receive_message(QueueUrl=url, AttributeNames=["SentTimestamp", "ApproximateReceiveCount"])[
        "Messages"]
    assert set(message["Attributes"]) == {"SentTimestamp", "ApproximateReceiveCount"}


def _query(server, **fields):
    body = urlencode({"Version": "2012-11-05", **fields})
    request = AWSRequest(method="POST", url=server.endpoint + "/", data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(Credentials("test", "test"), "sqs", "us-east-1").add_auth(request)
    answer = requests.post(server.endpoint + "/", data=body, headers=dict(request.headers), timeout=30)
    return answer.status_code, ET.fromstring(answer.content)


@pytest.mark.local_only       # writes to the lakebox endpoint directly
def test_query_protocol_batches_and_their_errors(lakebox_server, sqs, make_queue):
    url = make_queue()
    status, sent = _query(lakebox_server, Action="SendMessageBatch", QueueUrl=url, **{
        "SendMessageBatchRequestEntry.1.Id": "one", "SendMessageBatchRequestEntry.1.MessageBody": "hello",
        "SendMessageBatchRequestEntry.2.Id": "two", "SendMessageBatchRequestEntry.2.MessageBody": "bad\x01",
        "SendMessageBatchRequestEntry.1.MessageAttribute.1.Name": "kind",
        "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType": "String",
        "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue": "greeting"})
    assert status == 200
    ok = sent.find("q:SendMessageBatchResult/q:SendMessageBatchResultEntry", NS)
    assert ok.find("q:Id", NS).text == "one" and ok.find("q:MD5OfMessageBody", NS).text == "5d41402abc4b2a76b9719d911017c592"
    failed = sent.find("q:SendMessageBatchResult/q:BatchResultErrorEntry", NS)
    assert [failed.find(f"q:{name}", NS).text for name in ("Id", "Code", "SenderFault")] == [
        "two", "InvalidMessageContents", "true"]
    status, received = _query(lakebox_server, Action="ReceiveMessage", QueueUrl=url, **{
        "MessageAttributeName.1": "All", "AttributeName.1": "All"})
    message = received.find("q:ReceiveMessageResult/q:Message", NS)
    assert message.find("q:Body", NS).text == "hello"
    assert message.find("q:MessageAttribute/q:Name", NS).text == "kind"
    assert message.find("q:MessageAttribute/q:Value/q:StringValue", NS).text == "greeting"
    status, error = _query(lakebox_server, Action="DeleteMessageBatch", QueueUrl=url, **{
        "DeleteMessageBatchRequestEntry.1.Id": "a", "DeleteMessageBatchRequestEntry.1.ReceiptHandle": "x",
        "DeleteMessageBatchRequestEntry.2.Id": "a", "DeleteMessageBatchRequestEntry.2.ReceiptHandle": "y"})
    assert status == 400
    assert error.find("q:Error/q:Code", NS).text == "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
    assert error.find("q:Error/q:Message", NS).text == "Id a repeated."
    assert error.find("q:RequestId", NS).text
    status, error = _query(lakebox_server, Action="SetQueueAttributes", QueueUrl=url, **{
        "Attribute.1.Name": "Colour", "Attribute.1.Value": "blue"})
    assert (status, error.find("q:Error/q:Code", NS).text, error.find("q:Error/q:Message", NS).text) == (
        400, "InvalidAttributeName", "Unknown Attribute Colour.")
    sqs.send_message(QueueUrl=url, MessageBody="again")
    status, received = _query(lakebox_server, Action="ReceiveMessage", QueueUrl=url, VisibilityTimeout="0", **{
        "AttributeName.1": "SentTimestamp", "MaxNumberOfMessages": "10"})
    names = {a.find("q:Name", NS).text for a in received.findall("q:ReceiveMessageResult/q:Message/q:Attribute", NS)}
    assert (status, names) == (200, {"SentTimestamp"})


def test_unknown_attribute_names_are_sqs_errors(sqs, make_queue):
    url = make_queue()
    for call, args in [(sqs.get_queue_attributes, {"QueueUrl": url, "AttributeNames": ["VisibilityTimeout", "Colour"]}),
                       (sqs.set_queue_attributes, {"QueueUrl": url, "Attributes": {"Colour": "blue"}}),
                       (sqs.create_queue, {"QueueName": f"review-{uuid.uuid4().hex[:8]}", "Attributes": {"Colour": "1"}})]:
        with pytest.raises(sqs.exceptions.InvalidAttributeName) as raised:
            call(**args)
        assert error_of(raised) == ("InvalidAttributeName", "Unknown Attribute Colour.")


def test_worker_pool_long_polls_and_processes_each_message_once(client, make_queue):
    """Four threads, each with its own client, long-poll one queue while a producer sends."""
    import threading
    url = make_queue(VisibilityTimeout=60, ReceiveMessageWaitTimeSeconds=2)
    producer = client("sqs")
    done, lock, stop = [], threading.Lock(), threading.Event()

    def worker():
        sqs = client("sqs")
        while not stop.is_set():
            for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                with lock:
                    done.append(message["Body"])

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for start in range(0, 100, 10):
            producer.send_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "MessageBody": f"job-{i}"} for i in range(start, start + 10)])
        for _ in range(300):
            with lock:
                if len(done) >= 100:
                    break
            stop.wait(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(done) == sorted(f"job-{i}" for i in range(100))
    counts = producer.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (counts["ApproximateNumberOfMessages"], counts["ApproximateNumberOfMessagesNotVisible"]) == ("0", "0")


def test_fifo_groups_are_never_worked_on_by_two_consumers_at_once(sqs, make_queue):
    url = make_queue(fifo=True, ContentBasedDeduplication="true", VisibilityTimeout=60)
    for i in range(4):
        for group in ("a", "b"):
            sqs.send_message(QueueUrl=url, MessageBody=f"{group}{i}", MessageGroupId=group)
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]
    assert [m["Body"] for m in first] == ["a0", "a1"]
    second = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in second] == ["b0", "b1", "b2", "b3"]     # group a is held by the first consumer
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    for message in first:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]] == ["a2", "a3"]


@pytest.mark.parametrize("value", ["NaN", "inf", "-Infinity", "1e400", "twelve"])
def test_number_attributes_must_be_numbers(sqs, make_queue, value):
    url = make_queue()
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.send_message(QueueUrl=url, MessageBody="x",
                         MessageAttributes={"amount": {"DataType": "Number", "StringValue": value}})
    assert error_of(raised) == ("InvalidParameterValue",
                                "Can't cast the value of message (user) attribute 'amount' to a number.")


@pytest.mark.parametrize("value", ["0", "-12.5", "1.5e10", "00042"])
def test_number_attributes_keep_their_text(sqs, make_queue, value):
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="x",
                     MessageAttributes={"amount": {"DataType": "Number", "StringValue": value}})
    [message] = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["amount"])["Messages"]
    assert message["MessageAttributes"]["amount"] == {"StringValue": value, "DataType": "Number"}
