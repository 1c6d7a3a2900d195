"""The aws cli reference's Kinesis examples (awscli/examples/kinesis), run as printed and
compared with the output they show: describe-stream, describe-stream-summary and
register-stream-consumer print the creation timestamps in whole seconds
(`"StreamCreationTimestamp": 1572297168.0`, `"ConsumerCreationTimestamp": 1572383852.0`),
and a consumer's ARN ends with that second."""
import json
import re
import uuid

from aws_cli import printed_by, printed_numbers, run_cli


def kinesis(lakebox_server, *args) -> str:
    return printed_by(run_cli(lakebox_server, "kinesis", *args))


def test_creation_timestamps_are_printed_in_whole_seconds(lakebox_server):
    name = f"samplestream-{uuid.uuid4().hex[:8]}"
    kinesis(lakebox_server, "create-stream", "--stream-name", name, "--shard-count", "1")
    try:
        kinesis(lakebox_server, "wait", "stream-exists", "--stream-name", name)
        arn = json.loads(kinesis(lakebox_server, "describe-stream-summary", "--stream-name", name))[
            "StreamDescriptionSummary"]["StreamARN"]
        printed = (printed_numbers(kinesis(lakebox_server, "describe-stream-summary", "--stream-name", name),
                            "StreamCreationTimestamp")
                   + printed_numbers(kinesis(lakebox_server, "describe-stream", "--stream-name", name),
                              "StreamCreationTimestamp"))
        registered = kinesis(lakebox_server, "register-stream-consumer", "--stream-arn", arn,
                             "--consumer-name", "KinesisConsumerApplication")
        consumer = json.loads(registered)["Consumer"]
        printed += printed_numbers(registered, "ConsumerCreationTimestamp")
        assert len(printed) == 3
        assert all(re.fullmatch(r"[0-9]{10}\.0", value) for value in printed), printed
        assert consumer["ConsumerARN"].endswith(f":{printed[-1][:-2]}")
    finally:
        kinesis(lakebox_server, "delete-stream", "--stream-name", name, "--enforce-consumer-deletion")
