"""A click-stream consumer that comes back from an outage, on an on-demand stream its
platform team addresses only by ARN (as IAM policies and CDK outputs name it): the stream
is created ON_DEMAND (four shards, and SplitShard / UpdateShardCount refused for it), the
consumer checkpoints the last sequence number it processed per shard, then is down for
longer than an iterator lives; the iterator it held is refused with
ExpiredIteratorException, it resumes AFTER_SEQUENCE_NUMBER from the checkpoint and reads a
page at a time, MillisBehindLatest telling it how far behind it is until it reaches 0 at
the tip. Later the team moves the stream to PROVISIONED and scales it, and the consumer
asks ListShards which shards held data at a moment before the scaling (AT_TIMESTAMP) and
from a moment after it (FROM_TIMESTAMP)."""
import json
import uuid

import pytest

from trip_helpers import error_of

SHARDS = [f"shardId-{n:012d}" for n in range(4)]


@pytest.fixture
def clicks(client):
    kinesis = client("kinesis")
    name = f"clicks-{uuid.uuid4().hex[:10]}"
    kinesis.create_stream(StreamName=name, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    yield arn
    kinesis.delete_stream(StreamARN=arn)


def put_clicks(kinesis, arn, first, count):
    answer = kinesis.put_records(StreamARN=arn, Records=[
        {"Data": json.dumps({"click": n}).encode(), "PartitionKey": f"session-{n % 7}"}
        for n in range(first, first + count)])
    assert answer["FailedRecordCount"] == 0
    return answer["Records"]


def drain(kinesis, iterator, limit, clock):
    """Pages of (clicks, MillisBehindLatest) until the tip, and the iterator to go on with;
    one call each 0.2 s, as a shard serves five GetRecords calls a second."""
    pages = []
    while True:
        clock(0.2)
        page = kinesis.get_records(ShardIterator=iterator, Limit=limit)
        pages.append(([json.loads(r["Data"])["click"] for r in page["Records"]], page["MillisBehindLatest"]))
        iterator = page["NextShardIterator"]
        if page["MillisBehindLatest"] == 0:
            return pages, iterator


@pytest.mark.local_only
def test_resume_after_an_outage_by_arn(client, clicks, clock):
    kinesis = client("kinesis")
    arn = clicks
    name = arn.split("/")[-1]
    account = arn.split(":")[4]
    summary = kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]
    assert (summary["StreamModeDetails"], summary["OpenShardCount"], summary["StreamName"]) == (
        {"StreamMode": "ON_DEMAND"}, 4, name)
    assert [s["ShardId"] for s in kinesis.list_shards(StreamARN=arn)["Shards"]] == SHARDS
    assert error_of(kinesis.update_shard_count, StreamARN=arn, TargetShardCount=8,
                    ScalingType="UNIFORM_SCALING") == (
        "ValidationException", f"UpdateShardCount is not supported for ON_DEMAND streams. Stream {name} "
                               f"under account {account} is in ON_DEMAND mode.")

    first = put_clicks(kinesis, arn, 0, 40)
    by_shard = {}
    for n, entry in enumerate(first):
        by_shard.setdefault(entry["ShardId"], []).append((n, entry["SequenceNumber"]))
    busiest = max(by_shard, key=lambda s: len(by_shard[s]))
    mine = by_shard[busiest]
    checkpoint = mine[2][1]                      # processed three clicks of the busiest shard
    held = kinesis.get_shard_iterator(StreamARN=arn, ShardId=busiest, ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                                      StartingSequenceNumber=checkpoint)["ShardIterator"]

    clock(240)
    later = put_clicks(kinesis, arn, 40, 21)
    mine += [(40 + n, e["SequenceNumber"]) for n, e in enumerate(later) if e["ShardId"] == busiest]
    clock(120)                                   # the outage outlasts the 5 minutes an iterator lives

    code, message = error_of(kinesis.get_records, ShardIterator=held)
    assert code == "ExpiredIteratorException"
    assert message.startswith("Iterator expired. The iterator was created at time ")
    assert message.endswith("which is further in the future than the tolerated delay of 300000 milliseconds.")

    resumed = kinesis.get_shard_iterator(StreamARN=arn, ShardId=busiest, ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                                         StartingSequenceNumber=checkpoint)["ShardIterator"]
    pages, tip = drain(kinesis, resumed, 2, clock)
    assert [n for clicks_read, _ in pages for n in clicks_read] == [n for n, _ in mine[3:]]
    behind = [millis for _, millis in pages]
    assert behind[-1] == 0 and all(millis > 100_000 for millis in behind[:-1])   # a record of the outage's age
    quiet = kinesis.get_records(ShardIterator=tip)
    assert (quiet["Records"], quiet["MillisBehindLatest"]) == ([], 0)

    arrived = kinesis.get_records(ShardIterator=kinesis.get_shard_iterator(
        StreamARN=arn, ShardId=busiest, ShardIteratorType="TRIM_HORIZON")["ShardIterator"],
        Limit=1)["Records"][0]["ApproximateArrivalTimestamp"]

    kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "PROVISIONED"})
    kinesis.get_waiter("stream_exists").wait(StreamARN=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    assert kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]["StreamModeDetails"] == {
        "StreamMode": "PROVISIONED"}
    scaled = kinesis.update_shard_count(StreamARN=arn, TargetShardCount=2, ScalingType="UNIFORM_SCALING")
    assert (scaled["StreamName"], scaled["CurrentShardCount"], scaled["TargetShardCount"]) == (name, 4, 2)
    kinesis.get_waiter("stream_exists").wait(StreamARN=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    clock(60)

    everything = kinesis.list_shards(StreamARN=arn)["Shards"]
    children = [s["ShardId"] for s in everything if s["ShardId"] not in SHARDS]
    assert len(children) == 2
    before = kinesis.list_shards(StreamARN=arn, ShardFilter={"Type": "AT_TIMESTAMP", "Timestamp": arrived})
    assert [s["ShardId"] for s in before["Shards"]] == SHARDS
    assert [s["ShardId"] for s in kinesis.list_shards(
        StreamARN=arn, ShardFilter={"Type": "FROM_TIMESTAMP", "Timestamp": arrived})["Shards"]] == [
        s["ShardId"] for s in everything]
    open_now = kinesis.list_shards(StreamARN=arn, ShardFilter={"Type": "AT_LATEST"})["Shards"]
    assert [s["ShardId"] for s in open_now] == children
    newest = put_clicks(kinesis, arn, 61, 1)[0]
    now = kinesis.get_records(ShardIterator=kinesis.get_shard_iterator(
        StreamARN=arn, ShardId=newest["ShardId"], ShardIteratorType="AT_SEQUENCE_NUMBER",
        StartingSequenceNumber=newest["SequenceNumber"])["ShardIterator"])["Records"][0]["ApproximateArrivalTimestamp"]
    since = kinesis.list_shards(StreamARN=arn, ShardFilter={"Type": "FROM_TIMESTAMP", "Timestamp": now})["Shards"]
    assert [s["ShardId"] for s in since] == children         # the parents had closed a minute before
