"""Policy variables in bucket policies: one statement that gives each user their own
folder (`${aws:username}`, with `${s3:prefix}`-style listing conditions), and each role
session its team's folder (`${aws:PrincipalTag/team}` from AssumeRole's session tags).

Sources: IAM User Guide, "IAM policy elements: Variables and tags" (variables in Resource
and condition values, `${key, 'default'}`, no value matches nothing, Version 2012-10-17
only); S3 User Guide, "Bucket policy examples" ("Managing access to a user's folder");
IAM User Guide, "Passing session tags in AWS STS" (aws:PrincipalTag of a role session).
Users are keys declared with `--credentials` and a UserName, so their requests are
signed and their ARNs are `arn:aws:iam::<account>:user/<name>`.
"""
import json

import boto3
import pytest
from botocore.config import Config

from s3_helpers import error_of

OWNER, USERS = "111111111111", "222222222222"
NO_RETRY = Config(retries={"max_attempts": 0})
KEYS = {"owner": ("AKIAOWNER0000001", None), "alice": ("AKIAALICE0000001", "alice"),
        "bob": ("AKIABOB000000001", "bob"), "admin": ("AKIAADMIN0000001", None)}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from lakebox.testing import LakeboxServer, target_is_aws
    if target_is_aws():
        pytest.skip("declared users need lakebox's --credentials")
    declared = tmp_path_factory.mktemp("creds") / "credentials.json"
    declared.write_text(json.dumps([
        dict({"AccessKeyId": key, "SecretAccessKey": f"secret-{who}",
              "Account": OWNER if who == "owner" else USERS}, **({"UserName": name} if name else {}))
        for who, (key, name) in KEYS.items()]))
    with LakeboxServer(env={"LAKEBOX_CREDENTIALS": str(declared)}) as running:
        yield running


def _client(server, who, service="s3", **session):
    key = KEYS[who][0]
    return boto3.client(service, endpoint_url=server.endpoint, region_name="us-east-1", config=NO_RETRY,
                        aws_access_key_id=session.get("AccessKeyId", key),
                        aws_secret_access_key=session.get("SecretAccessKey", f"secret-{who}"),
                        aws_session_token=session.get("SessionToken"))


@pytest.fixture(scope="module")
def owner(server):
    return _client(server, "owner")


@pytest.fixture(scope="module")
def bucket(owner):
    owner.create_bucket(Bucket="home-folders")
    for key in ("home/alice/a.txt", "home/bob/b.txt", "teams/blue/plan.txt", "teams/red/plan.txt"):
        owner.put_object(Bucket="home-folders", Key=key, Body=key.encode())
    return "home-folders"


def _put_policy(owner, bucket, *statements):
    owner.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17",
                                                              "Statement": list(statements)}))


def _denied(call, **kwargs):
    assert error_of(call, **kwargs)[:2] == ("AccessDenied", 403)


def test_each_user_reads_writes_and_lists_only_their_own_folder(server, owner, bucket):
    _put_policy(owner, bucket, {
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{USERS}:root"},
        "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::{bucket}/home/${{aws:username}}/*"}, {
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{USERS}:root"}, "Action": "s3:ListBucket",
        "Resource": f"arn:aws:s3:::{bucket}", "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}})
    alice, bob = _client(server, "alice"), _client(server, "bob")
    assert alice.get_object(Bucket=bucket, Key="home/alice/a.txt")["Body"].read() == b"home/alice/a.txt"
    alice.put_object(Bucket=bucket, Key="home/alice/new.txt", Body=b"mine")
    assert [o["Key"] for o in alice.list_objects_v2(Bucket=bucket, Prefix="home/alice/")["Contents"]] == \
        ["home/alice/a.txt", "home/alice/new.txt"]
    _denied(alice.get_object, Bucket=bucket, Key="home/bob/b.txt")
    _denied(alice.put_object, Bucket=bucket, Key="home/bob/evil.txt", Body=b"x")
    _denied(alice.list_objects_v2, Bucket=bucket, Prefix="home/bob/")
    _denied(alice.list_objects_v2, Bucket=bucket)
    assert bob.get_object(Bucket=bucket, Key="home/bob/b.txt")["Body"].read() == b"home/bob/b.txt"
    _denied(bob.get_object, Bucket=bucket, Key="home/alice/new.txt")
    # a key of the same account with no user name has no ${aws:username}: nothing matches
    _denied(_client(server, "admin").get_object, Bucket=bucket, Key="home/alice/a.txt")


def test_a_deny_with_a_variable_fences_the_owners_own_users(server, owner, bucket):
    _put_policy(owner, bucket, {
        "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
        "NotResource": f"arn:aws:s3:::{bucket}/home/${{aws:username, 'shared'}}/*"})
    try:
        _denied(owner.put_object, Bucket=bucket, Key="home/alice/by-owner.txt", Body=b"x")
        owner.put_object(Bucket=bucket, Key="home/shared/by-owner.txt", Body=b"x")
    finally:
        owner.delete_bucket_policy(Bucket=bucket)


def test_a_role_session_reads_its_teams_folder_by_its_session_tag(server, owner, bucket):
    _put_policy(owner, bucket, {
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{USERS}:role/analyst"}, "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/teams/${{aws:PrincipalTag/team}}/*"})
    sts = _client(server, "alice", "sts")
    blue = sts.assume_role(RoleArn=f"arn:aws:iam::{USERS}:role/analyst", RoleSessionName="blue-run",
                           Tags=[{"Key": "team", "Value": "blue"}])["Credentials"]
    as_blue = _client(server, "alice", **blue)
    assert as_blue.get_object(Bucket=bucket, Key="teams/blue/plan.txt")["Body"].read() == b"teams/blue/plan.txt"
    _denied(as_blue.get_object, Bucket=bucket, Key="teams/red/plan.txt")
    untagged = sts.assume_role(RoleArn=f"arn:aws:iam::{USERS}:role/analyst", RoleSessionName="untagged")["Credentials"]
    _denied(_client(server, "alice", **untagged).get_object, Bucket=bucket, Key="teams/blue/plan.txt")


def test_transitive_session_tags_pass_to_a_chained_session(server, owner, bucket):
    _put_policy(owner, bucket, {
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{USERS}:role/second"}, "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/teams/${{aws:PrincipalTag/team}}/*"})
    first = _client(server, "alice", "sts").assume_role(
        RoleArn=f"arn:aws:iam::{USERS}:role/first", RoleSessionName="first-hop", Tags=[{"Key": "team", "Value": "red"}],
        TransitiveTagKeys=["team"])["Credentials"]
    second = _client(server, "alice", "sts", **first).assume_role(
        RoleArn=f"arn:aws:iam::{USERS}:role/second", RoleSessionName="second-hop")["Credentials"]
    as_second = _client(server, "alice", **second)
    assert as_second.get_object(Bucket=bucket, Key="teams/red/plan.txt")["Body"].read() == b"teams/red/plan.txt"
    _denied(as_second.get_object, Bucket=bucket, Key="teams/blue/plan.txt")


def test_a_declared_user_is_who_sts_says_it_is(server):
    identity = _client(server, "alice", "sts").get_caller_identity()
    assert (identity["Account"], identity["Arn"]) == (USERS, f"arn:aws:iam::{USERS}:user/alice")
