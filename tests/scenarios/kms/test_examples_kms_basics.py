"""The flow of AWS's KMS basics scenario for Python (awsdocs/aws-doc-sdk-examples,
python/example_code/kms/scenarios/kms_basics_scenario.py), step by step with boto3:
list keys through the paginator, create a key, alias it, put a root-account key policy
(account from STS), enable rotation with a period, envelope-encrypt with a data key,
re-encrypt it under a second key, move the alias, list policies, disable rotation,
delete the alias and schedule both keys for deletion. The errors asserted are the ones
the example catches by code."""
import json
import uuid

import pytest


def _root_policy(account):
    return json.dumps({
        "Version": "2012-10-17",
        "Id": "key-policy-1",
        "Statement": [{
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }],
    })


def _all_key_ids(kms):
    return [key["KeyId"] for page in kms.get_paginator("list_keys").paginate() for key in page["Keys"]]


def test_kms_basics_scenario_runs_end_to_end(kms, client):
    account = client("sts").get_caller_identity()["Account"]
    alias = f"alias/kms-basics-{uuid.uuid4().hex[:8]}"

    first = kms.create_key(Description="KMS Basics scenario key (primary)", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    assert first["KeyState"] == "Enabled"
    assert first["Arn"] == f"arn:aws:kms:us-east-1:{account}:key/{first['KeyId']}"
    assert first["KeyId"] in _all_key_ids(kms)

    kms.create_alias(AliasName=alias, TargetKeyId=first["KeyId"])
    kms.put_key_policy(KeyId=first["KeyId"], PolicyName="default", Policy=_root_policy(account))
    stored = json.loads(kms.get_key_policy(KeyId=first["KeyId"], PolicyName="default")["Policy"])
    assert stored["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{account}:root"}

    kms.enable_key_rotation(KeyId=first["KeyId"], RotationPeriodInDays=180)
    rotation = kms.get_key_rotation_status(KeyId=first["KeyId"])
    assert rotation["KeyRotationEnabled"] is True and rotation["RotationPeriodInDays"] == 180

    data_key = kms.generate_data_key(KeyId=first["KeyId"], KeySpec="AES_256")
    assert data_key["KeyId"] == first["Arn"]
    assert len(data_key["Plaintext"]) == 32

    second = kms.create_key(Description="KMS Basics scenario key (secondary)", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    moved = kms.re_encrypt(CiphertextBlob=data_key["CiphertextBlob"], DestinationKeyId=second["KeyId"],
                           SourceKeyId=first["KeyId"])
    assert moved["SourceKeyId"] == first["Arn"] and moved["KeyId"] == second["Arn"]
    assert kms.decrypt(CiphertextBlob=moved["CiphertextBlob"])["Plaintext"] == data_key["Plaintext"]

    kms.update_alias(AliasName=alias, TargetKeyId=second["KeyId"])
    assert kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"] == second["KeyId"]

    assert kms.list_key_policies(KeyId=first["KeyId"])["PolicyNames"] == ["default"]
    kms.disable_key_rotation(KeyId=first["KeyId"])
    assert kms.get_key_rotation_status(KeyId=first["KeyId"])["KeyRotationEnabled"] is False

    kms.delete_alias(AliasName=alias)
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.delete_alias(AliasName=alias)
    for key in (first, second):
        scheduled = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
        assert scheduled["KeyState"] == "PendingDeletion" and scheduled["PendingWindowInDays"] == 7
        assert "DeletionDate" in scheduled


def test_the_errors_the_kms_example_catches(kms, make_key):
    key = make_key()
    alias = f"alias/kms-basics-{uuid.uuid4().hex[:8]}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    with pytest.raises(kms.exceptions.AlreadyExistsException):
        kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    with pytest.raises(kms.exceptions.MalformedPolicyDocumentException):
        kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy="{not json")
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(kms.exceptions.DisabledException):
        kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
    asymmetric = make_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
    with pytest.raises(kms.exceptions.UnsupportedOperationException):
        kms.enable_key_rotation(KeyId=asymmetric["KeyId"])
    kms.delete_alias(AliasName=alias)
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.update_alias(AliasName=alias, TargetKeyId=key["KeyId"])
