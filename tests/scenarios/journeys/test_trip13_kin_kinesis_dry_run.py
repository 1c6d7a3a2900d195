"""A producer and a reader try their calls with DryRun before going live, as real
Kinesis answered them (radkawar/stackd testdata/aws/kinesis/dry_run.json): each call that
would have succeeded is DryRunOperationException and does nothing (no record written, no
iterator given); a dry run that would fail gets the failure (a missing stream, a hash key
out of range), and GetShardIterator answers the dry run before it looks for the shard.
The DryRun member is newer than the botocore these tests run with, so it is added to the
request's JSON document before it is signed, as a newer SDK sends it."""
import json

import pytest

from trip_helpers import error_of

ACCOUNT = "000000000000"


def dry_run_message(operation):
    return (f"DryRunOperation validation succeeded while calling {operation} operation.: "
            f"Request would have succeeded, but DryRun flag is set.")


@pytest.fixture
def dry(client):
    """A Kinesis client whose data-plane calls carry "DryRun": true."""
    kinesis = client("kinesis")

    def add_dry_run(request, **_):
        document = json.loads(request.body or b"{}")
        document["DryRun"] = True
        request.data = json.dumps(document).encode()
    for operation in ("PutRecord", "PutRecords", "GetShardIterator", "GetRecords", "SubscribeToShard"):
        kinesis.meta.events.register(f"before-sign.kinesis.{operation}", add_dry_run)
    return kinesis


def test_dry_runs_of_the_data_plane(client, dry, kinesis_streams):
    kinesis = client("kinesis")
    name, arn = kinesis_streams("kdry")
    shard = kinesis.list_shards(StreamARN=arn)["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(StreamARN=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")[
        "ShardIterator"]

    assert error_of(dry.put_record, StreamARN=arn, PartitionKey="dry-run", Data=b"dry-run-single") == (
        "DryRunOperationException", dry_run_message("PutRecord"))
    assert error_of(dry.put_records, StreamARN=arn, Records=[{"PartitionKey": "dry-run", "Data": b"dry-run-batch"}]) \
        == ("DryRunOperationException", dry_run_message("PutRecords"))
    assert error_of(dry.get_shard_iterator, StreamARN=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON") == (
        "DryRunOperationException", dry_run_message("GetShardIterator"))
    assert error_of(dry.get_records, StreamARN=arn, ShardIterator=iterator, Limit=10) == (
        "DryRunOperationException", dry_run_message("GetRecords"))
    # nothing was written
    assert kinesis.get_records(ShardIterator=iterator)["Records"] == []

    # checks made before the dry run is answered
    absent = f"{arn}-absent"
    assert error_of(dry.put_record, StreamARN=absent, PartitionKey="dry-run", Data=b"x") == (
        "ResourceNotFoundException", f"Stream {name}-absent under account {ACCOUNT} not found.")
    assert error_of(dry.put_record, StreamARN=arn, PartitionKey="dry-run", Data=b"x",
                    ExplicitHashKey="340282366920938463463374607431768211456") == (
        "InvalidArgumentException", "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. "
        "Specified value was 340282366920938463463374607431768211456")
    assert error_of(dry.get_records, StreamARN=arn, ShardIterator="invalid", Limit=10) == (
        "InvalidArgumentException", "Invalid ShardIterator.")
    # and checks it leaves to the real call
    assert error_of(dry.get_shard_iterator, StreamARN=arn, ShardId="shardId-999999999999",
                    ShardIteratorType="TRIM_HORIZON") == ("DryRunOperationException",
                                                           dry_run_message("GetShardIterator"))


def test_a_dry_run_subscription(client, dry, kinesis_streams):
    kinesis = client("kinesis")
    name, arn = kinesis_streams("kdry")
    shard = kinesis.list_shards(StreamARN=arn)["Shards"][0]["ShardId"]
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="dry-run-reader")["Consumer"]
    consumer_arn = consumer["ConsumerARN"]
    while kinesis.describe_stream_consumer(ConsumerARN=consumer_arn)["ConsumerDescription"][
            "ConsumerStatus"] != "ACTIVE":
        pass
    assert error_of(dry.subscribe_to_shard, ConsumerARN=consumer_arn, ShardId=shard,
                    StartingPosition={"Type": "TRIM_HORIZON"}) == (
        "DryRunOperationException", dry_run_message("SubscribeToShard"))
    assert error_of(dry.subscribe_to_shard, ConsumerARN=consumer_arn, ShardId="shardId-999999999999",
                    StartingPosition={"Type": "TRIM_HORIZON"}) == (
        "ResourceNotFoundException",
        f"Could not find shard shardId-999999999999 in stream {name} under account {ACCOUNT}.")
