"""A stream's processors were assembled from two templates and both listed
AppendDelimiterToRecord, one of them with a Delimiter parameter copied from a
RecordDeAggregation snippet. Firehose keeps both processors but no parameters for them
(DescribeDeliveryStream shows Parameters []), and separates the records with one newline
each, not two and not the copied delimiter. As recorded from Firehose (radkawar/stackd
testdata/aws/firehose/formatting_replay.json, deliveries zip-duplicate-append and
append-duplicate-parameter-output; its docs/firehose.md: 'AWS canonicalized supplied
parameters to an empty list and retained duplicate processors while applying the delimiter
once')."""
import uuid

from stkf_helpers import ROLE, firehose_with_bucket
from trip_helpers import wait_for


def test_a_doubled_newline_processor_adds_one_newline(lakebox_server):
    firehose, s3, bucket = firehose_with_bucket(lakebox_server)
    name = f"stkf-nl-{uuid.uuid4().hex[:8]}"
    firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration={
        "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "clicks/",
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0},
        "ProcessingConfiguration": {"Enabled": True, "Processors": [
            {"Type": "AppendDelimiterToRecord",
             "Parameters": [{"ParameterName": "Delimiter", "ParameterValue": "fA=="}]},
            {"Type": "AppendDelimiterToRecord"}]}})
    described = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    processing = described["Destinations"][0]["ExtendedS3DestinationDescription"]["ProcessingConfiguration"]
    assert processing["Processors"][0] == {"Type": "AppendDelimiterToRecord", "Parameters": []}
    assert [p["Type"] for p in processing["Processors"]] == ["AppendDelimiterToRecord"] * 2

    firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": b'{"click": 1}'}, {"Data": b'{"click": 2}'}])
    listed = wait_for(lambda: s3.list_objects_v2(Bucket=bucket, Prefix="clicks/").get("Contents"))
    body = b"".join(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read() for item in listed)
    assert b"\n\n" not in body and b"fA==" not in body and b"|" not in body
    assert sorted(line for line in body.split(b"\n") if line) == [b'{"click": 1}', b'{"click": 2}']
    firehose.delete_delivery_stream(DeliveryStreamName=name)
