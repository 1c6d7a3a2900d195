"""The aws cli as users type it for SQS: receive-message with named system attributes
(the cli's `--attribute-names` is the legacy AttributeNames member), long polling, and
the FIFO flags."""
import json
import uuid

from aws_cli import run_cli


def aws(lakebox_server, *args) -> dict:
    done = run_cli(lakebox_server, "sqs", *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


def test_receive_with_named_attributes_and_long_poll(lakebox_server):
    url = aws(lakebox_server, "create-queue", "--queue-name", f"cli-review-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    aws(lakebox_server, "send-message", "--queue-url", url, "--message-body", "hello",
        "--message-attributes", json.dumps({"region": {"DataType": "String", "StringValue": "eu"}}))
    try:
        [message] = aws(lakebox_server, "receive-message", "--queue-url", url, "--wait-time-seconds", "1",
                        "--attribute-names", "SentTimestamp", "ApproximateReceiveCount",
                        "--message-attribute-names", "All")["Messages"]
        assert message["Body"] == "hello"
        assert set(message["Attributes"]) == {"SentTimestamp", "ApproximateReceiveCount"}
        assert message["MessageAttributes"]["region"] == {"StringValue": "eu", "DataType": "String"}
        aws(lakebox_server, "change-message-visibility", "--queue-url", url, "--receipt-handle",
            message["ReceiptHandle"], "--visibility-timeout", "0")
        [again] = aws(lakebox_server, "receive-message", "--queue-url", url,
                      "--message-system-attribute-names", "ApproximateReceiveCount")["Messages"]
        assert again["Attributes"] == {"ApproximateReceiveCount": "2"}
        aws(lakebox_server, "delete-message", "--queue-url", url, "--receipt-handle", again["ReceiptHandle"])
    finally:
        aws(lakebox_server, "delete-queue", "--queue-url", url)


def test_fifo_from_the_cli(lakebox_server):
    url = aws(lakebox_server, "create-queue", "--queue-name", f"cli-review-{uuid.uuid4().hex[:8]}.fifo",
              "--attributes", "FifoQueue=true,ContentBasedDeduplication=true")["QueueUrl"]
    try:
        first = aws(lakebox_server, "send-message", "--queue-url", url, "--message-body", "one",
                    "--message-group-id", "orders")
        again = aws(lakebox_server, "send-message", "--queue-url", url, "--message-body", "one",
                    "--message-group-id", "orders")
        assert again["MessageId"] == first["MessageId"]          # deduplicated by content
        received = aws(lakebox_server, "receive-message", "--queue-url", url, "--max-number-of-messages", "10",
                       "--attribute-names", "All")["Messages"]
        assert [(m["Body"], m["Attributes"]["MessageGroupId"]) for m in received] == [("one", "orders")]
    finally:
        aws(lakebox_server, "delete-queue", "--queue-url", url)
