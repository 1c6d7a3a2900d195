"""A raw-archive stream keeps every source record in a backup bucket while the transformed
records go out at once. Firehose takes a primary buffer of zero seconds but holds the backup
to a minute at least: a backup interval of 0 or 59 seconds is refused with
InvalidArgumentException, at creation and in an UpdateDestination (which leaves the version
alone), 60 is taken. As recorded from Firehose in radkawar/stackd testdata/aws/firehose
(delivery_replay.json and the unreadable s3_delivery.json.gz; its docs/firehose.md: 'Backup
buffering has a native 60-second minimum; primary buffering may be zero'). AWS's words for the
refusal are not recorded where they can be read: the code is asserted."""
import uuid

import pytest
from botocore.exceptions import ClientError

from stkf_helpers import ROLE, firehose_with_bucket


def _destination(bucket, backup_interval):
    return {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "clean/",
            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0},
            "S3BackupMode": "Enabled",
            "S3BackupConfiguration": {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "raw/",
                                      "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": backup_interval}}}


def test_backup_buffer_waits_a_minute_at_least(lakebox_server):
    firehose, _, bucket = firehose_with_bucket(lakebox_server)
    name = f"fhs-raw-{uuid.uuid4().hex[:8]}"
    for interval in (0, 59):
        with pytest.raises(ClientError) as refused:
            firehose.create_delivery_stream(DeliveryStreamName=name,
                                            ExtendedS3DestinationConfiguration=_destination(bucket, interval))
        assert refused.value.response["Error"]["Code"] == "InvalidArgumentException"
    assert name not in firehose.list_delivery_streams(Limit=10000)["DeliveryStreamNames"]

    firehose.create_delivery_stream(DeliveryStreamName=name,
                                    ExtendedS3DestinationConfiguration=_destination(bucket, 60))
    described = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    s3_view = described["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert s3_view["BufferingHints"] == {"SizeInMBs": 1, "IntervalInSeconds": 0}
    assert s3_view["S3BackupDescription"]["BufferingHints"] == {"SizeInMBs": 1, "IntervalInSeconds": 60}

    with pytest.raises(ClientError) as refused:
        firehose.update_destination(
            DeliveryStreamName=name, CurrentDeliveryStreamVersionId=described["VersionId"],
            DestinationId=described["Destinations"][0]["DestinationId"],
            ExtendedS3DestinationUpdate={"S3BackupUpdate": {"BufferingHints": {"IntervalInSeconds": 30}}})
    assert refused.value.response["Error"]["Code"] == "InvalidArgumentException"
    assert firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]["VersionId"] == "1"
    firehose.delete_delivery_stream(DeliveryStreamName=name)
