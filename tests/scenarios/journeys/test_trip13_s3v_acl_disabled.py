"""A platform team's bootstrap script still sets `private` ACLs out of habit on buckets
made with S3's defaults (ACLs disabled: BucketOwnerEnforced) (capture: S3
owned_object_delivery, replies recorded from S3). PutBucketAcl is refused even for
`private`: 400 AccessControlListNotSupported, "The bucket does not allow ACLs"; a
PutObject with the `private` canned ACL is accepted, and the bucket's ACL still reads
as the owner's FULL_CONTROL."""
import uuid

from trip_helpers import error_of


def test_private_acls_on_an_acl_disabled_bucket(client):
    s3 = client("s3")
    name = "trip13-noacl-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    assert error_of(s3.put_bucket_acl, Bucket=name, ACL="private") == (
        "AccessControlListNotSupported", "The bucket does not allow ACLs")
    s3.put_object(Bucket=name, Key="data/private.bin", Body=b"owned payload", ACL="private")
    grants = s3.get_bucket_acl(Bucket=name)["Grants"]
    assert [(g["Grantee"]["Type"], g["Permission"]) for g in grants] == [("CanonicalUser", "FULL_CONTROL")]
    s3.delete_object(Bucket=name, Key="data/private.bin")
    s3.delete_bucket(Bucket=name)
