"""Audit of issue 4: what a user meets while streams and consumers are still changing
state (a server whose transitions take 30 s of its clock): the five-streams-CREATING
limit, one update at a time on a resharding stream, consumers CREATING then ACTIVE."""
import json
import pytest
from botocore.exceptions import ClientError
from kinesis_helpers import ACCOUNT, NO_RETRIES

from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only


@pytest.fixture(scope="module")
def slow_server():
    with LakeboxServer(env={"LAKEBOX_TRANSITION_DELAY": "30"}) as server:
        yield server


def _error(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _status(kinesis, stream):
    return kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["StreamStatus"]


def test_at_most_five_streams_are_creating_at_once(slow_server):
    kinesis = slow_server.client("kinesis", config=NO_RETRIES)
    for i in range(5):
        kinesis.create_stream(StreamName=f"batch-{i}", ShardCount=1)
    # Terraform and others retry on these words
    assert _error(kinesis.create_stream, StreamName="batch-5", ShardCount=1) == (
        "LimitExceededException",
        "This request would have exceed the limit on the number of streams that can simultaneously be in "
        f"CREATING or DELETING for the account {ACCOUNT}. Limit: 5.")
    assert "batch-5" not in kinesis.list_streams()["StreamNames"]
    slow_server.advance_clock(31)
    kinesis.create_stream(StreamName="batch-5", ShardCount=1)
    assert _status(kinesis, "batch-0") == "ACTIVE" and _status(kinesis, "batch-5") == "CREATING"


def test_a_resharding_stream_takes_one_update_at_a_time_and_keeps_taking_records(slow_server):
    kinesis = slow_server.client("kinesis", config=NO_RETRIES)
    kinesis.create_stream(StreamName="busy", ShardCount=2)
    slow_server.advance_clock(31)
    kinesis.update_shard_count(StreamName="busy", TargetShardCount=4, ScalingType="UNIFORM_SCALING")
    assert _status(kinesis, "busy") == "UPDATING"
    refused = ("ResourceInUseException", f"Stream busy under account {ACCOUNT} not ACTIVE, instead in state UPDATING")
    assert _error(kinesis.update_shard_count, StreamName="busy", TargetShardCount=3,
                  ScalingType="UNIFORM_SCALING") == refused
    assert _error(kinesis.split_shard, StreamName="busy", ShardToSplit="shardId-000000000000",
                  NewStartingHashKey="100") == refused
    assert _error(kinesis.increase_stream_retention_period, StreamName="busy", RetentionPeriodHours=48) == refused
    # AWS: "You can continue to read and write data to your stream while its status is UPDATING."
    kinesis.put_record(StreamName="busy", Data=b"during", PartitionKey="k")
    slow_server.advance_clock(31)
    assert _status(kinesis, "busy") == "ACTIVE"
    assert kinesis.describe_stream_summary(StreamName="busy")["StreamDescriptionSummary"]["OpenShardCount"] == 4


def test_a_consumer_is_creating_then_active_on_the_server_clock(slow_server):
    kinesis = slow_server.client("kinesis", config=NO_RETRIES)
    kinesis.create_stream(StreamName="fanout", ShardCount=1)
    slow_server.advance_clock(31)
    stream_arn = kinesis.describe_stream_summary(StreamName="fanout")["StreamDescriptionSummary"]["StreamARN"]
    consumer = kinesis.register_stream_consumer(StreamARN=stream_arn, ConsumerName="reader")["Consumer"]
    assert consumer["ConsumerStatus"] == "CREATING"
    arn = consumer["ConsumerARN"]
    assert kinesis.describe_stream_consumer(ConsumerARN=arn)["ConsumerDescription"]["ConsumerStatus"] == "CREATING"
    code, message = _error(kinesis.subscribe_to_shard, ConsumerARN=arn, ShardId="shardId-000000000000",
                           StartingPosition={"Type": "LATEST"})
    assert code == "ResourceInUseException" and message.endswith("is not in ACTIVE status.")
    # Nor does it take a resource policy (AWS's words, as CloudFormation users met them).
    created = arn.rsplit(":", 1)[1]
    policy = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": '
              '"arn:aws:iam::111122223333:root"}, "Action": "kinesis:SubscribeToShard", "Resource": "' + arn + '"}]}')
    assert _error(kinesis.put_resource_policy, ResourceARN=arn, Policy=policy) == (
        "ResourceInUseException",
        f"Consumer reader with creation timestamp {created} under stream fanout and account {ACCOUNT} is not in "
        "ACTIVE status.")
    slow_server.advance_clock(31)
    kinesis.put_resource_policy(ResourceARN=arn, Policy=policy)
    # kept as compact JSON (as real Kinesis gives a policy back)
    assert kinesis.get_resource_policy(ResourceARN=arn)["Policy"] == json.dumps(
        json.loads(policy), separators=(",", ":"))
    described = kinesis.describe_stream_consumer(StreamARN=stream_arn, ConsumerName="reader")["ConsumerDescription"]
    assert (described["ConsumerStatus"], described["StreamARN"]) == ("ACTIVE", stream_arn)
    assert [c["ConsumerStatus"] for c in kinesis.list_stream_consumers(StreamARN=stream_arn)["Consumers"]] == [
        "ACTIVE"]
    answer = kinesis.subscribe_to_shard(ConsumerARN=arn, ShardId="shardId-000000000000",
                                        StartingPosition={"Type": "TRIM_HORIZON"})
    answer["EventStream"].close()


