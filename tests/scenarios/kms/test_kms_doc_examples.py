"""The KMS API reference's examples (each action's "Examples", as botocore ships them in
kms/2014-11-01/examples-1.json, and the aws cli's kms examples), replayed with boto3 as
written, with names, ids and accounts adapted. Every field the page shows is compared;
ids, ARNs, dates and binary values are compared by shape only. Fields AWS has added
since a page was written (KeySpec on older pages, CurrentKeyMaterialId, KeyMaterialId,
EncryptionAlgorithm) are present, as AWS answers today."""
import json
import uuid

import pytest

from kms_helpers import error_of

SYMMETRIC = {"CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "KeySpec": "SYMMETRIC_DEFAULT", "Description": "",
             "Enabled": True, "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "KeyManager": "CUSTOMER",
             "KeyState": "Enabled", "KeyUsage": "ENCRYPT_DECRYPT", "MultiRegion": False, "Origin": "AWS_KMS"}
RSA_SIGNING = ["RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
               "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"]

# CreateKey's examples: the request, and the KeyMetadata fields the page shows.
CREATE_KEY = [
    ({}, SYMMETRIC),
    ({"KeySpec": "RSA_4096", "KeyUsage": "ENCRYPT_DECRYPT"},
     {**SYMMETRIC, "CustomerMasterKeySpec": "RSA_4096", "KeySpec": "RSA_4096",
      "EncryptionAlgorithms": ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]}),
    ({"KeySpec": "ECC_NIST_P521", "KeyUsage": "SIGN_VERIFY"},
     {**{k: v for k, v in SYMMETRIC.items() if k != "EncryptionAlgorithms"}, "CustomerMasterKeySpec": "ECC_NIST_P521",
      "KeySpec": "ECC_NIST_P521", "KeyUsage": "SIGN_VERIFY", "SigningAlgorithms": ["ECDSA_SHA_512"]}),
    ({"MultiRegion": True}, {**SYMMETRIC, "MultiRegion": True}),
    ({"Origin": "EXTERNAL"}, {**SYMMETRIC, "Enabled": False, "KeyState": "PendingImport", "Origin": "EXTERNAL"}),
    ({"KeySpec": "HMAC_384", "KeyUsage": "GENERATE_VERIFY_MAC"},
     {**{k: v for k, v in SYMMETRIC.items() if k != "EncryptionAlgorithms"}, "CustomerMasterKeySpec": "HMAC_384",
      "KeySpec": "HMAC_384", "KeyUsage": "GENERATE_VERIFY_MAC", "MacAlgorithms": ["HMAC_SHA_384"]}),
]


def _shown(metadata, expected):
    return {name: metadata.get(name) for name in expected}


@pytest.mark.parametrize("request_args, expected", CREATE_KEY, ids=lambda v: json.dumps(v)[:40])
def test_create_key_and_describe_key_examples(kms, make_key, request_args, expected):
    metadata = make_key(**request_args)
    assert _shown(metadata, expected) == expected
    assert metadata["Arn"] == f"arn:aws:kms:us-east-1:{metadata['AWSAccountId']}:key/{metadata['KeyId']}"
    described = kms.describe_key(KeyId=metadata["KeyId"])["KeyMetadata"]
    assert _shown(described, expected) == expected


def test_create_key_multi_region_example_names_itself_primary(make_key):
    metadata = make_key(MultiRegion=True)
    assert metadata["KeyId"].startswith("mrk-")
    assert metadata["MultiRegionConfiguration"] == {
        "MultiRegionKeyType": "PRIMARY", "PrimaryKey": {"Arn": metadata["Arn"], "Region": "us-east-1"},
        "ReplicaKeys": []}


def test_describe_key_example_of_a_disabled_rsa_signing_key_lists_its_algorithms_in_aws_order(kms, make_key):
    key_id = make_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyId"]
    assert kms.get_public_key(KeyId=key_id)["SigningAlgorithms"] == RSA_SIGNING
    kms.disable_key(KeyId=key_id)
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (metadata["Enabled"], metadata["KeyState"], metadata["KeyUsage"]) == (False, "Disabled", "SIGN_VERIFY")
    assert metadata["SigningAlgorithms"] == RSA_SIGNING
    assert "EncryptionAlgorithms" not in metadata


