"""Resharding: SplitShard, MergeShards, UpdateShardCount, ListShards filters, and a
consumer that follows ChildShards and reads every record exactly once in key order."""
import datetime
import time

import pytest
from botocore.config import Config
from kinesis_helpers import ACCOUNT
from kinesis_helpers import error_of, get_records

MID = str(2**127)


def _wait_active(kinesis, stream):
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 1, "MaxAttempts": 120})


def _produce(kinesis, stream, keys, rounds, sent):
    for r in range(rounds):
        entries = [{"Data": f"{key}:{len(sent.setdefault(key, []))}".encode(), "PartitionKey": key} for key in keys]
        answer = kinesis.put_records(StreamName=stream, Records=entries)
        assert answer["FailedRecordCount"] == 0
        for entry in entries:
            sent[entry["PartitionKey"]].append(entry["Data"])


def _consume_following_lineage(kinesis, stream):
    """Read the whole stream as a KCL-style consumer: a shard is read once all its
    parents are finished; the end of a shard is GetRecords without NextShardIterator,
    which names the ChildShards to go on with."""
    shards = kinesis.list_shards(StreamName=stream, ShardFilter={"Type": "AT_TRIM_HORIZON"})["Shards"]
    pending = [s["ShardId"] for s in shards]
    parents_of, finished, records = {}, set(), {}
    while pending:
        ready = [s for s in pending if all(p in finished for p in parents_of.get(s, []))]
        assert ready, "a child shard waits on a parent nobody reads"
        shard = ready[0]
        pending.remove(shard)
        iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard,
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            answer = get_records(kinesis, iterator)
            for record in answer["Records"]:
                records.setdefault(record["PartitionKey"], []).append(record["Data"])
            if "NextShardIterator" not in answer:
                for child in answer.get("ChildShards", []):
                    parents_of[child["ShardId"]] = child["ParentShards"]
                    if child["ShardId"] not in pending:
                        pending.append(child["ShardId"])
                finished.add(shard)
                break
            if not answer["Records"] and answer["MillisBehindLatest"] == 0:
                break                       # the tip of an open shard
            iterator = answer["NextShardIterator"]
    return records


def test_split_closes_the_parent_and_children_cover_its_range(kinesis, make_stream):
    stream = make_stream()
    before = kinesis.put_record(StreamName=stream, Data=b"before", PartitionKey="k")
    kinesis.split_shard(StreamName=stream, ShardToSplit="shardId-000000000000", NewStartingHashKey=MID)
    _wait_active(kinesis, stream)
    shards = {s["ShardId"]: s for s in kinesis.describe_stream(StreamName=stream)["StreamDescription"]["Shards"]}
    parent = shards["shardId-000000000000"]
    assert "EndingSequenceNumber" in parent["SequenceNumberRange"]
    assert int(parent["SequenceNumberRange"]["EndingSequenceNumber"]) >= int(before["SequenceNumber"])
    lower, upper = shards["shardId-000000000001"], shards["shardId-000000000002"]
    assert lower["ParentShardId"] == upper["ParentShardId"] == "shardId-000000000000"
    assert lower["HashKeyRange"] == {"StartingHashKey": "0", "EndingHashKey": str(2**127 - 1)}
    assert upper["HashKeyRange"] == {"StartingHashKey": MID, "EndingHashKey": str(2**128 - 1)}
    for child in (lower, upper):
        assert int(child["SequenceNumberRange"]["StartingSequenceNumber"]) > \
            int(parent["SequenceNumberRange"]["EndingSequenceNumber"])
    after = kinesis.put_record(StreamName=stream, Data=b"after", PartitionKey="k")
    assert after["ShardId"] in ("shardId-000000000001", "shardId-000000000002")


def test_a_closed_parent_stays_readable_and_ends_with_child_shards(kinesis, make_stream):
    stream = make_stream()
    kinesis.put_records(StreamName=stream, Records=[{"Data": f"{i}".encode(), "PartitionKey": "k"} for i in range(3)])
    kinesis.split_shard(StreamName=stream, ShardToSplit="shardId-000000000000", NewStartingHashKey=MID)
    _wait_active(kinesis, stream)
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    answer = get_records(kinesis, iterator)
    while "NextShardIterator" in answer and answer["NextShardIterator"]:
        assert answer["Records"] or answer["MillisBehindLatest"] >= 0
        answer = get_records(kinesis, answer["NextShardIterator"])
    assert answer.get("NextShardIterator") is None
    children = sorted(answer["ChildShards"], key=lambda c: c["ShardId"])
    assert [c["ShardId"] for c in children] == ["shardId-000000000001", "shardId-000000000002"]
    assert all(c["ParentShards"] == ["shardId-000000000000"] for c in children)
    assert children[1]["HashKeyRange"]["StartingHashKey"] == MID


def test_a_closed_shard_cannot_be_split_or_merged_again(kinesis, make_stream):
    stream = make_stream()
    kinesis.split_shard(StreamName=stream, ShardToSplit="shardId-000000000000", NewStartingHashKey=MID)
    _wait_active(kinesis, stream)
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.split_shard(StreamName=stream, ShardToSplit="shardId-000000000000", NewStartingHashKey=MID)
    assert error_of(raised) == (
        "InvalidArgumentException",
        f"Shard shardId-000000000000 in stream {stream} under account {ACCOUNT} has already been merged or split, "
        f"and thus is not eligible for merging or splitting.")


