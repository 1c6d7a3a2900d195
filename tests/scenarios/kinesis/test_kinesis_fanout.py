"""Enhanced fan-out: consumers and SubscribeToShard read through boto3's EventStream."""
import time

import pytest
from kinesis_helpers import ACCOUNT
from kinesis_helpers import error_of


def _stream_arn(kinesis, stream):
    return kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["StreamARN"]


def _active_consumer(kinesis, stream_arn, name):
    consumer = kinesis.register_stream_consumer(StreamARN=stream_arn, ConsumerName=name)["Consumer"]
    for _ in range(120):
        described = kinesis.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])["ConsumerDescription"]
        if described["ConsumerStatus"] == "ACTIVE":
            return described
        time.sleep(1)
    raise AssertionError("consumer never became ACTIVE")


def _subscribe(kinesis, consumer_arn, shard_id, position):
    for _ in range(20):
        try:
            return kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId=shard_id, StartingPosition=position)
        except kinesis.exceptions.LimitExceededException:
                time.sleep(0.5)       # one subscription per consumer and shard per second
        except kinesis.exceptions.ResourceInUseException:
            time.sleep(0.5)           # AWS: not again within 5 s of a successful subscription
    raise AssertionError("SubscribeToShard stayed rate limited")


def test_register_describe_list_and_deregister(kinesis, make_stream):
    stream = make_stream()
    arn = _stream_arn(kinesis, stream)
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="reader")["Consumer"]
    assert consumer["ConsumerName"] == "reader"
    assert consumer["ConsumerARN"].startswith(f"{arn}/consumer/reader:")
    assert consumer["ConsumerStatus"] in ("CREATING", "ACTIVE")
    by_name = kinesis.describe_stream_consumer(StreamARN=arn, ConsumerName="reader")["ConsumerDescription"]
    assert by_name["ConsumerARN"] == consumer["ConsumerARN"] and by_name["StreamARN"] == arn
    listed = kinesis.list_stream_consumers(StreamARN=arn)["Consumers"]
    assert [c["ConsumerName"] for c in listed] == ["reader"]
    assert kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["ConsumerCount"] == 1
    with pytest.raises(kinesis.exceptions.ResourceInUseException):
        kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="reader")
    kinesis.deregister_stream_consumer(ConsumerARN=consumer["ConsumerARN"])
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException):
        kinesis.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])
    assert kinesis.list_stream_consumers(StreamARN=arn)["Consumers"] == []


@pytest.mark.local_only
def test_a_stream_takes_twenty_consumers(kinesis, make_stream):
    stream = make_stream()
    arn = _stream_arn(kinesis, stream)
    for i in range(20):
        kinesis.register_stream_consumer(StreamARN=arn, ConsumerName=f"c{i:02d}")
    with pytest.raises(kinesis.exceptions.LimitExceededException):
        kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="c20")
    first = kinesis.list_stream_consumers(StreamARN=arn, MaxResults=15)
    rest = kinesis.list_stream_consumers(StreamARN=arn, NextToken=first["NextToken"])
    names = [c["ConsumerName"] for c in first["Consumers"] + rest["Consumers"]]
    assert sorted(names) == [f"c{i:02d}" for i in range(20)]


def test_subscribe_to_shard_streams_records_with_continuation(kinesis, make_stream):
    stream = make_stream()
    consumer = _active_consumer(kinesis, _stream_arn(kinesis, stream), "efo")
    numbers = [kinesis.put_record(StreamName=stream, Data=f"r{i}".encode(), PartitionKey="k")["SequenceNumber"]
               for i in range(5)]
    answer = _subscribe(kinesis, consumer["ConsumerARN"], "shardId-000000000000", {"Type": "TRIM_HORIZON"})
    got, continuation = [], None
    for event in answer["EventStream"]:
        shard_event = event["SubscribeToShardEvent"]
        got += shard_event["Records"]
        continuation = shard_event["ContinuationSequenceNumber"]
        assert shard_event["MillisBehindLatest"] >= 0
        if len(got) >= 5:
            break
    answer["EventStream"].close()
    assert [r["Data"] for r in got] == [f"r{i}".encode() for i in range(5)]
    assert [r["SequenceNumber"] for r in got] == numbers
    assert continuation == numbers[-1]
    kinesis.put_record(StreamName=stream, Data=b"later", PartitionKey="k")
    resumed = _subscribe(kinesis, consumer["ConsumerARN"], "shardId-000000000000",
                         {"Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": continuation})
    for event in resumed["EventStream"]:
        records = event["SubscribeToShardEvent"]["Records"]
        if records:
            assert [r["Data"] for r in records] == [b"later"]
            break
    resumed["EventStream"].close()


def test_subscription_ends_with_child_shards_on_a_closed_shard(kinesis, make_stream):
    stream = make_stream()
    consumer = _active_consumer(kinesis, _stream_arn(kinesis, stream), "efo-split")
    kinesis.put_record(StreamName=stream, Data=b"only", PartitionKey="k")
    kinesis.split_shard(StreamName=stream, ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**127))
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 1})
    answer = _subscribe(kinesis, consumer["ConsumerARN"], "shardId-000000000000", {"Type": "TRIM_HORIZON"})
    events = [event["SubscribeToShardEvent"] for event in answer["EventStream"]]
    assert [r["Data"] for e in events for r in e["Records"]] == [b"only"]
    assert sorted(c["ShardId"] for c in events[-1]["ChildShards"]) == ["shardId-000000000001",
                                                                        "shardId-000000000002"]


def test_subscribing_needs_an_active_consumer_and_a_real_shard(kinesis, make_stream):
    stream = make_stream()
    consumer = _active_consumer(kinesis, _stream_arn(kinesis, stream), "efo-bad")
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException) as raised:
        kinesis.subscribe_to_shard(ConsumerARN=consumer["ConsumerARN"], ShardId="shardId-000000000007",
                                   StartingPosition={"Type": "LATEST"})
    # radkawar/stackd testdata/aws/kinesis/dry_run.json missing-shard-dry-run-SubscribeToShard
    assert error_of(raised) == ("ResourceNotFoundException",
                                f"Could not find shard shardId-000000000007 in stream {stream} under account {ACCOUNT}.")


@pytest.mark.local_only
def test_a_subscription_ends_after_five_minutes(kinesis, make_stream, clock):
    stream = make_stream()
    consumer = _active_consumer(kinesis, _stream_arn(kinesis, stream), "efo-lifetime")
    answer = _subscribe(kinesis, consumer["ConsumerARN"], "shardId-000000000000", {"Type": "LATEST"})
    events = iter(answer["EventStream"])
    first = next(events)["SubscribeToShardEvent"]
    assert first["Records"] == [] and first["MillisBehindLatest"] == 0
    clock(301)
    rest = list(events)                      # returns only because the server ends the stream
    assert all(not e["SubscribeToShardEvent"]["Records"] for e in rest)
