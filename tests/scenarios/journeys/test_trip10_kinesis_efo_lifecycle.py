"""A live dashboard fed by enhanced fan-out, as a boto3 user writes it against the
SubscribeToShard event stream: it registers its consumer, subscribes to each shard,
checkpoints the ContinuationSequenceNumber of every event (the last record's sequence
number, which GetShardIterator AFTER_SEQUENCE_NUMBER also resumes from); a second
dashboard process that subscribes the same consumer and shard within five seconds is
refused (ResourceInUseException "Another active subscription exists for this
consumer: ..."), and one that comes later takes the shard over, ending the first
connection; after the two shards are merged each parent's last event names the one
child and both parents, instead of a continuation. A partner account subscribes
through the consumer's resource policy. The subscription itself ends after five
minutes, and the dashboard subscribes again from its checkpoint."""
import json
import time

import pytest

from trip_helpers import error_of, wait_for

SHARD = "shardId-{:012d}".format
PARTNER = "555555555555"


@pytest.fixture
def metrics(kinesis_streams):
    return kinesis_streams("metrics", shards=2)


def registered(kinesis, arn, name):
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName=name)["Consumer"]["ConsumerARN"]
    wait_for(lambda: kinesis.describe_stream_consumer(ConsumerARN=consumer)[
        "ConsumerDescription"]["ConsumerStatus"] == "ACTIVE")
    return consumer


def put(kinesis, arn, shard_key, values):
    """Records of `values` routed to one shard by its first hash key."""
    answer = kinesis.put_records(StreamARN=arn, Records=[
        {"Data": json.dumps({"v": v}).encode(), "PartitionKey": f"k{v}", "ExplicitHashKey": shard_key}
        for v in values])
    assert answer["FailedRecordCount"] == 0
    return [r["SequenceNumber"] for r in answer["Records"]]


def values(event):
    return [json.loads(r["Data"])["v"] for r in event["Records"]]


def subscribe(kinesis, consumer, shard, **position):
    """A SubscribeToShard made at most once a second per consumer and shard."""
    time.sleep(1.1)
    return kinesis.subscribe_to_shard(ConsumerARN=consumer, ShardId=shard, StartingPosition=position)


def first_event_with_records(stream):
    for event in stream:
        if event["SubscribeToShardEvent"]["Records"]:
            return event["SubscribeToShardEvent"]
    raise AssertionError("the subscription ended without records")


def test_dashboard_checkpoints_takeover_and_merge(client, metrics):
    kinesis = client("kinesis")
    name, arn = metrics
    account = arn.split(":")[4]
    consumer = registered(kinesis, arn, "dashboard")
    low, high = "0", str(2**127)
    sequences = put(kinesis, arn, low, [1, 2, 3])

    first = subscribe(kinesis, consumer, SHARD(0), Type="TRIM_HORIZON")
    event = first_event_with_records(first["EventStream"])
    assert values(event) == [1, 2, 3]
    assert [r["SequenceNumber"] for r in event["Records"]] == sequences
    checkpoint = event["ContinuationSequenceNumber"]
    assert checkpoint == sequences[-1]
    assert "ChildShards" not in event

    # Polling from the checkpoint agrees with the subscription.
    put(kinesis, arn, low, [4])
    iterator = kinesis.get_shard_iterator(StreamARN=arn, ShardId=SHARD(0), ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                                          StartingSequenceNumber=checkpoint)["ShardIterator"]
    assert [json.loads(r["Data"])["v"] for r in kinesis.get_records(ShardIterator=iterator)["Records"]] == [4]

    # A second process within five seconds of the first subscription is refused.
    assert error_of(subscribe, kinesis, consumer, SHARD(0), Type="AFTER_SEQUENCE_NUMBER",
                    SequenceNumber=checkpoint) == (
        "ResourceInUseException",
        f"Another active subscription exists for this consumer: {account}:{name}:{SHARD(0)}:dashboard")
    # Later it takes the shard over, and the first connection ends.
    time.sleep(4)
    second = subscribe(kinesis, consumer, SHARD(0), Type="AFTER_SEQUENCE_NUMBER", SequenceNumber=checkpoint)
    event = first_event_with_records(second["EventStream"])
    assert values(event) == [4]
    # The first connection had pushed the record as it arrived, and then ended.
    assert [v for e in first["EventStream"] for v in values(e["SubscribeToShardEvent"])] == [4]
    checkpoints = {SHARD(0): event["ContinuationSequenceNumber"]}
    second["EventStream"].close()

    put(kinesis, arn, high, [10, 11])
    upper = subscribe(kinesis, consumer, SHARD(1), Type="TRIM_HORIZON")
    event = first_event_with_records(upper["EventStream"])
    assert values(event) == [10, 11]
    checkpoints[SHARD(1)] = event["ContinuationSequenceNumber"]
    upper["EventStream"].close()

    kinesis.merge_shards(StreamARN=arn, ShardToMerge=SHARD(0), AdjacentShardToMerge=SHARD(1))
    kinesis.get_waiter("stream_exists").wait(StreamARN=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    put(kinesis, arn, low, [20])
    child = {"ShardId": SHARD(2), "ParentShards": [SHARD(0), SHARD(1)],
             "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": str(2**128 - 1)}}
    time.sleep(4)          # five seconds after the last subscription to each parent
    for parent in (SHARD(0), SHARD(1)):
        events = [e["SubscribeToShardEvent"] for e in subscribe(
            kinesis, consumer, parent, Type="AFTER_SEQUENCE_NUMBER", SequenceNumber=checkpoints[parent])[
            "EventStream"]]
        assert [values(e) for e in events] == [[]]
        assert "ContinuationSequenceNumber" not in events[-1]
        assert events[-1]["ChildShards"] == [child]
    merged = first_event_with_records(subscribe(kinesis, consumer, SHARD(2), Type="TRIM_HORIZON")["EventStream"])
    assert values(merged) == [20]


