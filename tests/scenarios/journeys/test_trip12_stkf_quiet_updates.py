"""A deployment pipeline re-applies a delivery stream's destination on every run: most runs
change nothing. Firehose takes an empty or identical UpdateDestination without moving the
stream's VersionId or giving it a LastUpdateTimestamp (a later CurrentDeliveryStreamVersionId
of 1 still matches); a real change moves the version to 2 and names the objects after it.
The objects Firehose puts are typed application/octet-stream. As recorded from Firehose in
radkawar/stackd testdata/aws/firehose (controls_replay.json and delivery_replay.json select
the observations; the repository's docs/firehose.md states what they show)."""
import uuid

from trip_helpers import wait_for
from stkf_helpers import ROLE, firehose_with_bucket


def test_reapplied_destination_keeps_the_version(lakebox_server):
    firehose, s3, bucket = firehose_with_bucket(lakebox_server)
    name = f"stkf-quiet-{uuid.uuid4().hex[:8]}"
    firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration={
        "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "events/",
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0}})

    def described():
        return firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]

    destination = described()["Destinations"][0]["DestinationId"]
    for update in ({"ExtendedS3DestinationUpdate": {}},
                   {"ExtendedS3DestinationUpdate": {"Prefix": "events/", "RoleARN": ROLE}},
                   {"S3DestinationUpdate": {"Prefix": "events/"}}):
        firehose.update_destination(DeliveryStreamName=name, CurrentDeliveryStreamVersionId="1",
                                    DestinationId=destination, **update)
        after = described()
        assert after["VersionId"] == "1"
        assert "LastUpdateTimestamp" not in after

    firehose.update_destination(DeliveryStreamName=name, CurrentDeliveryStreamVersionId="1",
                                DestinationId=destination, ExtendedS3DestinationUpdate={"Prefix": "orders/"})
    after = described()
    assert after["VersionId"] == "2"
    assert "LastUpdateTimestamp" in after

    firehose.put_record(DeliveryStreamName=name, Record={"Data": b'{"order": 1}\n'})
    listed = wait_for(lambda: s3.list_objects_v2(Bucket=bucket, Prefix="orders/").get("Contents"))
    key = listed[0]["Key"]
    assert key.split("/")[-1].startswith(f"{name}-2-")
    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["ContentType"] == "application/octet-stream"
    assert got["Body"].read() == b'{"order": 1}\n'
    firehose.delete_delivery_stream(DeliveryStreamName=name)