def test_split_key_must_fall_inside_the_shard(kinesis, make_stream):
    stream = make_stream()
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.split_shard(StreamName=stream, ShardToSplit="shardId-000000000000", NewStartingHashKey="0")
    assert "is not both greater than one plus the shard's StartingHashKey" in error_of(raised)[1]
    assert len(kinesis.list_shards(StreamName=stream)["Shards"]) == 1


def test_merge_needs_adjacent_shards(kinesis, make_stream):
    stream = make_stream(shards=3)
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.merge_shards(StreamName=stream, ShardToMerge="shardId-000000000000",
                             AdjacentShardToMerge="shardId-000000000002")
    assert error_of(raised) == (
        "InvalidArgumentException",
        f"Shards shardId-000000000000 and shardId-000000000002 in stream {stream} under account {ACCOUNT} are not "
        f"an adjacent pair of shards eligible for merging")
    kinesis.merge_shards(StreamName=stream, ShardToMerge="shardId-000000000001",
                         AdjacentShardToMerge="shardId-000000000002")
    _wait_active(kinesis, stream)
    merged = kinesis.list_shards(StreamName=stream, ShardFilter={"Type": "AT_LATEST"})["Shards"]
    child = next(s for s in merged if s["ShardId"] == "shardId-000000000003")
    assert (child["ParentShardId"], child["AdjacentParentShardId"]) == ("shardId-000000000001",
                                                                        "shardId-000000000002")
    assert child["HashKeyRange"]["EndingHashKey"] == str(2**128 - 1)


def test_update_shard_count_scales_uniformly(kinesis, make_stream):
    stream = make_stream(shards=2)
    answer = kinesis.update_shard_count(StreamName=stream, TargetShardCount=4, ScalingType="UNIFORM_SCALING")
    assert (answer["CurrentShardCount"], answer["TargetShardCount"]) == (2, 4)
    _wait_active(kinesis, stream)
    open_shards = kinesis.list_shards(StreamName=stream, ShardFilter={"Type": "AT_LATEST"})["Shards"]
    step = 2**128 // 4
    assert [int(s["HashKeyRange"]["StartingHashKey"]) for s in open_shards] == [0, step, 2 * step, 3 * step]
    with pytest.raises(kinesis.exceptions.LimitExceededException):
        kinesis.update_shard_count(StreamName=stream, TargetShardCount=9, ScalingType="UNIFORM_SCALING")
    with pytest.raises(kinesis.exceptions.LimitExceededException):
        kinesis.update_shard_count(StreamName=stream, TargetShardCount=1, ScalingType="UNIFORM_SCALING")
    assert kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["OpenShardCount"] == 4


@pytest.mark.parametrize("start,target", [(2, 4), (3, 2), (4, 3)])
def test_lineage_consumer_reads_every_record_once_in_key_order(lakebox_server, kinesis, make_stream, start, target):
    # Resharding calls share a 5-per-second account limit: retry on it as an SDK user would.
    admin = lakebox_server.client("kinesis", config=Config(retries={"mode": "standard", "max_attempts": 10}))
    stream = make_stream(shards=start)
    keys = [f"device-{i}" for i in range(12)]
    sent = {}
    _produce(kinesis, stream, keys, rounds=3, sent=sent)
    admin.update_shard_count(StreamName=stream, TargetShardCount=target, ScalingType="UNIFORM_SCALING")
    _wait_active(kinesis, stream)
    _produce(kinesis, stream, keys, rounds=3, sent=sent)
    open_shards = kinesis.list_shards(StreamName=stream, ShardFilter={"Type": "AT_LATEST"})["Shards"]
    admin.merge_shards(StreamName=stream, ShardToMerge=open_shards[0]["ShardId"],
                       AdjacentShardToMerge=open_shards[1]["ShardId"])
    _wait_active(kinesis, stream)
    _produce(kinesis, stream, keys, rounds=2, sent=sent)
    assert _consume_following_lineage(kinesis, stream) == sent


def test_list_shards_filters_and_pages(kinesis, make_stream):
    stream = make_stream(shards=2)
    created = datetime.datetime.now(datetime.timezone.utc)
    time.sleep(0.05)
    kinesis.split_shard(StreamName=stream, ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**126))
    _wait_active(kinesis, stream)
    ids = lambda **args: [s["ShardId"][-1] for s in kinesis.list_shards(StreamName=stream, **args)["Shards"]]  # noqa
    assert ids() == ["0", "1", "2", "3"]
    assert ids(ShardFilter={"Type": "AT_LATEST"}) == ["1", "2", "3"]
    assert ids(ShardFilter={"Type": "AT_TRIM_HORIZON"}) == ["0", "1"]
    assert ids(ShardFilter={"Type": "FROM_TRIM_HORIZON"}) == ["0", "1", "2", "3"]
    assert ids(ShardFilter={"Type": "AFTER_SHARD_ID", "ShardId": "shardId-000000000001"}) == ["2", "3"]
    assert ids(ShardFilter={"Type": "AT_TIMESTAMP", "Timestamp": created}) == ["0", "1"]
    assert ids(ShardFilter={"Type": "FROM_TIMESTAMP", "Timestamp": created}) == ["0", "1", "2", "3"]
    assert ids(ExclusiveStartShardId="shardId-000000000000") == ["1", "2", "3"]
    first = kinesis.list_shards(StreamName=stream, MaxResults=3)
    assert len(first["Shards"]) == 3
    rest = kinesis.list_shards(NextToken=first["NextToken"])
    assert [s["ShardId"] for s in rest["Shards"]] == ["shardId-000000000003"] and "NextToken" not in rest
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.list_shards(StreamName=stream, NextToken=first["NextToken"])
