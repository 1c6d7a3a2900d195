"""A shard-discovery library's ShardFilter calls, answered as real Kinesis answered them in
us-east-1 (radkawar/stackd testdata/aws/kinesis/topology.json): a timestamp before the
trim horizon or after now is refused, AFTER_SHARD_ID without a ShardId is refused in
Kinesis' words, AT_LATEST takes (and ignores) a Timestamp and starts after a given
ShardId, and a NextToken cannot come with a ShardFilter."""
import datetime
import uuid

from trip_helpers import error_of


def test_shard_filters_as_kinesis_reads_them(client, kinesis_streams):
    kinesis = client("kinesis")
    _, arn = kinesis_streams("topo", shards=2)
    now = datetime.datetime.now(datetime.timezone.utc)
    for kind in ("AT_TIMESTAMP", "FROM_TIMESTAMP"):
        assert error_of(kinesis.list_shards, StreamARN=arn, ShardFilter={"Type": kind, "Timestamp": 1}) == (
            "InvalidArgumentException", "ShardFilter Timestamp cannot be older than TRIM_HORIZON of the stream.")
        future = now + datetime.timedelta(hours=2)
        assert error_of(kinesis.list_shards, StreamARN=arn, ShardFilter={"Type": kind, "Timestamp": future}) == (
            "InvalidArgumentException", "ShardFilter Timestamp must not be greater than current time.")
    assert error_of(kinesis.list_shards, StreamARN=arn, ShardFilter={"Type": "AFTER_SHARD_ID"}) == (
        "InvalidArgumentException", "ShardId must be provided when the ShardFilter Type is AFTER_SHARD_ID.")

    hour_ago = now - datetime.timedelta(hours=1)
    latest = kinesis.list_shards(StreamARN=arn, ShardFilter={"Type": "AT_LATEST", "Timestamp": hour_ago})["Shards"]
    assert [s["ShardId"] for s in latest] == ["shardId-000000000000", "shardId-000000000001"]
    after = kinesis.list_shards(StreamARN=arn, ShardFilter={"Type": "AT_LATEST",
                                                            "ShardId": "shardId-000000000000"})["Shards"]
    assert [s["ShardId"] for s in after] == ["shardId-000000000001"]

    token = kinesis.list_shards(StreamARN=arn, MaxResults=1)["NextToken"]
    assert error_of(kinesis.list_shards, NextToken=token, ShardFilter={"Type": "AT_LATEST"}) == (
        "InvalidArgumentException", "NextToken and ShardFilter cannot be provided together.")
    assert [s["ShardId"] for s in kinesis.list_shards(NextToken=token)["Shards"]] == ["shardId-000000000001"]


def test_splitting_a_shard_the_stream_never_had(client, kinesis_streams):
    kinesis = client("kinesis")
    name, arn = kinesis_streams("split", shards=2)
    account = arn.split(":")[4]
    assert error_of(kinesis.split_shard, StreamARN=arn, ShardToSplit="shardId-999999999999",
                    NewStartingHashKey="1") == (
        "ResourceNotFoundException",
        f"Could not find shard shardId-999999999999 in stream {name} under account {account}.")


def test_scaling_three_shards_to_one_and_on_demand_shards_outside_the_count(client, kinesis_streams):
    """UpdateShardCount halves rounding down (3 -> 1 taken, 5 -> 1 refused) and an ON_DEMAND
    stream's shards are not in DescribeLimits' OpenShardCount (topology.json, scale-below-half
    and ohio-after-on-demand)."""
    kinesis = client("kinesis")
    _, three = kinesis_streams("three", shards=3)
    answer = kinesis.update_shard_count(StreamARN=three, TargetShardCount=1, ScalingType="UNIFORM_SCALING")
    assert (answer["CurrentShardCount"], answer["TargetShardCount"]) == (3, 1)
    _, five = kinesis_streams("five", shards=5)
    assert error_of(kinesis.update_shard_count, StreamARN=five, TargetShardCount=1,
                    ScalingType="UNIFORM_SCALING") == (
        "LimitExceededException", "UpdateShardCount cannot scale down below half your current open shard count. "
                                  "Current open shard count: 5, Target shard count: 1")
    before = kinesis.describe_limits()
    name = f"od-{uuid.uuid4().hex[:8]}"
    kinesis.create_stream(StreamName=name, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    try:
        kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        after = kinesis.describe_limits()
        assert after["OpenShardCount"] == before["OpenShardCount"]
        assert after["OnDemandStreamCount"] == before["OnDemandStreamCount"] + 1
    finally:
        kinesis.delete_stream(StreamName=name)
