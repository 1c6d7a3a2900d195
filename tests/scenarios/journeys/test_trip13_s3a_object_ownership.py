"""A team moves a legacy bucket between the three Object Ownership settings, as recorded
from S3 (stackd's testdata/aws/s3/ownership_replay.json): with ACLs disabled a write may
name only the owner's full control (a GrantRead to the owner, or the owner twice, is
refused) and an ACL is never set on its own, not even `private`; ACLs kept from before
are hidden while ACLs are disabled and show again once they are enabled; a copy takes
the request's ACL, never the source's; ACLs are disabled only while the bucket ACL is
the owner's full control alone (an owner READ-only or empty ACL is refused)."""
import pytest
from botocore.exceptions import ClientError

OFF = {"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
NOT_SUPPORTED = (400, "AccessControlListNotSupported")
ENFORCED = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
WRITER = {"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
ALL_USERS = {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
             "Permission": "READ"}
AUTHENTICATED = {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},
                 "Permission": "READ"}


def refused(call, **args):
    with pytest.raises(ClientError) as caught:
        call(**args)
    return caught.value.response["ResponseMetadata"]["HTTPStatusCode"], caught.value.response["Error"]["Code"]


def owner_full(owner):
    return {"Grantee": {"ID": owner, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}


def test_acls_disabled_admit_only_the_owners_full_control(client, bucket):
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="source", Body=b"harmless ownership fixture\n")
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    for acl in ("private", "bucket-owner-full-control", "bucket-owner-read"):
        s3.put_object(Bucket=bucket, Key=f"put-{acl}", Body=b"x", ACL=acl)
        s3.copy_object(Bucket=bucket, Key=f"copy-{acl}", CopySource=f"{bucket}/source", ACL=acl)
        assert s3.get_object_acl(Bucket=bucket, Key=f"copy-{acl}")["Grants"] == [owner_full(owner)]
        assert refused(s3.put_bucket_acl, Bucket=bucket, ACL=acl) == NOT_SUPPORTED
        assert refused(s3.put_object_acl, Bucket=bucket, Key="source", ACL=acl) == NOT_SUPPORTED
    assert refused(s3.copy_object, Bucket=bucket, Key="copy-public", CopySource=f"{bucket}/source",
                   ACL="public-read") == NOT_SUPPORTED
    s3.put_object(Bucket=bucket, Key="granted", Body=b"x", GrantFullControl=f'id="{owner}"')
    for grants in ({"GrantRead": f'id="{owner}"'}, {"GrantFullControl": f'id="{owner}"', "GrantRead": f'id="{owner}"'},
                   {"GrantFullControl": f'id="{owner}", id="{owner}"'}):
        assert refused(s3.put_object, Bucket=bucket, Key="refused", Body=b"x", **grants) == NOT_SUPPORTED
    assert refused(s3.copy_object, Bucket=bucket, Key="refused", CopySource=f"{bucket}/source",
                   GrantRead=f'id="{owner}"') == NOT_SUPPORTED
    assert refused(s3.create_multipart_upload, Bucket=bucket, Key="refused", GrantRead=f'id="{owner}"') == \
        NOT_SUPPORTED
    assert refused(s3.put_bucket_acl, Bucket=bucket, GrantFullControl=f'id="{owner}"') == NOT_SUPPORTED


def test_kept_acls_hidden_while_disabled_and_copies_take_the_requests(client, versions_emptied):
    s3, bucket = client("s3"), versions_emptied
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=OFF)
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls=WRITER)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=bucket, Key="versioned", ACL="public-read", Body=b"harmless version one\n")
    s3.put_object(Bucket=bucket, Key="versioned", ACL="private", Body=b"harmless version two\n")
    s3.put_object_acl(Bucket=bucket, Key="versioned", VersionId=first["VersionId"], ACL="authenticated-read")
    s3.copy_object(Bucket=bucket, Key="copy-version",
                   CopySource=f"{bucket}/versioned?versionId={first['VersionId']}")
    assert s3.get_object_acl(Bucket=bucket, Key="copy-version")["Grants"] == [owner_full(owner)]
    s3.put_object(Bucket=bucket, Key="source", Body=b"x")
    s3.copy_object(Bucket=bucket, Key="copy-public", CopySource=f"{bucket}/source", ACL="public-read")
    assert s3.get_object_acl(Bucket=bucket, Key="copy-public")["Grants"] == [owner_full(owner), ALL_USERS]
    s3.put_object(Bucket=bucket, Key="owner-read", Body=b"x", GrantRead=f'id="{owner}"')
    assert s3.get_object_acl(Bucket=bucket, Key="owner-read")["Grants"] == [
        {"Grantee": {"ID": owner, "Type": "CanonicalUser"}, "Permission": "READ"}]

    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls=ENFORCED)
    acl = s3.get_object_acl(Bucket=bucket, Key="versioned", VersionId=first["VersionId"])
    assert (acl["Owner"]["ID"], acl["Grants"]) == (owner, [owner_full(owner)])
    assert refused(s3.put_object_acl, Bucket=bucket, Key="versioned", VersionId=first["VersionId"],
                   ACL="private") == NOT_SUPPORTED

    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    assert s3.get_object_acl(Bucket=bucket, Key="versioned", VersionId=first["VersionId"])["Grants"] == [
        owner_full(owner), AUTHENTICATED]


