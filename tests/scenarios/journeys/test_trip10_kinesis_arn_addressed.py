"""A platform team's 2026 producer and consumer library that names streams only by
their ARN, as the Kinesis API reference recommends for every operation ("It is
recommended that you use the StreamARN input parameter"): it creates the stream by
name, then waits for it, describes it, writes records routed by ExplicitHashKey, lists
and reads shards, tags it, changes its retention, turns on enhanced monitoring, scales
it and deletes it, all by StreamARN. Its configuration loader is checked against the
refusals a user meets: neither name nor ARN, a name and an ARN of two different
streams, an ARN that names no stream, and the same stream named both ways (which AWS
accepts: "you must use either the StreamARN or the StreamName parameter, or both")."""
import uuid

import pytest

from trip_helpers import error_of

HALF = 2**127          # the first hash key of the upper half of the key space


@pytest.fixture
def orders(client):
    kinesis = client("kinesis")
    name = f"orders-{uuid.uuid4().hex[:10]}"
    kinesis.create_stream(StreamName=name, ShardCount=2, StreamModeDetails={"StreamMode": "PROVISIONED"})
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    yield name, summary["StreamARN"]
    try:
        kinesis.delete_stream(StreamARN=summary["StreamARN"], EnforceConsumerDeletion=True)
    except kinesis.exceptions.ResourceNotFoundException:
        pass


