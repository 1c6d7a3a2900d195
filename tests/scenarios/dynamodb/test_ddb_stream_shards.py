"""Stream shards roll over: a write four hours after its shard opened lands in a child
shard naming its parent; the parent is closed with its last sequence number, a reader
of it reaches its end and gets no next iterator, and a reader following the lineage
sees every change once, in order. Closed shards go once their records are trimmed."""
import time

import pytest
from ddb_helpers import error_of

HOURS = 3600


@pytest.fixture
def streams(client):
    return client("dynamodbstreams")


def _keys(records):
    return [r["dynamodb"]["Keys"]["pk"]["S"] for r in records]


def _shards(streams, arn):
    return streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]


def _iterator(streams, arn, shard, kind="TRIM_HORIZON", **more):
    return streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType=kind, **more)["ShardIterator"]


@pytest.mark.local_only
def test_shards_roll_over_and_readers_follow_the_lineage(ddb, streams, make_table, clock):
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "b"}})
    clock(3 * HOURS)
    ddb.put_item(TableName=name, Item={"pk": {"S": "c"}})                # same shard: not four hours yet
    assert len(_shards(streams, arn)) == 1
    clock(HOURS + 1)
    ddb.put_item(TableName=name, Item={"pk": {"S": "d"}})
    parent, child = _shards(streams, arn)
    assert child["ParentShardId"] == parent["ShardId"] and "ParentShardId" not in parent
    assert "EndingSequenceNumber" not in child["SequenceNumberRange"]
    ending = int(parent["SequenceNumberRange"]["EndingSequenceNumber"])
    assert int(child["SequenceNumberRange"]["StartingSequenceNumber"]) > ending

    page = streams.get_records(ShardIterator=_iterator(streams, arn, parent["ShardId"]))
    assert _keys(page["Records"]) == ["a", "b", "c"]
    assert int(page["Records"][-1]["dynamodb"]["SequenceNumber"]) == ending
    assert "NextShardIterator" not in page                                  # closed and read to its end
    latest = streams.get_records(ShardIterator=_iterator(streams, arn, parent["ShardId"], "LATEST"))
    assert latest["Records"] == [] and "NextShardIterator" not in latest

    reading = _iterator(streams, arn, child["ShardId"])
    ddb.put_item(TableName=name, Item={"pk": {"S": "e"}})
    page = streams.get_records(ShardIterator=reading)
    assert _keys(page["Records"]) == ["d", "e"] and "NextShardIterator" in page

    first_d = page["Records"][0]["dynamodb"]["SequenceNumber"]
    assert error_of(streams.get_shard_iterator, StreamArn=arn, ShardId=parent["ShardId"],
                    ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber=first_d) == (
        "ValidationException",
        f"Invalid SequenceNumber for ShardIteratorType: AT_SEQUENCE_NUMBER, SequenceNumber: {first_d}")
    assert error_of(streams.get_shard_iterator, StreamArn=arn, ShardId="shardId-00000000000000000001-00000001",
                    ShardIteratorType="TRIM_HORIZON") == (
        "ResourceNotFoundException", "Requested resource not found: Shard does not exist")


@pytest.mark.local_only
def test_a_closed_shard_goes_once_its_records_are_trimmed(ddb, streams, make_table, clock):
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "old"}})
    clock(5 * HOURS)
    ddb.put_item(TableName=name, Item={"pk": {"S": "newer"}})
    first, second = _shards(streams, arn)
    clock(20 * HOURS)                                                      # "old" is 25 hours old now
    for _ in range(50):
        if len(_shards(streams, arn)) == 1:
            break
        time.sleep(0.1)
    (left,) = _shards(streams, arn)
    assert left["ShardId"] == second["ShardId"] and left["ParentShardId"] == first["ShardId"]
    page = streams.get_records(ShardIterator=_iterator(streams, arn, left["ShardId"]))
    assert _keys(page["Records"]) == ["newer"]


@pytest.mark.local_only
def test_describe_stream_lists_a_shards_children_with_the_child_shards_filter(ddb, streams, make_table, clock):
    """The API reference's DescribeStream example: ShardFilter CHILD_SHARDS with a ShardId
    lists the shards whose parent it is (the lineage a reader follows at a shard's end)."""
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    clock(4 * HOURS + 1)
    ddb.put_item(TableName=name, Item={"pk": {"S": "b"}})
    parent, child = _shards(streams, arn)

    def children(shard_id):
        return streams.describe_stream(StreamArn=arn, ShardFilter={"Type": "CHILD_SHARDS", "ShardId": shard_id})[
            "StreamDescription"]["Shards"]

    assert children(parent["ShardId"]) == [child]
    assert children(child["ShardId"]) == []                                # still open: no child yet
    assert error_of(streams.describe_stream, StreamArn=arn, ShardFilter={"Type": "CHILD_SHARDS"}) == (
        "ValidationException", "ShardId must be provided with the ShardFilter type CHILD_SHARDS")
