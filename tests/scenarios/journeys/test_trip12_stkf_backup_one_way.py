"""A platform team tidies its delivery streams: one that backs up every record to S3 is asked
to keep only what it fails to deliver. Firehose refuses to step back from backing up
everything -- an ExtendedS3 stream from S3BackupMode Enabled to Disabled, an HTTP endpoint
stream from AllData to FailedDataOnly -- with InvalidArgumentException 'Disabling S3 backup
is not currently supported.' and keeps the stream as it was, at the same version. (The
refused ExtendedS3 step is the 'enabled-cannot-disable-backup' change of radkawar/stackd
testdata/aws/firehose/processing_replay.json; the words are those Firehose answered for the
same step on Splunk and HTTP endpoint streams.) Going the other way is taken."""
import uuid

from trip_helpers import error_of
from stkf_helpers import ROLE, firehose_with_bucket

REFUSED = ("InvalidArgumentException", "Disabling S3 backup is not currently supported.")


def described(firehose, name):
    return firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]


def assert_refused(firehose, name, kind, mode, **update):
    """UpdateDestination with `update` is refused, and the stream keeps its version and `mode`."""
    before = described(firehose, name)
    assert error_of(firehose.update_destination, DeliveryStreamName=name,
                    CurrentDeliveryStreamVersionId=before["VersionId"],
                    DestinationId=before["Destinations"][0]["DestinationId"], **update) == REFUSED
    after = described(firehose, name)
    assert after["VersionId"] == before["VersionId"]
    assert after["Destinations"][0][f"{kind}DestinationDescription"]["S3BackupMode"] == mode


def test_backing_up_everything_is_one_way(lakebox_server):
    firehose, s3, bucket = firehose_with_bucket(lakebox_server)
    bucket_arn = f"arn:aws:s3:::{bucket}"

    enabled, disabled = (f"stkf-{mode}-{uuid.uuid4().hex[:8]}" for mode in ("enabled", "disabled"))
    firehose.create_delivery_stream(DeliveryStreamName=enabled, ExtendedS3DestinationConfiguration={
        "RoleARN": ROLE, "BucketARN": bucket_arn, "Prefix": "enabled/", "S3BackupMode": "Enabled",
        "S3BackupConfiguration": {"RoleARN": ROLE, "BucketARN": bucket_arn, "Prefix": "enabled/backup/"}})
    firehose.create_delivery_stream(DeliveryStreamName=disabled, ExtendedS3DestinationConfiguration={
        "RoleARN": ROLE, "BucketARN": bucket_arn, "Prefix": "disabled/"})

    assert_refused(firehose, enabled, "ExtendedS3", "Enabled", ExtendedS3DestinationUpdate={"S3BackupMode": "Disabled"})

    # the other way round is an ordinary update
    other = described(firehose, disabled)
    firehose.update_destination(DeliveryStreamName=disabled, CurrentDeliveryStreamVersionId=other["VersionId"],
                                DestinationId=other["Destinations"][0]["DestinationId"],
                                ExtendedS3DestinationUpdate={"S3BackupMode": "Enabled", "S3BackupUpdate": {
                                    "RoleARN": ROLE, "BucketARN": bucket_arn, "Prefix": "disabled/backup/"}})
    extended = described(firehose, disabled)["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert extended["S3BackupMode"] == "Enabled"
    assert extended["S3BackupDescription"]["Prefix"] == "disabled/backup/"

    http = f"stkf-http-{uuid.uuid4().hex[:8]}"
    firehose.create_delivery_stream(DeliveryStreamName=http, HttpEndpointDestinationConfiguration={
        "EndpointConfiguration": {"Url": "https://collector.example.com/ingest", "Name": "collector"},
        "S3BackupMode": "AllData", "RoleARN": ROLE,
        "S3Configuration": {"RoleARN": ROLE, "BucketARN": bucket_arn, "Prefix": "http/"}})
    assert_refused(firehose, http, "HttpEndpoint", "AllData",
                   HttpEndpointDestinationUpdate={"S3BackupMode": "FailedDataOnly"})

    for name in (enabled, disabled, http):
        firehose.delete_delivery_stream(DeliveryStreamName=name)
