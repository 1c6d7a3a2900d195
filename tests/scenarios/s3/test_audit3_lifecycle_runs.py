"""Audit of issue 3: lifecycle rules executed on the lakebox clock, each kind a data
engineer writes — current expiry on a versioned bucket (a delete marker appears),
noncurrent-version expiry, stale multipart uploads aborted, tag and size filters."""
import time

import pytest

from journey_helpers import api

pytestmark = pytest.mark.local_only         # objects expire on the lakebox clock

DAY = 86400


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("audit3-lc", digits=12)


def wait_for(check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "lifecycle did not act in time"
        time.sleep(0.2)


def versions(s3, bucket):
    listing = s3.list_object_versions(Bucket=bucket)
    return (sorted((v["Key"], v["IsLatest"]) for v in listing.get("Versions", [])),
            sorted(m["Key"] for m in listing.get("DeleteMarkers", [])))


def test_versioned_bucket_expiry_and_noncurrent_cleanup(lakebox_server, s3, bucket, clock):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "logs", "Filter": {"Prefix": "logs/"}, "Status": "Enabled", "Expiration": {"Days": 2},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 5}}]})
    s3.put_object(Bucket=bucket, Key="logs/a", Body=b"1")
    s3.put_object(Bucket=bucket, Key="keep/b", Body=b"1")
    clock(3 * DAY)
    wait_for(lambda: versions(s3, bucket)[1] == ["logs/a"])
    assert versions(s3, bucket)[0] == [("keep/b", True), ("logs/a", False)]
    clock(7 * DAY)
    wait_for(lambda: versions(s3, bucket)[0] == [("keep/b", True)])
    listing = api(lakebox_server, "list-object-versions", "--bucket", bucket)
    assert [v["Key"] for v in listing["Versions"]] == ["keep/b"]


def test_stale_uploads_aborted(s3, bucket, clock):
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "mpu", "Filter": {}, "Status": "Enabled", "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}]})
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="half.bin")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="half.bin", UploadId=upload_id, PartNumber=1, Body=b"x")
    clock(2 * DAY)
    wait_for(lambda: not s3.list_multipart_uploads(Bucket=bucket).get("Uploads"))
    with pytest.raises(s3.exceptions.NoSuchUpload):
        s3.list_parts(Bucket=bucket, Key="half.bin", UploadId=upload_id)


def test_tag_and_size_filters(s3, bucket, clock):
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "tmp-tagged", "Filter": {"Tag": {"Key": "class", "Value": "tmp"}}, "Status": "Enabled",
         "Expiration": {"Days": 1}},
        {"ID": "tiny", "Filter": {"And": {"Prefix": "sz/", "ObjectSizeLessThan": 10}}, "Status": "Enabled",
         "Expiration": {"Days": 1}}]})
    s3.put_object(Bucket=bucket, Key="t/tagged", Body=b"x", Tagging="class=tmp")
    s3.put_object(Bucket=bucket, Key="t/other", Body=b"x", Tagging="class=keep")
    s3.put_object(Bucket=bucket, Key="sz/small", Body=b"x")
    s3.put_object(Bucket=bucket, Key="sz/large", Body=b"x" * 100)
    clock(2 * DAY)

    def remaining():
        return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))
    wait_for(lambda: remaining() == ["sz/large", "t/other"])
