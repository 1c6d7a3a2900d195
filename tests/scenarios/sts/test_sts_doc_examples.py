"""The STS API reference's examples (botocore's sts/2011-06-15/examples-1.json, and the
aws cli's sts examples), replayed with boto3 as written: AssumeRole with a session
policy, session tags and an external id, GetFederationToken with a policy and tags,
GetSessionToken with an MFA device, and GetCallerIdentity as the assumed role and as the
federated user. Keys, tokens and expirations are compared by shape; the identities the
pages show, exactly."""
import datetime
import json

import pytest

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "Stmt1", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]})


@pytest.fixture
def sts(client):
    return client("sts")


def _session_client(lakebox_server, credentials):
    return lakebox_server.client("sts", aws_access_key_id=credentials["AccessKeyId"],
                                 aws_secret_access_key=credentials["SecretAccessKey"],
                                 aws_session_token=credentials["SessionToken"])


def _assert_credentials(credentials):
    assert credentials["AccessKeyId"].startswith("ASIA") and len(credentials["SecretAccessKey"]) == 40
    assert credentials["SessionToken"] and isinstance(credentials["Expiration"], datetime.datetime)


def test_assume_role_example(lakebox_server, sts):
    answer = sts.assume_role(
        ExternalId="123ABC", Policy=POLICY, RoleArn="arn:aws:iam::123456789012:role/demo",
        RoleSessionName="testAssumeRoleSession",
        Tags=[{"Key": "Project", "Value": "Unicorn"}, {"Key": "Team", "Value": "Automation"},
              {"Key": "Cost-Center", "Value": "12345"}],
        TransitiveTagKeys=["Project", "Cost-Center"])
    _assert_credentials(answer["Credentials"])
    user = answer["AssumedRoleUser"]
    assert user["Arn"] == "arn:aws:sts::123456789012:assumed-role/demo/testAssumeRoleSession"
    assert user["AssumedRoleId"].startswith("ARO") and user["AssumedRoleId"].endswith(":testAssumeRoleSession")
    assert 0 < answer["PackedPolicySize"] <= 100
    me = _session_client(lakebox_server, answer["Credentials"]).get_caller_identity()
    assert (me["Account"], me["Arn"], me["UserId"]) == ("123456789012", user["Arn"], user["AssumedRoleId"])


def test_assume_role_cli_example_without_policy_or_tags_has_no_packed_size(sts):
    answer = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/xaccounts3access",
                             RoleSessionName="s3-access-example")
    assert answer["AssumedRoleUser"]["Arn"] == (
        "arn:aws:sts::123456789012:assumed-role/xaccounts3access/s3-access-example")
    assert "PackedPolicySize" not in answer


def test_get_federation_token_example(lakebox_server, sts):
    answer = sts.get_federation_token(DurationSeconds=3600, Name="testFedUserSession", Policy=POLICY,
                                      Tags=[{"Key": "Project", "Value": "Pegasus"},
                                            {"Key": "Cost-Center", "Value": "98765"}])
    _assert_credentials(answer["Credentials"])
    account = sts.get_caller_identity()["Account"]
    assert answer["FederatedUser"] == {"Arn": f"arn:aws:sts::{account}:federated-user/testFedUserSession",
                                       "FederatedUserId": f"{account}:testFedUserSession"}
    assert 0 < answer["PackedPolicySize"] <= 100
    me = _session_client(lakebox_server, answer["Credentials"]).get_caller_identity()
    assert (me["Account"], me["Arn"], me["UserId"]) == (
        account, answer["FederatedUser"]["Arn"], answer["FederatedUser"]["FederatedUserId"])


def test_get_session_token_example_with_an_mfa_device(sts):
    answer = sts.get_session_token(DurationSeconds=3600, SerialNumber="YourMFASerialNumber", TokenCode="123456")
    assert sorted(k for k in answer if k != "ResponseMetadata") == ["Credentials"]
    _assert_credentials(answer["Credentials"])
