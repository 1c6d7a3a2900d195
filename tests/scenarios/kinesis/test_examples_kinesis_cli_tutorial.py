"""The Kinesis Data Streams Developer Guide's cli tutorial ("perform basic Kinesis data
stream operations using the AWS CLI"): create-stream, wait stream-exists,
describe-stream-summary, list-streams, put-record, get-shard-iterator at TRIM_HORIZON,
get-records (the cli prints Data base64-encoded), delete-stream and wait until it is
gone."""
import base64
import uuid

from aws_cli import answer_of, run_cli


def kinesis(lakebox_server, *args):
    return answer_of(run_cli(lakebox_server, "kinesis", *args))


def test_basic_stream_operations_with_the_cli(lakebox_server):
    name = f"Foo-{uuid.uuid4().hex[:8]}"
    kinesis(lakebox_server, "create-stream", "--stream-name", name, "--shard-count", "1")
    kinesis(lakebox_server, "wait", "stream-exists", "--stream-name", name)
    summary = kinesis(lakebox_server, "describe-stream-summary", "--stream-name", name)["StreamDescriptionSummary"]
    assert summary["StreamStatus"] == "ACTIVE" and summary["OpenShardCount"] == 1
    assert name in kinesis(lakebox_server, "list-streams")["StreamNames"]

    put = kinesis(lakebox_server, "put-record", "--stream-name", name, "--partition-key", "123", "--data", "testdata")
    assert put["ShardId"] == "shardId-000000000000"
    iterator = kinesis(lakebox_server, "get-shard-iterator", "--shard-id", "shardId-000000000000",
                       "--shard-iterator-type", "TRIM_HORIZON", "--stream-name", name)["ShardIterator"]
    records = kinesis(lakebox_server, "get-records", "--shard-iterator", iterator)
    assert [(r["SequenceNumber"], base64.b64decode(r["Data"]), r["PartitionKey"]) for r in records["Records"]] == [
        (put["SequenceNumber"], b"testdata", "123")]
    assert records["NextShardIterator"] and records["MillisBehindLatest"] == 0

    kinesis(lakebox_server, "delete-stream", "--stream-name", name)
    kinesis(lakebox_server, "wait", "stream-not-exists", "--stream-name", name)
    gone = run_cli(lakebox_server, "kinesis", "describe-stream-summary", "--stream-name", name)
    assert gone.returncode != 0 and "ResourceNotFoundException" in gone.stderr