# Stream settings that put a stream UPDATING, as real Kinesis did in us-east-1
# (radkawar/stackd testdata/aws/kinesis/controls.json): a changed retention period,
# enhanced monitoring turned on or off and a new maximum record size each leave the
# stream UPDATING, refusing the next change until it is ACTIVE again; a change to the
# same value does not. Resource policies: unparsable JSON is refused in Kinesis' words
# and a kept policy comes back as compact JSON with one-element lists as their element
# (a server whose transitions take 30 s of its clock).


def _summary(kinesis, stream):
    return kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]


def test_settings_changes_leave_the_stream_updating(slow_server):
    kinesis = slow_server.client("kinesis", config=NO_RETRIES)
    kinesis.create_stream(StreamName="ctl", ShardCount=1)
    slow_server.advance_clock(31)
    busy = ("ResourceInUseException", f"Stream ctl under account {ACCOUNT} not ACTIVE, instead in state UPDATING")

    # the same value: no change, the stream stays ACTIVE
    kinesis.increase_stream_retention_period(StreamName="ctl", RetentionPeriodHours=24)
    kinesis.decrease_stream_retention_period(StreamName="ctl", RetentionPeriodHours=24)
    assert _summary(kinesis, "ctl")["StreamStatus"] == "ACTIVE"

    kinesis.increase_stream_retention_period(StreamName="ctl", RetentionPeriodHours=25)
    assert _summary(kinesis, "ctl")["StreamStatus"] == "UPDATING"
    slow_server.advance_clock(31)
    assert (_summary(kinesis, "ctl")["StreamStatus"], _summary(kinesis, "ctl")["RetentionPeriodHours"]) == (
        "ACTIVE", 25)

    added = kinesis.enable_enhanced_monitoring(StreamName="ctl", ShardLevelMetrics=["IncomingRecords"])
    assert (added["CurrentShardLevelMetrics"], added["DesiredShardLevelMetrics"]) == ([], ["IncomingRecords"])
    assert _error(kinesis.enable_enhanced_monitoring, StreamName="ctl", ShardLevelMetrics=["IncomingRecords"]) == busy
    assert _error(kinesis.disable_enhanced_monitoring, StreamName="ctl", ShardLevelMetrics=["ALL"]) == busy
    slow_server.advance_clock(31)
    removed = kinesis.disable_enhanced_monitoring(StreamName="ctl", ShardLevelMetrics=["ALL"])
    assert (removed["CurrentShardLevelMetrics"], removed["DesiredShardLevelMetrics"]) == (["IncomingRecords"], [])
    assert _error(kinesis.disable_enhanced_monitoring, StreamName="ctl", ShardLevelMetrics=["ALL"]) == busy
    slow_server.advance_clock(31)

    arn = _summary(kinesis, "ctl")["StreamARN"]
    kinesis.update_max_record_size(StreamARN=arn, MaxRecordSizeInKiB=2048)
    assert _summary(kinesis, "ctl")["StreamStatus"] == "UPDATING"
    assert _error(kinesis.update_max_record_size, StreamARN=arn, MaxRecordSizeInKiB=1024) == busy
    slow_server.advance_clock(31)
    assert (_summary(kinesis, "ctl")["StreamStatus"], _summary(kinesis, "ctl")["MaxRecordSizeInKiB"]) == (
        "ACTIVE", 2048)


def test_a_resource_policy_is_checked_and_given_back_compact(slow_server):
    kinesis = slow_server.client("kinesis", config=NO_RETRIES)
    kinesis.create_stream(StreamName="pol", ShardCount=1)
    slow_server.advance_clock(31)
    arn = _summary(kinesis, "pol")["StreamARN"]
    assert kinesis.get_resource_policy(ResourceARN=arn)["Policy"] == "{}"
    assert _error(kinesis.put_resource_policy, ResourceARN=arn, Policy="{") == (
        "InvalidArgumentException", "Policy validation error: This policy contains invalid Json")
    policy = {"Version": "2012-10-17", "Statement": [{
        "Sid": "First", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": ["kinesis:DescribeStreamSummary"], "Resource": arn}]}
    kinesis.put_resource_policy(ResourceARN=arn, Policy=json.dumps(policy))
    assert kinesis.get_resource_policy(ResourceARN=arn)["Policy"] == (
        '{"Version":"2012-10-17","Statement":[{"Sid":"First","Effect":"Allow","Principal":{"AWS":'
        f'"arn:aws:iam::{ACCOUNT}:root"}},"Action":"kinesis:DescribeStreamSummary","Resource":"{arn}"}}]}}')
