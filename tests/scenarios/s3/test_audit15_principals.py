"""Principals and principal condition keys in bucket policies, across accounts through
role sessions (audit of issue 15).

Sources: IAM User Guide, "AWS JSON policy elements: Principal" (an account id, its root
ARN, a role ARN, which covers every session of the role, an assumed-role session ARN
`arn:aws:sts::<account>:assumed-role/<role>/<session>`, and `"*"`), "AWS global
condition context keys" (aws:PrincipalAccount, aws:PrincipalArn: a role session's is
its role's ARN, aws:userid: `<role id>:<session name>` for a role session, the
account id for the root user, aws:PrincipalType "AssumedRole"); S3 User Guide, "The
meaning of 'public'" (GetBucketPolicyStatus: a statement naming everyone is public
unless a condition fixes aws:PrincipalAccount, aws:PrincipalArn, aws:SourceArn,
aws:SourceAccount, aws:userid, ... or a SourceIp range narrower than /8).
"""
import pytest
from botocore.config import Config

from s3_helpers import account_client, error_of, filled_bucket, put_policy

OTHER = "111122223333"
NO_RETRY = Config(retries={"max_attempts": 0})


def _session(server, account, role, name="s1"):
    """(S3 client, STS client) of a session of `account`'s role `role` named `name`."""
    sts = server.client("sts", aws_access_key_id=account, aws_secret_access_key="x")
    credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{role}",
                                  RoleSessionName=name)["Credentials"]
    keys = {"aws_access_key_id": credentials["AccessKeyId"], "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"]}
    return server.client("s3", config=NO_RETRY, **keys), server.client("sts", **keys)


@pytest.fixture
def bucket(s3, make_bucket):
    name = filled_bucket(s3, make_bucket, "audit-princ", ("data/a.txt",))
    s3.delete_public_access_block(Bucket=name)      # new buckets block public policies
    yield name
    s3.delete_bucket_policy(Bucket=name)


def _read_grant(bucket, principal, condition=None):
    statement = {"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject",
                 "Resource": f"arn:aws:s3:::{bucket}/*"}
    if condition:
        statement["Condition"] = condition
    return statement


def _readable(client, bucket) -> bool:
    try:
        return client.get_object(Bucket=bucket, Key="data/a.txt")["Body"].read() == b"bytes"
    except client.exceptions.ClientError as error:
        assert (error.response["Error"]["Code"], error.response["Error"]["Message"]) == ("AccessDenied",
                                                                                          "Access Denied")
        return False


def test_an_assumed_role_session_arn_names_that_session_only(lakebox_server, s3, bucket):
    reader, _ = _session(lakebox_server, OTHER, "reader", "alice")
    other_session, _ = _session(lakebox_server, OTHER, "reader", "bob")
    put_policy(s3, bucket, _read_grant(bucket, {"AWS": f"arn:aws:sts::{OTHER}:assumed-role/reader/alice"}))
    assert _readable(reader, bucket)
    assert not _readable(other_session, bucket)
    assert not _readable(account_client(lakebox_server, OTHER), bucket)


def test_an_account_grant_covers_its_role_sessions(lakebox_server, s3, bucket):
    reader, _ = _session(lakebox_server, OTHER, "reader")
    put_policy(s3, bucket, _read_grant(bucket, {"AWS": OTHER}))
    assert _readable(reader, bucket)
    assert _readable(account_client(lakebox_server, OTHER), bucket)
    assert not _readable(account_client(lakebox_server, "444455556666"), bucket)


def test_principal_arn_condition_picks_one_role_of_an_account(lakebox_server, s3, bucket):
    reader, _ = _session(lakebox_server, OTHER, "reader")
    writer, _ = _session(lakebox_server, OTHER, "writer")
    put_policy(s3, bucket, _read_grant(bucket, {"AWS": OTHER}, {
        "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{OTHER}:role/read*"}}))
    assert _readable(reader, bucket)
    assert not _readable(writer, bucket)
    assert not _readable(account_client(lakebox_server, OTHER), bucket)


def test_principal_account_condition_with_everyone(lakebox_server, s3, bucket):
    put_policy(s3, bucket, _read_grant(bucket, "*", {"StringEquals": {"aws:PrincipalAccount": OTHER}}))
    assert _readable(account_client(lakebox_server, OTHER), bucket)
    assert not _readable(account_client(lakebox_server, "444455556666"), bucket)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is False


def test_userid_condition_names_one_session(lakebox_server, s3, bucket):
    reader, reader_sts = _session(lakebox_server, OTHER, "reader", "alice")
    other_session, _ = _session(lakebox_server, OTHER, "reader", "bob")
    user_id = reader_sts.get_caller_identity()["UserId"]
    assert user_id.endswith(":alice")
    put_policy(s3, bucket, _read_grant(bucket, {"AWS": OTHER}, {"StringLike": {"aws:userid": "*:alice"}}))
    assert _readable(reader, bucket)
    assert not _readable(other_session, bucket)


def test_a_deny_on_a_role_leaves_the_accounts_other_principals(lakebox_server, s3, bucket):
    reader, _ = _session(lakebox_server, OTHER, "reader")
    put_policy(s3, bucket, _read_grant(bucket, {"AWS": OTHER}),
               {"Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:role/reader"},
                "Action": "s3:*", "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]})
    assert not _readable(reader, bucket)
    assert _readable(account_client(lakebox_server, OTHER), bucket)


@pytest.mark.parametrize("condition, public", [
    ({"StringEquals": {"aws:PrincipalAccount": OTHER}}, False),
    ({"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{OTHER}:role/reader"}}, False),
    ({"StringEquals": {"aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"}}, False),
    ({"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}, False),
    ({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, False),
    ({"IpAddress": {"aws:SourceIp": "10.0.0.0/7"}}, True),
    ({"StringLike": {"aws:PrincipalArn": "*"}}, True),
    ({"StringNotEquals": {"aws:PrincipalAccount": OTHER}}, True),
    ({"StringEquals": {"s3:prefix": "public/"}}, True),
    ({"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}, True),
])
def test_policy_status_with_conditions(s3, bucket, condition, public):
    put_policy(s3, bucket, _read_grant(bucket, "*", condition))
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is public


def test_policy_status_of_an_account_grant_and_a_deny_to_everyone(s3, bucket):
    put_policy(s3, bucket, _read_grant(bucket, {"AWS": f"arn:aws:iam::{OTHER}:root"}),
               {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is False


def test_no_policy_status_without_a_policy(s3, make_bucket):
    name = make_bucket("audit-nopol")
    code, status, response = error_of(s3.get_bucket_policy_status, Bucket=name)
    assert (code, status, response["Error"]["Message"]) == (
        "NoSuchBucketPolicy", 404, "The bucket policy does not exist")


def test_a_canonical_user_principal_is_that_account(lakebox_server, s3, bucket):
    """IAM User Guide, Principal: S3 bucket policies may name a canonical user id."""
    other = account_client(lakebox_server, OTHER)
    put_policy(s3, bucket, _read_grant(bucket, {"CanonicalUser": other.list_buckets()["Owner"]["ID"]}))
    assert _readable(other, bucket)
    assert not _readable(account_client(lakebox_server, "444455556666"), bucket)


def test_a_service_principal_grants_no_account(lakebox_server, s3, bucket):
    put_policy(s3, bucket, _read_grant(bucket, {"Service": "logging.s3.amazonaws.com"}))
    assert not _readable(account_client(lakebox_server, OTHER), bucket)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is False
