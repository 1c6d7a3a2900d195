"""SQS's everyday cli flow as the AWS CLI user guide's SQS examples run it: create-queue
with attributes, get-queue-url, get-queue-attributes, send-message with message
attributes, receive-message asking for All attributes, change-message-visibility,
delete-message, purge-queue, delete-queue, and the NonExistentQueue error after."""
import json
import uuid

from aws_cli import answer_of, run_cli


def sqs(lakebox_server, *args):
    return answer_of(run_cli(lakebox_server, "sqs", *args))


def test_queue_and_message_basics_with_the_cli(lakebox_server):
    name = f"MyQueue-{uuid.uuid4().hex[:8]}"
    url = sqs(lakebox_server, "create-queue", "--queue-name", name,
              "--attributes", "DelaySeconds=0,MessageRetentionPeriod=86400")["QueueUrl"]
    assert sqs(lakebox_server, "get-queue-url", "--queue-name", name)["QueueUrl"] == url
    attributes = sqs(lakebox_server, "get-queue-attributes", "--queue-url", url, "--attribute-names", "All")["Attributes"]
    assert attributes["MessageRetentionPeriod"] == "86400" and attributes["QueueArn"].endswith(f":{name}")

    sent = sqs(lakebox_server, "send-message", "--queue-url", url, "--message-body",
               "Information about the largest city in Any Region.", "--message-attributes",
               json.dumps({"City": {"DataType": "String", "StringValue": "Any City"},
                           "Population": {"DataType": "Number", "StringValue": "1250800"}}))
    assert set(sent) >= {"MessageId", "MD5OfMessageBody", "MD5OfMessageAttributes"}

    received = sqs(lakebox_server, "receive-message", "--queue-url", url, "--attribute-names", "All",
                   "--message-attribute-names", "All", "--max-number-of-messages", "10")["Messages"]
    assert len(received) == 1
    message = received[0]
    assert message["MessageId"] == sent["MessageId"]
    assert message["MessageAttributes"]["Population"] == {"DataType": "Number", "StringValue": "1250800"}
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"
    sqs(lakebox_server, "change-message-visibility", "--queue-url", url, "--receipt-handle",
        message["ReceiptHandle"], "--visibility-timeout", "10")
    sqs(lakebox_server, "delete-message", "--queue-url", url, "--receipt-handle", message["ReceiptHandle"])

    sqs(lakebox_server, "send-message", "--queue-url", url, "--message-body", "to be purged")
    sqs(lakebox_server, "purge-queue", "--queue-url", url)
    assert "Messages" not in sqs(lakebox_server, "receive-message", "--queue-url", url)

    sqs(lakebox_server, "delete-queue", "--queue-url", url)
    gone = run_cli(lakebox_server, "sqs", "get-queue-url", "--queue-name", name)
    assert gone.returncode != 0 and "AWS.SimpleQueueService.NonExistentQueue" in gone.stderr
