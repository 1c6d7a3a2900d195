"""A user's fourth pass over Kinesis, everyday flows first: a consumer following
NextShardIterator to the tip and past it, ExplicitHashKey routing over four shards with
AT/AFTER_SEQUENCE_NUMBER positions, scaling with UpdateShardCount then finding shards with
ShardFilter, an on-demand stream switched to provisioned, and a stream still CREATING."""
import pytest
from botocore.exceptions import ClientError
from kinesis_helpers import ACCOUNT, NO_RETRIES, get_records

from lakebox.testing import LakeboxServer


def _error(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_a_consumer_follows_next_iterators_to_the_tip_and_sees_what_comes_later(kinesis, make_stream):
    stream = make_stream()
    for n in range(5):
        kinesis.put_record(StreamName=stream, Data=f"event-{n}".encode(), PartitionKey="one-key")
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    pages = []
    while True:
        answer = get_records(kinesis, iterator, Limit=2)
        iterator = answer["NextShardIterator"]
        if not answer["Records"]:
            break
        pages.append([r["Data"].decode() for r in answer["Records"]])
    assert pages == [["event-0", "event-1"], ["event-2", "event-3"], ["event-4"]]
    assert answer["MillisBehindLatest"] == 0

    kinesis.put_record(StreamName=stream, Data=b"event-5", PartitionKey="one-key")
    answer = get_records(kinesis, iterator)
    assert [r["Data"] for r in answer["Records"]] == [b"event-5"]
    assert answer["Records"][0]["PartitionKey"] == "one-key"
    assert answer["MillisBehindLatest"] == 0 and answer["NextShardIterator"]


def test_explicit_hash_keys_pick_the_shard_and_sequence_positions_read_from_it(kinesis, make_stream):
    stream = make_stream(shards=4)
    shards = kinesis.list_shards(StreamName=stream)["Shards"]
    answer = kinesis.put_records(StreamName=stream, Records=[
        {"Data": f"to-{s['ShardId']}".encode(), "PartitionKey": "ignored",
         "ExplicitHashKey": s["HashKeyRange"]["EndingHashKey"]} for s in shards])
    assert answer["FailedRecordCount"] == 0
    assert [r["ShardId"] for r in answer["Records"]] == [s["ShardId"] for s in shards]

    for shard, written in zip(shards, answer["Records"]):
        at = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard["ShardId"],
                                        ShardIteratorType="AT_SEQUENCE_NUMBER",
                                        StartingSequenceNumber=written["SequenceNumber"])["ShardIterator"]
        records = get_records(kinesis, at)["Records"]
        assert [(r["SequenceNumber"], r["Data"]) for r in records] == [
            (written["SequenceNumber"], f"to-{shard['ShardId']}".encode())]
        after = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard["ShardId"],
                                           ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                                           StartingSequenceNumber=written["SequenceNumber"])["ShardIterator"]
        assert get_records(kinesis, after)["Records"] == []


def test_scaling_up_then_finding_shards_with_a_shard_filter(kinesis, make_stream):
    stream = make_stream(shards=2)
    answer = kinesis.update_shard_count(StreamName=stream, TargetShardCount=4, ScalingType="UNIFORM_SCALING")
    assert (answer["StreamName"], answer["CurrentShardCount"], answer["TargetShardCount"]) == (stream, 2, 4)
    assert answer["StreamARN"].endswith(f":stream/{stream}")
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    summary = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 4

    every = kinesis.list_shards(StreamName=stream, ShardFilter={"Type": "FROM_TRIM_HORIZON"})["Shards"]
    # "the shards that were open at TRIM_HORIZON": the parents, where a KCL-style worker starts
    at_trim = kinesis.list_shards(StreamName=stream, ShardFilter={"Type": "AT_TRIM_HORIZON"})["Shards"]
    open_now = kinesis.list_shards(StreamName=stream, ShardFilter={"Type": "AT_LATEST"})["Shards"]
    closed = [s for s in every if "EndingSequenceNumber" in s["SequenceNumberRange"]]
    assert len(open_now) == 4 and all("EndingSequenceNumber" not in s["SequenceNumberRange"] for s in open_now)
    assert {s["ShardId"] for s in closed} == {s["ShardId"] for s in at_trim} == {"shardId-000000000000",
                                                                               "shardId-000000000001"}
    assert {s["ShardId"] for s in every} == {s["ShardId"] for s in closed} | {s["ShardId"] for s in open_now}
    after_first = kinesis.list_shards(StreamName=stream, ShardFilter={"Type": "AFTER_SHARD_ID",
                                                                      "ShardId": "shardId-000000000000"})["Shards"]
    assert [s["ShardId"] for s in after_first] == sorted(s["ShardId"] for s in every)[1:]
    # the new shards cover the whole key space between them
    ranges = sorted((int(s["HashKeyRange"]["StartingHashKey"]), int(s["HashKeyRange"]["EndingHashKey"]))
                    for s in open_now)
    assert ranges[0][0] == 0 and ranges[-1][1] == 2 ** 128 - 1
    assert all(ranges[i][1] + 1 == ranges[i + 1][0] for i in range(3))


def test_an_on_demand_stream_switched_to_provisioned_can_be_scaled(kinesis, make_stream):
    stream = make_stream(StreamModeDetails={"StreamMode": "ON_DEMAND"})
    summary = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
    assert summary["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}
    assert summary["OpenShardCount"] == 4
    code, _ = _error(kinesis.update_shard_count, StreamName=stream, TargetShardCount=2,
                     ScalingType="UNIFORM_SCALING")
    assert code == "ValidationException"

    kinesis.update_stream_mode(StreamARN=summary["StreamARN"], StreamModeDetails={"StreamMode": "PROVISIONED"})
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    summary = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
    assert summary["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    kinesis.update_shard_count(StreamName=stream, TargetShardCount=2, ScalingType="UNIFORM_SCALING")
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    assert kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["OpenShardCount"] == 2


def test_retention_up_and_down_shows_in_the_summary(kinesis, make_stream):
    stream = make_stream()
    kinesis.increase_stream_retention_period(StreamName=stream, RetentionPeriodHours=168)
    summary = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
    assert summary["RetentionPeriodHours"] == 168
    kinesis.decrease_stream_retention_period(StreamName=stream, RetentionPeriodHours=48)
    summary = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
    assert summary["RetentionPeriodHours"] == 48


@pytest.mark.local_only
def test_a_creating_stream_takes_no_records_and_no_reshards():
    with LakeboxServer(env={"LAKEBOX_TRANSITION_DELAY": "30"}) as server:
        kinesis = server.client("kinesis", config=NO_RETRIES)
        kinesis.create_stream(StreamName="young", ShardCount=1)
        summary = kinesis.describe_stream_summary(StreamName="young")["StreamDescriptionSummary"]
        assert summary["StreamStatus"] == "CREATING"
        assert _error(kinesis.put_record, StreamName="young", Data=b"x", PartitionKey="k") == (
            "ResourceNotFoundException", f"Stream young under account {ACCOUNT} not found.")
        assert _error(kinesis.update_shard_count, StreamName="young", TargetShardCount=2,
                      ScalingType="UNIFORM_SCALING") == (
            "ResourceInUseException", f"Stream young under account {ACCOUNT} not ACTIVE, instead in state CREATING")
        server.advance_clock(31)
        assert kinesis.describe_stream_summary(StreamName="young")["StreamDescriptionSummary"][
            "StreamStatus"] == "ACTIVE"
        assert kinesis.put_record(StreamName="young", Data=b"x", PartitionKey="k")["ShardId"] == \
            "shardId-000000000000"
