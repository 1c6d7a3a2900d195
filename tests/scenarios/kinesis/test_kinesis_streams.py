"""Stream lifecycle and settings through boto3, with AWS's errors for bad calls."""
import json
import uuid

import pytest
from kinesis_helpers import ACCOUNT, NO_RETRIES
from kinesis_helpers import error_of

MAX_HASH = str(2**128 - 1)


def test_create_describe_and_delete_a_provisioned_stream(kinesis, make_stream):
    name = make_stream(shards=3)
    described = kinesis.describe_stream(StreamName=name)["StreamDescription"]
    assert described["StreamStatus"] == "ACTIVE"
    assert described["StreamARN"] == f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/{name}"
    assert described["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert described["RetentionPeriodHours"] == 24
    assert described["HasMoreShards"] is False
    assert described["EncryptionType"] == "NONE"
    assert [s["ShardId"] for s in described["Shards"]] == [f"shardId-00000000000{i}" for i in range(3)]
    ranges = [s["HashKeyRange"] for s in described["Shards"]]
    assert ranges[0] == {"StartingHashKey": "0", "EndingHashKey": "113427455640312821154458202477256070484"}
    assert ranges[2]["EndingHashKey"] == MAX_HASH
    for shard in described["Shards"]:
        assert len(shard["SequenceNumberRange"]["StartingSequenceNumber"]) >= 20
        assert "EndingSequenceNumber" not in shard["SequenceNumberRange"]
    kinesis.delete_stream(StreamName=name)
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException) as raised:
        kinesis.describe_stream(StreamName=name)
    assert error_of(raised) == ("ResourceNotFoundException", f"Stream {name} under account {ACCOUNT} not found.")


def test_every_operation_takes_the_stream_arn_too(kinesis, make_stream):
    name = make_stream()
    arn = f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/{name}"
    summary = kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]
    assert summary["StreamName"] == name and summary["OpenShardCount"] == 1
    put = kinesis.put_record(StreamARN=arn, Data=b"x", PartitionKey="k")
    assert put["ShardId"] == "shardId-000000000000"
    assert kinesis.list_shards(StreamARN=arn)["Shards"][0]["ShardId"] == "shardId-000000000000"
    kinesis.add_tags_to_stream(StreamARN=arn, Tags={"team": "data"})
    assert kinesis.list_tags_for_stream(StreamARN=arn)["Tags"] == [{"Key": "team", "Value": "data"}]


def test_describe_stream_pages_through_shards(kinesis, make_stream):
    name = make_stream(shards=5)
    first = kinesis.describe_stream(StreamName=name, Limit=2)["StreamDescription"]
    assert [s["ShardId"] for s in first["Shards"]] == ["shardId-000000000000", "shardId-000000000001"]
    assert first["HasMoreShards"] is True
    rest = kinesis.describe_stream(StreamName=name, ExclusiveStartShardId="shardId-000000000001")
    assert [s["ShardId"][-1] for s in rest["StreamDescription"]["Shards"]] == ["2", "3", "4"]
    assert rest["StreamDescription"]["HasMoreShards"] is False


def test_creating_a_stream_twice_is_resource_in_use(kinesis, make_stream):
    name = make_stream()
    with pytest.raises(kinesis.exceptions.ResourceInUseException) as raised:
        kinesis.create_stream(StreamName=name, ShardCount=1)
    assert error_of(raised) == ("ResourceInUseException", f"Stream {name} under account {ACCOUNT} already exists.")


def test_invalid_stream_names_get_the_validation_message(kinesis):
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.create_stream(StreamName="bad name!", ShardCount=1)
    assert error_of(raised) == (
        "ValidationException",
        "1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")


def test_list_streams_pages_with_summaries(kinesis, make_stream):
    names = sorted(make_stream() for _ in range(3))
    seen, token = [], None
    while True:
        page = kinesis.list_streams(Limit=2, **({"NextToken": token} if token else {}))
        assert len(page["StreamNames"]) <= 2
        seen += page["StreamNames"]
        for summary in page["StreamSummaries"]:
            assert summary["StreamARN"].endswith(f":stream/{summary['StreamName']}")
            assert summary["StreamStatus"] in ("ACTIVE", "CREATING", "UPDATING", "DELETING")
        if not page["HasMoreStreams"]:
            break
        token = page["NextToken"]
    assert set(names) <= set(seen)
    assert seen == sorted(seen)
    after = kinesis.list_streams(ExclusiveStartStreamName=names[0])["StreamNames"]
    assert names[0] not in after and names[1] in after


