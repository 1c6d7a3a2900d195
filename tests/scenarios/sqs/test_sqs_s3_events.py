"""S3 event notifications delivered to SQS: a bucket's queue configuration (events and a
key filter) sends S3's event messages (structure 2.1) for created and removed objects,
after a test event when the configuration is stored."""
import email.utils
import hashlib
import json
import uuid
from urllib.parse import unquote_plus

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def s3(lakebox_server):
    return lakebox_server.client("s3")


def events(sqs, url) -> list:
    found = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return found
        for message in batch:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def bucket_to_queue(sqs, s3, url, wanted, versioned=True) -> str:
    """A new bucket whose events `wanted` go to the queue (its test event read)."""
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bucket = f"events-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    if versioned:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [{
        "QueueArn": queue_arn, "Events": wanted}]})
    events(sqs, url)
    return bucket


def test_created_and_removed_objects_reach_the_queue(sqs, s3, make_queue):
    url = make_queue(prefix="events")
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bucket = f"events-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [{
        "Id": "incoming", "QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "incoming/"},
                                            {"Name": "suffix", "Value": ".csv"}]}}}]})
    [test] = events(sqs, url)
    assert (test["Service"], test["Event"], test["Bucket"]) == ("Amazon S3", "s3:TestEvent", bucket)

    s3.put_object(Bucket=bucket, Key="incoming/day 1.csv", Body=b"a,b\n1,2\n")
    s3.put_object(Bucket=bucket, Key="incoming/skip.json", Body=b"{}")
    s3.put_object(Bucket=bucket, Key="elsewhere/x.csv", Body=b"x")
    s3.copy_object(Bucket=bucket, Key="incoming/copy.csv", CopySource={"Bucket": bucket, "Key": "incoming/day 1.csv"})
    s3.delete_object(Bucket=bucket, Key="incoming/copy.csv")
    found = [record for event in events(sqs, url) for record in event["Records"]]
    assert [r["eventName"] for r in found] == ["ObjectCreated:Put", "ObjectCreated:Copy", "ObjectRemoved:Delete"]
    put = found[0]
    assert (put["eventVersion"], put["eventSource"], put["awsRegion"]) == ("2.1", "aws:s3", "us-east-1")
    assert put["s3"]["configurationId"] == "incoming"
    assert put["s3"]["bucket"]["name"] == bucket and put["s3"]["bucket"]["arn"] == f"arn:aws:s3:::{bucket}"
    assert unquote_plus(put["s3"]["object"]["key"]) == "incoming/day 1.csv"
    assert put["s3"]["object"]["size"] == 8
    assert put["s3"]["object"]["eTag"] == hashlib.md5(b"a,b\n1,2\n").hexdigest()
    assert "size" not in found[2]["s3"]["object"]
    s3.delete_object(Bucket=bucket, Key="incoming/day 1.csv")
    s3.delete_object(Bucket=bucket, Key="incoming/skip.json")
    s3.delete_object(Bucket=bucket, Key="elsewhere/x.csv")
    s3.delete_bucket(Bucket=bucket)


def test_multipart_and_delete_markers(sqs, s3, make_queue):
    url = make_queue(prefix="events")
    bucket = bucket_to_queue(sqs, s3, url, ["s3:ObjectCreated:CompleteMultipartUpload",
                                                      "s3:ObjectRemoved:DeleteMarkerCreated"])
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=1, Body=b"x" * 100)
    done = s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    s3.put_object(Bucket=bucket, Key="small", Body=b"not wanted")
    s3.delete_object(Bucket=bucket, Key="big")
    found = [record for event in events(sqs, url) for record in event["Records"]]
    assert [r["eventName"] for r in found] == ["ObjectCreated:CompleteMultipartUpload",
                                               "ObjectRemoved:DeleteMarkerCreated"]
    assert found[0]["s3"]["object"]["versionId"] == done["VersionId"]
    assert found[0]["s3"]["object"]["size"] == 100


