"""Dynamic partitioning: partition keys from JQ queries make `customer_id=.../` prefixes,
one object per partition per flush; records the query cannot read go to error output."""
import base64
import json

import pytest

from aws_cli import run_cli
from firehose_helpers import objects

pytestmark = pytest.mark.local_only

PARTITIONING = {
    "Prefix": "customer_id=!{partitionKeyFromQuery:customer_id}/dt=!{timestamp:yyyy-MM-dd}/",
    "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
    "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 60},
    "DynamicPartitioningConfiguration": {"Enabled": True},
    "ProcessingConfiguration": {"Enabled": True, "Processors": [
        {"Type": "MetadataExtraction", "Parameters": [
            {"ParameterName": "MetadataExtractionQuery", "ParameterValue": "{customer_id: .customer_id}"},
            {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]},
        {"Type": "AppendDelimiterToRecord", "Parameters": []}]},
}


def test_records_land_under_their_customer_prefix(firehose, s3, bucket, make_stream, clock):
    name = make_stream(**PARTITIONING)
    events = [{"customer_id": i % 3, "n": i} for i in range(30)]
    firehose.put_record_batch(DeliveryStreamName=name,
                              Records=[{"Data": json.dumps(e).encode()} for e in events] + [{"Data": b"not json"}])
    clock(61)
    delivered = objects(s3, bucket)
    by_customer = {}
    for key, body in delivered.items():
        if key.startswith("customer_id="):
            customer = key.split("/")[0].split("=")[1]
            assert customer not in by_customer             # one object per partition per flush
            by_customer[customer] = [json.loads(line) for line in body.splitlines()]
    assert by_customer == {str(c): [e for e in events if e["customer_id"] == c] for c in range(3)}

    (error_key, error_body), = [(k, v) for k, v in delivered.items() if k.startswith("errors/")]
    assert error_key.startswith("errors/processing-failed/")
    failure = json.loads(error_body)
    assert base64.b64decode(failure["rawData"]) == b"not json"
    assert failure["errorCode"] == "DynamicPartitioning.MetadataExtractionFailed"


def test_cli_put_record(lakebox_server, firehose, s3, bucket, make_stream, clock):
    """The aws cli's `firehose put-record` (v1 as a Python module: blobs are passed as they are)."""
    name = make_stream(**PARTITIONING)
    record = json.dumps({"customer_id": "cli"})
    answer = run_cli(lakebox_server, "firehose", "put-record", "--delivery-stream-name", name,
                     "--record", json.dumps({"Data": record}))
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["RecordId"]
    clock(61)
    (key, body), = objects(s3, bucket, "customer_id=cli/").items()
    assert body == record.encode() + b"\n"


def test_a_partition_key_too_long_for_s3_goes_to_error_output(firehose, s3, bucket, make_stream, clock):
    """A partition key that would make an S3 key longer than 1,024 bytes: that record goes
    to error output, the others of the flush are delivered."""
    name = make_stream(**PARTITIONING)
    firehose.put_record_batch(DeliveryStreamName=name, Records=[
        {"Data": json.dumps({"customer_id": "x" * 1100}).encode()}, {"Data": b'{"customer_id": "ok"}'}])
    clock(61)
    delivered = objects(s3, bucket)
    assert [body for key, body in delivered.items() if key.startswith("customer_id=ok/")] == [
        b'{"customer_id": "ok"}\n']
    (error_body,) = [body for key, body in delivered.items() if key.startswith("errors/processing-failed/")]
    assert json.loads(error_body)["errorCode"] == "S3.KeyTooLongError"
