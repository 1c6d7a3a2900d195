"""A team names its objects down to the nanosecond, !{timestamp:HH-mm-ss.SSSSSSSSS}, hoping
for unique prefixes. Firehose evaluates prefix timestamps to the second: the nine fraction
digits are zeros. As recorded from Firehose (radkawar/stackd
testdata/aws/firehose/formatting_replay.json, the timestamp cases; its docs/firehose.md:
'second-precision timestamps even with nine fractional digits')."""
import re
import uuid

from stkf_helpers import ROLE, firehose_with_bucket
from trip_helpers import wait_for


def test_prefix_timestamps_are_whole_seconds(lakebox_server):
    firehose, s3, bucket = firehose_with_bucket(lakebox_server)
    name = f"stkf-ns-{uuid.uuid4().hex[:8]}"
    firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration={
        "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
        "Prefix": "at=!{timestamp:yyyy-MM-dd'T'HH-mm-ss.SSSSSSSSS}/ms=!{timestamp:SSS}/",
        "ErrorOutputPrefix": "failed/!{firehose:error-output-type}/",
        "CustomTimeZone": "America/New_York", "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0}})
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b"tick\n"})
    listed = wait_for(lambda: s3.list_objects_v2(Bucket=bucket, Prefix="at=").get("Contents"))
    key = listed[0]["Key"]
    assert re.match(r"at=\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.000000000/ms=000/", key), key
    firehose.delete_delivery_stream(DeliveryStreamName=name)
