"""An ingestion team that starts a new clickstream on-demand (no capacity planning:
CreateStream with StreamModeDetails ON_DEMAND and no ShardCount), checks the account's
quota with DescribeLimits, finds that the resharding APIs are refused on an on-demand
stream ("This API is only supported for the data streams with the provisioned capacity
mode": a ValidationException), then pins capacity for a known load: UpdateStreamMode to
PROVISIONED, UpdateShardCount from the four on-demand shards to eight equal ones, and
back to ON_DEMAND once the campaign is over; a third switch the same day is refused
("You cannot update the capacity mode of your data stream more than twice within 24
hours"). Records written before and after each change are all read back, in order per
key."""
import os
import uuid

import pytest

from trip_helpers import error_of, shard_read

SPACE = 2**128


@pytest.fixture
def clicks(client):
    kinesis = client("kinesis")
    name = f"clicks-{uuid.uuid4().hex[:10]}"
    yield name
    if name in kinesis.list_streams()["StreamNames"]:       # the journey deletes it when it gets that far
        kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)


def wait_active(kinesis, arn):
    kinesis.get_waiter("stream_exists").wait(StreamARN=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 60})


def ranges(count):
    """The hash key ranges of `count` equal shards, as Kinesis divides the key space."""
    width = SPACE // count
    return [{"StartingHashKey": str(i * width),
             "EndingHashKey": str(SPACE - 1 if i == count - 1 else (i + 1) * width - 1)} for i in range(count)]


def read_all(kinesis, arn):
    """Every record of the stream, parents before children, by partition key."""
    by_key = {}
    for shard in kinesis.list_shards(StreamARN=arn, ShardFilter={"Type": "FROM_TRIM_HORIZON"})["Shards"]:
        for record in shard_read(kinesis, arn, shard["ShardId"])[0]:
            by_key.setdefault(record["PartitionKey"], []).append(record["Data"].decode())
    return by_key


def put(kinesis, arn, phase):
    answer = kinesis.put_records(StreamARN=arn, Records=[
        {"Data": f"{phase}-{user}".encode(), "PartitionKey": f"user-{user}"} for user in range(6)])
    assert answer["FailedRecordCount"] == 0


@pytest.mark.skipif(os.environ.get("LAKEBOX_TEST_LIMITS", "aws") == "off",
                    reason="AWS's limits need --limits aws")
def test_on_demand_then_pinned_capacity(client, clicks):
    kinesis = client("kinesis")
    before = kinesis.describe_limits()
    kinesis.create_stream(StreamName=clicks, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    arn = kinesis.describe_stream_summary(StreamName=clicks)["StreamDescriptionSummary"]["StreamARN"]
    account = arn.split(":")[4]
    wait_active(kinesis, arn)

    summary = kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]
    assert summary["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}
    assert (summary["OpenShardCount"], summary["StreamStatus"]) == (4, "ACTIVE")
    assert [s["HashKeyRange"] for s in kinesis.list_shards(StreamARN=arn)["Shards"]] == ranges(4)
    limits = kinesis.describe_limits()
    assert limits["OnDemandStreamCount"] == before["OnDemandStreamCount"] + 1
    # an ON_DEMAND stream's shards are not counted (real Kinesis, radkawar/stackd topology.json)
    assert limits["OpenShardCount"] == before["OpenShardCount"]
    assert (limits["ShardLimit"], limits["OnDemandStreamCountLimit"]) == (
        before["ShardLimit"], before["OnDemandStreamCountLimit"])
    put(kinesis, arn, "launch")

    # Resharding is for provisioned streams only.
    for call, args in ((kinesis.update_shard_count, {"TargetShardCount": 8, "ScalingType": "UNIFORM_SCALING"}),
                       (kinesis.split_shard, {"ShardToSplit": "shardId-000000000000",
                                              "NewStartingHashKey": str(SPACE // 8)}),
                       (kinesis.merge_shards, {"ShardToMerge": "shardId-000000000000",
                                               "AdjacentShardToMerge": "shardId-000000000001"})):
        code, message = error_of(call, StreamARN=arn, **args)
        assert code == "ValidationException", message
    assert kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]["OpenShardCount"] == 4

    kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "PROVISIONED"})
    wait_active(kinesis, arn)
    assert kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]["StreamModeDetails"] == {
        "StreamMode": "PROVISIONED"}
    assert kinesis.describe_limits()["OnDemandStreamCount"] == before["OnDemandStreamCount"]
    scaled = kinesis.update_shard_count(StreamARN=arn, TargetShardCount=8, ScalingType="UNIFORM_SCALING")
    assert (scaled["CurrentShardCount"], scaled["TargetShardCount"]) == (4, 8)
    wait_active(kinesis, arn)
    open_now = kinesis.list_shards(StreamARN=arn, ShardFilter={"Type": "AT_LATEST"})["Shards"]
    assert [s["HashKeyRange"] for s in open_now] == ranges(8)
    assert {s["ParentShardId"] for s in open_now} == {f"shardId-00000000000{i}" for i in range(4)}
    put(kinesis, arn, "campaign")

    kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    wait_active(kinesis, arn)
    summary = kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]
    assert (summary["StreamModeDetails"], summary["OpenShardCount"]) == ({"StreamMode": "ON_DEMAND"}, 8)
    assert kinesis.describe_limits()["OnDemandStreamCount"] == before["OnDemandStreamCount"] + 1
    put(kinesis, arn, "after")
    # A third switch within 24 hours is refused, and the stream stays on-demand.
    assert error_of(kinesis.update_stream_mode, StreamARN=arn, StreamModeDetails={"StreamMode": "PROVISIONED"}) == (
        "LimitExceededException", f"Rate exceeded for stream {clicks} under account {account}.")
    assert kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]["StreamModeDetails"] == {
        "StreamMode": "ON_DEMAND"}

    assert read_all(kinesis, arn) == {f"user-{u}": [f"launch-{u}", f"campaign-{u}", f"after-{u}"]
                                      for u in range(6)}
    kinesis.delete_stream(StreamARN=arn)
    kinesis.get_waiter("stream_not_exists").wait(StreamARN=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    assert kinesis.describe_limits()["OnDemandStreamCount"] == before["OnDemandStreamCount"]
    assert error_of(kinesis.update_stream_mode, StreamARN=arn, StreamModeDetails={"StreamMode": "PROVISIONED"}) == (
        "ResourceNotFoundException", f"Stream {clicks} under account {account} not found.")
