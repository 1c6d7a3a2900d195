"""KMS key lifecycle with boto3: create, describe, list, enable/disable, deletion,
aliases, tags and key policies, with AWS's errors for bad input.

Sources of the exact wordings: KeyMetadata, NotFoundException ("Key '...' does not exist",
"Invalid keyId '...'", "Invalid arn <region>"), the KeyUsage requirement and the alias
prefix rule are live KMS replies recorded in localstack/localstack
tests/aws/services/kms/test_kms.snapshot.json; "<arn> is pending deletion." is quoted in
hashicorp/terraform-provider-aws#17889, "An alias with the name <arn> already exists" in
crossplane-contrib/provider-aws#1741. The default key policy is AWS's (KMS Developer
Guide, "Default key policy"). "Alias <arn> is not found." is the wording users report
from DescribeKey, not a recorded reply. Where no reply is on record (alias/aws/ names, tag
refusals, the 7-30 day window) the tests assert the error code only, or the model's
constraint wording."""
import json
import uuid

import pytest

from kms_helpers import error_of


def test_create_key_describes_a_symmetric_key_by_default(kms, make_key):
    created = make_key(Description="orders")
    described = kms.describe_key(KeyId=created["KeyId"])["KeyMetadata"]
    assert described == created
    assert described["KeySpec"] == described["CustomerMasterKeySpec"] == "SYMMETRIC_DEFAULT"
    assert described["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert described["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]
    assert described["KeyState"] == "Enabled" and described["Enabled"] is True
    assert described["Origin"] == "AWS_KMS" and described["KeyManager"] == "CUSTOMER"
    assert described["MultiRegion"] is False
    assert described["Description"] == "orders"
    assert described["Arn"] == f"arn:aws:kms:us-east-1:{described['AWSAccountId']}:key/{described['KeyId']}"
    assert len(described["CurrentKeyMaterialId"]) == 64


def test_key_is_found_by_id_arn_alias_and_alias_arn(kms, make_key):
    key = make_key()
    alias = f"alias/test-{uuid.uuid4().hex[:10]}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    alias_arn = key["Arn"].split(":key/")[0] + ":" + alias
    for name in (key["KeyId"], key["Arn"], alias, alias_arn):
        assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == key["KeyId"]


@pytest.mark.parametrize("spec,usage,member,algorithms", [
    ("RSA_2048", "ENCRYPT_DECRYPT", "EncryptionAlgorithms", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]),
    ("ECC_NIST_P384", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_384"]),
    ("HMAC_512", "GENERATE_VERIFY_MAC", "MacAlgorithms", ["HMAC_SHA_512"]),
])
def test_create_key_of_other_specs(make_key, spec, usage, member, algorithms):
    created = make_key(KeySpec=spec, KeyUsage=usage)
    assert created["KeySpec"] == spec and created["KeyUsage"] == usage
    assert created[member] == algorithms
    assert "CurrentKeyMaterialId" not in created


