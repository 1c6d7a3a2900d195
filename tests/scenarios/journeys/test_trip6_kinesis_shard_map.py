"""A Kinesis consumer's shard map through a scale-up, as hand-written consumers keep it:
the operator tags the stream for cost allocation and checks it with
DescribeStreamSummary; the consumer lists shards a page at a time (MaxResults and
NextToken), records the events already in, the stream is doubled with
UpdateShardCount, and the consumer asks ListShards which shards are open now
(ShardFilter AT_LATEST), which were open at the trim horizon (AT_TRIM_HORIZON) and which came
after a given shard (AFTER_SHARD_ID); it reads each closed parent to its end (the
NextShardIterator disappears), then the children from their start, so every event is
read once and each key's events stay in order."""
import json
import uuid

import pytest

from trip_helpers import error_of


@pytest.fixture
def clicks(kinesis_streams):
    return kinesis_streams("clicks", shards=2)


def listed(kinesis, name, page_size, **filters):
    shards, token = [], None
    while True:
        page = (kinesis.list_shards(NextToken=token, MaxResults=page_size) if token else
                kinesis.list_shards(StreamName=name, MaxResults=page_size, **filters))
        shards += page["Shards"]
        token = page.get("NextToken")
        if not token:
            return shards


def read_to_end(kinesis, name, shard_id):
    """Every record of a closed shard, and the iterator's end."""
    iterator = kinesis.get_shard_iterator(StreamName=name, ShardId=shard_id,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = []
    while iterator:
        page = kinesis.get_records(ShardIterator=iterator)
        records += page["Records"]
        iterator = page.get("NextShardIterator")
        if not page["Records"] and page.get("ChildShards") is not None and iterator is None:
            break
        if not page["Records"] and page["MillisBehindLatest"] == 0:
            break
    return records


def put_clicks(kinesis, name, users, start):
    answer = kinesis.put_records(StreamName=name, Records=[
        {"Data": json.dumps({"user": user, "n": start + i}).encode(), "PartitionKey": user}
        for i, user in enumerate(users)])
    assert answer["FailedRecordCount"] == 0


def test_scale_up_and_read_in_order(client, clicks):
    kinesis = client("kinesis")
    name, arn = clicks
    kinesis.add_tags_to_stream(StreamName=name, Tags={"team": "web", "cost-center": "42"})
    tags = kinesis.list_tags_for_stream(StreamName=name)
    assert tags["Tags"] == [{"Key": "cost-center", "Value": "42"}, {"Key": "team", "Value": "web"}]
    assert tags["HasMoreTags"] is False
    assert kinesis.list_tags_for_resource(ResourceARN=arn)["Tags"] == tags["Tags"]
    kinesis.remove_tags_from_stream(StreamName=name, TagKeys=["cost-center"])
    assert kinesis.list_tags_for_stream(StreamName=name)["Tags"] == [{"Key": "team", "Value": "web"}]

    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert (summary["StreamStatus"], summary["OpenShardCount"], summary["RetentionPeriodHours"]) == ("ACTIVE", 2, 24)
    assert summary["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert (summary["EncryptionType"], summary["ConsumerCount"]) == ("NONE", 0)
    assert summary["EnhancedMonitoring"] == [{"ShardLevelMetrics": []}]

    users = [f"user-{i}" for i in range(8)]
    put_clicks(kinesis, name, users * 2, 0)
    first = listed(kinesis, name, 1)
    assert [s["ShardId"] for s in first] == ["shardId-000000000000", "shardId-000000000001"]

    scaled = kinesis.update_shard_count(StreamName=name, TargetShardCount=4, ScalingType="UNIFORM_SCALING")
    assert {k: scaled[k] for k in ("StreamName", "StreamARN", "CurrentShardCount", "TargetShardCount")} == {
        "StreamName": name, "StreamARN": arn, "CurrentShardCount": 2, "TargetShardCount": 4}
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    put_clicks(kinesis, name, users * 2, 16)

    everything = listed(kinesis, name, 2)
    assert len(everything) == 6
    parents = [s for s in everything if "EndingSequenceNumber" in s["SequenceNumberRange"]]
    children = [s for s in everything if "EndingSequenceNumber" not in s["SequenceNumberRange"]]
    assert [s["ShardId"] for s in parents] == ["shardId-000000000000", "shardId-000000000001"]
    assert all(c.get("ParentShardId") in {p["ShardId"] for p in parents} for c in children)
    open_now = listed(kinesis, name, 10, ShardFilter={"Type": "AT_LATEST"})
    assert [s["ShardId"] for s in open_now] == [s["ShardId"] for s in children]
    at_start = listed(kinesis, name, 10, ShardFilter={"Type": "AT_TRIM_HORIZON"})
    assert [s["ShardId"] for s in at_start] == [s["ShardId"] for s in parents]   # open at the trim horizon
    assert len(listed(kinesis, name, 10, ShardFilter={"Type": "FROM_TRIM_HORIZON"})) == 6
    after = kinesis.list_shards(StreamName=name, ShardFilter={"Type": "AFTER_SHARD_ID",
                                                              "ShardId": "shardId-000000000001"})["Shards"]
    assert [s["ShardId"] for s in after] == [s["ShardId"] for s in children]
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["OpenShardCount"] == 4

    seen = {}
    for shard in parents + children:
        for record in read_to_end(kinesis, name, shard["ShardId"]):
            click = json.loads(record["Data"])
            seen.setdefault(click["user"], []).append(click["n"])
    assert sum(len(ns) for ns in seen.values()) == 32
    assert all(ns == sorted(ns) for ns in seen.values())

    parent = parents[0]["ShardId"]
    iterator = kinesis.get_shard_iterator(StreamName=name, ShardId=parent, ShardIteratorType="LATEST")["ShardIterator"]
    end = kinesis.get_records(ShardIterator=iterator)
    assert end["Records"] == [] and "NextShardIterator" not in end
    assert sorted(c["ShardId"] for c in end["ChildShards"]) == sorted(
        c["ShardId"] for c in children if c["ParentShardId"] == parent)


def test_listing_mistakes(client, clicks):
    kinesis = client("kinesis")
    name, _ = clicks
    token = kinesis.list_shards(StreamName=name, MaxResults=1)["NextToken"]
    assert error_of(kinesis.list_shards, StreamName=name, NextToken=token) == (
        "InvalidArgumentException", "NextToken and StreamName cannot be provided together.")
    code, message = error_of(kinesis.list_shards, StreamName=name, ShardFilter={"Type": "AFTER_SHARD_ID"})
    assert code == "InvalidArgumentException"
    missing = f"nope-{uuid.uuid4().hex[:6]}"
    assert error_of(kinesis.list_shards, StreamName=missing) == (
        "ResourceNotFoundException", f"Stream {missing} under account 000000000000 not found.")
    assert error_of(kinesis.update_shard_count, StreamName=name, TargetShardCount=5,
                    ScalingType="UNIFORM_SCALING") == (
        "LimitExceededException", "UpdateShardCount cannot scale up over double your current open shard count. "
                                  "Current open shard count: 2, Target shard count: 5")
    code, message = error_of(kinesis.add_tags_to_stream, StreamName=name, Tags={"aws:team": "web"})
    assert code == "InvalidArgumentException"
