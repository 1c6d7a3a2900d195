"""ACL grants and Block Public Access decide what other accounts and anonymous callers
may do, and S3 refuses the bucket policies it cannot keep.

Sources: S3 User Guide, "Access control list (ACL) overview" (grantees: a canonical user,
AuthenticatedUsers "any AWS account", AllUsers "anyone in the world"; READ/WRITE on a
bucket list and write it, READ on an object reads it), "Controlling ownership of
objects" (BucketOwnerEnforced: ACLs no longer affect permissions), "Blocking public
access" (IgnorePublicAcls, RestrictPublicBuckets: a public policy's bucket only for its
own account's principals, BlockPublicPolicy), "The meaning of 'public'" (fixed-value
conditions on aws:SourceIp, aws:SourceAccount, ... make a policy non-public; ranges
wider than /8 stay public); recorded S3 replies to PutBucketPolicy: "Policy has invalid
action", "Policy has invalid resource", "Action does not apply to any resource(s) in
statement", "Policy has an invalid condition key", "Invalid IP address in Conditions".
"""
import json

import pytest
from botocore import UNSIGNED
from botocore.config import Config

from s3_helpers import error_of

OTHER, THIRD = "111122223333", "444455556666"
NO_RETRY = Config(retries={"max_attempts": 0})


@pytest.fixture(scope="module")
def other(lakebox_server):
    return lakebox_server.client("s3", aws_access_key_id=OTHER, aws_secret_access_key="x", config=NO_RETRY)


@pytest.fixture(scope="module")
def third(lakebox_server):
    return lakebox_server.client("s3", aws_access_key_id=THIRD, aws_secret_access_key="x", config=NO_RETRY)


@pytest.fixture(scope="module")
def anonymous(lakebox_server):
    return lakebox_server.client("s3", config=Config(signature_version=UNSIGNED, retries={"max_attempts": 0}))


@pytest.fixture
def acl_bucket(s3, make_bucket):
    """A bucket with ACLs enabled and no public access block."""
    name = make_bucket("acls", ObjectOwnership="BucketOwnerPreferred")
    s3.delete_public_access_block(Bucket=name)
    return name


def _denied(call, **kwargs):
    code, status, response = error_of(call, **kwargs)
    assert (code, status, response["Error"]["Message"]) == ("AccessDenied", 403, "Access Denied")


def _block(s3, name, **flags):
    settings = {"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
                "RestrictPublicBuckets": False, **flags}
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=settings)


def _canonical_id(client):
    return client.list_buckets()["Owner"]["ID"]


def test_public_read_object_acl_lets_anyone_read(s3, other, anonymous, acl_bucket):
    s3.put_object(Bucket=acl_bucket, Key="open.txt", Body=b"open", ACL="public-read")
    s3.put_object(Bucket=acl_bucket, Key="closed.txt", Body=b"closed")
    assert anonymous.get_object(Bucket=acl_bucket, Key="open.txt")["Body"].read() == b"open"
    assert other.get_object(Bucket=acl_bucket, Key="open.txt")["Body"].read() == b"open"
    _denied(anonymous.get_object, Bucket=acl_bucket, Key="closed.txt")
    _denied(other.get_object, Bucket=acl_bucket, Key="closed.txt")
    _denied(other.put_object, Bucket=acl_bucket, Key="open.txt", Body=b"x")


def test_authenticated_read_is_for_signed_callers_of_any_account(s3, other, anonymous, acl_bucket):
    s3.put_object(Bucket=acl_bucket, Key="members.txt", Body=b"m", ACL="authenticated-read")
    assert other.get_object(Bucket=acl_bucket, Key="members.txt")["Body"].read() == b"m"
    _denied(anonymous.get_object, Bucket=acl_bucket, Key="members.txt")


def test_a_grant_to_one_account_by_canonical_id(s3, other, third, acl_bucket):
    grantee = f'id="{_canonical_id(other)}"'
    s3.put_object(Bucket=acl_bucket, Key="for-other.txt", Body=b"o", GrantRead=grantee)
    assert other.get_object(Bucket=acl_bucket, Key="for-other.txt")["Body"].read() == b"o"
    _denied(third.get_object, Bucket=acl_bucket, Key="for-other.txt")
    s3.put_bucket_acl(Bucket=acl_bucket, GrantWrite=grantee, GrantFullControl=f'id="{_canonical_id(s3)}"')
    other.put_object(Bucket=acl_bucket, Key="from-other.txt", Body=b"w")
    _denied(third.put_object, Bucket=acl_bucket, Key="from-third.txt", Body=b"w")
    _denied(other.list_objects_v2, Bucket=acl_bucket)          # WRITE does not list


