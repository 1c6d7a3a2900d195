"""An enhanced fan-out consumer that backfills from a point in time, as a fraud team
writes it with boto3's event streams: it registers its own consumer (with tags) on the
transactions stream and waits for it to be ACTIVE; asked to re-score everything since
an incident began, it subscribes AT_TIMESTAMP and reads events until it has caught up
(MillisBehindLatest 0), so the transactions before the incident are never seen; after
the stream's only shard is split, it reads the parent to its end, where the last event
names the child shards instead of a continuation, and carries on in the children from
TRIM_HORIZON. Its slips (a second registration under the same name, a shard that does
not exist, an iterator type SubscribeToShard does not take) get Kinesis's answers."""
import datetime
import json
import time

import pytest

from trip_helpers import error_of, subscription_events, wait_for


@pytest.fixture
def transactions(kinesis_streams):
    return kinesis_streams("transactions")


def put(kinesis, name, first, count):
    answer = kinesis.put_records(StreamName=name, Records=[
        {"Data": json.dumps({"tx": n, "amount": n * 7}).encode(), "PartitionKey": f"card-{n % 5}"}
        for n in range(first, first + count)])
    assert answer["FailedRecordCount"] == 0


def tx_ids(events):
    return [json.loads(r["Data"])["tx"] for e in events for r in e["Records"]]


def test_backfill_since_an_incident(client, transactions):
    kinesis = client("kinesis")
    name, arn = transactions
    registered = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="fraud-rescore",
                                                  Tags={"team": "fraud"})["Consumer"]
    assert registered["ConsumerName"] == "fraud-rescore"
    assert registered["ConsumerARN"].startswith(f"{arn}/consumer/fraud-rescore:")
    consumer_arn = registered["ConsumerARN"]
    described = wait_for(lambda: (d := kinesis.describe_stream_consumer(ConsumerARN=consumer_arn)[
        "ConsumerDescription"])["ConsumerStatus"] == "ACTIVE" and d)
    assert described["StreamARN"] == arn
    assert kinesis.list_tags_for_resource(ResourceARN=consumer_arn)["Tags"] == [{"Key": "team", "Value": "fraud"}]
    listed = kinesis.list_stream_consumers(StreamARN=arn)["Consumers"]
    assert [(c["ConsumerName"], c["ConsumerStatus"]) for c in listed] == [("fraud-rescore", "ACTIVE")]
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["ConsumerCount"] == 1

    put(kinesis, name, 0, 10)
    time.sleep(1.1)
    incident = datetime.datetime.now(datetime.timezone.utc)
    time.sleep(1.1)
    put(kinesis, name, 10, 15)
    since = subscription_events(kinesis, consumer_arn, "shardId-000000000000", Type="AT_TIMESTAMP", Timestamp=incident)
    assert tx_ids(since) == list(range(10, 25))
    assert all("ContinuationSequenceNumber" in e and "ChildShards" not in e for e in since)
    arrivals = [r["ApproximateArrivalTimestamp"] for e in since for r in e["Records"]]
    assert min(arrivals) >= incident - datetime.timedelta(seconds=1)

    shard = kinesis.list_shards(StreamName=name)["Shards"][0]
    middle = str(int(shard["HashKeyRange"]["EndingHashKey"]) // 2)
    kinesis.split_shard(StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey=middle)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    put(kinesis, name, 25, 10)

    parent = subscription_events(kinesis, consumer_arn, "shardId-000000000000", Type="AFTER_SEQUENCE_NUMBER",
                       SequenceNumber=since[-1]["ContinuationSequenceNumber"])
    assert tx_ids(parent) == []
    end = parent[-1]
    assert "ContinuationSequenceNumber" not in end
    children = sorted(c["ShardId"] for c in end["ChildShards"])
    assert children == ["shardId-000000000001", "shardId-000000000002"]
    assert all(c["ParentShards"] == ["shardId-000000000000"] for c in end["ChildShards"])
    after_split = []
    for child in children:
        after_split += tx_ids(subscription_events(kinesis, consumer_arn, child, Type="TRIM_HORIZON"))
    assert sorted(after_split) == list(range(25, 35))


def test_consumer_slips(client, transactions):
    kinesis = client("kinesis")
    name, arn = transactions
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="dup")["Consumer"]
    assert error_of(kinesis.register_stream_consumer, StreamARN=arn, ConsumerName="dup") == (
        "ResourceInUseException", f"Consumer dup under stream {name} already exists for account 000000000000.")
    wait_for(lambda: kinesis.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])[
        "ConsumerDescription"]["ConsumerStatus"] == "ACTIVE")
    code, _ = error_of(kinesis.subscribe_to_shard, ConsumerARN=consumer["ConsumerARN"], ShardId="shardId-000000000009",
                       StartingPosition={"Type": "LATEST"})
    assert code == "ResourceNotFoundException"
    code, _ = error_of(kinesis.subscribe_to_shard, ConsumerARN=consumer["ConsumerARN"], ShardId="shardId-000000000000",
                       StartingPosition={"Type": "AT_SEQUENCE_NUMBER"})
    assert code == "InvalidArgumentException"
    kinesis.deregister_stream_consumer(ConsumerARN=consumer["ConsumerARN"])
