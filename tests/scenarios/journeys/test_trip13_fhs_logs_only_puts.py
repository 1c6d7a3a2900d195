"""A developer tries out a CloudWatch Logs delivery stream by putting a gzipped subscription
payload into it from a script. Firehose takes direct puts into a stream that decompresses
only from CloudWatch Logs itself: PutRecord and PutRecordBatch from a caller are refused
with InvalidSourceException, 'Only requests from CloudWatch Logs are supported when
CloudWatch Logs decompression is enabled.' Once processing is switched off (the stages
kept), the same script's records are taken. As recorded from Firehose in radkawar/stackd
testdata/aws/firehose (logs_processing_replay.json selects the observations, in the
unreadable logs_processing.json.gz; its docs/firehose.md: 'Enabled Decompression accepts
direct ingestion only from the trusted Logs service adapter. Ordinary signed callers,
including a session of the Logs delivery role, receive InvalidSourceException'); the words
are the InvalidSourceException shape's in Firehose's service model."""
import gzip
import json
import uuid

import pytest
from botocore.exceptions import ClientError

from stkf_helpers import ROLE, firehose_with_bucket

LOGS_ONLY = "Only requests from CloudWatch Logs are supported when CloudWatch Logs decompression is enabled."
STAGES = [{"Type": "Decompression"},
          {"Type": "CloudWatchLogProcessing",
           "Parameters": [{"ParameterName": "DataMessageExtraction", "ParameterValue": "true"}]}]


def _payload():
    return gzip.compress(json.dumps({
        "messageType": "DATA_MESSAGE", "owner": "000000000000", "logGroup": "/app/web", "logStream": "web-1",
        "subscriptionFilters": ["all"], "logEvents": [{"id": "1", "timestamp": 1_700_000_000_000,
                                                       "message": "GET / 200"}]}).encode())


def test_only_cloudwatch_logs_puts_into_a_decompressing_stream(lakebox_server):
    firehose, _, bucket = firehose_with_bucket(lakebox_server)
    name = f"fhs-weblogs-{uuid.uuid4().hex[:8]}"
    firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration={
        "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "web/",
        "ProcessingConfiguration": {"Enabled": True, "Processors": STAGES}})
    for call, args in ((firehose.put_record, {"Record": {"Data": _payload()}}),
                       (firehose.put_record_batch, {"Records": [{"Data": _payload()}] * 2})):
        with pytest.raises(ClientError) as refused:
            call(DeliveryStreamName=name, **args)
        assert refused.value.response["Error"] == {"Code": "InvalidSourceException", "Message": LOGS_ONLY}

    firehose.update_destination(DeliveryStreamName=name, CurrentDeliveryStreamVersionId="1",
                                DestinationId="destinationId-000000000001",
                                ExtendedS3DestinationUpdate={"ProcessingConfiguration": {
                                    "Enabled": False, "Processors": STAGES}})
    assert "RecordId" in firehose.put_record(DeliveryStreamName=name, Record={"Data": _payload()})
    firehose.delete_delivery_stream(DeliveryStreamName=name)