def test_public_read_write_bucket_lets_anonymous_list_and_write(s3, anonymous, acl_bucket):
    s3.put_bucket_acl(Bucket=acl_bucket, ACL="public-read-write")
    anonymous.put_object(Bucket=acl_bucket, Key="dropped.txt", Body=b"d")
    assert [o["Key"] for o in anonymous.list_objects_v2(Bucket=acl_bucket)["Contents"]] == ["dropped.txt"]


def test_ignore_public_acls_disregards_public_grants_but_not_account_grants(s3, other, anonymous, acl_bucket):
    s3.put_object(Bucket=acl_bucket, Key="open.txt", Body=b"open", ACL="public-read")
    s3.put_object(Bucket=acl_bucket, Key="for-other.txt", Body=b"o", GrantRead=f'id="{_canonical_id(other)}"')
    _block(s3, acl_bucket, IgnorePublicAcls=True)
    _denied(anonymous.get_object, Bucket=acl_bucket, Key="open.txt")
    _denied(other.get_object, Bucket=acl_bucket, Key="open.txt")
    assert other.get_object(Bucket=acl_bucket, Key="for-other.txt")["Body"].read() == b"o"


def test_block_public_acls_refuses_public_grants(s3, acl_bucket):
    _block(s3, acl_bucket, BlockPublicAcls=True)
    assert error_of(s3.put_object, Bucket=acl_bucket, Key="k", Body=b"x", ACL="public-read")[:2] == \
        ("AccessDenied", 403)


