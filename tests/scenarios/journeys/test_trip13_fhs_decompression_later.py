"""A team first ships raw application events through a plain delivery stream, later points a
CloudWatch Logs subscription at it and wants Firehose to unzip the envelopes. Firehose does
not turn Decompression on in an existing stream that has neither decompression nor a Lambda
processor enabled (InvalidArgumentException, the version stays); a stream that already runs
a Lambda processor may add it, and one that decompresses already may change its other
processors. As recorded from Firehose in radkawar/stackd testdata/aws/firehose
(logs_processing_replay.json selects the observations, in the unreadable
logs_processing.json.gz; its docs/firehose.md: 'Enabling decompression on an existing stream
requires currently enabled decompression or Lambda processing. The captured
disable/reenable and attach-Lambda/remove/readd sequences are enforced from current
configuration'). AWS's words for the refusal are not recorded where they can be read: the
code is asserted."""
import uuid

import pytest
from botocore.exceptions import ClientError

from stkf_helpers import ROLE, firehose_with_bucket

FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:shape-logs"
DECOMPRESSION = {"Type": "Decompression"}
LAMBDA = {"Type": "Lambda", "Parameters": [{"ParameterName": "LambdaArn", "ParameterValue": FUNCTION}]}
DESTINATION = "destinationId-000000000001"


def _version(firehose, name):
    return firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]["VersionId"]


def _update(firehose, name, enabled, processors):
    firehose.update_destination(DeliveryStreamName=name, CurrentDeliveryStreamVersionId=_version(firehose, name),
                                DestinationId=DESTINATION, ExtendedS3DestinationUpdate={
                                    "ProcessingConfiguration": {"Enabled": enabled, "Processors": processors}})


def _create(firehose, bucket, processing=None):
    name = f"fhs-logs-{uuid.uuid4().hex[:8]}"
    destination = {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "app/"}
    if processing:
        destination["ProcessingConfiguration"] = processing
    firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration=destination)
    return name


def test_decompression_joins_only_a_processing_stream(lakebox_server):
    firehose, _, bucket = firehose_with_bucket(lakebox_server)
    plain = _create(firehose, bucket)
    with pytest.raises(ClientError) as refused:
        _update(firehose, plain, True, [DECOMPRESSION])
    assert refused.value.response["Error"]["Code"] == "InvalidArgumentException"
    assert _version(firehose, plain) == "1"

    with_lambda = _create(firehose, bucket, {"Enabled": True, "Processors": [LAMBDA]})
    _update(firehose, with_lambda, True, [DECOMPRESSION, LAMBDA])
    assert _version(firehose, with_lambda) == "2"

    unzipping = _create(firehose, bucket, {"Enabled": True, "Processors": [DECOMPRESSION]})
    _update(firehose, unzipping, True, [DECOMPRESSION, {"Type": "AppendDelimiterToRecord"}])
    assert _version(firehose, unzipping) == "2"
    for name in (plain, with_lambda, unzipping):
        firehose.delete_delivery_stream(DeliveryStreamName=name)
