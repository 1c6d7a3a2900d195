"""A team ships CloudWatch Logs subscription envelopes through a Kinesis stream into a
Firehose stream that decompresses them and extracts their messages. Among the envelopes
are bad ones: bytes that are not gzip, gzip of text that is not JSON, and gzip of JSON that
is no Logs message. Firehose delivers the messages of the good envelope, and puts each bad
record -- in the compressed form it arrived in -- under the decompression-failed error
output; none is lost silently. As recorded from Firehose (radkawar/stackd
testdata/aws/firehose/logs_processing_replay.json, kinesisPuts put-source-malformed-gzip,
-invalid-json, -nonlogs-json; its docs/firehose.md: 'Malformed gzip/JSON and invalid
extraction envelopes produce retained decompression-failed objects ... original compressed
rawData', 'Valid non-Logs JSON passes decompression alone but fails extraction')."""
import base64
import gzip
import json
import uuid

from stkf_helpers import ROLE, firehose_with_bucket
from trip_helpers import wait_for


def envelope(messages):
    return gzip.compress(json.dumps({
        "messageType": "DATA_MESSAGE", "owner": "000000000000", "logGroup": "/app/api", "logStream": "web-1",
        "subscriptionFilters": ["ship"],
        "logEvents": [{"id": str(i), "timestamp": 1_700_000_000_000 + i, "message": m}
                      for i, m in enumerate(messages)]}).encode())


def objects(s3, bucket, prefix):
    found = {}
    for item in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []):
        found[item["Key"]] = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
    return found


def test_bad_envelopes_go_to_decompression_failed(lakebox_server):
    firehose, s3, bucket = firehose_with_bucket(lakebox_server)
    kinesis = lakebox_server.client("kinesis")
    source = f"stkf-logs-{uuid.uuid4().hex[:8]}"
    kinesis.create_stream(StreamName=source, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=source)
    source_arn = kinesis.describe_stream_summary(StreamName=source)["StreamDescriptionSummary"]["StreamARN"]
    name = f"stkf-logs-{uuid.uuid4().hex[:8]}"
    firehose.create_delivery_stream(
        DeliveryStreamName=name, DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": source_arn, "RoleARN": ROLE},
        ExtendedS3DestinationConfiguration={
            "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "logs/",
            "ErrorOutputPrefix": "failed/!{firehose:error-output-type}/",
            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0},
            "ProcessingConfiguration": {"Enabled": True, "Processors": [
                {"Type": "Decompression", "Parameters": [{"ParameterName": "CompressionFormat",
                                                          "ParameterValue": "GZIP"}]},
                {"Type": "CloudWatchLogProcessing", "Parameters": [{"ParameterName": "DataMessageExtraction",
                                                                    "ParameterValue": "true"}]}]}})
    wait_for(lambda: firehose.describe_delivery_stream(DeliveryStreamName=name)
             ["DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE")

    bad = [b"not gzip at all", gzip.compress(b"{not json"), gzip.compress(b'{"service": "api", "ok": true}')]
    for data in [envelope(["GET /a 200", "GET /b 404"]), *bad]:
        kinesis.put_record(StreamName=source, Data=data, PartitionKey="web-1")

    delivered = wait_for(lambda: objects(s3, bucket, "logs/"))
    assert b"".join(delivered.values()) == b"GET /a 200\nGET /b 404\n"
    failed = wait_for(lambda: (lambda found: found if sum(b.count(b"\n") for b in found.values()) >= 3 else None)(
        objects(s3, bucket, "failed/")))
    assert all(key.startswith("failed/decompression-failed/") for key in failed)
    errors = [json.loads(line) for body in failed.values() for line in body.splitlines()]
    assert sorted(base64.b64decode(e["rawData"]) for e in errors) == sorted(bad)
    assert all(e["attemptsMade"] == 1 and "lambdaARN" not in e for e in errors)
    firehose.delete_delivery_stream(DeliveryStreamName=name)
    kinesis.delete_stream(StreamName=source)
