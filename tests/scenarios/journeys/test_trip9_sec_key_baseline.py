"""A security engineer applies the account's KMS baseline, as a script the platform team
runs for every new key: automatic rotation on a period the policy picks (the script's
bounds check against KMS's 90..2560 days), one on-demand rotation after a suspected leak
(ListKeyRotations shows it, the old ciphertexts still open), the team's alias naming
rules (reserved `alias/aws/` names are refused, names are 256 characters at most), and
GenerateRandom for salts within its 1..1024 bytes. Then an incident drill: the key is
disabled and every use is refused with DisabledException, then scheduled for deletion
and every use and change is refused with KMSInvalidStateException, in KMS's own words."""
import contextlib
import uuid

import pytest
from botocore.config import Config

from kms_waits import wait_rotated
from trip_helpers import error_of


@pytest.fixture
def kms(client):
    return client("kms")


@pytest.fixture
def unchecked(lakebox_server):
    """A client that leaves the limits to KMS, as the aws cli's --cli-input-json users meet them."""
    return lakebox_server.client("kms", config=Config(parameter_validation=False, retries={"total_max_attempts": 1}))


@pytest.fixture
def alias_names(kms):
    made = []

    def make(length=None):
        name = f"alias/baseline-{uuid.uuid4().hex[:8]}"
        name = name + "x" * (length - len(name)) if length else name
        made.append(name)
        return name
    yield make
    for name in made:
        with contextlib.suppress(kms.exceptions.NotFoundException):
            kms.delete_alias(AliasName=name)