def test_on_demand_stream_and_switching_modes(kinesis, make_stream):
    name = make_stream(StreamModeDetails={"StreamMode": "ON_DEMAND"})
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert summary["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}
    assert summary["OpenShardCount"] == 4
    arn = summary["StreamARN"]
    kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "PROVISIONED"})
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1})
    after = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert after["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert after["OpenShardCount"] == 4


def test_warm_throughput_needs_the_billing_commitment(kinesis, make_stream):
    """Without the account's minimum throughput billing commitment real Kinesis refuses warm
    throughput on any stream (radkawar/stackd testdata/aws/kinesis/controls.json)."""
    if kinesis.describe_account_settings()["MinimumThroughputBillingCommitment"]["Status"] != "DISABLED":
        pytest.skip("the account has a throughput commitment")
    account = kinesis.describe_stream_summary(StreamName=make_stream())["StreamDescriptionSummary"][
        "StreamARN"].split(":")[4]
    for stream in (make_stream(), make_stream(StreamModeDetails={"StreamMode": "ON_DEMAND"})):
        for mibps in (0, 1):
            with pytest.raises(kinesis.exceptions.ClientError) as raised:
                kinesis.update_stream_warm_throughput(StreamName=stream, WarmThroughputMiBps=mibps)
            assert raised.value.response["Error"]["Code"] == "ValidationException"
            assert raised.value.response["Error"]["Message"] == (
                f"Account {account} is not enabled for minimum throughput billing commitment")


@pytest.mark.local_only
def test_warm_throughput_is_for_on_demand_streams(lakebox_server):
    account = f"{uuid.uuid4().int % 10**12:012d}"
    kinesis = lakebox_server.client("kinesis", aws_access_key_id=account, config=NO_RETRIES)
    kinesis.update_account_settings(MinimumThroughputBillingCommitment={"Status": "ENABLED"})
    on_demand, provisioned = f"warm-{uuid.uuid4().hex[:8]}", f"cold-{uuid.uuid4().hex[:8]}"
    kinesis.create_stream(StreamName=on_demand, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    kinesis.create_stream(StreamName=provisioned, ShardCount=1)
    for name in (on_demand, provisioned):
        kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1})
    answer = kinesis.update_stream_warm_throughput(StreamName=on_demand, WarmThroughputMiBps=100)
    assert answer["WarmThroughput"]["TargetMiBps"] == 100
    kinesis.get_waiter("stream_exists").wait(StreamName=on_demand, WaiterConfig={"Delay": 1})
    summary = kinesis.describe_stream_summary(StreamName=on_demand)["StreamDescriptionSummary"]
    assert summary["WarmThroughput"]["TargetMiBps"] == 100
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.update_stream_warm_throughput(StreamName=provisioned, WarmThroughputMiBps=100)


def test_on_demand_streams_cannot_be_resharded_by_hand(kinesis, make_stream):
    name = make_stream(StreamModeDetails={"StreamMode": "ON_DEMAND"})
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.split_shard(StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey="1000")
    assert raised.value.response["Error"]["Code"] == "ValidationException"


def test_retention_goes_up_and_down_within_aws_bounds(kinesis, make_stream):
    name = make_stream()
    kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=168)
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["RetentionPeriodHours"] == 168
    kinesis.decrease_stream_retention_period(StreamName=name, RetentionPeriodHours=48)
    assert kinesis.describe_stream(StreamName=name)["StreamDescription"]["RetentionPeriodHours"] == 48
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=8761)
    assert error_of(raised) == ("InvalidArgumentException", "Maximum allowed retention period is 8760 hours. "
                                "Requested retention period (8761 hours) is too long.")
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.decrease_stream_retention_period(StreamName=name, RetentionPeriodHours=23)
    assert error_of(raised) == ("InvalidArgumentException", "Minimum allowed retention period is 24 hours. "
                                "Requested retention period (23 hours) is too short.")
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=24)
    assert error_of(raised)[1] == (
        f"Requested retention period (24 hours) for stream {name} can not be shorter than existing retention "
        f"period (48 hours). Use DecreaseRetentionPeriod API.")
    assert kinesis.describe_stream(StreamName=name)["StreamDescription"]["RetentionPeriodHours"] == 48


def test_tags_add_list_page_and_remove(kinesis, make_stream):
    name = make_stream(Tags={"env": "test"})
    kinesis.add_tags_to_stream(StreamName=name, Tags={"a": "1", "b": "2"})
    page = kinesis.list_tags_for_stream(StreamName=name, Limit=2)
    assert page["Tags"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}] and page["HasMoreTags"]
    rest = kinesis.list_tags_for_stream(StreamName=name, ExclusiveStartTagKey="b")
    assert rest == {**rest, "Tags": [{"Key": "env", "Value": "test"}], "HasMoreTags": False}
    kinesis.remove_tags_from_stream(StreamName=name, TagKeys=["a", "env"])
    assert kinesis.list_tags_for_stream(StreamName=name)["Tags"] == [{"Key": "b", "Value": "2"}]
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    kinesis.tag_resource(ResourceARN=arn, Tags={"c": "3"})
    kinesis.untag_resource(ResourceARN=arn, TagKeys=["b"])
    assert kinesis.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "c", "Value": "3"}]