def test_describe_key_example_of_an_hmac_key(kms, make_key):
    key_id = make_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC", Description="Development test key")["KeyId"]
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (metadata["Description"], metadata["MacAlgorithms"], metadata["KeyUsage"]) == (
        "Development test key", ["HMAC_SHA_256"], "GENERATE_VERIFY_MAC")


def test_get_key_policy_example_shows_the_default_policy_as_aws_prints_it(kms, make_key):
    metadata = make_key()
    policy = kms.get_key_policy(KeyId=metadata["KeyId"], PolicyName="default")["Policy"]
    account = metadata["AWSAccountId"]
    assert policy == (
        '{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {\n'
        '    "Sid" : "Enable IAM User Permissions",\n    "Effect" : "Allow",\n    "Principal" : {\n'
        f'      "AWS" : "arn:aws:iam::{account}:root"\n    }},\n    "Action" : "kms:*",\n    "Resource" : "*"\n'
        '  } ]\n}')
    listed = kms.list_key_policies(KeyId=metadata["KeyId"])
    assert (listed["PolicyNames"], listed["Truncated"]) == (["default"], False)


def test_encrypt_decrypt_and_re_encrypt_examples(kms, make_key):
    first, second = make_key(), make_key()
    encrypted = kms.encrypt(KeyId=first["KeyId"], Plaintext=b"<binary data>")
    assert encrypted["KeyId"] == first["Arn"]
    decrypted = kms.decrypt(CiphertextBlob=encrypted["CiphertextBlob"], KeyId=first["Arn"])
    assert (decrypted["KeyId"], decrypted["Plaintext"]) == (first["Arn"], b"<binary data>")
    moved = kms.re_encrypt(CiphertextBlob=encrypted["CiphertextBlob"], DestinationKeyId=second["KeyId"])
    assert (moved["KeyId"], moved["SourceKeyId"]) == (second["Arn"], first["Arn"])


def test_data_key_examples_by_alias(kms, make_key):
    key = make_key()
    alias = f"alias/ExampleAlias-{uuid.uuid4().hex[:8]}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    try:
        with_plaintext = kms.generate_data_key(KeyId=alias, KeySpec="AES_256")
        assert with_plaintext["KeyId"] == key["Arn"] and len(with_plaintext["Plaintext"]) == 32
        without = kms.generate_data_key_without_plaintext(KeyId=alias, KeySpec="AES_256")
        assert without["KeyId"] == key["Arn"] and "Plaintext" not in without and without["CiphertextBlob"]
    finally:
        kms.delete_alias(AliasName=alias)


@pytest.mark.parametrize("operation, spec", [("generate_data_key_pair", "RSA_3072"),
                                             ("generate_data_key_pair_without_plaintext", "ECC_NIST_P521")])
def test_data_key_pair_examples(kms, make_key, operation, spec):
    key = make_key()
    answer = getattr(kms, operation)(KeyId=key["Arn"], KeyPairSpec=spec)
    assert (answer["KeyId"], answer["KeyPairSpec"]) == (key["Arn"], spec)
    assert answer["PrivateKeyCiphertextBlob"] and answer["PublicKey"]
    assert ("PrivateKeyPlaintext" in answer) == (operation == "generate_data_key_pair")


def test_mac_examples(kms, make_key):
    key = make_key(KeySpec="HMAC_384", KeyUsage="GENERATE_VERIFY_MAC")
    mac = kms.generate_mac(KeyId=key["KeyId"], MacAlgorithm="HMAC_SHA_384", Message=b"Hello World")
    assert (mac["KeyId"], mac["MacAlgorithm"]) == (key["Arn"], "HMAC_SHA_384")
    verified = kms.verify_mac(KeyId=key["KeyId"], MacAlgorithm="HMAC_SHA_384", Message=b"Hello World", Mac=mac["Mac"])
    assert (verified["KeyId"], verified["MacAlgorithm"], verified["MacValid"]) == (key["Arn"], "HMAC_SHA_384", True)


