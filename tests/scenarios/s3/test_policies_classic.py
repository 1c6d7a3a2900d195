"""Bucket policies decide access as on AWS: the examples of the S3 User Guide's "Examples
of Amazon S3 bucket policies" (deny unencrypted uploads, deny insecure transport,
restrict to an IP range, require MFA, grant a prefix to another account's role, grant
cross-account read, public read of one prefix), with boto3 clients of two accounts, a
role session and an anonymous client.

Sources: IAM User Guide, "Policy evaluation logic" (explicit deny wins; cross-account
requests need an allow in the resource policy), "Condition operators" (a negated
operator holds when the key is absent); S3 User Guide, "Troubleshoot access denied"
(403 AccessDenied "Access Denied"; a caller of the bucket's own account refused by an
explicit Deny is told "User: ... with an explicit deny in a resource-based policy").
The owner is the `test` key's account (000000000000: lakebox has no IAM, its identity
allows everything), another account is a 12-digit key.
"""
import json

import pytest
from botocore import UNSIGNED
from botocore.config import Config

from s3_helpers import error_of, filled_bucket, put_policy

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
def bucket(s3, make_bucket):
    """A bucket with objects under `public/`, `shared/` and `private/`; its policy goes
    before the bucket is emptied (a policy may deny that)."""
    name = filled_bucket(s3, make_bucket, "policy", ("public/a.txt", "shared/b.txt", "private/c.txt"))
    yield name
    s3.delete_bucket_policy(Bucket=name)


def _denied(call, **kwargs):
    code, status, response = error_of(call, **kwargs)
    assert (code, status, response["Error"]["Message"]) == ("AccessDenied", 403, "Access Denied")


def _owner_denied(call, **kwargs):
    """The owner's account refused by an explicit Deny is told why (S3 User Guide,
    "Troubleshoot access denied (403 Forbidden) errors": same-account requests)."""
    code, status, response = error_of(call, **kwargs)
    message = response["Error"]["Message"]
    assert (code, status) == ("AccessDenied", 403)
    assert message.startswith("User: arn:aws:iam::000000000000:root is not authorized to perform: s3:"), message
    assert message.endswith('" with an explicit deny in a resource-based policy'), message


