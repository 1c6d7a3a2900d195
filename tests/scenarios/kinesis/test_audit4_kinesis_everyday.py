"""Audit of issue 4, item by item, as a user of real Kinesis checks it: streams named by
ARN on the data plane, UNIFORM_SCALING down and to uneven counts, capacity mode both
ways, SubscribeToShard from a sequence number or a time, tags and policies on
consumers, the words of a throttled GetRecords, and KPL aggregates read by a fan-out consumer."""
import json
import base64
import os
import time

import pytest
from aws_kinesis_agg.aggregator import RecordAggregator
from aws_kinesis_agg.deaggregator import iter_deaggregate_records
from kinesis_helpers import ACCOUNT, active_consumer, error_of, get_records, read_shard

SHARD0 = "shardId-000000000000"
limits_on = pytest.mark.skipif(os.environ.get("LAKEBOX_TEST_LIMITS", "aws") == "off",
                               reason="the server runs with --limits off")


def _arn(kinesis, stream):
    return kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["StreamARN"]


def _wait_active(kinesis, stream):
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 1, "MaxAttempts": 60})


def _open_ranges(kinesis, stream):
    shards = kinesis.list_shards(StreamName=stream, ShardFilter={"Type": "AT_LATEST"})["Shards"]
    return sorted((int(s["HashKeyRange"]["StartingHashKey"]), int(s["HashKeyRange"]["EndingHashKey"]))
                  for s in shards)


def test_the_data_plane_and_resharding_take_the_stream_arn(kinesis, make_stream):
    stream = make_stream(shards=2)
    arn = _arn(kinesis, stream)
    put = kinesis.put_records(StreamARN=arn, Records=[{"Data": b"a", "PartitionKey": "k"}])
    assert put["FailedRecordCount"] == 0
    shard = put["Records"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(StreamARN=arn, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    assert [r["Data"] for r in get_records(kinesis, iterator, StreamARN=arn)["Records"]] == [b"a"]
    assert len(kinesis.describe_stream(StreamARN=arn)["StreamDescription"]["Shards"]) == 2
    kinesis.increase_stream_retention_period(StreamARN=arn, RetentionPeriodHours=48)
    kinesis.decrease_stream_retention_period(StreamARN=arn, RetentionPeriodHours=36)
    assert kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]["RetentionPeriodHours"] == 36
    kinesis.split_shard(StreamARN=arn, ShardToSplit=SHARD0, NewStartingHashKey=str(2**126))
    _wait_active(kinesis, stream)
    kinesis.merge_shards(StreamARN=arn, ShardToMerge="shardId-000000000002",
                         AdjacentShardToMerge="shardId-000000000003")
    _wait_active(kinesis, stream)
    assert len(_open_ranges(kinesis, stream)) == 2


def test_a_name_and_an_arn_of_two_streams_are_refused_on_the_data_plane(kinesis, make_stream):
    one, other = make_stream(), make_stream()
    other_arn = _arn(kinesis, other)
    expected = ("InvalidArgumentException",
                f"Input stream name {one} doesn't match the inferred name in stream arn {other}")
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.put_record(StreamName=one, StreamARN=other_arn, Data=b"x", PartitionKey="k")
    assert error_of(raised) == expected
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.get_shard_iterator(StreamName=one, StreamARN=other_arn, ShardId=SHARD0, ShardIteratorType="LATEST")
    assert error_of(raised) == expected
    for call, args in ((kinesis.put_record, {"Data": b"x", "PartitionKey": "k"}),
                       (kinesis.get_shard_iterator, {"ShardId": SHARD0, "ShardIteratorType": "LATEST"}),
                       (kinesis.describe_stream_summary, {})):
        with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
            call(**args)
        assert error_of(raised) == ("InvalidArgumentException", "Stream arn and stream name can't be empty at the same time")
    # nothing was written by the refused put
    assert read_shard(kinesis, one, SHARD0) == [] and read_shard(kinesis, other, SHARD0) == []


def test_scaling_down_merges_neighbours_and_keeps_every_record(kinesis, make_stream):
    stream = make_stream(shards=4)
    sent = {}
    for key in (f"user-{i}" for i in range(16)):
        sent[key] = kinesis.put_record(StreamName=stream, Data=key.encode(), PartitionKey=key)["SequenceNumber"]
    answer = kinesis.update_shard_count(StreamName=stream, TargetShardCount=2, ScalingType="UNIFORM_SCALING")
    assert (answer["CurrentShardCount"], answer["TargetShardCount"]) == (4, 2)
    _wait_active(kinesis, stream)
    half = 2**127
    assert _open_ranges(kinesis, stream) == [(0, half - 1), (half, 2**128 - 1)]
    children = kinesis.list_shards(StreamName=stream, ShardFilter={"Type": "AT_LATEST"})["Shards"]
    assert [(c["ParentShardId"], c["AdjacentParentShardId"]) for c in children] == [
        ("shardId-000000000000", "shardId-000000000001"), ("shardId-000000000002", "shardId-000000000003")]
    parents = kinesis.list_shards(StreamName=stream, ShardFilter={"Type": "AT_TRIM_HORIZON"})["Shards"]
    assert len(parents) == 4 and all("EndingSequenceNumber" in p["SequenceNumberRange"] for p in parents)
    kept = {r["PartitionKey"]: r["SequenceNumber"] for p in parents for r in read_shard(kinesis, stream, p["ShardId"])}
    assert kept == sent
    put = kinesis.put_record(StreamName=stream, Data=b"after", PartitionKey="user-0")
    assert put["ShardId"] in {c["ShardId"] for c in children}


def test_scaling_three_to_five_ends_with_the_ranges_of_a_five_shard_stream(kinesis, make_stream):
    stream, reference = make_stream(shards=3), make_stream(shards=5)
    kinesis.update_shard_count(StreamName=stream, TargetShardCount=5, ScalingType="UNIFORM_SCALING")
    _wait_active(kinesis, stream)
    assert kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["OpenShardCount"] == 5
    assert _open_ranges(kinesis, stream) == _open_ranges(kinesis, reference)


def test_a_provisioned_stream_switched_to_on_demand_cannot_be_resharded_by_hand(kinesis, make_stream):
    stream = make_stream(shards=2)
    arn = _arn(kinesis, stream)
    kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    _wait_active(kinesis, stream)
    summary = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
    assert summary["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.split_shard(StreamName=stream, ShardToSplit=SHARD0, NewStartingHashKey="5")
    assert error_of(raised) == ("ValidationException", "SplitShard is not supported for ON_DEMAND streams. "
                                f"Stream {stream} under account {ACCOUNT} is in ON_DEMAND mode.")
    kinesis.put_record(StreamName=stream, Data=b"still writable", PartitionKey="k")
    kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "PROVISIONED"})
    _wait_active(kinesis, stream)
    assert kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"][
        "StreamModeDetails"] == {"StreamMode": "PROVISIONED"}


