"""The STS basics flow of AWS's Python examples, step by step: who am I, assume a role
and check the new identity, inspect access keys, get a session token and a federation
token (and use it), and the DecodeAuthorizationMessage error path the example catches."""
import json

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
