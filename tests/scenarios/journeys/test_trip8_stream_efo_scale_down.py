"""Two enhanced fan-out consumers of an order stream through a scale-down, as a team
writes them with boto3's event streams: the producer bursts PutRecords batches into the
hot shard faster than it takes them and retries only the entries that came back with
ProvisionedThroughputExceededException; the billing and the search teams each register
a consumer (ListStreamConsumers pages them, DescribeStreamConsumer finds one by stream
ARN and name); each subscribes to both shards and reads to the tip, a second
SubscribeToShard for the same consumer and shard moments later being refused while the
first holds it. Traffic drops and the stream is scaled from two shards to one
(UpdateShardCount merges them): each parent's last event names the merged child, with
both parents, instead of a continuation, and the consumer starts the child only once
both parents are done, so every order is seen once and each customer's orders stay in
order. A consumer being deregistered can no longer subscribe."""
import json
import time

import pytest

from trip_helpers import error_of, subscription_events, wait_for

THROTTLED = "ProvisionedThroughputExceededException"
SHARDS = ["shardId-000000000000", "shardId-000000000001"]


@pytest.fixture
def orders(kinesis_streams):
    return kinesis_streams("orders", shards=2)


def produce(kinesis, name, first, count, payload=2048):
    """Sends orders first..first+count-1 in batches of 500 (customer = n % 6), retrying
    the throttled entries with back-off; returns the throttled answers seen."""
    pending = [{"Data": json.dumps({"order": n, "customer": n % 6, "pad": "x" * payload}).encode(),
                "PartitionKey": f"customer-{n % 6}"} for n in range(first, first + count)]
    throttled, delay = [], 0.2
    while pending:
        batch, pending = pending[:500], pending[500:]
        answer = kinesis.put_records(StreamName=name, Records=batch)
        failed = [entry for entry, result in zip(batch, answer["Records"]) if "ErrorCode" in result]
        assert answer["FailedRecordCount"] == len(failed)
        throttled += [result for result in answer["Records"] if "ErrorCode" in result]
        if failed:
            pending = failed + pending
            time.sleep(delay)
            delay = min(delay * 2, 2)
    return throttled


def orders_in(events):
    return [json.loads(r["Data"])["order"] for e in events for r in e["Records"]]


def test_two_consumers_through_a_merge(client, orders):
    kinesis = client("kinesis")
    name, arn = orders
    throttled = produce(kinesis, name, 0, 1500)
    assert throttled, "a 3 MiB burst into two shards is more than they take in a second"
    assert {(t["ErrorCode"], t["ErrorMessage"].split(" in stream ")[1]) for t in throttled} <= {
        (THROTTLED, f"{name} under account {arn.split(':')[4]}.")}
    assert all(t["ErrorMessage"].startswith("Rate exceeded for shard shardId-00000000000") for t in throttled)
    assert all("SequenceNumber" not in t and "ShardId" not in t for t in throttled)

    consumers = {}
    for team in ("billing", "search", "audit"):
        consumers[team] = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName=team)["Consumer"]["ConsumerARN"]
    page = kinesis.list_stream_consumers(StreamARN=arn, MaxResults=2)
    rest = kinesis.list_stream_consumers(StreamARN=arn, NextToken=page["NextToken"])
    assert sorted(c["ConsumerName"] for c in page["Consumers"] + rest["Consumers"]) == ["audit", "billing", "search"]
    assert "NextToken" not in rest
    found = kinesis.describe_stream_consumer(StreamARN=arn, ConsumerName="search")["ConsumerDescription"]
    assert (found["ConsumerARN"], found["StreamARN"]) == (consumers["search"], arn)
    for consumer_arn in consumers.values():
        wait_for(lambda: kinesis.describe_stream_consumer(ConsumerARN=consumer_arn)[
            "ConsumerDescription"]["ConsumerStatus"] == "ACTIVE")

    kinesis.deregister_stream_consumer(StreamARN=arn, ConsumerName="audit")
    code, _ = error_of(kinesis.subscribe_to_shard, ConsumerARN=consumers["audit"], ShardId=SHARDS[0],
                       StartingPosition={"Type": "TRIM_HORIZON"})
    assert code in ("ResourceInUseException", "ResourceNotFoundException")     # DELETING, then gone

    held = kinesis.subscribe_to_shard(ConsumerARN=consumers["billing"], ShardId=SHARDS[0],
                                      StartingPosition={"Type": "LATEST"})
    time.sleep(1.1)                                  # past the call-a-second limit, within the 5 s hold
    code, message = error_of(kinesis.subscribe_to_shard, ConsumerARN=consumers["billing"], ShardId=SHARDS[0],
                             StartingPosition={"Type": "LATEST"})
    assert (code, message) == ("ResourceInUseException", "Another active subscription exists for this consumer: "
                                                          f"{arn.split(':')[4]}:{name}:{SHARDS[0]}:billing")
    held["EventStream"].close()

    seen = {team: {} for team in ("billing", "search")}
    checkpoints = {team: {} for team in seen}
    for team in seen:
        for shard in SHARDS:
            events = subscription_events(kinesis, consumers[team], shard, Type="TRIM_HORIZON")
            checkpoints[team][shard] = events[-1]["ContinuationSequenceNumber"]
            seen[team][shard] = orders_in(events)
    for team in seen:
        assert sorted(seen[team][SHARDS[0]] + seen[team][SHARDS[1]]) == list(range(1500))

    kinesis.update_shard_count(StreamName=name, TargetShardCount=1, ScalingType="UNIFORM_SCALING")
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    (child,) = kinesis.list_shards(StreamName=name, ShardFilter={"Type": "AT_LATEST"})["Shards"]
    assert (child["ParentShardId"], child["AdjacentParentShardId"]) == (SHARDS[0], SHARDS[1])
    assert produce(kinesis, name, 1500, 60, payload=10) == []

    for team in seen:
        for shard in SHARDS:
            end = subscription_events(kinesis, consumers[team], shard, Type="AFTER_SEQUENCE_NUMBER",
                            SequenceNumber=checkpoints[team][shard])
            assert orders_in(end) == []
            assert "ContinuationSequenceNumber" not in end[-1]
            assert [(c["ShardId"], sorted(c["ParentShards"])) for c in end[-1]["ChildShards"]] == [
                (child["ShardId"], SHARDS)]
        merged = orders_in(subscription_events(kinesis, consumers[team], child["ShardId"], Type="TRIM_HORIZON"))
        assert merged == list(range(1500, 1560))
        by_customer = {}
        for shard in SHARDS:
            for n in seen[team][shard]:
                by_customer.setdefault(n % 6, []).append(n)
        for n in merged:
            by_customer[n % 6].append(n)
        assert all(ns == sorted(ns) for ns in by_customer.values())
