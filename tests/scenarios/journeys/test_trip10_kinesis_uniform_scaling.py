"""An on-call operator's day with a provisioned telemetry stream of three shards: the
autoscaler asks UpdateShardCount (UNIFORM_SCALING) for more than double and less than
half and is refused in Kinesis's words (and, retrying without a pause, meets the
resharding call rate), scales 3 -> 5 (five shards of equal hash ranges, parents
closed), then the load swings and the autoscaler keeps scaling until the stream has
been scaled ten times in the rolling 24 hours, after which an eleventh request is
refused (LimitExceededException, "Rate exceeded for stream ... under account ...") and
the stream keeps its shards. A scaling type Kinesis does not know is refused by the
model's enum. Every record written between scalings is read back once, in order per
device, by walking the shard lineage from the trim horizon."""
import os
import time
import uuid

import pytest

from trip_helpers import error_of, shard_read

SPACE = 2**128


@pytest.fixture
def telemetry(client):
    kinesis = client("kinesis")
    name = f"telemetry-{uuid.uuid4().hex[:10]}"
    kinesis.create_stream(StreamName=name, ShardCount=3)
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    wait_active(kinesis, arn)
    yield name, arn
    kinesis.delete_stream(StreamARN=arn, EnforceConsumerDeletion=True)


def wait_active(kinesis, arn):
    kinesis.get_waiter("stream_exists").wait(StreamARN=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 60})


def equal_ranges(count):
    width = SPACE // count
    return [(str(i * width), str(SPACE - 1 if i == count - 1 else (i + 1) * width - 1)) for i in range(count)]


def key_ranges(shards):
    """The shards' hash key ranges, lowest first."""
    return sorted(((s["HashKeyRange"]["StartingHashKey"], s["HashKeyRange"]["EndingHashKey"]) for s in shards),
                  key=lambda r: int(r[0]))


def put(kinesis, arn, step):
    answer = kinesis.put_records(StreamARN=arn, Records=[
        {"Data": f"{device}:{step}".encode(), "PartitionKey": f"device-{device}"} for device in range(10)])
    assert answer["FailedRecordCount"] == 0


def scale(kinesis, arn, target):
    time.sleep(0.3)       # an autoscaler's pace: resharding calls are limited to 5 a second per account
    answer = kinesis.update_shard_count(StreamARN=arn, TargetShardCount=target, ScalingType="UNIFORM_SCALING")
    wait_active(kinesis, arn)
    return answer["CurrentShardCount"], answer["TargetShardCount"]


def read_lineage(kinesis, arn):
    """Each device's readings, shards read parents first (ListShards lists them so)."""
    readings = {}
    for shard in kinesis.list_shards(StreamARN=arn)["Shards"]:
        for record in shard_read(kinesis, arn, shard["ShardId"])[0]:
            device, step = record["Data"].decode().split(":")
            readings.setdefault(device, []).append(int(step))
    return readings


@pytest.mark.skipif(os.environ.get("LAKEBOX_TEST_LIMITS", "aws") == "off",
                    reason="AWS's limits need --limits aws")
def test_a_day_of_uniform_scaling(client, telemetry):
    kinesis = client("kinesis")
    name, arn = telemetry
    put(kinesis, arn, 0)

    assert error_of(kinesis.update_shard_count, StreamARN=arn, TargetShardCount=7,
                    ScalingType="UNIFORM_SCALING") == (
        "LimitExceededException", "UpdateShardCount cannot scale up over double your current open shard count. "
                                  "Current open shard count: 3, Target shard count: 7")
    code, message = error_of(kinesis.update_shard_count, StreamARN=arn, TargetShardCount=4,
                             ScalingType="EXPONENTIAL_SCALING")
    assert (code, message) == (
        "ValidationException", "1 validation error detected: Value 'EXPONENTIAL_SCALING' at 'scalingType' failed "
                               "to satisfy constraint: Member must satisfy enum value set: [UNIFORM_SCALING]")

    # A retry loop without a pause meets the resharding call rate (5 a second per account).
    account = arn.split(":")[4]
    refusals = {error_of(kinesis.update_shard_count, StreamARN=arn, TargetShardCount=7,
                         ScalingType="UNIFORM_SCALING")[1] for _ in range(8)}
    assert f"Rate exceeded for stream {name} under account {account}." in refusals
    time.sleep(1)

    assert scale(kinesis, arn, 5) == (3, 5)
    shards = kinesis.list_shards(StreamARN=arn)["Shards"]
    open_now = [s for s in shards if "EndingSequenceNumber" not in s["SequenceNumberRange"]]
    assert key_ranges(open_now) == equal_ranges(5)
    closed = [s["ShardId"] for s in shards if "EndingSequenceNumber" in s["SequenceNumberRange"]]
    assert closed[:3] == ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"]
    put(kinesis, arn, 1)

    # The autoscaler follows the load: nine more scalings make ten in the day.
    counts = [5]
    for step, target in enumerate([3, 6, 4, 8, 4, 2, 4, 3, 5], start=2):
        assert scale(kinesis, arn, target) == (counts[-1], target)
        counts.append(target)
        put(kinesis, arn, step)
    assert kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]["OpenShardCount"] == 5

    assert error_of(kinesis.update_shard_count, StreamARN=arn, TargetShardCount=6,
                    ScalingType="UNIFORM_SCALING") == (
        "LimitExceededException", f"Rate exceeded for stream {name} under account {account}.")
    summary = kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]
    assert (summary["OpenShardCount"], summary["StreamStatus"]) == (5, "ACTIVE")
    open_now = kinesis.list_shards(StreamARN=arn, ShardFilter={"Type": "AT_LATEST"})["Shards"]
    assert key_ranges(open_now) == equal_ranges(5)

    assert read_lineage(kinesis, arn) == {str(d): list(range(11)) for d in range(10)}
