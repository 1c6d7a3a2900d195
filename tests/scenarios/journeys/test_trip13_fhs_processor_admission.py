"""A platform team templates its delivery streams with the fewest processor parameters that
work, then reads the streams back to audit them. Firehose keeps a Lambda processor with all
five of its parameters (three retries, the destination's role, a 1 MiB buffer, 60 seconds,
where left out) and a Decompression stage's GZIP; CloudWatchLogProcessing needs Decompression
and an explicit DataMessageExtraction, kept in lowercase; enabled processing lists one to
five processors. Re-applying the short template changes nothing (the version stays 1). As
recorded from Firehose in radkawar/stackd testdata/aws/firehose (processing_replay.json,
logs_processing_replay.json and formatting_replay.json select the observations, in the
unreadable lambda_processing.json.gz, logs_processing.json.gz and formatting.json.gz; its
docs/firehose.md: 'Defaults are three retries, the destination role, a 1 MiB processing
buffer and a 60-second interval. Admission retains the canonical five parameters',
'Decompression defaults to exact GZIP. Extraction requires Decompression and an explicit
DataMessageExtraction boolean, canonicalized to lowercase', 'Enabled processing requires 1-5
processors'). AWS's words for the refusals are not recorded where they can be read: the
codes are asserted."""
import uuid

import pytest
from botocore.exceptions import ClientError

from stkf_helpers import ROLE, firehose_with_bucket

FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:enrich-orders"


def _params(**named):
    return [{"ParameterName": k, "ParameterValue": v} for k, v in named.items()]


def _destination(bucket, processors, enabled=True):
    return {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "orders/",
            "ProcessingConfiguration": {"Enabled": enabled, "Processors": processors}}


def _processing(firehose, name):
    described = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    return described["VersionId"], described["Destinations"][0]["ExtendedS3DestinationDescription"][
        "ProcessingConfiguration"]


def test_processors_are_kept_whole_and_checked(lakebox_server):
    firehose, _, bucket = firehose_with_bucket(lakebox_server)
    name = f"fhs-orders-{uuid.uuid4().hex[:8]}"
    short = [{"Type": "Lambda", "Parameters": _params(LambdaArn=FUNCTION)}]
    firehose.create_delivery_stream(DeliveryStreamName=name,
                                    ExtendedS3DestinationConfiguration=_destination(bucket, short))
    whole = {"Enabled": True, "Processors": [{"Type": "Lambda", "Parameters": _params(
        LambdaArn=FUNCTION, NumberOfRetries="3", RoleArn=ROLE, BufferSizeInMBs="1", BufferIntervalInSeconds="60")}]}
    assert _processing(firehose, name) == ("1", whole)

    firehose.update_destination(DeliveryStreamName=name, CurrentDeliveryStreamVersionId="1",
                                DestinationId="destinationId-000000000001",
                                ExtendedS3DestinationUpdate={"ProcessingConfiguration": {"Processors": short}})
    assert _processing(firehose, name) == ("1", whole)

    for processors in ([], [{"Type": "AppendDelimiterToRecord"}] * 6):
        with pytest.raises(ClientError) as refused:
            firehose.update_destination(DeliveryStreamName=name, CurrentDeliveryStreamVersionId="1",
                                        DestinationId="destinationId-000000000001",
                                        ExtendedS3DestinationUpdate={"ProcessingConfiguration": {
                                            "Enabled": True, "Processors": processors}})
        assert refused.value.response["Error"]["Code"] == "InvalidArgumentException"
    assert _processing(firehose, name) == ("1", whole)
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def test_log_stages_need_decompression_and_a_boolean(lakebox_server):
    firehose, _, bucket = firehose_with_bucket(lakebox_server)
    name = f"fhs-logs-{uuid.uuid4().hex[:8]}"
    refused_stages = (
        [{"Type": "CloudWatchLogProcessing", "Parameters": _params(DataMessageExtraction="true")}],
        [{"Type": "Decompression"}, {"Type": "CloudWatchLogProcessing"}],
        [{"Type": "Decompression"}, {"Type": "CloudWatchLogProcessing",
                                     "Parameters": _params(DataMessageExtraction="yes")}])
    for processors in refused_stages:
        with pytest.raises(ClientError) as refused:
            firehose.create_delivery_stream(DeliveryStreamName=name,
                                            ExtendedS3DestinationConfiguration=_destination(bucket, processors))
        assert refused.value.response["Error"]["Code"] == "InvalidArgumentException"

    firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration=_destination(
        bucket, [{"Type": "Decompression"},
                 {"Type": "CloudWatchLogProcessing", "Parameters": _params(DataMessageExtraction="TRUE")}]))
    assert _processing(firehose, name)[1] == {"Enabled": True, "Processors": [
        {"Type": "Decompression", "Parameters": _params(CompressionFormat="GZIP")},
        {"Type": "CloudWatchLogProcessing", "Parameters": _params(DataMessageExtraction="true")}]}
    firehose.delete_delivery_stream(DeliveryStreamName=name)