def test_a_stream_holds_at_most_fifty_tags(kinesis, make_stream):
    name = make_stream()
    kinesis.add_tags_to_stream(StreamName=name, Tags={f"k{i}": "v" for i in range(50)})
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.add_tags_to_stream(StreamName=name, Tags={"one-too-many": "v"})
    assert len(kinesis.list_tags_for_stream(StreamName=name, Limit=50)["Tags"]) == 50


def test_encryption_state_is_kept_and_shown_on_records(kinesis, make_stream):
    name = make_stream()
    kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId="alias/aws/kinesis")
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1})
    described = kinesis.describe_stream(StreamName=name)["StreamDescription"]
    assert (described["EncryptionType"], described["KeyId"]) == ("KMS", "alias/aws/kinesis")
    assert kinesis.put_record(StreamName=name, Data=b"secret", PartitionKey="k")["EncryptionType"] == "KMS"
    kinesis.stop_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId="alias/aws/kinesis")
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1})
    assert kinesis.describe_stream(StreamName=name)["StreamDescription"]["EncryptionType"] == "NONE"


def test_enhanced_monitoring_expands_all(kinesis, make_stream):
    name = make_stream()
    enabled = kinesis.enable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["ALL"])
    assert enabled["CurrentShardLevelMetrics"] == [] and len(enabled["DesiredShardLevelMetrics"]) == 7
    disabled = kinesis.disable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["IncomingBytes"])
    assert "IncomingBytes" not in disabled["DesiredShardLevelMetrics"]
    monitoring = kinesis.describe_stream(StreamName=name)["StreamDescription"]["EnhancedMonitoring"]
    assert monitoring == [{"ShardLevelMetrics": disabled["DesiredShardLevelMetrics"]}]


def test_max_record_size_can_be_raised(kinesis, make_stream):
    name = make_stream(MaxRecordSizeInKiB=2048)
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    big = b"x" * (1024 * 1024 + 1)
    assert kinesis.put_record(StreamName=name, Data=big, PartitionKey="k")["ShardId"] == "shardId-000000000000"
    kinesis.update_max_record_size(StreamARN=arn, MaxRecordSizeInKiB=1024)
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.put_record(StreamName=name, Data=big, PartitionKey="k")
    assert error_of(raised) == ("ValidationException", "1 validation error detected: Value at 'data' failed to "
                                "satisfy constraint: Member must have length less than or equal to 1048576")
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["MaxRecordSizeInKiB"] == 1024


def test_resource_policies_on_a_stream(kinesis, make_stream):
    name = make_stream()
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT},
                                                      "Action": "kinesis:GetRecords", "Resource": arn}]}
    kinesis.put_resource_policy(ResourceARN=arn, Policy=json.dumps(policy))
    assert json.loads(kinesis.get_resource_policy(ResourceARN=arn)["Policy"]) == policy
    kinesis.delete_resource_policy(ResourceARN=arn)
    assert kinesis.get_resource_policy(ResourceARN=arn)["Policy"] == "{}"


def test_limits_count_open_shards(kinesis, make_stream):
    before = kinesis.describe_limits()
    make_stream(shards=2)
    after = kinesis.describe_limits()
    assert after["OpenShardCount"] == before["OpenShardCount"] + 2
    assert after["ShardLimit"] > 0 and after["OnDemandStreamCountLimit"] > 0


def test_account_settings_commitment_round_trip(kinesis):
    assert kinesis.describe_account_settings()["MinimumThroughputBillingCommitment"]["Status"] in (
        "DISABLED", "ENABLED", "ENABLED_UNTIL_EARLIEST_ALLOWED_END")


def test_unknown_streams_are_not_found_everywhere(kinesis):
    name = f"missing-{uuid.uuid4().hex[:8]}"
    message = f"Stream {name} under account {ACCOUNT} not found."
    calls = [
        lambda: kinesis.describe_stream_summary(StreamName=name),
        lambda: kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k"),
        lambda: kinesis.list_shards(StreamName=name),
        lambda: kinesis.delete_stream(StreamName=name),
        lambda: kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                           ShardIteratorType="LATEST"),
    ]
    for call in calls:
        with pytest.raises(kinesis.exceptions.ResourceNotFoundException) as raised:
            call()
        assert error_of(raised) == ("ResourceNotFoundException", message)


@pytest.mark.local_only
def test_delete_refuses_while_consumers_are_registered(kinesis, make_stream):
    name = make_stream()
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="app")
    with pytest.raises(kinesis.exceptions.ResourceInUseException):
        kinesis.delete_stream(StreamName=name)
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
    assert name not in kinesis.list_streams()["StreamNames"]