def role_session(lakebox_server, account, role):
    sts = lakebox_server.client("sts", aws_access_key_id=account, aws_secret_access_key="x")
    credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="s1")["Credentials"]
    return lakebox_server.client(
        "s3", aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"], config=NO_RETRY)


def test_deny_unencrypted_uploads(s3, bucket):
    put_policy(s3, bucket, {
        "Sid": "DenyUnencryptedObjectUploads", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
        "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "AES256"}}})
    _owner_denied(s3.put_object, Bucket=bucket, Key="plain.txt", Body=b"x")
    _owner_denied(s3.put_object, Bucket=bucket, Key="kms.txt", Body=b"x", ServerSideEncryption="aws:kms")
    s3.put_object(Bucket=bucket, Key="sealed.txt", Body=b"x", ServerSideEncryption="AES256")
    assert s3.get_object(Bucket=bucket, Key="sealed.txt")["Body"].read() == b"x"
    assert error_of(s3.head_object, Bucket=bucket, Key="plain.txt")[1] == 404     # nothing was written


def test_deny_uploads_without_an_encryption_header_null_form(s3, bucket):
    put_policy(s3, bucket, {
        "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*",
        "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}})
    _owner_denied(s3.put_object, Bucket=bucket, Key="plain.txt", Body=b"x")
    s3.put_object(Bucket=bucket, Key="kms.txt", Body=b"x", ServerSideEncryption="aws:kms")


def test_deny_insecure_transport_refuses_plain_http_even_to_the_owner(s3, bucket):
    put_policy(s3, bucket, {
        "Sid": "AllowSSLRequestsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    _owner_denied(s3.get_object, Bucket=bucket, Key="public/a.txt")
    _owner_denied(s3.list_objects_v2, Bucket=bucket)
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"][0]["Sid"] == "AllowSSLRequestsOnly"


def test_ip_allow_list(s3, bucket):
    put_policy(s3, bucket, {
        "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}}})
    _owner_denied(s3.get_object, Bucket=bucket, Key="public/a.txt")
    put_policy(s3, bucket, {
        "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"NotIpAddress": {"aws:SourceIp": ["127.0.0.0/8", "::1/128"]}}})
    assert s3.get_object(Bucket=bucket, Key="public/a.txt")["Body"].read() == b"bytes"


def test_mfa_less_requests_are_denied_a_protected_prefix(s3, bucket):
    put_policy(s3, bucket, {
        "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": f"arn:aws:s3:::{bucket}/private/*",
        "Condition": {"Null": {"aws:MultiFactorAuthAge": True}}})
    _owner_denied(s3.get_object, Bucket=bucket, Key="private/c.txt")
    _owner_denied(s3.delete_object, Bucket=bucket, Key="private/c.txt")
    assert s3.get_object(Bucket=bucket, Key="shared/b.txt")["Body"].read() == b"bytes"


def test_cross_account_read_needs_a_grant(s3, other, third, bucket):
    _denied(other.get_object, Bucket=bucket, Key="shared/b.txt")
    put_policy(s3, bucket, {
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]})
    assert other.get_object(Bucket=bucket, Key="shared/b.txt")["Body"].read() == b"bytes"
    assert len(other.list_objects_v2(Bucket=bucket)["Contents"]) == 3
    _denied(other.put_object, Bucket=bucket, Key="shared/new.txt", Body=b"x")
    _denied(third.get_object, Bucket=bucket, Key="shared/b.txt")


def test_one_prefix_to_one_role_of_another_account(lakebox_server, s3, other, bucket):
    put_policy(s3, bucket, {
        "Sid": "ReadShared", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:role/reader"},
        "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/shared/*"}, {
        "Sid": "ListShared", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:role/reader"},
        "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{bucket}",
        "Condition": {"StringLike": {"s3:prefix": "shared/*"}}})
    reader = role_session(lakebox_server, OTHER, "reader")
    assert reader.get_object(Bucket=bucket, Key="shared/b.txt")["Body"].read() == b"bytes"
    assert [o["Key"] for o in reader.list_objects_v2(Bucket=bucket, Prefix="shared/")["Contents"]] == ["shared/b.txt"]
    _denied(reader.list_objects_v2, Bucket=bucket)
    _denied(reader.get_object, Bucket=bucket, Key="private/c.txt")
    _denied(role_session(lakebox_server, OTHER, "writer").get_object, Bucket=bucket, Key="shared/b.txt")
    _denied(other.get_object, Bucket=bucket, Key="shared/b.txt")       # the account's root is not the role


def test_a_missing_key_is_hidden_from_who_may_not_list(s3, other, bucket):
    put_policy(s3, bucket, {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "s3:GetObject",
                             "Resource": f"arn:aws:s3:::{bucket}/*"})
    _denied(other.get_object, Bucket=bucket, Key="shared/missing.txt")
    put_policy(s3, bucket, {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": ["s3:GetObject", "s3:ListBucket"],
                             "Resource": [f"arn:aws:s3:::{bucket}/*", f"arn:aws:s3:::{bucket}"]})
    assert error_of(other.get_object, Bucket=bucket, Key="shared/missing.txt")[:2] == ("NoSuchKey", 404)


def test_public_read_of_one_prefix(s3, anonymous, bucket):
    s3.delete_public_access_block(Bucket=bucket)
    put_policy(s3, bucket, {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                             "Action": ["s3:GetObject", "s3:GetObjectVersion"],
                             "Resource": f"arn:aws:s3:::{bucket}/public/*"})
    assert anonymous.get_object(Bucket=bucket, Key="public/a.txt")["Body"].read() == b"bytes"
    _denied(anonymous.get_object, Bucket=bucket, Key="private/c.txt")
    _denied(anonymous.put_object, Bucket=bucket, Key="public/new.txt", Body=b"x")


def test_a_deny_for_one_account_leaves_the_owner_allowed(s3, other, bucket):
    put_policy(s3, bucket, {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                             "Resource": f"arn:aws:s3:::{bucket}/*",
                             "Condition": {"StringEquals": {"aws:PrincipalAccount": [OTHER, "000000000000"]}}},
                {"Effect": "Deny", "Principal": {"AWS": OTHER}, "Action": "s3:GetObject",
                 "Resource": f"arn:aws:s3:::{bucket}/private/*"})
    assert other.get_object(Bucket=bucket, Key="shared/b.txt")["Body"].read() == b"bytes"
    _denied(other.get_object, Bucket=bucket, Key="private/c.txt")
    assert s3.get_object(Bucket=bucket, Key="private/c.txt")["Body"].read() == b"bytes"


def test_a_policy_denying_everything_leaves_the_owner_root_its_policy(s3, bucket):
    put_policy(s3, bucket, {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                             "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]})
    _owner_denied(s3.get_bucket_versioning, Bucket=bucket)
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"]
