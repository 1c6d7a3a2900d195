"""A hand-written lease coordinator's shard discovery, as KCL-like consumers do it with
ListShards: a stream of two shards has one split and, later, a merge; the coordinator
asks for the shards open now (AT_LATEST), those open at the trim horizon
(AT_TRIM_HORIZON), everything still readable (FROM_TRIM_HORIZON), the shards after one
it already leases (AFTER_SHARD_ID), those open at a moment between the split and the
merge (AT_TIMESTAMP) and those open at or since it (FROM_TIMESTAMP), pages through them
with MaxResults and a NextToken that alone names the stream and its filter, and is
refused when it sends the token with a stream name, an ARN or a start shard. A
coordinator that sleeps past the five-minute life of a ListShards or
ListStreamConsumers token is told its token expired (ExpiredNextTokenException: "Tokens
expire after 300 seconds")."""
import time
import uuid

import pytest

from trip_helpers import error_of

SHARD = "shardId-{:012d}".format


@pytest.fixture
def feed(kinesis_streams):
    return kinesis_streams("feed", shards=2)


def ids(answer):
    return [s["ShardId"] for s in answer["Shards"]]


def wait_active(kinesis, arn):
    kinesis.get_waiter("stream_exists").wait(StreamARN=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 60})


def arrival(kinesis, arn, key):
    """The server's time now, as the arrival time of a marker record, more than a
    second after the last change (boto3 sends a ShardFilter's Timestamp in whole
    seconds)."""
    time.sleep(1.1)
    sequence = kinesis.put_record(StreamARN=arn, Data=b"marker", PartitionKey=key)
    iterator = kinesis.get_shard_iterator(StreamARN=arn, ShardId=sequence["ShardId"],
                                          ShardIteratorType="AT_SEQUENCE_NUMBER",
                                          StartingSequenceNumber=sequence["SequenceNumber"])["ShardIterator"]
    stamp = kinesis.get_records(ShardIterator=iterator, Limit=1)["Records"][0]["ApproximateArrivalTimestamp"]
    time.sleep(0.05)
    return stamp


def test_discovery_through_a_split_and_a_merge(client, feed):
    kinesis = client("kinesis")
    name, arn = feed
    kinesis.split_shard(StreamARN=arn, ShardToSplit=SHARD(0), NewStartingHashKey=str(2**126))
    wait_active(kinesis, arn)
    between = arrival(kinesis, arn, "probe")
    kinesis.merge_shards(StreamARN=arn, ShardToMerge=SHARD(3), AdjacentShardToMerge=SHARD(1))
    wait_active(kinesis, arn)

    assert ids(kinesis.list_shards(StreamARN=arn)) == [SHARD(i) for i in range(5)]
    assert ids(kinesis.list_shards(StreamARN=arn, ShardFilter={"Type": "AT_LATEST"})) == [SHARD(2), SHARD(4)]
    assert ids(kinesis.list_shards(StreamARN=arn, ShardFilter={"Type": "AT_TRIM_HORIZON"})) == [SHARD(0), SHARD(1)]
    assert ids(kinesis.list_shards(StreamARN=arn, ShardFilter={"Type": "FROM_TRIM_HORIZON"})) == [
        SHARD(i) for i in range(5)]
    assert ids(kinesis.list_shards(StreamARN=arn, ShardFilter={"Type": "AFTER_SHARD_ID",
                                                               "ShardId": SHARD(2)})) == [SHARD(3), SHARD(4)]
    assert ids(kinesis.list_shards(StreamARN=arn, ShardFilter={"Type": "AT_TIMESTAMP", "Timestamp": between})) == [
        SHARD(1), SHARD(2), SHARD(3)]
    assert ids(kinesis.list_shards(StreamARN=arn, ShardFilter={"Type": "FROM_TIMESTAMP",
                                                               "Timestamp": between})) == [
        SHARD(1), SHARD(2), SHARD(3), SHARD(4)]

    merged = kinesis.list_shards(StreamARN=arn, ShardFilter={"Type": "AFTER_SHARD_ID", "ShardId": SHARD(3)})
    assert merged["Shards"][0]["ParentShardId"] == SHARD(3)
    assert merged["Shards"][0]["AdjacentParentShardId"] == SHARD(1)
    assert merged["Shards"][0]["HashKeyRange"] == {"StartingHashKey": str(2**126),
                                                   "EndingHashKey": str(2**128 - 1)}

    # Pages: the token alone carries the stream and the filter.
    first = kinesis.list_shards(StreamARN=arn, ShardFilter={"Type": "FROM_TRIM_HORIZON"}, MaxResults=2)
    assert ids(first) == [SHARD(0), SHARD(1)]
    token = first["NextToken"]
    second = kinesis.list_shards(NextToken=token, MaxResults=2)
    assert ids(second) == [SHARD(2), SHARD(3)]
    last = kinesis.list_shards(NextToken=second["NextToken"], MaxResults=2)
    assert (ids(last), "NextToken" in last) == ([SHARD(4)], False)
    latest = kinesis.list_shards(StreamName=name, ShardFilter={"Type": "AT_LATEST"}, MaxResults=1)
    assert ids(latest) == [SHARD(2)]
    assert ids(kinesis.list_shards(NextToken=latest["NextToken"])) == [SHARD(4)]

    for member, value in (("StreamName", name), ("StreamARN", arn)):
        assert error_of(kinesis.list_shards, NextToken=token, **{member: value}) == (
            "InvalidArgumentException", f"NextToken and {member} cannot be provided together.")
    assert error_of(kinesis.list_shards, NextToken=token, ExclusiveStartShardId=SHARD(0))[0] == \
        "InvalidArgumentException"