def test_rotation_baseline(kms, unchecked, kms_keys):
    key = kms_keys(Description="baseline: orders lake")
    for days, constraint in ((89, "greater than or equal to 90"), (2561, "less than or equal to 2560")):
        assert error_of(unchecked.enable_key_rotation, KeyId=key["KeyId"], RotationPeriodInDays=days) == (
            "ValidationException", f"1 validation error detected: Value '{days}' at 'rotationPeriodInDays' failed "
                                   f"to satisfy constraint: Member must have value {constraint}")
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert (status["KeyRotationEnabled"], status["KeyId"], "RotationPeriodInDays" in status) == (False, key["Arn"], False)
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"], status["KeyId"]) == (True, 90, key["Arn"])
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=2560)
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["RotationPeriodInDays"] == 2560

    before = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
    assert kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"] == []
    assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    wait_rotated(kms, key["KeyId"])
    rotations = kms.list_key_rotations(KeyId=key["KeyId"])
    assert rotations["Truncated"] is False
    assert [(r["KeyId"], r["RotationType"], r["KeyMaterialState"]) for r in rotations["Rotations"]] == [
        (key["Arn"], "ON_DEMAND", "CURRENT")]
    every = kms.list_key_rotations(KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    assert [r["KeyMaterialState"] for r in every] == ["NON_CURRENT", "CURRENT"]
    assert "RotationDate" not in every[0]                     # the first material was not made by a rotation
    assert every[0]["KeyMaterialId"] == before["KeyMaterialId"]
    after = kms.generate_data_key_without_plaintext(KeyId=key["KeyId"], NumberOfBytes=64)
    assert after["KeyMaterialId"] == every[1]["KeyMaterialId"] != before["KeyMaterialId"]
    opened = kms.decrypt(CiphertextBlob=before["CiphertextBlob"])
    assert (opened["Plaintext"], opened["KeyMaterialId"]) == (before["Plaintext"], before["KeyMaterialId"])
    assert kms.decrypt(CiphertextBlob=after["CiphertextBlob"])["KeyMaterialId"] == after["KeyMaterialId"]
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["RotationPeriodInDays"] == 2560   # schedule unchanged

    signing = kms_keys(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    assert error_of(kms.rotate_key_on_demand, KeyId=signing["KeyId"]) == (
        "UnsupportedOperationException", f"{signing['Arn']} key spec is ECC_NIST_P256 which is not valid for key rotation.")
    assert error_of(kms.list_key_rotations, KeyId=signing["KeyId"]) == (
        "UnsupportedOperationException", f"{signing['Arn']} key spec is ECC_NIST_P256 which is not valid for key rotation.")


def test_alias_rules_and_random_salts(kms, unchecked, kms_keys, alias_names):
    key = kms_keys(Description="baseline: aliases")
    for reserved in ("alias/aws/orders", "alias/aws/s3"):
        assert error_of(kms.create_alias, AliasName=reserved, TargetKeyId=key["KeyId"]) == (
            "InvalidAliasNameException",
            f"{reserved} is not a valid alias name: the prefix alias/aws/ is reserved for AWS managed keys.")
    assert error_of(kms.update_alias, AliasName="alias/aws/s3", TargetKeyId=key["KeyId"]) == (
        "InvalidAliasNameException",
        "alias/aws/s3 is not a valid alias name: the prefix alias/aws/ is reserved for AWS managed keys.")
    assert error_of(kms.delete_alias, AliasName="alias/aws/s3") == (
        "InvalidAliasNameException",
        "alias/aws/s3 is not a valid alias name: the prefix alias/aws/ is reserved for AWS managed keys.")
    longest = alias_names(256)
    kms.create_alias(AliasName=longest, TargetKeyId=key["KeyId"])
    assert [a["AliasName"] for a in kms.list_aliases(KeyId=key["KeyId"])["Aliases"]] == [longest]
    too_long = longest + "x"
    assert error_of(unchecked.create_alias, AliasName=too_long, TargetKeyId=key["KeyId"]) == (
        "ValidationException", f"1 validation error detected: Value '{too_long}' at 'aliasName' failed to satisfy "
                               "constraint: Member must have length less than or equal to 256")
    spaced = "alias/orders lake"
    assert error_of(kms.create_alias, AliasName=spaced, TargetKeyId=key["KeyId"]) == (
        "ValidationException", f"1 validation error detected: Value '{spaced}' at 'aliasName' failed to satisfy "
                               "constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$")
    assert error_of(kms.create_alias, AliasName=alias_names(), TargetKeyId=longest) == (
        "NotFoundException", f"Invalid keyId '{longest}'")       # an alias cannot point at an alias

    salts = {kms.generate_random(NumberOfBytes=32)["Plaintext"] for _ in range(3)}
    assert len(salts) == 3 and all(len(salt) == 32 for salt in salts)
    assert len(kms.generate_random(NumberOfBytes=1024)["Plaintext"]) == 1024
    assert len(kms.generate_random(NumberOfBytes=1)["Plaintext"]) == 1
    for size, constraint in ((0, "greater than or equal to 1"), (1025, "less than or equal to 1024")):
        assert error_of(unchecked.generate_random, NumberOfBytes=size) == (
            "ValidationException", f"1 validation error detected: Value '{size}' at 'numberOfBytes' failed to "
                                   f"satisfy constraint: Member must have value {constraint}")


def test_incident_drill(kms, kms_keys, alias_names):
    key = kms_keys(Description="baseline: incident drill")
    spare = kms_keys(Description="baseline: spare")
    arn = key["Arn"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"drill", EncryptionContext={"drill": "1"})["CiphertextBlob"]
    kms.disable_key(KeyId=key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
    refused = ("DisabledException", f"{arn} is disabled.")
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == refused
    assert error_of(kms.decrypt, CiphertextBlob=blob, EncryptionContext={"drill": "1"}) == refused
    assert error_of(kms.generate_data_key, KeyId=key["KeyId"], KeySpec="AES_256") == refused
    assert error_of(kms.re_encrypt, CiphertextBlob=blob, SourceEncryptionContext={"drill": "1"},
                    DestinationKeyId=spare["KeyId"]) == refused
    assert error_of(kms.rotate_key_on_demand, KeyId=key["KeyId"]) == refused
    assert error_of(kms.create_grant, KeyId=key["KeyId"], GranteePrincipal="arn:aws:iam::000000000000:role/etl",
                    Operations=["Decrypt"]) == refused
    kms.update_key_description(KeyId=key["KeyId"], Description="baseline: incident drill (disabled)")
    kms.create_alias(AliasName=alias_names(), TargetKeyId=key["KeyId"])      # managing a disabled key works

    scheduled = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=30)
    assert (scheduled["KeyId"], scheduled["KeyState"], scheduled["PendingWindowInDays"]) == (
        arn, "PendingDeletion", 30)
    pending = ("KMSInvalidStateException", f"{arn} is pending deletion.")
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == pending
    assert error_of(kms.decrypt, CiphertextBlob=blob, EncryptionContext={"drill": "1"}) == pending
    assert error_of(kms.enable_key, KeyId=key["KeyId"]) == pending
    assert error_of(kms.disable_key, KeyId=key["KeyId"]) == pending
    assert error_of(kms.enable_key_rotation, KeyId=key["KeyId"]) == pending
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is False   # stackd rotation.json
    assert error_of(kms.update_key_description, KeyId=key["KeyId"], Description="x") == pending
    assert error_of(kms.tag_resource, KeyId=key["KeyId"], Tags=[{"TagKey": "a", "TagValue": "b"}]) == pending
    assert error_of(kms.create_alias, AliasName=alias_names(), TargetKeyId=key["KeyId"]) == pending
    assert error_of(kms.schedule_key_deletion, KeyId=key["KeyId"], PendingWindowInDays=7) == pending
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (described["KeyState"], described["Enabled"]) == ("PendingDeletion", False)
    assert "DeletionDate" in described
    kms.cancel_key_deletion(KeyId=key["KeyId"])
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"drill": "1"})["Plaintext"] == b"drill"
