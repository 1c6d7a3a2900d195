"""The flows of AWS's client-level SQS snippets for Python (awsdocs/aws-doc-sdk-examples,
python/example_code/sqs): the FIFO producer (ten sends to one message group, printing the
x-amzn-requestid and date response headers) and consumer (one message at a time with
AttributeNames=["All"], then delete), send_message.py's delayed message with String and
Number attributes read back by receive_message.py, the long-polling snippets (a queue
created with ReceiveMessageWaitTimeSeconds, the attribute set on an existing queue) and
change_visibility.py."""
import pytest


def test_fifo_producer_and_consumer(sqs, make_queue):
    url = make_queue(fifo=True, ContentBasedDeduplication="true")
    for n in range(10):
        sent = sqs.send_message(QueueUrl=url, MessageBody=f"this is message {n + 2}", MessageGroupId="2")
        headers = sent["ResponseMetadata"]["HTTPHeaders"]
        assert headers["x-amzn-requestid"] == sent["ResponseMetadata"]["RequestId"]
        assert headers["date"].endswith(" GMT")
        assert sent["SequenceNumber"] and sent["MessageId"]

    bodies = []
    for _ in range(10):
        received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, AttributeNames=["All"])
        message = received["Messages"][0]
        assert message["Attributes"]["MessageGroupId"] == "2"
        assert "x-amzn-requestid" in received["ResponseMetadata"]["HTTPHeaders"]
        bodies.append(message["Body"])
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert bodies == [f"this is message {n + 2}" for n in range(10)]


def test_fifo_producer_needs_deduplication(sqs, make_queue):
    url = make_queue(fifo=True)
    with pytest.raises(sqs.exceptions.ClientError) as refused:
        sqs.send_message(QueueUrl=url, MessageBody="this is message 2", MessageGroupId="2")
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert refused.value.response["Error"]["Message"] == (
        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")


@pytest.mark.local_only       # moves the lakebox clock past the message's delay
def test_send_delayed_message_then_receive_it(sqs, make_queue, clock):
    url = make_queue()
    sent = sqs.send_message(
        QueueUrl=url, DelaySeconds=10, MessageBody="Information about current NY Times fiction bestseller for week of 12/11/2016.",
        MessageAttributes={"Title": {"DataType": "String", "StringValue": "The Whistler"},
                           "Author": {"DataType": "String", "StringValue": "John Grisham"},
                           "WeeksOn": {"DataType": "Number", "StringValue": "6"}})
    assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)
    clock(11)
    received = sqs.receive_message(QueueUrl=url, AttributeNames=["SentTimestamp"], MaxNumberOfMessages=1,
                                   MessageAttributeNames=["All"], VisibilityTimeout=0, WaitTimeSeconds=0)
    message = received["Messages"][0]
    assert message["MessageId"] == sent["MessageId"]
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert message["MessageAttributes"]["WeeksOn"] == {"DataType": "Number", "StringValue": "6"}
    assert set(message["Attributes"]) == {"SentTimestamp"}
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def test_long_polling_on_new_and_existing_queues(sqs, make_queue):
    created = make_queue(ReceiveMessageWaitTimeSeconds=20)
    assert sqs.get_queue_attributes(QueueUrl=created, AttributeNames=["ReceiveMessageWaitTimeSeconds"])[
        "Attributes"] == {"ReceiveMessageWaitTimeSeconds": "20"}
    existing = make_queue()
    sqs.set_queue_attributes(QueueUrl=existing, Attributes={"ReceiveMessageWaitTimeSeconds": "20"})
    assert sqs.get_queue_attributes(QueueUrl=existing, AttributeNames=["All"])["Attributes"][
        "ReceiveMessageWaitTimeSeconds"] == "20"
    sqs.send_message(QueueUrl=existing, MessageBody="waiting for you")
    received = sqs.receive_message(QueueUrl=existing, AttributeNames=["SentTimestamp"], MaxNumberOfMessages=1,
                                   MessageAttributeNames=["All"], WaitTimeSeconds=20)
    assert [m["Body"] for m in received["Messages"]] == ["waiting for you"]


def test_change_visibility_of_a_received_message(sqs, make_queue):
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="hide me")
    message = sqs.receive_message(QueueUrl=url, AttributeNames=["SentTimestamp"], MaxNumberOfMessages=1,
                                  MessageAttributeNames=["All"])["Messages"][0]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=3600)
    assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)["Messages"]] == ["hide me"]
