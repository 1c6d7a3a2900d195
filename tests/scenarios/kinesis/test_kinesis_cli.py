"""Kinesis with the aws cli, run as a user runs it."""
import base64
import json
import uuid

import pytest

from aws_cli import run_cli


def aws(lakebox_server, *args):
    return run_cli(lakebox_server, "kinesis", *args)


def _ok(done) -> dict:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


@pytest.fixture
def cli_stream(lakebox_server):
    name = f"cli-{uuid.uuid4().hex[:10]}"
    _ok(aws(lakebox_server, "create-stream", "--stream-name", name, "--shard-count", "1"))
    _ok(aws(lakebox_server, "wait", "stream-exists", "--stream-name", name))
    yield name
    aws(lakebox_server, "delete-stream", "--stream-name", name)


def test_cli_put_record_then_get_records(lakebox_server, cli_stream):
    put = _ok(aws(lakebox_server, "put-record", "--stream-name", cli_stream, "--partition-key", "order-1",
                  "--data", "hello from the cli"))
    assert put["ShardId"] == "shardId-000000000000"
    iterator = _ok(aws(lakebox_server, "get-shard-iterator", "--stream-name", cli_stream, "--shard-id",
                       put["ShardId"], "--shard-iterator-type", "TRIM_HORIZON"))["ShardIterator"]
    records = _ok(aws(lakebox_server, "get-records", "--shard-iterator", iterator))["Records"]
    assert len(records) == 1
    assert records[0]["SequenceNumber"] == put["SequenceNumber"]
    assert records[0]["PartitionKey"] == "order-1"
    assert base64.b64decode(records[0]["Data"]) == b"hello from the cli"


def test_cli_describe_and_list(lakebox_server, cli_stream):
    summary = _ok(aws(lakebox_server, "describe-stream-summary", "--stream-name", cli_stream))
    assert summary["StreamDescriptionSummary"]["OpenShardCount"] == 1
    assert cli_stream in _ok(aws(lakebox_server, "list-streams"))["StreamNames"]


def test_cli_shows_the_server_error(lakebox_server):
    done = aws(lakebox_server, "describe-stream", "--stream-name", "no-such-stream-here")
    assert done.returncode != 0
    assert "ResourceNotFoundException" in done.stderr
    assert "Stream no-such-stream-here under account" in done.stderr
