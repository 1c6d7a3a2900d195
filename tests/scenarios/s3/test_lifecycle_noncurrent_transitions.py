"""Lifecycle NoncurrentVersionTransitions acted on: a noncurrent version moves down the
storage classes NoncurrentDays after it became noncurrent (not after it was written), the
NewerNoncurrentVersions newest noncurrent versions of a key stay where they are, versions
under 128 KB stay unless the rule's ObjectSizeGreaterThan covers them, and each move is a
LifecycleTransition event naming the version and the class it moved to."""
import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.local_only         # versions age on the lakebox clock

DAY = 86400
BIG = 200 * 1024


@pytest.fixture
def queue(lakebox_server):
    sqs = lakebox_server.client("sqs")
    url = sqs.create_queue(QueueName=f"nc-moves-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    yield sqs, url
    sqs.delete_queue(QueueUrl=url)


def records_until(sqs, url, done, timeout=30.0) -> list:
    """LifecycleTransition records read from the queue until `done(records)` holds."""
    found, deadline = [], time.monotonic() + timeout
    while not done(found):
        assert time.monotonic() < deadline, f"lifecycle did not act in time: {found}"
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            found += json.loads(message["Body"]).get("Records", [])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def moves(records) -> list:
    return sorted((r["eventName"], r["s3"]["object"]["key"], r["s3"]["object"].get("versionId"),
                   r["lifecycleEventData"]["transitionEventData"]["destinationStorageClass"]) for r in records)


def classes(s3, bucket, key) -> list:
    """(version id, storage class) of the key's versions, newest first."""
    return [(v["VersionId"], v["StorageClass"]) for v in s3.list_object_versions(Bucket=bucket, Prefix=key)["Versions"]
            if v["Key"] == key]


def test_noncurrent_versions_move_down_the_storage_classes(s3, make_bucket, queue, clock):
    sqs, url = queue
    bucket = make_bucket("nc-moves", digits=12)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [{
        "QueueArn": queue_arn, "Events": ["s3:LifecycleTransition"]}]})
    for message in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", []):     # the test event
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "old-data", "Status": "Enabled", "Filter": {"Prefix": "data/"},
         "NoncurrentVersionTransitions": [{"NoncurrentDays": 30, "StorageClass": "STANDARD_IA"},
                                          {"NoncurrentDays": 90, "StorageClass": "GLACIER", "NewerNoncurrentVersions": 1}]},
        {"ID": "tiny", "Status": "Enabled", "Filter": {"And": {"Prefix": "tiny/", "ObjectSizeGreaterThan": 1}},
         "NoncurrentVersionTransitions": [{"NoncurrentDays": 30, "StorageClass": "ONEZONE_IA"}]},
        # A current-object transition, last: its event says the pass went over the rules above.
        {"ID": "probe", "Status": "Enabled", "Filter": {"Prefix": "probe/"},
         "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}]}]})
    first = s3.put_object(Bucket=bucket, Key="data/big.bin", Body=b"1" * BIG)["VersionId"]
    small_first = s3.put_object(Bucket=bucket, Key="data/small.bin", Body=b"one")["VersionId"]
    tiny_first = s3.put_object(Bucket=bucket, Key="tiny/a.txt", Body=b"one")["VersionId"]
    s3.put_object(Bucket=bucket, Key="probe/big.bin", Body=b"p" * BIG)

    clock(20 * DAY)                       # the first versions become noncurrent only now
    second = s3.put_object(Bucket=bucket, Key="data/big.bin", Body=b"2" * BIG)["VersionId"]
    third = s3.put_object(Bucket=bucket, Key="data/big.bin", Body=b"3" * BIG)["VersionId"]
    s3.put_object(Bucket=bucket, Key="data/small.bin", Body=b"two")
    s3.put_object(Bucket=bucket, Key="tiny/a.txt", Body=b"two")

    clock(15 * DAY)                       # 35 days old, noncurrent for 15: none moves
    found = records_until(sqs, url, lambda found: any(r["s3"]["object"]["key"] == "probe/big.bin" for r in found))
    assert [r["s3"]["object"]["key"] for r in found] == ["probe/big.bin"]
    assert {c for _, c in classes(s3, bucket, "data/big.bin")} == {"STANDARD"}

    clock(17 * DAY)                       # noncurrent for 32 days
    found = records_until(sqs, url, lambda found: len(found) >= 3)
    assert moves(found) == sorted([
        ("LifecycleTransition", "data/big.bin", first, "STANDARD_IA"),
        ("LifecycleTransition", "data/big.bin", second, "STANDARD_IA"),
        ("LifecycleTransition", "tiny/a.txt", tiny_first, "ONEZONE_IA")])
    assert {(r["eventVersion"], r["userIdentity"]["principalId"]) for r in found} == {("2.3", "s3.amazonaws.com")}
    assert sorted(r["s3"]["object"]["size"] for r in found) == [3, BIG, BIG]
    assert classes(s3, bucket, "data/big.bin") == [(third, "STANDARD"), (second, "STANDARD_IA"), (first, "STANDARD_IA")]
    assert classes(s3, bucket, "data/small.bin")[1] == (small_first, "STANDARD")      # under 128 KB
    assert s3.get_object(Bucket=bucket, Key="data/big.bin", VersionId=first)["Body"].read() == b"1" * BIG

    clock(60 * DAY)                       # noncurrent for 92 days; the newest noncurrent one is kept
    found = records_until(sqs, url, lambda found: len(found) >= 1)
    assert moves(found) == [("LifecycleTransition", "data/big.bin", first, "GLACIER")]
    assert classes(s3, bucket, "data/big.bin") == [(third, "STANDARD"), (second, "STANDARD_IA"), (first, "GLACIER")]
    with pytest.raises(ClientError) as archived:
        s3.get_object(Bucket=bucket, Key="data/big.bin", VersionId=first)
    assert archived.value.response["Error"]["Code"] == "InvalidObjectState"
    assert s3.get_object(Bucket=bucket, Key="data/big.bin", VersionId=second)["Body"].read() == b"2" * BIG