def test_acls_disabled_only_over_the_owners_full_control_alone(client, bucket):
    s3 = client("s3")
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls=WRITER)
    for grants in ([{"Grantee": {"Type": "CanonicalUser", "ID": owner}, "Permission": "READ"}], []):
        s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy={"Owner": {"ID": owner}, "Grants": grants})
        assert s3.get_bucket_acl(Bucket=bucket)["Grants"] == [
            {**grant, "Grantee": {"ID": owner, "Type": "CanonicalUser"}} for grant in grants]
        assert refused(s3.put_bucket_ownership_controls, Bucket=bucket, OwnershipControls=ENFORCED) == (
            400, "InvalidBucketAclWithObjectOwnership")
        assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"] == WRITER
        s3.put_bucket_acl(Bucket=bucket, ACL="private")
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls=ENFORCED)


@pytest.mark.local_only     # a role's permissions stand in as its session policy (lakebox has no IAM roles' policies)
def test_a_write_granting_more_than_the_owner_needs_put_object_acl(lakebox_server, client, versions_emptied):
    """ownership_authority_replay.json: a role allowed s3:PutObject (not s3:PutObjectAcl)
    writes, copies and starts uploads with `private` or `bucket-owner-full-control`, and is
    refused `public-read`; object ACLs of a named version need the Version ACL actions."""
    import json
    s3, bucket = client("s3"), versions_emptied
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=OFF)
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls=WRITER)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="source", Body=b"harmless ACL authorization fixture\n")
    version = s3.put_object(Bucket=bucket, Key="versioned", Body=b"harmless version\n")["VersionId"]
    account = client("sts").get_caller_identity()["Account"]
    credentials = client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/ownership-version-acl", RoleSessionName="ownership-supplement",
        Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Resource": f"arn:aws:s3:::{bucket}/*",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:GetObjectVersionAcl", "s3:PutObjectVersionAcl"]}]}),
    )["Credentials"]
    role = lakebox_server.client("s3", aws_access_key_id=credentials["AccessKeyId"],
                                 aws_secret_access_key=credentials["SecretAccessKey"],
                                 aws_session_token=credentials["SessionToken"])
    for acl in ({}, {"ACL": "private"}, {"ACL": "bucket-owner-full-control"}):
        role.put_object(Bucket=bucket, Key="role-put", Body=b"harmless role\n", **acl)
        role.copy_object(Bucket=bucket, Key="role-copy", CopySource=f"{bucket}/source", **acl)
        s3.abort_multipart_upload(Bucket=bucket, Key="role-upload", UploadId=role.create_multipart_upload(
            Bucket=bucket, Key="role-upload", **acl)["UploadId"])
    assert refused(role.put_object, Bucket=bucket, Key="role-put", Body=b"x", ACL="public-read") == (
        403, "AccessDenied")
    assert refused(role.copy_object, Bucket=bucket, Key="role-copy", CopySource=f"{bucket}/source",
                   ACL="public-read") == (403, "AccessDenied")
    assert refused(role.create_multipart_upload, Bucket=bucket, Key="role-upload", ACL="public-read") == (
        403, "AccessDenied")
    assert refused(role.get_object_acl, Bucket=bucket, Key="versioned") == (403, "AccessDenied")
    assert role.get_object_acl(Bucket=bucket, Key="versioned", VersionId=version)["Grants"][0]["Permission"] == \
        "FULL_CONTROL"
    assert refused(role.put_object_acl, Bucket=bucket, Key="versioned", ACL="private") == (403, "AccessDenied")
    role.put_object_acl(Bucket=bucket, Key="versioned", VersionId=version, ACL="private")


@pytest.mark.local_only     # a 12-digit access key is that account in lakebox
def test_another_accounts_writes_under_each_ownership(lakebox_server, client, versions_emptied):
    """ownership_authority_replay.json: a member account's upload with bucket-owner-full-control
    becomes the bucket owner's under BucketOwnerPreferred, its ACL the owner's grant alone;
    under BucketOwnerEnforced the member's `private` names the member and is refused."""
    import json
    member_account = "444455556666"
    s3, bucket = client("s3"), versions_emptied
    member = lakebox_server.client("s3", aws_access_key_id=member_account, aws_secret_access_key="x")
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{member_account}:root"},
        "Action": ["s3:PutObject", "s3:GetObject", "s3:GetObjectAcl"], "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    member.put_object(Bucket=bucket, Key="given", Body=b"harmless cross-account fixture\n",
                      ACL="bucket-owner-full-control")
    for reader in (s3, member):
        acl = reader.get_object_acl(Bucket=bucket, Key="given")
        assert (acl["Owner"]["ID"], acl["Grants"]) == (owner, [owner_full(owner)])
    member.put_object(Bucket=bucket, Key="kept", Body=b"harmless cross-account fixture\n", ACL="private")
    assert refused(s3.get_object_acl, Bucket=bucket, Key="kept") == (403, "AccessDenied")

    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls=ENFORCED)
    assert refused(member.put_object, Bucket=bucket, Key="private", Body=b"x", ACL="private") == NOT_SUPPORTED
    member.put_object(Bucket=bucket, Key="full", Body=b"x", ACL="bucket-owner-full-control")
    assert s3.get_object_acl(Bucket=bucket, Key="full")["Grants"] == [owner_full(owner)]