@pytest.mark.local_only
def test_lifecycle_expiry_sends_lifecycle_events(sqs, s3, make_queue, clock):
    url = make_queue(prefix="events")
    bucket = bucket_to_queue(sqs, s3, url, ["s3:ObjectRemoved:*", "s3:LifecycleExpiration:*"])
    first = s3.put_object(Bucket=bucket, Key="logs/day.txt", Body=b"first")["VersionId"]
    s3.put_object(Bucket=bucket, Key="logs/day.txt", Body=b"second")
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
        "ID": "expire", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 1},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}]})
    clock(3 * 86400)
    found = []
    for _ in range(20):
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        found += [record for message in batch for record in json.loads(message["Body"])["Records"]]
        if len(found) >= 2:
            break
    assert sorted((r["eventName"], r["s3"]["object"].get("versionId") == first) for r in found) == [
        ("LifecycleExpiration:Delete", True), ("LifecycleExpiration:DeleteMarkerCreated", False)]
    # S3 itself expired them: event structure 2.3, S3 as the principal and the source
    # ("Configuring S3 Lifecycle event notifications", S3 User Guide).
    assert {(r["eventVersion"], r["userIdentity"]["principalId"], r["requestParameters"]["sourceIPAddress"])
            for r in found} == {("2.3", "s3.amazonaws.com", "s3.amazonaws.com")}


def _records_soon(sqs, url) -> list:
    """The records of the next messages, waiting up to a few seconds for the first."""
    for _ in range(10):
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        if batch:
            for message in batch:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            return [r for message in batch for r in json.loads(message["Body"])["Records"]]
    return []


@pytest.mark.local_only
def test_lifecycle_transitions_move_objects_down_and_tell_the_queue(sqs, s3, make_queue, clock):
    """Transitions act on current objects of 128 KB and more (the default
    TransitionDefaultMinimumObjectSize), to the deepest class due; each is a
    LifecycleTransition event (structure 2.3) naming the class; an archived object needs a
    restore before a GET (InvalidObjectState)."""
    url = make_queue(prefix="events")
    bucket = bucket_to_queue(sqs, s3, url, ["s3:LifecycleTransition"], versioned=False)
    s3.put_object(Bucket=bucket, Key="logs/big.bin", Body=b"x" * (200 * 1024))
    s3.put_object(Bucket=bucket, Key="logs/small.bin", Body=b"tiny")
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
        "ID": "cool-down", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
        "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 90, "StorageClass": "GLACIER"}]}]})
    clock(31 * 86400)
    first = _records_soon(sqs, url)
    assert [(r["eventName"], r["eventVersion"], r["s3"]["object"]["key"], r["lifecycleEventData"]) for r in first] == [
        ("LifecycleTransition", "2.3", "logs/big.bin", {"transitionEventData": {"destinationStorageClass": "STANDARD_IA"}})]
    assert first[0]["userIdentity"] == {"principalId": "s3.amazonaws.com"}
    assert s3.head_object(Bucket=bucket, Key="logs/big.bin")["StorageClass"] == "STANDARD_IA"
    assert "StorageClass" not in s3.head_object(Bucket=bucket, Key="logs/small.bin")     # STANDARD is not named
    assert len(s3.get_object(Bucket=bucket, Key="logs/big.bin")["Body"].read()) == 200 * 1024

    clock(60 * 86400)
    later = _records_soon(sqs, url)
    assert [r["lifecycleEventData"]["transitionEventData"]["destinationStorageClass"] for r in later] == ["GLACIER"]
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="logs/")["Contents"]
    assert [(o["Key"], o["StorageClass"]) for o in listed] == [("logs/big.bin", "GLACIER"), ("logs/small.bin", "STANDARD")]
    with pytest.raises(ClientError) as archived:
        s3.get_object(Bucket=bucket, Key="logs/big.bin")
    assert archived.value.response["Error"]["Code"] == "InvalidObjectState"


def test_form_uploads_and_multi_object_deletes(sqs, s3, make_queue):
    import requests
    url = make_queue(prefix="events")
    bucket = bucket_to_queue(sqs, s3, url, ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"], versioned=False)
    form = s3.generate_presigned_post(bucket, "forms/${filename}", ExpiresIn=300)
    answer = requests.post(form["url"], data=form["fields"], files={"file": ("a.txt", b"posted")}, timeout=30)
    assert answer.status_code == 204, answer.text
    s3.put_object(Bucket=bucket, Key="forms/b.txt", Body=b"put")
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "forms/a.txt"}, {"Key": "forms/b.txt"}]})
    found = [record for event in events(sqs, url) for record in event["Records"]]
    assert sorted((r["eventName"], unquote_plus(r["s3"]["object"]["key"])) for r in found) == [
        ("ObjectCreated:Post", "forms/a.txt"), ("ObjectCreated:Put", "forms/b.txt"),
        ("ObjectRemoved:Delete", "forms/a.txt"), ("ObjectRemoved:Delete", "forms/b.txt")]
    s3.delete_bucket(Bucket=bucket)


