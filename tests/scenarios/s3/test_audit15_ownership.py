"""Who owns an object another account writes, and what its ACL then grants, under each
ObjectOwnership setting (audit of issue 15).

Sources: S3 User Guide, "Controlling ownership of objects and disabling ACLs for your
bucket" (ObjectWriter: the uploading account owns the object; BucketOwnerPreferred: the
bucket owner owns objects uploaded with the `bucket-owner-full-control` canned ACL, the
writer owns the others; BucketOwnerEnforced: ACLs are disabled and the bucket owner owns
every object; a request that sets any ACL but `bucket-owner-full-control` fails with 400
AccessControlListNotSupported "The bucket does not allow ACLs"), "Access control list
(ACL) overview" (canned ACLs: `private` gives the owner FULL_CONTROL,
`bucket-owner-read` adds READ for the bucket owner, `bucket-owner-full-control` adds
FULL_CONTROL for it; "a bucket owner can't grant permissions on objects it does not
own"), and "Troubleshoot access denied": the bucket owner reads an object another
account owns only through that object's ACL, though it may delete it.
"""
import pytest

from s3_helpers import account_client, error_of, put_policy

OTHER = "111122223333"


@pytest.fixture(scope="module")
def other(lakebox_server):
    return account_client(lakebox_server, OTHER)


def _canonical_id(client):
    return client.list_buckets()["Owner"]["ID"]


def _writable_bucket(s3, make_bucket, other, ownership):
    """A bucket of `ownership` the other account may write to (a WRITE grant where ACLs
    count, else a bucket policy)."""
    name = make_bucket("audit-own", ObjectOwnership=ownership)
    if ownership == "BucketOwnerEnforced":
        put_policy(s3, name, {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "s3:PutObject",
                              "Resource": f"arn:aws:s3:::{name}/*"})
    else:
        s3.put_bucket_acl(Bucket=name, GrantWrite=f'id="{_canonical_id(other)}"',
                          GrantFullControl=f'id="{_canonical_id(s3)}"')
    return name


def _owner_of(s3, bucket, key):
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=key, FetchOwner=True)["Contents"]
    return listed[0]["Owner"]["ID"]


def test_object_writer_the_writer_owns_what_it_uploads(s3, other, make_bucket):
    name = _writable_bucket(s3, make_bucket, other, "ObjectWriter")
    other.put_object(Bucket=name, Key="mine.txt", Body=b"theirs")
    other.put_object(Bucket=name, Key="shared.txt", Body=b"shared", ACL="bucket-owner-full-control")
    assert _owner_of(s3, name, "mine.txt") == _canonical_id(other)
    assert _owner_of(s3, name, "shared.txt") == _canonical_id(other)
    acl = other.get_object_acl(Bucket=name, Key="shared.txt")
    assert acl["Owner"]["ID"] == _canonical_id(other)
    assert sorted((g["Grantee"]["ID"], g["Permission"]) for g in acl["Grants"]) == sorted(
        [(_canonical_id(other), "FULL_CONTROL"), (_canonical_id(s3), "FULL_CONTROL")])
    assert s3.get_object(Bucket=name, Key="shared.txt")["Body"].read() == b"shared"
    assert error_of(s3.get_object, Bucket=name, Key="mine.txt")[:2] == ("AccessDenied", 403)
    s3.delete_object(Bucket=name, Key="mine.txt")          # the bucket owner may still delete it


def test_bucket_owner_read_grants_the_bucket_owner_read_only(s3, other, make_bucket):
    name = _writable_bucket(s3, make_bucket, other, "ObjectWriter")
    other.put_object(Bucket=name, Key="k.txt", Body=b"k", ACL="bucket-owner-read")
    assert s3.get_object(Bucket=name, Key="k.txt")["Body"].read() == b"k"
    acl = other.get_object_acl(Bucket=name, Key="k.txt")
    assert sorted((g["Grantee"]["ID"], g["Permission"]) for g in acl["Grants"]) == sorted(
        [(_canonical_id(other), "FULL_CONTROL"), (_canonical_id(s3), "READ")])
    assert error_of(s3.put_object_acl, Bucket=name, Key="k.txt", ACL="public-read")[:2] == ("AccessDenied", 403)


def test_bucket_owner_preferred_takes_objects_uploaded_with_full_control(s3, other, make_bucket):
    name = _writable_bucket(s3, make_bucket, other, "BucketOwnerPreferred")
    other.put_object(Bucket=name, Key="given.txt", Body=b"g", ACL="bucket-owner-full-control")
    other.put_object(Bucket=name, Key="kept.txt", Body=b"k")
    assert _owner_of(s3, name, "given.txt") == _canonical_id(s3)
    assert _owner_of(s3, name, "kept.txt") == _canonical_id(other)
    assert s3.get_object(Bucket=name, Key="given.txt")["Body"].read() == b"g"
    assert s3.get_object_acl(Bucket=name, Key="given.txt")["Owner"]["ID"] == _canonical_id(s3)


def test_bucket_owner_enforced_owns_everything_and_refuses_other_acls(s3, other, make_bucket):
    name = _writable_bucket(s3, make_bucket, other, "BucketOwnerEnforced")
    other.put_object(Bucket=name, Key="plain.txt", Body=b"p")
    other.put_object(Bucket=name, Key="full.txt", Body=b"f", ACL="bucket-owner-full-control")
    assert _owner_of(s3, name, "plain.txt") == _canonical_id(s3)
    assert s3.get_object(Bucket=name, Key="plain.txt")["Body"].read() == b"p"
    code, status, response = error_of(other.put_object, Bucket=name, Key="public.txt", Body=b"x", ACL="public-read")
    assert (code, status, response["Error"]["Message"]) == (
        "AccessControlListNotSupported", 400, "The bucket does not allow ACLs")
    s3.delete_bucket_policy(Bucket=name)


def test_block_public_acls_tells_the_owners_account_why(s3, make_bucket):
    """Recorded replies (PutObjectAcl with public-read under BlockPublicAcls) and the S3
    User Guide's "Troubleshoot access denied" example."""
    name = make_bucket("audit-bpa", ObjectOwnership="BucketOwnerPreferred")
    s3.put_object(Bucket=name, Key="k.txt", Body=b"x")
    code, status, response = error_of(s3.put_object_acl, Bucket=name, Key="k.txt", ACL="public-read")
    assert (code, status, response["Error"]["Message"]) == ("AccessDenied", 403, (
        f'User: arn:aws:iam::000000000000:root is not authorized to perform: s3:PutObjectAcl on resource: '
        f'"arn:aws:s3:::{name}/k.txt" because public ACLs are prevented by the BlockPublicAcls setting in S3 Block '
        "Public Access."))
    code, status, response = error_of(s3.put_bucket_acl, Bucket=name, ACL="public-read")
    assert response["Error"]["Message"].startswith("User: arn:aws:iam::000000000000:root is not authorized to "
                                                   f'perform: s3:PutBucketAcl on resource: "arn:aws:s3:::{name}" ')
    assert s3.get_object_acl(Bucket=name, Key="k.txt")["Grants"] == [{
        "Grantee": {"ID": _canonical_id(s3), "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}]
