"""A team names its objects down to the nanosecond, !{timestamp:HH-mm-ss.SSSSSSSSS}, hoping
for unique prefixes. Firehose evaluates prefix timestamps to the second: the nine fraction
digits are zeros. Its timestamp patterns are Java DateTimeFormatter's, optional sections
([...], printed) and zone IDs (VV) included. As recorded from Firehose (radkawar/stackd
testdata/aws/firehose/formatting_replay.json, the timestamp cases and
timestamp-optional-output; its docs/firehose.md: 'second-precision timestamps even with nine
fractional digits', 'Prefix expressions implement Java-style ... optional sections ... and
zone IDs')."""
import re
import uuid

from stkf_helpers import ROLE, firehose_with_bucket
from trip_helpers import wait_for


def first_key(lakebox_server, prefix, zone):
    """The key of the object a stream with `prefix` and CustomTimeZone `zone` writes for one record."""
    firehose, s3, bucket = firehose_with_bucket(lakebox_server)
    name = f"stkf-ts-{uuid.uuid4().hex[:8]}"
    firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration={
        "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": prefix,
        "ErrorOutputPrefix": "failed/!{firehose:error-output-type}/",
        "CustomTimeZone": zone, "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0}})
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b"tick\n"})
    listed = wait_for(lambda: [item for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])
                               if not item["Key"].startswith("failed/")])
    firehose.delete_delivery_stream(DeliveryStreamName=name)
    return listed[0]["Key"]


def test_prefix_timestamps_are_whole_seconds(lakebox_server):
    key = first_key(lakebox_server, "at=!{timestamp:yyyy-MM-dd'T'HH-mm-ss.SSSSSSSSS}/ms=!{timestamp:SSS}/",
                    "America/New_York")
    assert re.match(r"at=\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.000000000/ms=000/", key), key


def test_optional_sections_and_zone_ids(lakebox_server):
    key = first_key(lakebox_server, "zone=!{timestamp:VV}/day=!{timestamp:yyyy[-MM[-dd]]}/", "Asia/Tokyo")
    assert re.match(r"zone=Asia/Tokyo/day=\d{4}-\d\d-\d\d/", key), key