@pytest.mark.local_only
def test_restores_tell_the_queue_when_asked_and_when_done(sqs, s3, make_queue, clock):
    """ObjectRestore:Post when RestoreObject is accepted; ObjectRestore:Completed only when
    the restored copy is ready (a Bulk retrieval from GLACIER: up to 12 hours), with
    glacierEventData naming the copy's expiry and the archive's class (S3 User Guide,
    "Event message structure")."""
    url = make_queue(prefix="events")
    bucket = bucket_to_queue(sqs, s3, url, ["s3:ObjectRestore:*"], versioned=False)
    s3.put_object(Bucket=bucket, Key="cold/a.bin", Body=b"frozen", StorageClass="GLACIER")
    s3.restore_object(Bucket=bucket, Key="cold/a.bin",
                      RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Bulk"}})
    posted = _records_soon(sqs, url)
    assert [(r["eventName"], r["s3"]["object"]["key"]) for r in posted] == [("ObjectRestore:Post", "cold/a.bin")]
    clock(6 * 3600)
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", []) == []
    clock(6 * 3600)
    done = _records_soon(sqs, url)
    assert [r["eventName"] for r in done] == ["ObjectRestore:Completed"]
    data = done[0]["glacierEventData"]["restoreEventData"]
    assert data["lifecycleRestoreStorageClass"] == "GLACIER"
    restore = s3.head_object(Bucket=bucket, Key="cold/a.bin")["Restore"]
    expiry = email.utils.parsedate_to_datetime(restore.split('expiry-date="')[1].rstrip('"'))
    assert data["lifecycleRestorationExpiryTime"] == expiry.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_tag_and_acl_changes_tell_the_queue(sqs, s3, make_queue):
    """ObjectTagging:Put/Delete (event version 2.3) and ObjectAcl:Put (2.6) arrive naming the
    object by key and ETag only; an ACL put again as it was sends nothing (S3's events as
    LocalStack's AWS-validated snapshots record them: test_object_tagging_put_event,
    test_object_tagging_delete_event, test_object_put_acl)."""
    url = make_queue(prefix="events")
    bucket = bucket_to_queue(sqs, s3, url, ["s3:ObjectTagging:*", "s3:ObjectAcl:Put"], versioned=False)
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    etag = s3.put_object(Bucket=bucket, Key="tagged/a b.csv", Body=b"x")["ETag"].strip('"')
    s3.put_object_tagging(Bucket=bucket, Key="tagged/a b.csv", Tagging={"TagSet": [{"Key": "pii", "Value": "no"}]})
    s3.delete_object_tagging(Bucket=bucket, Key="tagged/a b.csv")
    s3.put_object_acl(Bucket=bucket, Key="tagged/a b.csv", ACL="private")
    s3.put_object_acl(Bucket=bucket, Key="tagged/a b.csv",
                      GrantRead='uri="http://acs.amazonaws.com/groups/s3/LogDelivery"')
    found = [record for event in events(sqs, url) for record in event["Records"]]
    assert sorted(r["eventName"] for r in found) == ["ObjectAcl:Put", "ObjectTagging:Delete", "ObjectTagging:Put"]
    # ObjectAcl:Put is structure 2.6 in S3's replies recorded in 2026 (stackd's
    # testdata/aws/s3/acl_notifications_replay.json).
    assert {(r["eventName"], r["eventVersion"]) for r in found} == {
        ("ObjectAcl:Put", "2.6"), ("ObjectTagging:Delete", "2.3"), ("ObjectTagging:Put", "2.3")}
    assert all(r["s3"]["object"] == {"key": "tagged/a+b.csv", "eTag": etag} for r in found)
    s3.delete_object(Bucket=bucket, Key="tagged/a b.csv")
    s3.delete_bucket(Bucket=bucket)
