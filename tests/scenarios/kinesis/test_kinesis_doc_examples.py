"""The aws cli's Kinesis examples (awscli/examples/kinesis/*.rst) replayed with boto3 on a
stream like the pages' samplestream (three shards), each answer compared with the page:
every field, leaving out sequence numbers, ARNs' account and region, iterators and
timestamps."""
import pytest
from aws_cli import answer_of, run_cli

# describe-stream's and list-shards' hash key ranges of a three-shard stream
RANGES = [("0", "113427455640312821154458202477256070484"),
          ("113427455640312821154458202477256070485", "226854911280625642308916404954512140969"),
          ("226854911280625642308916404954512140970", "340282366920938463463374607431768211455")]
SHARD_METRICS = sorted(["IncomingBytes", "OutgoingRecords", "IteratorAgeMilliseconds", "IncomingRecords",
                        "ReadProvisionedThroughputExceeded", "WriteProvisionedThroughputExceeded", "OutgoingBytes"])


@pytest.fixture
def samplestream(make_stream):
    return make_stream(shards=3)


def _shards(answer):
    """(ShardId, HashKeyRange, whether closed) of each shard listed."""
    return [(s["ShardId"], (s["HashKeyRange"]["StartingHashKey"], s["HashKeyRange"]["EndingHashKey"]),
             "EndingSequenceNumber" in s["SequenceNumberRange"]) for s in answer["Shards"]]


def test_describe_stream_and_list_shards_examples(kinesis, samplestream):
    description = kinesis.describe_stream(StreamName=samplestream)["StreamDescription"]
    assert _shards(description) == [(f"shardId-00000000000{i}", RANGES[i], False) for i in range(3)]
    assert {k: description[k] for k in ("StreamName", "StreamStatus", "RetentionPeriodHours", "EnhancedMonitoring",
                                        "EncryptionType", "HasMoreShards")} == {
        "StreamName": samplestream, "StreamStatus": "ACTIVE", "RetentionPeriodHours": 24,
        "EnhancedMonitoring": [{"ShardLevelMetrics": []}], "EncryptionType": "NONE", "HasMoreShards": False}
    assert "KeyId" not in description
    listed = kinesis.list_shards(StreamName=samplestream, ExclusiveStartShardId="shardId-000000000000")
    assert _shards(listed) == [(f"shardId-00000000000{i}", RANGES[i], False) for i in (1, 2)]
    assert "NextToken" not in listed


def test_retention_tags_and_summary_examples(kinesis, samplestream):
    assert list(kinesis.increase_stream_retention_period(StreamName=samplestream, RetentionPeriodHours=168)) == \
        ["ResponseMetadata"]
    kinesis.decrease_stream_retention_period(StreamName=samplestream, RetentionPeriodHours=48)
    kinesis.add_tags_to_stream(StreamName=samplestream, Tags={"samplekey": "example"})
    tags = kinesis.list_tags_for_stream(StreamName=samplestream)
    assert (tags["Tags"], tags["HasMoreTags"]) == ([{"Key": "samplekey", "Value": "example"}], False)
    kinesis.remove_tags_from_stream(StreamName=samplestream, TagKeys=["samplekey"])
    assert kinesis.list_tags_for_stream(StreamName=samplestream)["Tags"] == []
    summary = kinesis.describe_stream_summary(StreamName=samplestream)["StreamDescriptionSummary"]
    assert {k: summary[k] for k in ("StreamName", "StreamStatus", "RetentionPeriodHours", "EnhancedMonitoring",
                                    "EncryptionType", "OpenShardCount", "ConsumerCount")} == {
        "StreamName": samplestream, "StreamStatus": "ACTIVE", "RetentionPeriodHours": 48,
        "EnhancedMonitoring": [{"ShardLevelMetrics": []}], "EncryptionType": "NONE", "OpenShardCount": 3,
        "ConsumerCount": 0}


def test_enhanced_monitoring_examples(kinesis, samplestream):
    enabled = kinesis.enable_enhanced_monitoring(StreamName=samplestream, ShardLevelMetrics=["ALL"])
    assert (enabled["StreamName"], enabled["CurrentShardLevelMetrics"], sorted(enabled["DesiredShardLevelMetrics"])) \
        == (samplestream, [], SHARD_METRICS)
    disabled = kinesis.disable_enhanced_monitoring(StreamName=samplestream, ShardLevelMetrics=["ALL"])
    assert (sorted(disabled["CurrentShardLevelMetrics"]), disabled["DesiredShardLevelMetrics"]) == (SHARD_METRICS, [])


