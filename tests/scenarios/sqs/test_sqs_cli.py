"""SQS with the aws cli, run as a user runs it: queues, messages with attributes, a
batch, visibility, errors with AWS's codes."""
import json
import uuid

from aws_cli import run_cli


def aws(lakebox_server, *args):
    return run_cli(lakebox_server, "sqs", *args)


def ok(done) -> dict:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


def test_cli_queue_and_messages(lakebox_server):
    name = f"cli-{uuid.uuid4().hex[:10]}"
    url = ok(aws(lakebox_server, "create-queue", "--queue-name", name, "--attributes",
                 "VisibilityTimeout=60,DelaySeconds=0"))["QueueUrl"]
    try:
        assert ok(aws(lakebox_server, "get-queue-url", "--queue-name", name))["QueueUrl"] == url
        sent = ok(aws(lakebox_server, "send-message", "--queue-url", url, "--message-body", "from the cli",
                      "--message-attributes", json.dumps({"kind": {"DataType": "String", "StringValue": "test"}})))
        ok(aws(lakebox_server, "send-message-batch", "--queue-url", url, "--entries",
               json.dumps([{"Id": "a", "MessageBody": "batch a"}, {"Id": "b", "MessageBody": "batch b"}])))
        attrs = ok(aws(lakebox_server, "get-queue-attributes", "--queue-url", url, "--attribute-names", "All"))
        assert attrs["Attributes"]["ApproximateNumberOfMessages"] == "3"
        assert attrs["Attributes"]["VisibilityTimeout"] == "60"
        received = ok(aws(lakebox_server, "receive-message", "--queue-url", url, "--max-number-of-messages", "10",
                          "--message-attribute-names", "All"))["Messages"]
        assert sorted(m["Body"] for m in received) == ["batch a", "batch b", "from the cli"]
        first = next(m for m in received if m["MessageId"] == sent["MessageId"])
        assert first["MessageAttributes"] == {"kind": {"StringValue": "test", "DataType": "String"}}
        for message in received:
            ok(aws(lakebox_server, "delete-message", "--queue-url", url, "--receipt-handle",
                   message["ReceiptHandle"]))
        assert ok(aws(lakebox_server, "receive-message", "--queue-url", url)) == {}
        assert url in ok(aws(lakebox_server, "list-queues", "--queue-name-prefix", "cli-"))["QueueUrls"]
    finally:
        ok(aws(lakebox_server, "delete-queue", "--queue-url", url))


def test_cli_errors(lakebox_server):
    missing = aws(lakebox_server, "get-queue-url", "--queue-name", "no-such-cli-queue")
    assert missing.returncode != 0
    assert "(AWS.SimpleQueueService.NonExistentQueue)" in missing.stderr
    assert "The specified queue does not exist." in missing.stderr
    bad = aws(lakebox_server, "create-queue", "--queue-name", "cli-bad", "--attributes", "DelaySeconds=901")
    assert "(InvalidAttributeValue)" in bad.stderr and "Invalid value for the parameter DelaySeconds." in bad.stderr
