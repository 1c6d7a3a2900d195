"""The platform team that owns a fleet of delivery streams runs its weekly audit script:
it pages through ListDeliveryStreams (Limit 2, ExclusiveStartDeliveryStreamName) once
for DirectPut streams and once for the Kinesis-sourced one, turns server-side encryption
on for every DirectPut stream (puts then answer Encrypted) and off again for one,
changes one stream's prefix and buffering with UpdateDestination while a teammate's
stale copy of the version id is refused with ConcurrentModificationException, and
re-tags the streams up to the 50-tag limit. Every answer is checked as AWS gives it."""
import uuid

import pytest

from trip10_firehose_helpers import active_delivery_stream, kinesis_sourced, s3_destination
from trip_helpers import error_of, wait_for

ROLE = "arn:aws:iam::000000000000:role/firehose-fleet"
DESTINATION_ID = "destinationId-000000000001"


@pytest.fixture
def fleet(client, bucket, kinesis_streams):
    """Three DirectPut streams and one reading a Kinesis stream, sharing a name prefix."""
    firehose = client("firehose")
    team = f"fleet{uuid.uuid4().hex[:8]}"
    names = [f"{team}-{suffix}" for suffix in ("alpha", "bravo", "charlie")]
    for name in names:
        active_delivery_stream(firehose, name, ExtendedS3DestinationConfiguration=s3_destination(
            ROLE, bucket, Prefix=f"{name}/"))
    _, source_arn = kinesis_streams("fleet-src")
    sourced = kinesis_sourced(firehose, f"{team}-delta", source_arn, ROLE, s3_destination(ROLE, bucket))
    yield team, names, sourced
    for name in names + [sourced]:
        firehose.delete_delivery_stream(DeliveryStreamName=name)


def pages(firehose, team, stream_type):
    """Every page the audit script sees: names of the team's streams of one type, 2 at a time."""
    seen, start = [], None
    while True:
        args = {"Limit": 2, "DeliveryStreamType": stream_type}
        if start:
            args["ExclusiveStartDeliveryStreamName"] = start
        page = firehose.list_delivery_streams(**args)
        names = page["DeliveryStreamNames"]
        seen.append(([n for n in names if n.startswith(team)], page["HasMoreDeliveryStreams"]))
        if not page["HasMoreDeliveryStreams"]:
            return seen
        start = names[-1]


def test_weekly_fleet_audit(client, fleet):
    firehose = client("firehose")
    team, names, sourced = fleet
    direct = [n for page, _ in pages(firehose, team, "DirectPut") for n in page]
    assert direct == names
    assert [n for page, _ in pages(firehose, team, "KinesisStreamAsSource") for n in page] == [sourced]
    first = firehose.list_delivery_streams(Limit=2, DeliveryStreamType="DirectPut",
                                           ExclusiveStartDeliveryStreamName=names[0])
    assert first["DeliveryStreamNames"] == names[1:]

    # encryption on for the DirectPut streams; the Kinesis-sourced one refuses it
    for name in names:
        firehose.start_delivery_stream_encryption(DeliveryStreamName=name,
                                                  DeliveryStreamEncryptionConfigurationInput={
                                                      "KeyType": "AWS_OWNED_CMK"})
    assert error_of(firehose.start_delivery_stream_encryption, DeliveryStreamName=sourced) == (
        "InvalidArgumentException", "This operation is not permitted on KinesisStreamAsSource delivery stream type.")
    for name in names:
        wait_for(lambda: firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"][
            "DeliveryStreamEncryptionConfiguration"] == {"KeyType": "AWS_OWNED_CMK", "Status": "ENABLED"})
    assert firehose.put_record(DeliveryStreamName=names[0], Record={"Data": b"audit\n"})["Encrypted"] is True
    batch = firehose.put_record_batch(DeliveryStreamName=names[1], Records=[{"Data": b"a\n"}, {"Data": b"b\n"}])
    assert (batch["Encrypted"], batch["FailedPutCount"], len(batch["RequestResponses"])) == (True, 0, 2)
    firehose.stop_delivery_stream_encryption(DeliveryStreamName=names[2])
    wait_for(lambda: firehose.describe_delivery_stream(DeliveryStreamName=names[2])["DeliveryStreamDescription"][
        "DeliveryStreamEncryptionConfiguration"]["Status"] == "DISABLED")
    assert firehose.put_record(DeliveryStreamName=names[2], Record={"Data": b"plain\n"})["Encrypted"] is False

    # UpdateDestination: the version moves on, a stale copy is refused
    target = names[0]
    version = firehose.describe_delivery_stream(DeliveryStreamName=target)["DeliveryStreamDescription"]["VersionId"]
    assert version == "1"
    firehose.update_destination(DeliveryStreamName=target, CurrentDeliveryStreamVersionId=version,
                                DestinationId=DESTINATION_ID, ExtendedS3DestinationUpdate={
                                    "Prefix": f"{target}/v2/", "BufferingHints": {"IntervalInSeconds": 120}})
    described = firehose.describe_delivery_stream(DeliveryStreamName=target)["DeliveryStreamDescription"]
    assert described["VersionId"] == "2" and "LastUpdateTimestamp" in described
    destination = described["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert (destination["Prefix"], destination["BufferingHints"]) == (
        f"{target}/v2/", {"SizeInMBs": 5, "IntervalInSeconds": 120})
    assert error_of(firehose.update_destination, DeliveryStreamName=target, CurrentDeliveryStreamVersionId="1",
                    DestinationId=DESTINATION_ID, ExtendedS3DestinationUpdate={"Prefix": f"{target}/v3/"}) == (
        "ConcurrentModificationException",
        f"Cannot update firehose: {target} since the current version id: 1 and latest version id: 2 does not match")

    # tags: 50 is the most a stream holds; re-tagging an existing key does not count twice
    firehose.tag_delivery_stream(DeliveryStreamName=target, Tags=[{"Key": f"cost-{i:02d}", "Value": "team-a"}
                                                                  for i in range(50)])
    firehose.tag_delivery_stream(DeliveryStreamName=target, Tags=[{"Key": "cost-00", "Value": "team-b"}])
    assert error_of(firehose.tag_delivery_stream, DeliveryStreamName=target,
                    Tags=[{"Key": "owner", "Value": "platform"}])[0] == "LimitExceededException"
    listed = firehose.list_tags_for_delivery_stream(DeliveryStreamName=target, Limit=50)
    assert (len(listed["Tags"]), listed["HasMoreTags"]) == (50, False)
    assert listed["Tags"][0] == {"Key": "cost-00", "Value": "team-b"}
    firehose.untag_delivery_stream(DeliveryStreamName=target, TagKeys=["cost-49"])
    firehose.tag_delivery_stream(DeliveryStreamName=target, Tags=[{"Key": "owner", "Value": "platform"}])
    page = firehose.list_tags_for_delivery_stream(DeliveryStreamName=target, ExclusiveStartTagKey="cost-47", Limit=5)
    assert page == {**page, "Tags": [{"Key": "cost-48", "Value": "team-a"}, {"Key": "owner", "Value": "platform"}],
                    "HasMoreTags": False}
