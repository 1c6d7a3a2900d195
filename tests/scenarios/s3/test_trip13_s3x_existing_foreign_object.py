"""A bucket that had no Object Ownership setting holds an object another account wrote;
the owner turns on BucketOwnerPreferred. The writer then gives the bucket owner full
control with PutObjectAcl bucket-owner-full-control: the object stays the writer's, and its
ACL lists the writer's full control and the bucket owner's (capture: radkawar/stackd
testdata/aws/s3/ownership_authority_replay.json, cross-existing-preferred ..
cross-after-existing-bo-full-member-owner-get_object_acl)."""
import json

from botocore.exceptions import ClientError
import pytest

from s3_helpers import account_client

MEMBER = "222222222222"


def test_bucket_owner_full_control_on_an_existing_foreign_object(lakebox_server, s3, make_bucket):
    bucket = make_bucket("ownership-cross", ObjectOwnership="ObjectWriter")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{MEMBER}:root"},
        "Action": ["s3:PutObject", "s3:GetObject", "s3:PutObjectAcl", "s3:GetObjectAcl"],
        "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    member = account_client(lakebox_server, MEMBER)
    member.put_object(Bucket=bucket, Key="foreign-private", Body=b"foreign private payload....")
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    owner_id = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    writer_id = member.get_object_acl(Bucket=bucket, Key="foreign-private")["Owner"]["ID"]
    with pytest.raises(ClientError) as caught:
        s3.get_object_acl(Bucket=bucket, Key="foreign-private")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"

    member.put_object_acl(Bucket=bucket, Key="foreign-private", ACL="bucket-owner-full-control")
    for reader in (s3, member):
        acl = reader.get_object_acl(Bucket=bucket, Key="foreign-private")
        assert acl["Owner"]["ID"] == writer_id
        assert [(g["Grantee"]["ID"], g["Permission"]) for g in acl["Grants"]] == [
            (writer_id, "FULL_CONTROL"), (owner_id, "FULL_CONTROL")]
    assert s3.get_object(Bucket=bucket, Key="foreign-private")["Body"].read() == b"foreign private payload...."


@pytest.mark.parametrize("start, target, acl, bucket_owned", [
    ("ObjectWriter", "BucketOwnerPreferred", "bucket-owner-full-control", False),
    ("BucketOwnerPreferred", "ObjectWriter", "bucket-owner-full-control", True),
    ("BucketOwnerEnforced", "ObjectWriter", None, True),
])
def test_a_multipart_object_belongs_as_the_upload_began(lakebox_server, s3, make_bucket, start, target, acl,
                                                        bucket_owned):
    """ownership_authority_replay.json cross-mpu-ObjectWriter-to-BucketOwnerPreferred-bucket-owner-full-control,
    cross-mpu-BucketOwnerPreferred-to-ObjectWriter-bucket-owner-full-control,
    cross-mpu-BucketOwnerEnforced-to-ObjectWriter-none: the Object Ownership in force at
    CreateMultipartUpload decides who owns the completed object, not the one at completion."""
    bucket = make_bucket("ownership-mpu", ObjectOwnership="ObjectWriter")
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{MEMBER}:root"},
        "Action": ["s3:PutObject", "s3:GetObject", "s3:GetObjectAcl"], "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    member = account_client(lakebox_server, MEMBER)

    def mode(name):
        s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": name}]})
    mode(start)
    upload = member.create_multipart_upload(Bucket=bucket, Key="mpu", **({"ACL": acl} if acl else {}))["UploadId"]
    etag = member.upload_part(Bucket=bucket, Key="mpu", UploadId=upload, PartNumber=1, Body=b"x" * 33)["ETag"]
    mode(target)
    member.complete_multipart_upload(Bucket=bucket, Key="mpu", UploadId=upload,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    owner_id = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    acl_seen = member.get_object_acl(Bucket=bucket, Key="mpu")
    if bucket_owned:
        assert acl_seen["Owner"]["ID"] == owner_id
        assert [(g["Grantee"]["ID"], g["Permission"]) for g in acl_seen["Grants"]] == [(owner_id, "FULL_CONTROL")]
    else:
        writer_id = acl_seen["Owner"]["ID"]
        assert writer_id != owner_id
        assert [(g["Grantee"]["ID"], g["Permission"]) for g in acl_seen["Grants"]] == [
            (writer_id, "FULL_CONTROL"), (owner_id, "FULL_CONTROL")]