def test_create_key_rejects_specs_without_usage_and_mismatched_usage(kms):
    assert error_of(kms.create_key, KeySpec="HMAC_256") == (
        "ValidationException",
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.")
    code, _ = error_of(kms.create_key, KeySpec="ECC_NIST_P256", KeyUsage="ENCRYPT_DECRYPT")
    assert code == "ValidationException"
    assert error_of(kms.create_key, KeySpec="HMAC_random", KeyUsage="GENERATE_VERIFY_MAC")[0] == "ValidationException"


def test_list_keys_pages_through_every_key(kms, make_key):
    made = {make_key()["KeyId"] for _ in range(3)}
    seen, marker = set(), None
    while True:
        page = kms.list_keys(Limit=2, **({"Marker": marker} if marker else {}))
        seen |= {k["KeyId"] for k in page["Keys"]}
        if not page["Truncated"]:
            break
        marker = page["NextMarker"]
    assert made <= seen


def test_disable_and_enable(kms, make_key):
    key = make_key()
    kms.disable_key(KeyId=key["KeyId"])
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (described["KeyState"], described["Enabled"]) == ("Disabled", False)
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == (
        "DisabledException", f"{key['Arn']} is disabled.")
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


def test_schedule_and_cancel_deletion(kms, make_key):
    key = make_key()
    scheduled = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert scheduled["KeyId"] == key["Arn"]
    assert (scheduled["KeyState"], scheduled["PendingWindowInDays"]) == ("PendingDeletion", 7)
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert described["KeyState"] == "PendingDeletion" and described["DeletionDate"] == scheduled["DeletionDate"]
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == (
        "KMSInvalidStateException", f"{key['Arn']} is pending deletion.")
    assert error_of(kms.enable_key, KeyId=key["KeyId"])[0] == "KMSInvalidStateException"
    kms.cancel_key_deletion(KeyId=key["KeyId"])
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert described["KeyState"] == "Disabled" and "DeletionDate" not in described


@pytest.mark.parametrize("days,bound", [(6, "greater than or equal to 7"), (31, "less than or equal to 30")])
def test_deletion_window_is_7_to_30_days(kms, make_key, days, bound):
    key = make_key()
    assert error_of(kms.schedule_key_deletion, KeyId=key["KeyId"], PendingWindowInDays=days) == (
        "ValidationException", f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to "
                               f"satisfy constraint: Member must have value {bound}")
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


@pytest.mark.local_only
def test_key_is_deleted_when_the_clock_passes_its_deletion_date(kms, make_key, clock):
    key = make_key()
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    clock(7 * 86_400 + 60)
    assert error_of(kms.describe_key, KeyId=key["KeyId"]) == (
        "NotFoundException", f"Key '{key['Arn']}' does not exist")
    assert key["KeyId"] not in {k["KeyId"] for k in kms.list_keys(Limit=1000)["Keys"]}


def test_unknown_keys(kms):
    missing = str(uuid.uuid4())
    account = kms.create_key()["KeyMetadata"]["AWSAccountId"]
    assert error_of(kms.describe_key, KeyId=missing) == (
        "NotFoundException", f"Key 'arn:aws:kms:us-east-1:{account}:key/{missing}' does not exist")
    assert error_of(kms.describe_key, KeyId="fake-key-id") == ("NotFoundException", "Invalid keyId 'fake-key-id'")
    assert error_of(kms.describe_key, KeyId="alias/no-such-alias") == (
        "NotFoundException", f"Alias arn:aws:kms:us-east-1:{account}:alias/no-such-alias is not found.")
    assert error_of(kms.describe_key, KeyId=f"arn:aws:kms:eu-west-1:{account}:key/{missing}") == (
        "NotFoundException", "Invalid arn eu-west-1")


def test_aliases_create_update_list_delete(kms, make_key):
    first, second = make_key(), make_key()
    alias = f"alias/test-{uuid.uuid4().hex[:10]}"
    kms.create_alias(AliasName=alias, TargetKeyId=first["KeyId"])
    listed = kms.list_aliases(KeyId=first["KeyId"])["Aliases"]
    assert [(a["AliasName"], a["TargetKeyId"]) for a in listed] == [(alias, first["KeyId"])]
    assert listed[0]["AliasArn"] == first["Arn"].split(":key/")[0] + ":" + alias
    kms.update_alias(AliasName=alias, TargetKeyId=second["Arn"])
    assert kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"] == second["KeyId"]
    assert kms.list_aliases(KeyId=first["KeyId"])["Aliases"] == []
    kms.delete_alias(AliasName=alias)
    assert error_of(kms.describe_key, KeyId=alias)[0] == "NotFoundException"


def test_alias_errors(kms, make_key):
    key = make_key()
    alias = f"alias/test-{uuid.uuid4().hex[:10]}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    arn = key["Arn"].split(":key/")[0] + ":" + alias
    assert error_of(kms.create_alias, AliasName=alias, TargetKeyId=key["KeyId"]) == (
        "AlreadyExistsException", f"An alias with the name {arn} already exists")
    assert error_of(kms.create_alias, AliasName="no-prefix", TargetKeyId=key["KeyId"]) == (
        "ValidationException", 'Alias must start with the prefix "alias/". Please see '
                               'https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html')
    assert error_of(kms.create_alias, AliasName="alias/aws/mine", TargetKeyId=key["KeyId"])[0] == \
        "InvalidAliasNameException"
    assert error_of(kms.delete_alias, AliasName=alias + "-gone") == (
        "NotFoundException", f"Alias {arn}-gone is not found.")
    kms.delete_alias(AliasName=alias)


def test_tags(kms, make_key):
    key = make_key(Tags=[{"TagKey": "team", "TagValue": "data"}])
    kms.tag_resource(KeyId=key["KeyId"], Tags=[{"TagKey": "env", "TagValue": "dev"}])
    assert kms.list_resource_tags(KeyId=key["KeyId"])["Tags"] == [
        {"TagKey": "env", "TagValue": "dev"}, {"TagKey": "team", "TagValue": "data"}]
    kms.untag_resource(KeyId=key["KeyId"], TagKeys=["team"])
    assert kms.list_resource_tags(KeyId=key["Arn"])["Tags"] == [{"TagKey": "env", "TagValue": "dev"}]
    code, _ = error_of(kms.tag_resource, KeyId=key["KeyId"], Tags=[{"TagKey": "aws:x", "TagValue": "y"}])
    assert code == "TagException"


def test_default_key_policy_and_put_policy(kms, make_key):
    key = make_key()
    answer = kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")
    assert answer["PolicyName"] == "default"
    assert json.loads(answer["Policy"]) == {
        "Version": "2012-10-17", "Id": "key-default-1",
        "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                       "Principal": {"AWS": f"arn:aws:iam::{key['AWSAccountId']}:root"},
                       "Action": "kms:*", "Resource": "*"}]}
    assert kms.list_key_policies(KeyId=key["KeyId"])["PolicyNames"] == ["default"]
    # a policy that would not let the caller put the policy again is refused (words as users
    # quote KMS), unless the safety check is bypassed
    locked = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AppOnly", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{key['AWSAccountId']}:role/app"},
         "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}]})
    assert error_of(kms.put_key_policy, KeyId=key["KeyId"], PolicyName="default", Policy=locked) == (
        "MalformedPolicyDocumentException", "The new key policy will not allow you to update the key policy in the "
        "future.")
    assert error_of(kms.create_key, Policy=locked) == (
        "MalformedPolicyDocumentException", "The new key policy will not allow you to update the key policy in the "
        "future.")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Admins", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{key['AWSAccountId']}:root"},
         "Action": "kms:*", "Resource": "*"}]})
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=policy)
    assert kms.get_key_policy(KeyId=key["KeyId"])["Policy"] == policy
    assert error_of(kms.put_key_policy, KeyId=key["KeyId"], PolicyName="default", Policy="{not json")[0] == \
        "MalformedPolicyDocumentException"
    assert kms.get_key_policy(KeyId=key["KeyId"])["Policy"] == policy


