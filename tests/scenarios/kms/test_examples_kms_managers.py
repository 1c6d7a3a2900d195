"""The flows of AWS's older KMS demos for Python (awsdocs/aws-doc-sdk-examples,
python/example_code/kms): key_management (create, list through the paginator, describe,
generate a data key, disable/enable, schedule deletion), alias_management (aliases listed
through the paginator, created, updated, deleted), key_encryption (encrypt text, decrypt
it, re-encrypt under another key), key_policies (read the default policy as JSON, add a
statement, put it back) and grant_management (a GenerateDataKey grant for a role, listed
through the paginator, retired by its token or revoked by id)."""
import json
import uuid

import pytest


def _aliases(kms, **args):
    return [a for page in kms.get_paginator("list_aliases").paginate(**args) for a in page["Aliases"]]


def _grants(kms, key_id):
    return [g for page in kms.get_paginator("list_grants").paginate(KeyId=key_id) for g in page["Grants"]]


def test_key_management_demo(kms, make_key):
    key = make_key(Description="key management demo")
    listed = [k for page in kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 10})
              for k in page["Keys"]]
    assert {"KeyId": key["KeyId"], "KeyArn": key["Arn"]} in listed
    assert kms.describe_key(KeyId=key["Arn"])["KeyMetadata"]["Description"] == "key management demo"
    data_key = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
    assert kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == data_key["Plaintext"]

    kms.disable_key(KeyId=key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


def test_alias_management_demo(kms, make_key):
    first, second = make_key(), make_key()
    alias = f"alias/alias-demo-{uuid.uuid4().hex[:8]}"
    kms.create_alias(AliasName=alias, TargetKeyId=first["KeyId"])
    found = [a for a in _aliases(kms, PaginationConfig={"PageSize": 10}) if a["AliasName"] == alias]
    assert found[0]["TargetKeyId"] == first["KeyId"]
    assert found[0]["AliasArn"].endswith(f":{alias}")
    kms.update_alias(AliasName=alias, TargetKeyId=second["KeyId"])
    assert [a["AliasName"] for a in _aliases(kms, KeyId=second["KeyId"])] == [alias]
    kms.delete_alias(AliasName=alias)
    assert _aliases(kms, KeyId=second["KeyId"]) == []


def test_key_encryption_demo(kms, make_key):
    first, second = make_key(), make_key()
    text = "Here is some text to encrypt."
    cipher = kms.encrypt(KeyId=first["KeyId"], Plaintext=text.encode())["CiphertextBlob"]
    assert kms.decrypt(KeyId=first["KeyId"], CiphertextBlob=cipher)["Plaintext"].decode() == text
    moved = kms.re_encrypt(CiphertextBlob=cipher, DestinationKeyId=second["KeyId"])["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=moved)["Plaintext"].decode() == text
    with pytest.raises(kms.exceptions.IncorrectKeyException):
        kms.decrypt(KeyId=first["KeyId"], CiphertextBlob=moved)


def test_key_policies_demo(kms, make_key, client):
    key = make_key()
    assert kms.list_key_policies(KeyId=key["KeyId"])["PolicyNames"] == ["default"]
    policy = json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
    account = client("sts").get_caller_identity()["Account"]
    policy["Statement"].append({
        "Sid": "Allow access for ExampleUser", "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": ["kms:Encrypt", "kms:GenerateDataKey*", "kms:Decrypt", "kms:DescribeKey", "kms:ReEncrypt*"],
        "Resource": "*"})
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(policy))
    stored = json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
    assert [s["Sid"] for s in stored["Statement"]][-1] == "Allow access for ExampleUser"


def test_grant_management_demo(kms, make_key, client):
    key = make_key()
    account = client("sts").get_caller_identity()["Account"]
    role = f"arn:aws:iam::{account}:role/grant-demo"
    retired = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=role, Operations=["GenerateDataKey"])
    revoked = kms.create_grant(KeyId=key["Arn"], GranteePrincipal=role, Operations=["GenerateDataKey"])
    assert retired["GrantToken"] and retired["GrantId"] != revoked["GrantId"]
    grants = {g["GrantId"]: g for g in _grants(kms, key["KeyId"])}
    assert set(grants) == {retired["GrantId"], revoked["GrantId"]}
    assert grants[retired["GrantId"]]["GranteePrincipal"] == role
    assert grants[retired["GrantId"]]["Operations"] == ["GenerateDataKey"]
    assert grants[retired["GrantId"]]["KeyId"] == key["Arn"]

    kms.retire_grant(GrantToken=retired["GrantToken"])
    kms.revoke_grant(KeyId=key["KeyId"], GrantId=revoked["GrantId"])
    assert _grants(kms, key["KeyId"]) == []


def test_interactive_kms_scenario_signs_tags_and_grants(kms, make_key, client):
    key = make_key(Description="Created by the AWS KMS API")
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Enabled"] is True
    encrypted = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"Hello, AWS KMS!")
    assert encrypted["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    kms.enable_key_rotation(KeyId=key["KeyId"])
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["RotationPeriodInDays"] == 365

    first_page = next(iter(kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 10})))
    assert isinstance(first_page["Truncated"], bool)

    account = client("sts").get_caller_identity()["Account"]
    grant = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=f"arn:aws:iam::{account}:root",
                             Operations=["Encrypt", "Decrypt", "DescribeKey"])
    assert [g["GrantId"] for g in _grants(kms, key["KeyId"])] == [grant["GrantId"]]
    kms.revoke_grant(KeyId=key["KeyId"], GrantId=grant["GrantId"])
    assert kms.decrypt(KeyId=key["KeyId"], CiphertextBlob=encrypted["CiphertextBlob"])["Plaintext"] == b"Hello, AWS KMS!"

    signer = make_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY", Origin="AWS_KMS")
    message = b"Here is the message that will be digitally signed"
    signature = kms.sign(KeyId=signer["KeyId"], Message=message, SigningAlgorithm="RSASSA_PSS_SHA_256")["Signature"]
    verified = kms.verify(KeyId=signer["KeyId"], Message=message, Signature=signature,
                          SigningAlgorithm="RSASSA_PSS_SHA_256")
    assert verified["SignatureValid"] is True
    with pytest.raises(kms.exceptions.KMSInvalidSignatureException):
        kms.verify(KeyId=signer["KeyId"], Message=b"another message", Signature=signature,
                   SigningAlgorithm="RSASSA_PSS_SHA_256")

    kms.tag_resource(KeyId=key["KeyId"], Tags=[{"TagKey": "Environment", "TagValue": "Production"}])
    assert kms.list_resource_tags(KeyId=key["KeyId"])["Tags"] == [{"TagKey": "Environment", "TagValue": "Production"}]
