"""Issue 13's aws cli item for SQS, run as the AWS CLI guide's SQS pages run it (cli v1):
attributes from a `file://` JSON document (a RedrivePolicy inside), receive-message with
`--attribute-names All`, `--query ... --output text`, the batch commands with `--entries`,
tags, dead-letter sources, a message move task, FIFO flags, and the errors the cli
prints (PurgeQueueInProgress, NonExistentQueue)."""
import json
import time
import uuid

from aws_cli import answer_of, run_cli


def sqs(lakebox_server, *args, cwd=None):
    return answer_of(run_cli(lakebox_server, "sqs", *args, cwd=cwd))


def sqs_text(lakebox_server, *args) -> str:
    done = run_cli(lakebox_server, "sqs", *args, output="text")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_cli_dead_letter_flow_with_files_batches_and_a_redrive(lakebox_server, tmp_path):
    suffix = uuid.uuid4().hex[:8]
    dlq = sqs(lakebox_server, "create-queue", "--queue-name", f"cli-dlq-{suffix}")["QueueUrl"]
    dlq_arn = sqs_text(lakebox_server, "get-queue-attributes", "--queue-url", dlq, "--attribute-names", "QueueArn",
                       "--query", "Attributes.QueueArn")
    (tmp_path / "attributes.json").write_text(json.dumps({
        "VisibilityTimeout": "0", "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn,
                                                               "maxReceiveCount": "1"})}))
    source = sqs(lakebox_server, "create-queue", "--queue-name", f"cli-src-{suffix}",
                 "--attributes", "file://attributes.json", cwd=tmp_path)["QueueUrl"]
    try:
        assert sqs(lakebox_server, "list-dead-letter-source-queues", "--queue-url", dlq)["queueUrls"] == [source]
        sent = sqs(lakebox_server, "send-message-batch", "--queue-url", source, "--entries", json.dumps(
            [{"Id": f"m{i}", "MessageBody": f"job {i}"} for i in range(3)]))
        assert sorted(e["Id"] for e in sent["Successful"]) == ["m0", "m1", "m2"]
        received = sqs(lakebox_server, "receive-message", "--queue-url", source, "--attribute-names", "All",
                       "--max-number-of-messages", "10")["Messages"]
        assert {m["Attributes"]["ApproximateReceiveCount"] for m in received} == {"1"}
        # Received once with no visibility timeout: the next receive moves them to the DLQ.
        assert sqs(lakebox_server, "receive-message", "--queue-url", source, "--max-number-of-messages", "10") == {}
        assert sqs_text(lakebox_server, "get-queue-attributes", "--queue-url", dlq, "--attribute-names",
                        "ApproximateNumberOfMessages", "--query", "Attributes.ApproximateNumberOfMessages") == "3"
        sqs(lakebox_server, "start-message-move-task", "--source-arn", dlq_arn)
        deadline = time.monotonic() + 20
        while sqs_text(lakebox_server, "list-message-move-tasks", "--source-arn", dlq_arn,
                       "--query", "Results[0].Status") != "COMPLETED":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        sqs(lakebox_server, "set-queue-attributes", "--queue-url", source, "--attributes", "VisibilityTimeout=30")
        back = sqs(lakebox_server, "receive-message", "--queue-url", source, "--max-number-of-messages", "10",
                   "--message-system-attribute-names", "ApproximateReceiveCount")["Messages"]
        assert sorted(m["Body"] for m in back) == ["job 0", "job 1", "job 2"]
        changed = sqs(lakebox_server, "change-message-visibility-batch", "--queue-url", source, "--entries",
                      json.dumps([{"Id": "a", "ReceiptHandle": back[0]["ReceiptHandle"], "VisibilityTimeout": 60},
                                  {"Id": "b", "ReceiptHandle": "bogus", "VisibilityTimeout": 60}]))
        assert [e["Id"] for e in changed["Successful"]] == ["a"]
        assert changed["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"
        deleted = sqs(lakebox_server, "delete-message-batch", "--queue-url", source, "--entries", json.dumps(
            [{"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(back)]))
        assert len(deleted["Successful"]) == 3 and deleted.get("Failed", []) == []
    finally:
        sqs(lakebox_server, "delete-queue", "--queue-url", source)
        sqs(lakebox_server, "delete-queue", "--queue-url", dlq)


def test_cli_tags_fifo_purge_and_errors(lakebox_server):
    name = f"cli-audit-{uuid.uuid4().hex[:8]}.fifo"
    url = sqs(lakebox_server, "create-queue", "--queue-name", name, "--attributes",
              "FifoQueue=true,DeduplicationScope=messageGroup,FifoThroughputLimit=perMessageGroupId",
              "--tags", "team=data,env=dev")["QueueUrl"]
    try:
        sqs(lakebox_server, "tag-queue", "--queue-url", url, "--tags", "owner=me")
        sqs(lakebox_server, "untag-queue", "--queue-url", url, "--tag-keys", "env")
        assert sqs(lakebox_server, "list-queue-tags", "--queue-url", url)["Tags"] == {"team": "data", "owner": "me"}
        first = sqs(lakebox_server, "send-message", "--queue-url", url, "--message-body", "a", "--message-group-id",
                    "g1", "--message-deduplication-id", "d1")
        again = sqs(lakebox_server, "send-message", "--queue-url", url, "--message-body", "a", "--message-group-id",
                    "g1", "--message-deduplication-id", "d1")
        assert again["MessageId"] == first["MessageId"] and len(first["SequenceNumber"]) == 20
        sqs(lakebox_server, "send-message", "--queue-url", url, "--message-body", "b", "--message-group-id", "g2",
            "--message-deduplication-id", "d1")                # another group: its own scope
        assert sqs_text(lakebox_server, "get-queue-attributes", "--queue-url", url, "--attribute-names", "All",
                        "--query", "Attributes.ApproximateNumberOfMessages") == "2"
        sqs(lakebox_server, "purge-queue", "--queue-url", url)
        twice = run_cli(lakebox_server, "sqs", "purge-queue", "--queue-url", url, max_attempts=1)
        assert twice.returncode != 0
        assert "(AWS.SimpleQueueService.PurgeQueueInProgress)" in twice.stderr
        assert f"Only one PurgeQueue operation on {name} is allowed every 60 seconds." in twice.stderr
        delayed = run_cli(lakebox_server, "sqs", "send-message", "--queue-url", url, "--message-body", "x",
                          "--message-group-id", "g", "--message-deduplication-id", "d", "--delay-seconds", "5")
        assert delayed.returncode != 0 and "(InvalidParameterValue)" in delayed.stderr
    finally:
        sqs(lakebox_server, "delete-queue", "--queue-url", url)
    gone = run_cli(lakebox_server, "sqs", "send-message", "--queue-url", url, "--message-body", "x",
                   "--message-group-id", "g", "--message-deduplication-id", "d")
    assert gone.returncode != 0 and "(AWS.SimpleQueueService.NonExistentQueue)" in gone.stderr
