"""An SSE-KMS object is written and read with its KMS key, and the key's policy decides
whether the caller may use it: S3 asks KMS for kms:GenerateDataKey on a PUT and
kms:Decrypt on a GET, as the caller, through S3 (`kms:ViaService`).

Sources: S3 User Guide, "Using server-side encryption with AWS KMS keys (SSE-KMS)"
(the requester needs kms:GenerateDataKey to upload and kms:Decrypt to download); KMS
Developer Guide, "kms:ViaService" (a service acting for the caller is named
`<service>.<region>.amazonaws.com`); S3's refusal as users quote it: 403 AccessDenied
"User: <arn> is not authorized to perform: kms:GenerateDataKey on this resource because
the resource does not exist in this Region, no resource-based policies allow access, or
a resource-based policy explicitly denies access".
"""
import json

import pytest
from botocore.config import Config

from s3_helpers import error_of

ACCOUNT = "000000000000"
NO_RETRY = Config(retries={"max_attempts": 0})
REFUSAL = ("User: {arn} is not authorized to perform: {action} on this resource because the resource does not "
           "exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly "
           "denies access")


@pytest.fixture(scope="module")
def kms(lakebox_server):
    return lakebox_server.client("kms")


def _root_statement():
    return {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}


def _key(kms, *statements):
    policy = {"Version": "2012-10-17", "Statement": [_root_statement(), *statements]}
    return kms.create_key(Policy=json.dumps(policy))["KeyMetadata"]


def _role_clients(lakebox_server, role):
    sts = lakebox_server.client("sts")
    credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{role}",
                                  RoleSessionName="app")["Credentials"]
    session = {"aws_access_key_id": credentials["AccessKeyId"],
               "aws_secret_access_key": credentials["SecretAccessKey"],
               "aws_session_token": credentials["SessionToken"], "config": NO_RETRY}
    return (lakebox_server.client("s3", **session), lakebox_server.client("kms", **session),
            f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/app")


def _deny(role, *actions, condition=None):
    statement = {"Sid": "DenyRole", "Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/{role}"},
                 "Action": list(actions), "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return statement


def test_a_role_the_key_policy_denies_cannot_upload_or_download(lakebox_server, s3, kms, make_bucket):
    key = _key(kms, _deny("uploader", "kms:GenerateDataKey"), _deny("reader", "kms:Decrypt"))
    bucket = make_bucket("ssekms-policy")
    s3.put_object(Bucket=bucket, Key="owned.txt", Body=b"by the owner", ServerSideEncryption="aws:kms",
                  SSEKMSKeyId=key["KeyId"])

    uploader, _, uploader_arn = _role_clients(lakebox_server, "uploader")
    code, status, response = error_of(uploader.put_object, Bucket=bucket, Key="new.txt", Body=b"x",
                                      ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"])
    assert (code, status) == ("AccessDenied", 403)
    assert response["Error"]["Message"] == REFUSAL.format(arn=uploader_arn, action="kms:GenerateDataKey")
    assert error_of(s3.head_object, Bucket=bucket, Key="new.txt")[0] == "404"      # nothing was written
    assert uploader.get_object(Bucket=bucket, Key="owned.txt")["Body"].read() == b"by the owner"

    reader, _, reader_arn = _role_clients(lakebox_server, "reader")
    code, status, response = error_of(reader.get_object, Bucket=bucket, Key="owned.txt")
    assert (code, status) == ("AccessDenied", 403)
    assert response["Error"]["Message"] == REFUSAL.format(arn=reader_arn, action="kms:Decrypt")
    reader.put_object(Bucket=bucket, Key="by-reader.txt", Body=b"mine", ServerSideEncryption="aws:kms",
                      SSEKMSKeyId=key["KeyId"])
    assert s3.get_object(Bucket=bucket, Key="by-reader.txt")["Body"].read() == b"mine"


def test_bucket_default_encryption_uses_the_key_as_the_caller(lakebox_server, s3, kms, make_bucket):
    key = _key(kms, _deny("batch", "kms:GenerateDataKey"))
    bucket = make_bucket("ssekms-default")
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key["Arn"]}}]})
    batch, _, batch_arn = _role_clients(lakebox_server, "batch")
    code, status, response = error_of(batch.put_object, Bucket=bucket, Key="k", Body=b"x")
    assert (code, status, response["Error"]["Message"]) == (
        "AccessDenied", 403, REFUSAL.format(arn=batch_arn, action="kms:GenerateDataKey"))
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert s3.head_object(Bucket=bucket, Key="k")["SSEKMSKeyId"] == key["Arn"]


def test_a_key_usable_only_through_s3(lakebox_server, s3, kms, make_bucket):
    """The KMS Developer Guide's kms:ViaService pattern: the role may decrypt only when
    S3 asks for it, never by calling KMS itself."""
    key = _key(kms, _deny("analyst", "kms:Decrypt", "kms:GenerateDataKey",
                          condition={"StringNotEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}))
    bucket = make_bucket("ssekms-via")
    analyst_s3, analyst_kms, analyst_arn = _role_clients(lakebox_server, "analyst")
    analyst_s3.put_object(Bucket=bucket, Key="report.csv", Body=b"a,b\n1,2\n", ServerSideEncryption="aws:kms",
                          SSEKMSKeyId=key["KeyId"])
    assert analyst_s3.get_object(Bucket=bucket, Key="report.csv")["Body"].read() == b"a,b\n1,2\n"

    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret")["CiphertextBlob"]
    code, status, response = error_of(analyst_kms.decrypt, CiphertextBlob=blob)
    assert (code, response["Error"]["Message"]) == (
        "AccessDeniedException",
        f"User: {analyst_arn} is not authorized to perform: kms:Decrypt on resource: {key['Arn']} "
        "with an explicit deny in a resource-based policy")
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"secret"
