"""A deployment script creates its buckets on every run, in us-east-1 where S3 answers a
repeated CreateBucket of one's own bucket with 200 (capture: S3 recreation_controls_replay,
replies recorded from S3). That holds only while the request would make the bucket as it
is: another object ownership (an omitted one is BucketOwnerEnforced), creation tags (even
the bucket's own), or another Object Lock setting is 409 BucketAlreadyOwnedByYou and
changes nothing. A repeat that succeeds replaces the bucket's ACL with the one it asks for
and keeps everything else (tags, ownership, objects)."""
import uuid

from trip_helpers import error_of

TAGS = {"Tags": [{"Key": "birth", "Value": "original"}]}


def test_repeated_creation_must_match(client):
    s3 = client("s3")
    name = "trip13-again-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name, ObjectOwnership="BucketOwnerPreferred", CreateBucketConfiguration=TAGS)
    s3.put_object(Bucket=name, Key="keep.txt", Body=b"keep")
    owner = s3.get_bucket_acl(Bucket=name)["Owner"]["ID"]
    for repeat in ({}, {"ObjectOwnership": "ObjectWriter"},
                   {"ObjectOwnership": "BucketOwnerPreferred", "CreateBucketConfiguration": TAGS},
                   {"ObjectOwnership": "BucketOwnerPreferred", "ObjectLockEnabledForBucket": True}):
        assert error_of(s3.create_bucket, Bucket=name, **repeat)[0] == "BucketAlreadyOwnedByYou"
    assert [g["Permission"] for g in s3.get_bucket_acl(Bucket=name)["Grants"]] == ["FULL_CONTROL"]

    s3.create_bucket(Bucket=name, ObjectOwnership="BucketOwnerPreferred", GrantRead=f'id="{owner}"')
    assert s3.get_bucket_acl(Bucket=name)["Grants"] == [
        {"Grantee": {"ID": owner, "Type": "CanonicalUser"}, "Permission": "READ"}]
    assert s3.get_bucket_tagging(Bucket=name)["TagSet"] == TAGS["Tags"]
    assert s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerPreferred"}]
    assert s3.get_object(Bucket=name, Key="keep.txt")["Body"].read() == b"keep"
    s3.delete_object(Bucket=name, Key="keep.txt")
    s3.delete_bucket(Bucket=name)
