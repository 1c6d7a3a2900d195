"""An operator sets up and looks after a team's queues from a shell with the aws cli: a
queue with attributes from a file (visibility, retention, long polling by default), a
dead-letter queue wired by the redrive policy (as the JSON string the attribute takes),
cost tags, `get-queue-attributes --attribute-names All`, the queue found by prefix and
by name, a test message sent with attributes and peeked, a purge (a second purge within
the minute is refused), and the mistakes made at a prompt: an unknown queue, a
retention out of range, a redrive policy naming a queue that is not there."""
import hashlib
import json
import uuid

from trip_helpers import aws, ok


def cli_error(done) -> str:
    assert done.returncode != 0, done.stdout
    return done.stderr.strip()


def test_queue_admin_from_the_shell(lakebox_server, tmp_path):
    team = f"billing-{uuid.uuid4().hex[:6]}"
    dlq = ok(aws(lakebox_server, "sqs", "create-queue", "--queue-name", f"{team}-dlq",
                 "--attributes", "MessageRetentionPeriod=1209600"))["QueueUrl"]
    dlq_arn = ok(aws(lakebox_server, "sqs", "get-queue-attributes", "--queue-url", dlq,
                     "--attribute-names", "QueueArn"))["Attributes"]["QueueArn"]
    assert dlq_arn == f"arn:aws:sqs:us-east-1:000000000000:{team}-dlq"

    attributes = tmp_path / "attributes.json"
    attributes.write_text(json.dumps({
        "VisibilityTimeout": "120", "ReceiveMessageWaitTimeSeconds": "20", "MessageRetentionPeriod": "86400",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})}))
    url = ok(aws(lakebox_server, "sqs", "create-queue", "--queue-name", f"{team}-jobs",
                 "--attributes", f"file://{attributes}", "--tags", "team=billing,env=dev"))["QueueUrl"]
    assert url.endswith(f"/000000000000/{team}-jobs")
    again = ok(aws(lakebox_server, "sqs", "create-queue", "--queue-name", f"{team}-jobs",
                   "--attributes", f"file://{attributes}"))
    assert again["QueueUrl"] == url               # the same attributes: the same queue
    assert "QueueAlreadyExists" in cli_error(aws(lakebox_server, "sqs", "create-queue", "--queue-name",
                                                 f"{team}-jobs", "--attributes", "VisibilityTimeout=60"))

    everything = ok(aws(lakebox_server, "sqs", "get-queue-attributes", "--queue-url", url,
                        "--attribute-names", "All"))["Attributes"]
    assert {k: everything[k] for k in ("VisibilityTimeout", "ReceiveMessageWaitTimeSeconds", "MessageRetentionPeriod",
                                       "DelaySeconds", "MaximumMessageSize", "ApproximateNumberOfMessages",
                                       "SqsManagedSseEnabled")} == {
        "VisibilityTimeout": "120", "ReceiveMessageWaitTimeSeconds": "20", "MessageRetentionPeriod": "86400",
        "DelaySeconds": "0", "MaximumMessageSize": "1048576", "ApproximateNumberOfMessages": "0",
        "SqsManagedSseEnabled": "true"}
    assert json.loads(everything["RedrivePolicy"]) == {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}

    ok(aws(lakebox_server, "sqs", "tag-queue", "--queue-url", url, "--tags", "owner=ops"))
    ok(aws(lakebox_server, "sqs", "untag-queue", "--queue-url", url, "--tag-keys", "env"))
    assert ok(aws(lakebox_server, "sqs", "list-queue-tags", "--queue-url", url))["Tags"] == {
        "team": "billing", "owner": "ops"}
    listed = ok(aws(lakebox_server, "sqs", "list-queues", "--queue-name-prefix", team))["QueueUrls"]
    assert sorted(listed) == sorted([dlq, url])
    assert ok(aws(lakebox_server, "sqs", "list-dead-letter-source-queues", "--queue-url", dlq))["queueUrls"] == [url]
    assert ok(aws(lakebox_server, "sqs", "get-queue-url", "--queue-name", f"{team}-jobs"))["QueueUrl"] == url

    sent = ok(aws(lakebox_server, "sqs", "send-message", "--queue-url", url, "--message-body", '{"job": 1}',
                  "--message-attributes", '{"kind": {"DataType": "String", "StringValue": "smoke"}}'))
    assert sent["MD5OfMessageBody"] == hashlib.md5(b'{"job": 1}').hexdigest()
    peeked = ok(aws(lakebox_server, "sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "1",
                    "--message-attribute-names", "All", "--attribute-names", "ApproximateReceiveCount",
                    "--visibility-timeout", "0"))["Messages"]
    assert peeked[0]["Body"] == '{"job": 1}'
    assert peeked[0]["MessageAttributes"] == {"kind": {"StringValue": "smoke", "DataType": "String"}}
    assert peeked[0]["Attributes"] == {"ApproximateReceiveCount": "1"}

    ok(aws(lakebox_server, "sqs", "purge-queue", "--queue-url", url))
    refused = cli_error(aws(lakebox_server, "sqs", "purge-queue", "--queue-url", url))
    assert "(AWS.SimpleQueueService.PurgeQueueInProgress)" in refused
    assert f"Only one PurgeQueue operation on {team}-jobs is allowed every 60 seconds." in refused

    missing = cli_error(aws(lakebox_server, "sqs", "get-queue-url", "--queue-name", f"{team}-nope"))
    assert "(AWS.SimpleQueueService.NonExistentQueue)" in missing
    assert "The specified queue does not exist" in missing
    out_of_range = cli_error(aws(lakebox_server, "sqs", "set-queue-attributes", "--queue-url", url,
                                 "--attributes", "MessageRetentionPeriod=30"))
    assert "(InvalidAttributeValue)" in out_of_range
    assert "Invalid value for the parameter MessageRetentionPeriod." in out_of_range
    bad_target = json.dumps({"deadLetterTargetArn": f"arn:aws:sqs:us-east-1:000000000000:{team}-gone",
                             "maxReceiveCount": "5"})
    no_dlq = cli_error(aws(lakebox_server, "sqs", "set-queue-attributes", "--queue-url", url,
                           "--attributes", json.dumps({"RedrivePolicy": bad_target})))
    assert "(InvalidParameterValue)" in no_dlq
    assert "Dead letter target does not exist." in no_dlq

    ok(aws(lakebox_server, "sqs", "delete-queue", "--queue-url", url))
    ok(aws(lakebox_server, "sqs", "delete-queue", "--queue-url", dlq))
    assert "(AWS.SimpleQueueService.NonExistentQueue)" in cli_error(
        aws(lakebox_server, "sqs", "get-queue-attributes", "--queue-url", url))
