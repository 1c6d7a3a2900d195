"""An operator swaps a stream's processors without restating whether processing is on:
Firehose keeps the stream's Enabled setting when an UpdateDestination's
ProcessingConfiguration leaves it out (true stays true, false stays false), and takes the
update's Processors as the new list. As recorded from Firehose (radkawar/stackd
testdata/aws/firehose/formatting_replay.json, case 'omitted-enabled-after-disabled'; its
docs/firehose.md: 'Omitted Enabled inherits the previous value')."""
import uuid

import pytest
from botocore.exceptions import ClientError

from stkf_helpers import ROLE, firehose_with_bucket

NEWLINE = {"Type": "AppendDelimiterToRecord"}
DEAGGREGATE = {"Type": "RecordDeAggregation", "Parameters": [{"ParameterName": "SubRecordType",
                                                              "ParameterValue": "JSON"}]}


def test_an_update_without_enabled_keeps_it(lakebox_server):
    firehose, _, bucket = firehose_with_bucket(lakebox_server)
    for enabled in (True, False):
        name = f"stkf-proc-{uuid.uuid4().hex[:8]}"
        firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration={
            "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": f"{name}/",
            "ProcessingConfiguration": {"Enabled": enabled, "Processors": [NEWLINE]}})
        firehose.update_destination(DeliveryStreamName=name, CurrentDeliveryStreamVersionId="1",
                                    DestinationId="destinationId-000000000001",
                                    ExtendedS3DestinationUpdate={"ProcessingConfiguration": {
                                        "Processors": [DEAGGREGATE, NEWLINE]}})
        described = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
        processing = described["Destinations"][0]["ExtendedS3DestinationDescription"]["ProcessingConfiguration"]
        assert described["VersionId"] == "2"
        assert processing["Enabled"] is enabled
        assert [p["Type"] for p in processing["Processors"]] == ["RecordDeAggregation", "AppendDelimiterToRecord"]
        firehose.delete_delivery_stream(DeliveryStreamName=name)


def test_one_lambda_processor_at_most(lakebox_server):
    """Two Lambda processors are refused with InvalidArgumentException (radkawar/stackd
    testdata/aws/firehose/boundaries_replay.json, create-stream-repeated; docs/firehose.md:
    'More than one Lambda processor is rejected with InvalidArgumentException'). The
    message is not asserted: its words are not recorded where they can be read."""
    firehose, _, bucket = firehose_with_bucket(lakebox_server)
    function = {"Type": "Lambda", "Parameters": [
        {"ParameterName": "LambdaArn", "ParameterValue": "arn:aws:lambda:us-east-1:000000000000:function:enrich"}]}
    name = f"stkf-twice-{uuid.uuid4().hex[:8]}"
    with pytest.raises(ClientError) as refused:
        firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration={
            "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
            "ProcessingConfiguration": {"Enabled": True, "Processors": [function, function]}})
    assert refused.value.response["Error"]["Code"] == "InvalidArgumentException"
    assert name not in firehose.list_delivery_streams(Limit=10000)["DeliveryStreamNames"]