def test_update_key_description(kms, make_key):
    key = make_key(Description="before")
    kms.update_key_description(KeyId=key["KeyId"], Description="after")
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Description"] == "after"


def test_aws_managed_key_answers_by_its_alias(kms):
    described = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert (described["KeyManager"], described["KeyState"]) == ("AWS", "Enabled")
    assert described["Description"] == "Default key that protects my S3 objects when no other key is defined"
    assert kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["KeyId"] == described["KeyId"]
    listed = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases(Limit=1000)["Aliases"]}
    assert listed["alias/aws/s3"] == described["KeyId"]


def test_key_last_usage(kms, make_key):
    key = make_key()
    fresh = kms.get_key_last_usage(KeyId=key["KeyId"])
    assert "KeyLastUsage" not in fresh
    assert fresh["KeyId"] == key["KeyId"] and fresh["KeyCreationDate"] == key["CreationDate"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    assert kms.get_key_last_usage(KeyId=key["Arn"])["KeyLastUsage"]["Operation"] == "Encrypt"
    decrypted = kms.decrypt(CiphertextBlob=blob)
    last = kms.get_key_last_usage(KeyId=key["KeyId"])["KeyLastUsage"]
    assert (last["Operation"], last["KmsRequestId"]) == ("Decrypt", decrypted["ResponseMetadata"]["RequestId"])


def test_bypassing_the_policy_lockout_safety_check(kms, make_key):
    key = make_key()
    # the account keeps every right but rewriting the policy
    frozen = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "NoPolicyChanges", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{key['AWSAccountId']}:root"},
         "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:Encrypt", "kms:Decrypt",
                    "kms:ScheduleKeyDeletion"], "Resource": "*"}]})
    assert error_of(kms.put_key_policy, KeyId=key["KeyId"], PolicyName="default", Policy=frozen)[0] == \
        "MalformedPolicyDocumentException"
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=frozen, BypassPolicyLockoutSafetyCheck=True)
    assert kms.get_key_policy(KeyId=key["KeyId"])["Policy"] == frozen