def test_sign_and_verify_examples_by_alias(kms, make_key):
    key = make_key(KeySpec="ECC_NIST_P384", KeyUsage="SIGN_VERIFY")
    alias = f"alias/ECC_signing_key-{uuid.uuid4().hex[:8]}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    try:
        signed = kms.sign(KeyId=alias, Message=b"<message to be signed>", MessageType="RAW",
                          SigningAlgorithm="ECDSA_SHA_384")
        assert (signed["KeyId"], signed["SigningAlgorithm"]) == (key["Arn"], "ECDSA_SHA_384")
        verified = kms.verify(KeyId=alias, Message=b"<message to be signed>", MessageType="RAW",
                              Signature=signed["Signature"], SigningAlgorithm="ECDSA_SHA_384")
        assert (verified["KeyId"], verified["SignatureValid"], verified["SigningAlgorithm"]) == (
            key["Arn"], True, "ECDSA_SHA_384")
    finally:
        kms.delete_alias(AliasName=alias)


def test_get_public_key_example(kms, make_key):
    key = make_key(KeySpec="RSA_4096", KeyUsage="ENCRYPT_DECRYPT")
    answer = kms.get_public_key(KeyId=key["Arn"])
    assert (answer["KeyId"], answer["CustomerMasterKeySpec"], answer["KeyUsage"], answer["EncryptionAlgorithms"]) == (
        key["Arn"], "RSA_4096", "ENCRYPT_DECRYPT", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])


def test_tag_list_and_untag_examples(kms, make_key):
    key_id = make_key()["KeyId"]
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "CostCenter", "TagValue": "87654"},
                                         {"TagKey": "CreatedBy", "TagValue": "ExampleUser"},
                                         {"TagKey": "Purpose", "TagValue": "Test"}])
    listed = kms.list_resource_tags(KeyId=key_id)
    assert sorted(listed["Tags"], key=lambda t: t["TagKey"]) == [
        {"TagKey": "CostCenter", "TagValue": "87654"}, {"TagKey": "CreatedBy", "TagValue": "ExampleUser"},
        {"TagKey": "Purpose", "TagValue": "Test"}]
    assert listed["Truncated"] is False
    kms.untag_resource(KeyId=key_id, TagKeys=["Purpose", "CostCenter"])
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "CreatedBy", "TagValue": "ExampleUser"}]


def test_grant_examples_create_list_and_retire(kms, make_key):
    key = make_key()
    role = f"arn:aws:iam::{key['AWSAccountId']}:role/ExampleRole-{uuid.uuid4().hex[:8]}"
    grant = kms.create_grant(GranteePrincipal=role, KeyId=key["Arn"], Operations=["Encrypt", "Decrypt"],
                             RetiringPrincipal=role)
    assert len(grant["GrantId"]) == 64 and grant["GrantToken"]
    expected = {"GrantId": grant["GrantId"], "GranteePrincipal": role, "RetiringPrincipal": role,
                "IssuingAccount": f"arn:aws:iam::{key['AWSAccountId']}:root", "KeyId": key["Arn"],
                "Operations": ["Encrypt", "Decrypt"]}
    listed = kms.list_grants(KeyId=key["KeyId"])
    assert [_shown(g, expected) for g in listed["Grants"]] == [expected] and listed["Truncated"] is False
    retirable = kms.list_retirable_grants(RetiringPrincipal=role)
    assert [_shown(g, expected) for g in retirable["Grants"]] == [expected]
    kms.retire_grant(GrantId=grant["GrantId"], KeyId=key["Arn"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


def test_schedule_and_cancel_deletion_examples(kms, make_key):
    key = make_key()
    scheduled = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert (scheduled["KeyId"], scheduled["KeyState"], scheduled["PendingWindowInDays"]) == (
        key["Arn"], "PendingDeletion", 7)
    assert kms.cancel_key_deletion(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"


def test_generate_random_example(kms):
    assert len(kms.generate_random(NumberOfBytes=32)["Plaintext"]) == 32


def test_describe_custom_key_stores_example_of_an_account_without_any(kms):
    answer = kms.describe_custom_key_stores()
    answer.pop("ResponseMetadata")
    assert answer == {"CustomKeyStores": []}


@pytest.mark.parametrize("call, args", [
    ("describe_custom_key_stores", {"CustomKeyStoreName": "ExampleKeyStore"}),
    ("describe_custom_key_stores", {"CustomKeyStoreId": "cks-1234567890abcdef0"}),
    ("create_key", {"CustomKeyStoreId": "cks-1234567890abcdef0", "Origin": "AWS_CLOUDHSM"}),
])
def test_a_custom_key_store_the_account_does_not_have_is_not_found(kms, call, args):
    assert error_of(getattr(kms, call), **args)[0] == "CustomKeyStoreNotFoundException"