@pytest.mark.local_only
def test_tokens_expire_after_five_minutes(client, feed, kinesis_streams, clock):
    kinesis = client("kinesis")
    name, arn = feed
    _, other_arn = kinesis_streams("archive")
    for consumer in ("lease-a", "lease-b", "lease-c"):
        kinesis.register_stream_consumer(StreamARN=arn, ConsumerName=consumer)
    shards_token = kinesis.list_shards(StreamARN=arn, MaxResults=1)["NextToken"]
    first = kinesis.list_stream_consumers(StreamARN=arn, MaxResults=2)
    assert [c["ConsumerName"] for c in first["Consumers"]] == ["lease-a", "lease-b"]
    consumers_token = first["NextToken"]

    # Within five minutes both tokens go on.
    clock(299)
    assert ids(kinesis.list_shards(NextToken=shards_token)) == [SHARD(1)]
    rest = kinesis.list_stream_consumers(StreamARN=arn, NextToken=consumers_token)
    assert ([c["ConsumerName"] for c in rest["Consumers"]], "NextToken" in rest) == (["lease-c"], False)

    # The token names the stream: a creation time with it is refused, as ListShards refuses it.
    created = kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]["StreamCreationTimestamp"]
    assert error_of(kinesis.list_stream_consumers, StreamARN=arn, NextToken=consumers_token,
                    StreamCreationTimestamp=created) == (
        "InvalidArgumentException", "NextToken and StreamCreationTimestamp cannot be provided together.")
    # A token of one stream names no page of another.
    assert error_of(kinesis.list_stream_consumers, StreamARN=other_arn, NextToken=consumers_token) == (
        "InvalidArgumentException", f"NextToken {consumers_token} is invalid.")

    clock(2)
    code, _ = error_of(kinesis.list_shards, NextToken=shards_token)
    assert code == "ExpiredNextTokenException"
    code, _ = error_of(kinesis.list_stream_consumers, StreamARN=arn, NextToken=consumers_token)
    assert code == "ExpiredNextTokenException"
    # A new listing starts afresh.
    assert [c["ConsumerName"] for c in kinesis.list_stream_consumers(StreamARN=arn)["Consumers"]] == [
        "lease-a", "lease-b", "lease-c"]
