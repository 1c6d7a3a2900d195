"""An operator swaps a stream's processors without restating whether processing is on:
Firehose keeps the stream's Enabled setting when an UpdateDestination's
ProcessingConfiguration leaves it out (true stays true, false stays false), and takes the
update's Processors as the new list. As recorded from Firehose (radkawar/stackd
testdata/aws/firehose/formatting_replay.json, case 'omitted-enabled-after-disabled'; its
docs/firehose.md: 'Omitted Enabled inherits the previous value')."""
import uuid

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
