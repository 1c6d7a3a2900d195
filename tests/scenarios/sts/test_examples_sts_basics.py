"""The STS basics flow of AWS's Python examples, step by step: who am I, assume a role
and check the new identity, inspect access keys, get a session token and a federation
token (and use it), and the DecodeAuthorizationMessage error path the example catches;
then the assume-role and session-token demos, which list buckets with the temporary
credentials."""
import json
import uuid

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/sts-basics-scenario-role-1a2b3c4d"


@pytest.fixture
def sts(lakebox_server):
    return lakebox_server.client("sts", aws_access_key_id="AKIAIOSFODNN7EXAMPLE")


def _client_with(lakebox_server, credentials):
    return lakebox_server.client("sts", aws_access_key_id=credentials["AccessKeyId"],
                                 aws_secret_access_key=credentials["SecretAccessKey"],
                                 aws_session_token=credentials["SessionToken"])


def test_basics_flow(lakebox_server, sts):
    original = sts.get_caller_identity()
    assert set(original) >= {"Account", "Arn", "UserId"}

    assumed = sts.assume_role(RoleArn=ROLE, RoleSessionName="sts-basics-session", DurationSeconds=900)
    credentials = assumed["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert assumed["AssumedRoleUser"]["Arn"] == \
        "arn:aws:sts::123456789012:assumed-role/sts-basics-scenario-role-1a2b3c4d/sts-basics-session"

    as_role = _client_with(lakebox_server, credentials).get_caller_identity()
    assert as_role["Account"] == "123456789012"
    assert as_role["Arn"] == assumed["AssumedRoleUser"]["Arn"]
    assert as_role["UserId"] == assumed["AssumedRoleUser"]["AssumedRoleId"]

    assert sts.get_access_key_info(AccessKeyId=credentials["AccessKeyId"])["Account"] == "123456789012"
    assert sts.get_access_key_info(AccessKeyId="AKIAIOSFODNN7EXAMPLE")["Account"].isdigit()

    session = sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert session["AccessKeyId"].startswith("ASIA")
    assert set(session) == {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}

    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}]})
    federated = sts.get_federation_token(Name="sts-basics-federated-user", DurationSeconds=900, Policy=policy)
    user = federated["FederatedUser"]
    assert user["Arn"] == f"arn:aws:sts::{original['Account']}:federated-user/sts-basics-federated-user"
    assert user["FederatedUserId"] == f"{original['Account']}:sts-basics-federated-user"
    as_federated = _client_with(lakebox_server, federated["Credentials"]).get_caller_identity()
    assert as_federated["Arn"] == user["Arn"]

    with pytest.raises(ClientError) as caught:
        sts.decode_authorization_message(EncodedMessage="This-is-not-a-valid-encoded-message")
    assert caught.value.response["Error"]["Code"] == "InvalidAuthorizationMessageException"

    assert sts.get_caller_identity()["Arn"] == original["Arn"]


def test_cli_assume_role_then_act_as_it(lakebox_server):
    from aws_cli import answer_of, run_cli
    assumed = answer_of(run_cli(lakebox_server, "sts", "assume-role", "--role-arn", ROLE,
                                "--role-session-name", "cli-session"))
    identity = answer_of(run_cli(lakebox_server, "sts", "get-caller-identity", credentials=assumed["Credentials"]))
    assert identity["Arn"] == assumed["AssumedRoleUser"]["Arn"]


def _s3_resource(lakebox_server, credentials):
    import boto3
    session = boto3.Session(aws_access_key_id=credentials["AccessKeyId"],
                            aws_secret_access_key=credentials["SecretAccessKey"],
                            aws_session_token=credentials["SessionToken"], region_name="us-east-1")
    kwargs = {"endpoint_url": lakebox_server.endpoint} if lakebox_server.endpoint else {}
    return session.resource("s3", **kwargs)


def test_assume_role_then_list_the_roles_account_buckets(lakebox_server):
    """The assume-role demo: the role may list buckets and nothing more; its temporary
    credentials see the role's account's buckets."""
    owner = lakebox_server.client("s3", aws_access_key_id="123456789012")
    bucket = f"aws-assume-role-demo-{uuid.uuid4().hex[:12]}"
    owner.create_bucket(Bucket=bucket)
    try:
        only_listing = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "arn:aws:s3:::*"}]})
        sts = lakebox_server.client("sts", aws_access_key_id="123456789012")
        credentials = sts.assume_role(RoleArn=ROLE, RoleSessionName="AssumeRoleDemoSession",
                                      Policy=only_listing)["Credentials"]
        s3_resource = _s3_resource(lakebox_server, credentials)
        assert bucket in [b.name for b in s3_resource.buckets.all()]
        with pytest.raises(ClientError) as caught:
            s3_resource.Bucket(bucket).put_object(Key="not-allowed.txt", Body=b"x")
        assert caught.value.response["Error"]["Code"] == "AccessDenied"
    finally:
        owner.delete_bucket(Bucket=bucket)


def test_session_token_credentials_act_as_the_caller(lakebox_server):
    """The session-token demo: GetSessionToken's credentials list the caller's buckets."""
    owner = lakebox_server.client("s3", aws_access_key_id="210987654321")
    bucket = f"session-token-demo-{uuid.uuid4().hex[:12]}"
    owner.create_bucket(Bucket=bucket)
    try:
        sts = lakebox_server.client("sts", aws_access_key_id="210987654321")
        credentials = sts.get_session_token(DurationSeconds=900)["Credentials"]
        assert _client_with(lakebox_server, credentials).get_caller_identity()["Account"] == "210987654321"
        assert bucket in [b.name for b in _s3_resource(lakebox_server, credentials).buckets.all()]
    finally:
        owner.delete_bucket(Bucket=bucket)