def test_everything_by_stream_arn(client, orders):
    kinesis = client("kinesis")
    name, arn = orders
    account = arn.split(":")[4]
    assert arn == f"arn:aws:kinesis:us-east-1:{account}:stream/{name}"
    kinesis.get_waiter("stream_exists").wait(StreamARN=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 60})

    summary = kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]
    assert (summary["StreamName"], summary["StreamARN"], summary["StreamStatus"]) == (name, arn, "ACTIVE")
    assert (summary["OpenShardCount"], summary["ConsumerCount"], summary["RetentionPeriodHours"]) == (2, 0, 24)
    assert summary["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}

    # Writes routed to each half of the key space by ExplicitHashKey.
    low = kinesis.put_record(StreamARN=arn, Data=b'{"order": 1}', PartitionKey="o-1", ExplicitHashKey="0")
    high = kinesis.put_record(StreamARN=arn, Data=b'{"order": 2}', PartitionKey="o-2", ExplicitHashKey=str(HALF))
    assert (low["ShardId"], high["ShardId"]) == ("shardId-000000000000", "shardId-000000000001")
    batch = kinesis.put_records(StreamARN=arn, Records=[
        {"Data": b'{"order": 3}', "PartitionKey": "o-3", "ExplicitHashKey": str(HALF - 1)},
        {"Data": b'{"order": 4}', "PartitionKey": "o-4", "ExplicitHashKey": str(2**128 - 1)}])
    assert batch["FailedRecordCount"] == 0
    assert [r["ShardId"] for r in batch["Records"]] == ["shardId-000000000000", "shardId-000000000001"]

    shards = kinesis.list_shards(StreamARN=arn)["Shards"]
    assert [(s["ShardId"], s["HashKeyRange"]) for s in shards] == [
        ("shardId-000000000000", {"StartingHashKey": "0", "EndingHashKey": str(HALF - 1)}),
        ("shardId-000000000001", {"StartingHashKey": str(HALF), "EndingHashKey": str(2**128 - 1)})]
    read = {}
    for shard in shards:
        iterator = kinesis.get_shard_iterator(StreamARN=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        read[shard["ShardId"]] = [(r["PartitionKey"], r["Data"]) for r in
                                  kinesis.get_records(ShardIterator=iterator)["Records"]]
    assert read == {"shardId-000000000000": [("o-1", b'{"order": 1}'), ("o-3", b'{"order": 3}')],
                    "shardId-000000000001": [("o-2", b'{"order": 2}'), ("o-4", b'{"order": 4}')]}
    at = kinesis.get_shard_iterator(StreamARN=arn, ShardId="shardId-000000000000",
                                    ShardIteratorType="AT_SEQUENCE_NUMBER",
                                    StartingSequenceNumber=low["SequenceNumber"])["ShardIterator"]
    assert [r["SequenceNumber"] for r in kinesis.get_records(ShardIterator=at)["Records"]][:1] == [
        low["SequenceNumber"]]

    # Tags by the stream's ARN (the older API) and as a resource (the newer one) are one set.
    kinesis.add_tags_to_stream(StreamARN=arn, Tags={"team": "orders"})
    kinesis.tag_resource(ResourceARN=arn, Tags={"tier": "gold"})
    assert kinesis.list_tags_for_stream(StreamARN=arn)["Tags"] == [
        {"Key": "team", "Value": "orders"}, {"Key": "tier", "Value": "gold"}]
    kinesis.remove_tags_from_stream(StreamARN=arn, TagKeys=["tier"])
    assert kinesis.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "orders"}]

    kinesis.increase_stream_retention_period(StreamARN=arn, RetentionPeriodHours=72)
    kinesis.get_waiter("stream_exists").wait(StreamARN=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    monitoring = kinesis.enable_enhanced_monitoring(StreamARN=arn, ShardLevelMetrics=["IncomingBytes",
                                                                                      "IteratorAgeMilliseconds"])
    assert (monitoring["StreamName"], monitoring["StreamARN"]) == (name, arn)
    assert (monitoring["CurrentShardLevelMetrics"], monitoring["DesiredShardLevelMetrics"]) == (
        [], ["IncomingBytes", "IteratorAgeMilliseconds"])
    # With ALL, Kinesis lists the metrics in its own order (the aws cli reference's example).
    everything = kinesis.enable_enhanced_monitoring(StreamARN=arn, ShardLevelMetrics=["ALL"])
    assert everything["CurrentShardLevelMetrics"] == ["IncomingBytes", "IteratorAgeMilliseconds"]
    assert everything["DesiredShardLevelMetrics"] == [
        "IncomingBytes", "OutgoingRecords", "IteratorAgeMilliseconds", "IncomingRecords",
        "ReadProvisionedThroughputExceeded", "WriteProvisionedThroughputExceeded", "OutgoingBytes"]
    kinesis.disable_enhanced_monitoring(StreamARN=arn, ShardLevelMetrics=["OutgoingRecords", "IncomingRecords",
                                                                          "ReadProvisionedThroughputExceeded"])
    kinesis.get_waiter("stream_exists").wait(StreamARN=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    scaled = kinesis.update_shard_count(StreamARN=arn, TargetShardCount=4, ScalingType="UNIFORM_SCALING")
    assert {k: scaled[k] for k in ("StreamName", "StreamARN", "CurrentShardCount", "TargetShardCount")} == {
        "StreamName": name, "StreamARN": arn, "CurrentShardCount": 2, "TargetShardCount": 4}
    kinesis.get_waiter("stream_exists").wait(StreamARN=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    summary = kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]
    assert (summary["OpenShardCount"], summary["RetentionPeriodHours"]) == (4, 72)
    assert summary["EnhancedMonitoring"] == [{"ShardLevelMetrics": [
        "IncomingBytes", "IteratorAgeMilliseconds", "WriteProvisionedThroughputExceeded", "OutgoingBytes"]}]

    kinesis.delete_stream(StreamARN=arn)
    kinesis.get_waiter("stream_not_exists").wait(StreamARN=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    assert error_of(kinesis.describe_stream_summary, StreamARN=arn) == (
        "ResourceNotFoundException", f"Stream {name} under account {account} not found.")


def test_the_refusals_of_a_misconfigured_library(client, orders):
    kinesis = client("kinesis")
    name, arn = orders
    account = arn.split(":")[4]
    kinesis.get_waiter("stream_exists").wait(StreamARN=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 60})

    # Both, naming the same stream, are accepted.
    both = kinesis.put_record(StreamName=name, StreamARN=arn, Data=b"x", PartitionKey="k")
    assert both["ShardId"] in ("shardId-000000000000", "shardId-000000000001")
    assert kinesis.describe_stream_summary(StreamName=name, StreamARN=arn)[
        "StreamDescriptionSummary"]["StreamARN"] == arn

    neither = ("InvalidArgumentException", "Stream arn and stream name can't be empty at the same time")
    assert error_of(kinesis.put_record, Data=b"x", PartitionKey="k") == neither
    assert error_of(kinesis.describe_stream_summary) == neither
    assert error_of(kinesis.list_shards) == neither

    other = arn.replace(f"stream/{name}", "stream/payments")
    assert error_of(kinesis.put_record, StreamName=name, StreamARN=other, Data=b"x", PartitionKey="k") == (
        "InvalidArgumentException",
        f"Input stream name {name} doesn't match the inferred name in stream arn payments")
    assert error_of(kinesis.get_shard_iterator, StreamARN=other, ShardId="shardId-000000000000",
                    ShardIteratorType="LATEST") == (
        "ResourceNotFoundException", f"Stream payments under account {account} not found.")