def test_put_and_get_examples(kinesis, samplestream):
    put = kinesis.put_record(StreamName=samplestream, Data=b"sampledatarecord", PartitionKey="samplepartitionkey")
    # real Kinesis names no EncryptionType for a plain stream (the page shows "NONE"; a reply
    # recorded in us-east-1, radkawar/stackd testdata/aws/kinesis/records.json, has none)
    assert sorted(put) == ["ResponseMetadata", "SequenceNumber", "ShardId"]
    batch = kinesis.put_records(StreamName=samplestream, Records=[{"Data": b"blob1", "PartitionKey": "partitionkey1"},
                                                                  {"Data": b"blob2", "PartitionKey": "partitionkey2"}])
    assert (batch["FailedRecordCount"], "EncryptionType" in batch) == (0, False)
    assert [sorted(r) for r in batch["Records"]] == [["SequenceNumber", "ShardId"]] * 2
    iterator = kinesis.get_shard_iterator(StreamName=samplestream, ShardId="shardId-000000000001",
                                          ShardIteratorType="LATEST")["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator)
    assert (records["Records"], records["MillisBehindLatest"]) == ([], 0)


def test_consumer_examples(kinesis, samplestream):
    """register-stream-consumer answers CREATING, as the page shows; describe-stream-consumer
    then names its stream."""
    arn = kinesis.describe_stream_summary(StreamName=samplestream)["StreamDescriptionSummary"]["StreamARN"]
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="KinesisConsumerApplication")["Consumer"]
    assert (consumer["ConsumerName"], consumer["ConsumerStatus"]) == ("KinesisConsumerApplication", "CREATING")
    assert consumer["ConsumerARN"].startswith(f"{arn}/consumer/KinesisConsumerApplication:")
    described = kinesis.describe_stream_consumer(StreamARN=arn, ConsumerName="KinesisConsumerApplication")[
        "ConsumerDescription"]
    assert (described["ConsumerARN"], described["StreamARN"]) == (consumer["ConsumerARN"], arn)
    assert list(kinesis.deregister_stream_consumer(StreamARN=arn, ConsumerName="KinesisConsumerApplication")) == \
        ["ResponseMetadata"]


def _wait_active(kinesis, name):
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})


def test_resharding_examples(kinesis, samplestream):
    """split-shard at hash key 10, merge-shards of shards 1 and 2 (adjacent), then
    update-shard-count to 6 with UNIFORM_SCALING."""
    kinesis.split_shard(StreamName=samplestream, ShardToSplit="shardId-000000000000", NewStartingHashKey="10")
    _wait_active(kinesis, samplestream)
    kinesis.merge_shards(StreamName=samplestream, ShardToMerge="shardId-000000000001",
                         AdjacentShardToMerge="shardId-000000000002")
    _wait_active(kinesis, samplestream)
    opened = [s for s in _shards(kinesis.list_shards(StreamName=samplestream, ShardFilter={"Type": "AT_LATEST"}))]
    assert [(ranges, closed) for _, ranges, closed in opened] == [
        (("0", "9"), False), (("10", RANGES[0][1]), False), ((RANGES[1][0], RANGES[2][1]), False)]
    answer = kinesis.update_shard_count(StreamName=samplestream, ScalingType="UNIFORM_SCALING", TargetShardCount=6)
    assert (answer["StreamName"], answer["CurrentShardCount"], answer["TargetShardCount"]) == (samplestream, 3, 6)
    _wait_active(kinesis, samplestream)
    summary = kinesis.describe_stream_summary(StreamName=samplestream)["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 6


def test_cli_examples(lakebox_server, samplestream):
    """put-records with the page's shorthand, list-shards after shard 0 and
    update-shard-count, run with the aws cli."""
    def kinesis(*args):
        return answer_of(run_cli(lakebox_server, "kinesis", *args))

    put = kinesis("put-records", "--stream-name", samplestream, "--records",
                  "Data=blob1,PartitionKey=partitionkey1", "Data=blob2,PartitionKey=partitionkey2")
    assert (put["FailedRecordCount"], len(put["Records"]), "EncryptionType" in put) == (0, 2, False)
    listed = kinesis("list-shards", "--stream-name", samplestream, "--exclusive-start-shard-id", "shardId-000000000000")
    assert [shard["ShardId"] for shard in listed["Shards"]] == ["shardId-000000000001", "shardId-000000000002"]
    answer = kinesis("update-shard-count", "--stream-name", samplestream, "--scaling-type", "UNIFORM_SCALING",
                     "--target-shard-count", "6")
    assert (answer["CurrentShardCount"], answer["TargetShardCount"]) == (3, 6)
