"""A key custodian lets the deploy pipeline's role hand out grants itself, within fences
the key policy writes with KMS's grant condition keys: grants only to the app role
(kms:GranteePrincipal), only for Decrypt and DescribeKey (ForAllValues kms:GrantOperations),
and only with an encryption context constraint (kms:GrantConstraintType). The pipeline
creates the grant the app needs; a grant to another role, for Encrypt, or without a
constraint is refused with KMS's AccessDeniedException."""
import json

import pytest

from sec_sessions import NO_RETRIES, session_client
from trip_helpers import error_of

ACCOUNT = "710987654321"
PIPELINE = f"arn:aws:iam::{ACCOUNT}:role/deploy-pipeline"
APP = f"arn:aws:iam::{ACCOUNT}:role/orders-app"
CONSTRAINT = {"EncryptionContextSubset": {"app": "orders"}}


def _policy():
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Custodian", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/custodian"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "PipelineGrants", "Effect": "Allow", "Principal": {"AWS": PIPELINE},
         "Action": "kms:CreateGrant", "Resource": "*",
         "Condition": {"StringEquals": {"kms:GranteePrincipal": APP},
                       "ForAllValues:StringEquals": {"kms:GrantOperations": ["Decrypt", "DescribeKey"]},
                       "ForAnyValue:StringEquals": {"kms:GrantConstraintType": ["EncryptionContextSubset",
                                                                                "EncryptionContextEquals"]}}}]})


@pytest.mark.local_only
def test_pipeline_creates_only_fenced_grants(lakebox_server):
    custodian = session_client(lakebox_server, ACCOUNT, f"arn:aws:iam::{ACCOUNT}:role/custodian", "keeper")
    pipeline = session_client(lakebox_server, ACCOUNT, PIPELINE, "release-12")
    app = session_client(lakebox_server, ACCOUNT, APP, "pod-1")
    key_arn = custodian.create_key(Policy=_policy(), Description="orders data")["KeyMetadata"]["Arn"]
    blob = custodian.encrypt(KeyId=key_arn, Plaintext=b"order 1001", EncryptionContext={"app": "orders"})[
        "CiphertextBlob"]
    denied = ("AccessDeniedException", f"User: arn:aws:sts::{ACCOUNT}:assumed-role/deploy-pipeline/release-12 is "
              f"not authorized to perform: kms:CreateGrant on resource: {key_arn} because no resource-based policy "
              "allows the kms:CreateGrant action")

    # outside the fences: another grantee, Encrypt, no constraint
    assert error_of(pipeline.create_grant, KeyId=key_arn, GranteePrincipal=f"arn:aws:iam::{ACCOUNT}:role/other",
                    Operations=["Decrypt"], Constraints=CONSTRAINT) == denied
    assert error_of(pipeline.create_grant, KeyId=key_arn, GranteePrincipal=APP, Operations=["Decrypt", "Encrypt"],
                    Constraints=CONSTRAINT) == denied
    assert error_of(pipeline.create_grant, KeyId=key_arn, GranteePrincipal=APP, Operations=["Decrypt"]) == denied
    assert error_of(app.decrypt, CiphertextBlob=blob, EncryptionContext={"app": "orders"})[0] == \
        "AccessDeniedException"

    # inside them: the app decrypts its own data, and only with its context
    grant = pipeline.create_grant(KeyId=key_arn, GranteePrincipal=APP, Operations=["Decrypt", "DescribeKey"],
                                  Constraints=CONSTRAINT, Name="orders-app-release-12")
    assert app.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "orders"})["Plaintext"] == b"order 1001"
    assert app.describe_key(KeyId=key_arn)["KeyMetadata"]["Arn"] == key_arn
    listed = custodian.list_grants(KeyId=key_arn)["Grants"]
    assert [(g["GrantId"], g["GranteePrincipal"], sorted(g["Operations"]), g["Constraints"]) for g in listed] == [
        (grant["GrantId"], APP, ["Decrypt", "DescribeKey"], CONSTRAINT)]