@pytest.mark.local_only
def test_partner_subscribes_through_the_consumer_policy(client, lakebox_server, metrics):
    kinesis = client("kinesis")
    partner = lakebox_server.client("kinesis", aws_access_key_id=PARTNER, config=client("kinesis").meta.config)
    name, arn = metrics
    consumer = registered(kinesis, arn, "partner-feed")
    put(kinesis, arn, "0", [7, 8])
    code, message = error_of(partner.subscribe_to_shard, ConsumerARN=consumer, ShardId=SHARD(0),
                             StartingPosition={"Type": "TRIM_HORIZON"})
    assert code == "AccessDeniedException", message
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
        "Action": ["kinesis:SubscribeToShard", "kinesis:DescribeStreamConsumer"], "Resource": consumer}]})
    kinesis.put_resource_policy(ResourceARN=consumer, Policy=policy)
    # kept as compact JSON (as real Kinesis gives a policy back)
    assert kinesis.get_resource_policy(ResourceARN=consumer)["Policy"] == json.dumps(
        json.loads(policy), separators=(",", ":"))
    assert partner.describe_stream_consumer(ConsumerARN=consumer)["ConsumerDescription"]["ConsumerName"] == \
        "partner-feed"
    event = first_event_with_records(subscribe(partner, consumer, SHARD(0), Type="TRIM_HORIZON")["EventStream"])
    assert values(event) == [7, 8]
    # The consumer's policy lets the partner read through it, not write to the stream.
    assert error_of(partner.put_record, StreamARN=arn, Data=b"x", PartitionKey="k")[0] == "AccessDeniedException"


@pytest.mark.local_only
def test_a_subscription_lasts_five_minutes(client, metrics, clock):
    kinesis = client("kinesis")
    name, arn = metrics
    consumer = registered(kinesis, arn, "long-lived")
    put(kinesis, arn, "0", [1])
    answer = subscribe(kinesis, consumer, SHARD(0), Type="TRIM_HORIZON")
    stream = iter(answer["EventStream"])
    event = next(stream)["SubscribeToShardEvent"]
    assert values(event) == [1]
    checkpoint = event["ContinuationSequenceNumber"]
    clock(301)
    assert [e for e in stream if e["SubscribeToShardEvent"]["Records"]] == []      # the connection ended
    put(kinesis, arn, "0", [2])
    again = first_event_with_records(subscribe(kinesis, consumer, SHARD(0), Type="AFTER_SEQUENCE_NUMBER",
                                               SequenceNumber=checkpoint)["EventStream"])
    assert values(again) == [2]
