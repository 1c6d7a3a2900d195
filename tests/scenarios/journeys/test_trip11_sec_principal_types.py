"""A platform team hands out three kinds of credentials in one account: the account's
own keys for the break-glass admin, an assumed role for the ETL job, and a federated
user (GetFederationToken) for a contractor's upload tool. Each checks who it is with
GetCallerIdentity; one KMS key's policy then tells them apart by aws:PrincipalType
(Account, AssumedRole, FederatedUser, the IAM User Guide's values): the admin manages
the key, the ETL role decrypts, the contractor may only encrypt."""
import json
import re

import boto3
import pytest
from botocore.config import Config

from trip_helpers import REGION, error_of

ACCOUNT = "610987654321"
NO_RETRIES = Config(retries={"total_max_attempts": 1})


def _policy():
    def allow(sid, kind, actions):
        return {"Sid": sid, "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": actions, "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalType": kind}}}
    return json.dumps({"Version": "2012-10-17", "Statement": [
        allow("BreakGlass", "Account", "kms:*"), allow("Etl", "AssumedRole", ["kms:Decrypt"]),
        allow("Contractor", "FederatedUser", ["kms:Encrypt", "kms:GenerateDataKey"])]})


def _with(lakebox_server, creds, service):
    return boto3.client(service, endpoint_url=lakebox_server.endpoint, region_name=REGION, config=NO_RETRIES,
                        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


@pytest.mark.local_only
def test_principal_types_in_a_key_policy(lakebox_server):
    sts = lakebox_server.client("sts", aws_access_key_id=ACCOUNT, aws_secret_access_key="x", config=NO_RETRIES)
    admin = lakebox_server.client("kms", aws_access_key_id=ACCOUNT, aws_secret_access_key="x", config=NO_RETRIES)
    root = sts.get_caller_identity()
    assert (root["Account"], root["Arn"], root["UserId"]) == (ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT)

    assumed = sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/etl", RoleSessionName="etl@night.1")
    etl_sts, etl = _with(lakebox_server, assumed["Credentials"], "sts"), _with(lakebox_server, assumed["Credentials"], "kms")
    me = etl_sts.get_caller_identity()
    assert me["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/etl/etl@night.1" == assumed["AssumedRoleUser"]["Arn"]
    assert me["UserId"] == assumed["AssumedRoleUser"]["AssumedRoleId"]
    assert re.fullmatch(r"AROA[A-Z0-9]{17}:etl@night\.1", me["UserId"]) and me["Account"] == ACCOUNT

    # a federated user's session has only what its session policy allows, and the key policy too
    tool_policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}]})
    federated = sts.get_federation_token(Name="contractor-ana", DurationSeconds=900, Policy=tool_policy)
    upload_sts = _with(lakebox_server, federated["Credentials"], "sts")
    upload = _with(lakebox_server, federated["Credentials"], "kms")
    who = upload_sts.get_caller_identity()
    who.pop("ResponseMetadata")
    assert who == {"UserId": f"{ACCOUNT}:contractor-ana", "Account": ACCOUNT,
                   "Arn": f"arn:aws:sts::{ACCOUNT}:federated-user/contractor-ana"}

    key_id = admin.create_key(Policy=_policy(), Description="uploads")["KeyMetadata"]["KeyId"]
    key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}"

    def denied(who, action):
        return ("AccessDeniedException", f"User: {who} is not authorized to perform: kms:{action} on resource: "
                f"{key_arn} because no resource-based policy allows the kms:{action} action")

    # the contractor encrypts, and cannot read back
    blob = upload.encrypt(KeyId=key_id, Plaintext=b"invoice-77.pdf", EncryptionContext={"upload": "77"})[
        "CiphertextBlob"]
    contractor = f"arn:aws:sts::{ACCOUNT}:federated-user/contractor-ana"
    assert error_of(upload.decrypt, CiphertextBlob=blob, EncryptionContext={"upload": "77"}) == \
        denied(contractor, "Decrypt")
    assert error_of(upload.describe_key, KeyId=key_id) == denied(contractor, "DescribeKey")
    # the ETL role decrypts, and cannot encrypt
    assert etl.decrypt(CiphertextBlob=blob, EncryptionContext={"upload": "77"})["Plaintext"] == b"invoice-77.pdf"
    assert error_of(etl.encrypt, KeyId=key_id, Plaintext=b"x") == \
        denied(f"arn:aws:sts::{ACCOUNT}:assumed-role/etl/etl@night.1", "Encrypt")
    # the session policy reaches only the keys it names: a second key of the same policy, not named, is refused
    # by the session policy, the refusal naming the key
    scoped = admin.create_key(Policy=_policy(), Description="scoped")["KeyMetadata"]["Arn"]
    scoped_policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "kms:Encrypt", "Resource": key_arn}]})
    narrow = _with(lakebox_server, sts.get_federation_token(Name="contractor-bo", Policy=scoped_policy)[
        "Credentials"], "kms")
    assert narrow.encrypt(KeyId=key_arn, Plaintext=b"ok")["KeyId"] == key_arn
    assert error_of(narrow.encrypt, KeyId=scoped, Plaintext=b"no") == (
        "AccessDeniedException", f"User: arn:aws:sts::{ACCOUNT}:federated-user/contractor-bo is not authorized to "
        f"perform: kms:Encrypt on resource: {scoped} because no session policy allows the kms:Encrypt action")

    # the break-glass admin manages it
    assert admin.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"] == key_arn
    assert admin.list_key_policies(KeyId=key_id)["PolicyNames"] == ["default"]