def _first_event_records(kinesis, consumer, position):
    for _ in range(30):
        try:
            answer = kinesis.subscribe_to_shard(ConsumerARN=consumer, ShardId=SHARD0, StartingPosition=position)
            break
        except (kinesis.exceptions.LimitExceededException, kinesis.exceptions.ResourceInUseException):
            time.sleep(0.5)     # one subscription a second per consumer and shard, 5 s before a takeover
    else:
        raise AssertionError("SubscribeToShard stayed refused")
    events = answer["EventStream"]
    try:
        body = next(iter(events))["SubscribeToShardEvent"]
    finally:
        events.close()
    assert "ContinuationSequenceNumber" in body
    return [r["Data"] for r in body["Records"]]


@pytest.mark.local_only
def test_subscribe_to_shard_from_a_sequence_number_or_a_time(kinesis, make_stream, clock):
    stream = make_stream()
    early = [kinesis.put_record(StreamName=stream, Data=f"e{i}".encode(), PartitionKey="k")["SequenceNumber"]
             for i in range(3)]
    clock(10)
    kinesis.put_record(StreamName=stream, Data=b"late", PartitionKey="k")
    late_arrival = read_shard(kinesis, stream, SHARD0)[-1]["ApproximateArrivalTimestamp"]
    positions = {"at-seq": {"Type": "AT_SEQUENCE_NUMBER", "SequenceNumber": early[1]},
                 "after-seq": {"Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": early[1]},
                 "at-time": {"Type": "AT_TIMESTAMP", "Timestamp": late_arrival},
                 "trim": {"Type": "TRIM_HORIZON"}}
    # one consumer per position: a consumer's next subscription to a shard waits out the first's 5 s
    got = {name: _first_event_records(kinesis, active_consumer(kinesis, _arn(kinesis, stream), name), position)
           for name, position in positions.items()}
    assert got == {"at-seq": [b"e1", b"e2", b"late"], "after-seq": [b"e2", b"late"], "at-time": [b"late"],
                   "trim": [b"e0", b"e1", b"e2", b"late"]}


