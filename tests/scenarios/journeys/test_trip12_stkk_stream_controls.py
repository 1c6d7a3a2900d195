"""A platform team's stream-admin tool, checked against the answers real Kinesis Data
Streams gave to the same calls (recorded in us-east-1, radkawar/stackd
testdata/aws/kinesis/controls.json): a stream named both by a name and by the ARN of
another, by neither, by an ARN of another region; ListStreams given a NextToken with
ExclusiveStartStreamName, or a token it never issued; tags with a reserved `aws:` key
and a 51st tag through TagResource. The summary of a stream carries the fields real
Kinesis returns (no StreamId)."""
import uuid

import pytest

from trip_helpers import error_of


@pytest.fixture
def stream(client):
    kinesis = client("kinesis")
    name = f"kctl-{uuid.uuid4().hex[:10]}"
    kinesis.create_stream(StreamName=name, ShardCount=1, StreamModeDetails={"StreamMode": "PROVISIONED"},
                          Tags={"owner": "stackd-probe", "Case": "one"})
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    yield name, arn
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)


def test_how_a_stream_is_named_and_refused(client, stream):
    kinesis = client("kinesis")
    name, arn = stream

    summary = kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]
    assert set(summary) == {"ConsumerCount", "EncryptionType", "EnhancedMonitoring", "MaxRecordSizeInKiB",
                            "OpenShardCount", "RetentionPeriodHours", "StreamARN", "StreamCreationTimestamp",
                            "StreamModeDetails", "StreamName", "StreamStatus"}

    assert error_of(kinesis.describe_stream_summary, StreamName=f"{name}-missing", StreamARN=arn) == (
        "InvalidArgumentException",
        f"Input stream name {name}-missing doesn't match the inferred name in stream arn {name}")
    assert error_of(kinesis.describe_stream_summary) == (
        "InvalidArgumentException", "Stream arn and stream name can't be empty at the same time")
    west = arn.replace(":us-east-1:", ":us-west-2:")
    assert error_of(kinesis.describe_stream_summary, StreamARN=west) == (
        "InvalidArgumentException",
        f"The region specified in the ARN '{west}' does not match the endpoint region")


def test_listing_streams_by_token_or_by_name_not_both(client, stream, kinesis_streams):
    kinesis = client("kinesis")
    name, _ = stream
    kinesis_streams("kctl-b")
    token = kinesis.list_streams(Limit=1)["NextToken"]
    assert error_of(kinesis.list_streams, NextToken=token, ExclusiveStartStreamName=name, Limit=2) == (
        "InvalidArgumentException", "ExclusiveStartStreamName and NextToken cannot be provided together.")
    assert error_of(kinesis.list_streams, NextToken="not-a-token") == (
        "InvalidArgumentException", "Invalid NextToken.")


def test_reserved_and_fifty_first_tags_are_refused(client, stream):
    kinesis = client("kinesis")
    name, arn = stream
    reserved = ("InvalidArgumentException",
                "Some tag keys in the request started with 'aws:'. System tags cannot be modified.")
    assert error_of(kinesis.tag_resource, ResourceARN=arn, Tags={"aws:probe": "x"}) == reserved
    assert error_of(kinesis.add_tags_to_stream, StreamName=name, Tags={"aws:probe": "x"}) == reserved

    account = arn.split(":")[4]
    assert error_of(kinesis.tag_resource, ResourceARN=arn, Tags={f"k{i}": "v" for i in range(51)}) == (
        "InvalidArgumentException",
        f"Failed to add tags to resource {arn} under account {account} because a given resource cannot have "
        "more than 50 tags associated with it.")
    assert kinesis.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
        {"Key": "Case", "Value": "one"}, {"Key": "owner", "Value": "stackd-probe"}]