def test_acls_grant_nothing_once_the_bucket_enforces_ownership(s3, other, acl_bucket):
    s3.put_object(Bucket=acl_bucket, Key="open.txt", Body=b"open", ACL="public-read")
    s3.put_bucket_ownership_controls(Bucket=acl_bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    _denied(other.get_object, Bucket=acl_bucket, Key="open.txt")


def _policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_restrict_public_buckets_keeps_a_public_policy_within_the_account(s3, other, anonymous, acl_bucket):
    s3.put_object(Bucket=acl_bucket, Key="k.txt", Body=b"k")
    s3.put_bucket_policy(Bucket=acl_bucket, Policy=_policy({
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{acl_bucket}/*"}))
    assert anonymous.get_object(Bucket=acl_bucket, Key="k.txt")["Body"].read() == b"k"
    _block(s3, acl_bucket, RestrictPublicBuckets=True)
    _denied(anonymous.get_object, Bucket=acl_bucket, Key="k.txt")
    _denied(other.get_object, Bucket=acl_bucket, Key="k.txt")
    assert s3.get_object(Bucket=acl_bucket, Key="k.txt")["Body"].read() == b"k"
    s3.delete_bucket_policy(Bucket=acl_bucket)


def test_block_public_policy_refuses_only_public_policies(s3, acl_bucket):
    _block(s3, acl_bucket, BlockPublicPolicy=True)
    public = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{acl_bucket}/*"}
    assert error_of(s3.put_bucket_policy, Bucket=acl_bucket, Policy=_policy(public))[:2] == ("AccessDenied", 403)
    narrowed = {**public, "Condition": {"StringEquals": {"aws:SourceAccount": OTHER}}}
    s3.put_bucket_policy(Bucket=acl_bucket, Policy=_policy(narrowed))
    s3.delete_bucket_policy(Bucket=acl_bucket)


@pytest.mark.parametrize("condition, public", [
    (None, True),
    ({"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}, False),
    ({"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}}, True),
    ({"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}, False),
    ({"Bool": {"aws:SecureTransport": "true"}}, True),
])
def test_get_bucket_policy_status_judges_public_as_s3_does(s3, acl_bucket, condition, public):
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                 "Resource": f"arn:aws:s3:::{acl_bucket}/*"}
    if condition:
        statement["Condition"] = condition
    s3.put_bucket_policy(Bucket=acl_bucket, Policy=_policy(statement))
    assert s3.get_bucket_policy_status(Bucket=acl_bucket)["PolicyStatus"]["IsPublic"] is public
    s3.delete_bucket_policy(Bucket=acl_bucket)


@pytest.mark.parametrize("change, message", [
    ({"Action": "s3:GetObjectz"}, "Policy has invalid action"),
    ({"Action": "kinesis:PutRecord"}, "Policy has invalid action"),
    ({"Resource": "arn:aws:s3:::someone-elses-bucket/*"}, "Policy has invalid resource"),
    ({"Resource": "*"}, "Policy has invalid resource"),
    ({"Action": "s3:GetObject", "Resource": "arn:aws:s3:::{bucket}"},
     "Action does not apply to any resource(s) in statement"),
    ({"Condition": {"StringSortOf": {"s3:prefix": "a"}}}, "Policy has an invalid condition key"),
    ({"Condition": {"IpAddress": {"aws:SourceIp": "not-an-address"}}}, "Invalid IP address in Conditions"),
    ({"Effect": "Permit"}, "Invalid effect: Permit"),
    ({"Principal": None}, "Missing required field Principal"),
])
def test_malformed_policies_are_refused_and_change_nothing(s3, acl_bucket, change, message):
    statement = {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "s3:GetObject",
                 "Resource": f"arn:aws:s3:::{acl_bucket}/*"}
    statement.update({k: v.replace("{bucket}", acl_bucket) if isinstance(v, str) else v for k, v in change.items()})
    statement = {k: v for k, v in statement.items() if v is not None}
    code, status, response = error_of(s3.put_bucket_policy, Bucket=acl_bucket, Policy=_policy(statement))
    assert (code, status, response["Error"]["Message"]) == ("MalformedPolicy", 400, message)
    assert error_of(s3.get_bucket_policy, Bucket=acl_bucket)[0] == "NoSuchBucketPolicy"


def test_wildcard_actions_and_resources_that_reach_the_bucket_are_kept(s3, acl_bucket):
    s3.put_bucket_policy(Bucket=acl_bucket, Policy=_policy({
        "Effect": "Deny", "Principal": "*", "Action": ["s3:Get*", "s3:List*"],
        "Resource": ["arn:aws:s3:::*", f"arn:aws:s3:::{acl_bucket}/logs/*"],
        "Condition": {"ForAnyValue:StringLikeIfExists": {"s3:prefix": "secret/*"}}}))
    s3.delete_bucket_policy(Bucket=acl_bucket)


def test_a_canned_acl_s3_does_not_define_is_an_invalid_argument(s3, acl_bucket):
    """Recorded against AWS (issue 15): `ACL="fake-acl"` is refused, 400 InvalidArgument
    naming x-amz-acl."""
    code, status, response = error_of(s3.put_object, Bucket=acl_bucket, Key="k", Body=b"x", ACL="fake-acl")
    assert (code, status, response["Error"]["ArgumentName"]) == ("InvalidArgument", 400, "x-amz-acl")
    assert error_of(s3.head_object, Bucket=acl_bucket, Key="k")[1] == 404


def test_a_grant_to_an_email_address_is_no_longer_taken(s3, acl_bucket):
    """S3 API reference, PutBucketAcl: "As of October 1, 2025, Amazon S3 has discontinued
    support for Email Grantee Access Control Lists ... HTTP 405 (Method Not Allowed)" (recorded
    for a policy body: radkawar/stackd access_raw_replay.json bucket-raw-email-grantee)."""
    code, status, _ = error_of(s3.put_bucket_acl, Bucket=acl_bucket, GrantRead='emailAddress="a@example.com"')
    assert (code, status) == ("MethodNotAllowed", 405)


def test_the_acl_of_a_delete_marker_cannot_be_set(s3, make_bucket):
    """Recorded against AWS (issue 15): PutObjectAcl on a delete marker is 405 MethodNotAllowed."""
    name = make_bucket("acl-marker", ObjectOwnership="BucketOwnerPreferred")
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=name, Key="k", Body=b"x")
    marker = s3.delete_object(Bucket=name, Key="k")["VersionId"]
    for extra in ({}, {"VersionId": marker}):
        code, status, response = error_of(s3.put_object_acl, Bucket=name, Key="k", ACL="private", **extra)
        assert (code, status, response["Error"]["Method"]) == ("MethodNotAllowed", 405, "PUT")