def test_subscribe_to_shard_checks_its_starting_position(kinesis, make_stream):
    stream = make_stream()
    seq = kinesis.put_record(StreamName=stream, Data=b"x", PartitionKey="k")["SequenceNumber"]
    consumer = active_consumer(kinesis, _arn(kinesis, stream), "checks")
    head = ("Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or "
            "(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber or (3) AT_TIMESTAMP and Timestamp. ")
    cases = [({"Type": "AT_SEQUENCE_NUMBER"}, head + "Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber."),
             ({"Type": "LATEST", "SequenceNumber": seq},
              head + "Request specified LATEST and also a StartingSequenceNumber."),
             ({"Type": "AT_TIMESTAMP"}, "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. "
                                        "Current request has no timestamp parameter.")]
    for position, message in cases:
        with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
            kinesis.subscribe_to_shard(ConsumerARN=consumer, ShardId=SHARD0, StartingPosition=position)
        assert error_of(raised) == ("InvalidArgumentException", message)
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException) as raised:
        kinesis.subscribe_to_shard(ConsumerARN=consumer, ShardId="shardId-000000000009",
                                   StartingPosition={"Type": "LATEST"})
    # radkawar/stackd testdata/aws/kinesis/dry_run.json missing-shard-dry-run-SubscribeToShard
    assert error_of(raised)[1] == f"Could not find shard shardId-000000000009 in stream {stream} under account {ACCOUNT}."


def test_consumers_carry_their_own_tags_and_resource_policy(kinesis, make_stream):
    stream = make_stream()
    stream_arn = _arn(kinesis, stream)
    consumer = kinesis.register_stream_consumer(StreamARN=stream_arn, ConsumerName="tagged",
                                                Tags={"team": "ingest"})["Consumer"]["ConsumerARN"]
    kinesis.tag_resource(ResourceARN=consumer, Tags={"env": "test"})
    tags = kinesis.list_tags_for_resource(ResourceARN=consumer)["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("env", "test"), ("team", "ingest")]
    assert kinesis.list_tags_for_resource(ResourceARN=stream_arn)["Tags"] == []
    kinesis.untag_resource(ResourceARN=consumer, TagKeys=["team"])
    assert kinesis.list_tags_for_resource(ResourceARN=consumer)["Tags"] == [{"Key": "env", "Value": "test"}]
    policy = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": '
              '"arn:aws:iam::111122223333:root"}, "Action": "kinesis:SubscribeToShard", "Resource": "' + consumer + '"}]}')
    kinesis.put_resource_policy(ResourceARN=consumer, Policy=policy)
    # kept as compact JSON (as real Kinesis gives a policy back)
    assert kinesis.get_resource_policy(ResourceARN=consumer)["Policy"] == json.dumps(
        json.loads(policy), separators=(",", ":"))
    kinesis.delete_resource_policy(ResourceARN=consumer)
    kinesis.deregister_stream_consumer(ConsumerARN=consumer)
    assert kinesis.list_stream_consumers(StreamARN=stream_arn)["Consumers"] == []


@pytest.mark.local_only
@limits_on
def test_a_throttled_get_records_names_the_shard_as_account_stream_shard(kinesis, make_stream, clock):
    stream = make_stream()
    clock(2)
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId=SHARD0,
                                          ShardIteratorType="LATEST")["ShardIterator"]
    with pytest.raises(kinesis.exceptions.ProvisionedThroughputExceededException) as raised:
        for _ in range(100):
            iterator = kinesis.get_records(ShardIterator=iterator)["NextShardIterator"]
    # the words AWS answers today (KCL 2.x logs, 2023-2025); a throttled write names the shard differently
    assert error_of(raised) == ("ProvisionedThroughputExceededException",
                                f"Rate exceeded for Shard - {ACCOUNT}/{stream}/{SHARD0}")


def test_kpl_aggregates_sent_with_put_records_deaggregate_from_a_subscription(kinesis, make_stream):
    stream = make_stream()
    user_records = [(f"device-{i % 5}", f'{{"n": {i}}}'.encode()) for i in range(200)]
    aggregator = RecordAggregator(max_size=4096)      # small aggregates, so there are several
    aggregates = [full for key, data in user_records if (full := aggregator.add_user_record(key, data))]
    aggregates.append(aggregator.clear_and_get())
    entries = []
    for aggregate in aggregates:
        partition_key, explicit_hash_key, data = aggregate.get_contents()
        entries.append({"Data": data, "PartitionKey": partition_key, "ExplicitHashKey": explicit_hash_key})
    assert kinesis.put_records(StreamName=stream, Records=entries)["FailedRecordCount"] == 0
    consumer = active_consumer(kinesis, _arn(kinesis, stream), "kpl-reader")
    answer = kinesis.subscribe_to_shard(ConsumerARN=consumer, ShardId=SHARD0,
                                        StartingPosition={"Type": "TRIM_HORIZON"})
    events, raw = answer["EventStream"], []
    try:
        for event in events:
            raw += event["SubscribeToShardEvent"]["Records"]
            if len(raw) >= len(entries):
                break
    finally:
        events.close()
    users = list(iter_deaggregate_records(raw, data_format="Boto3"))
    assert [(u["kinesis"]["partitionKey"], base64.b64decode(u["kinesis"]["data"])) for u in users] == user_records
