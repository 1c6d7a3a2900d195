"""A platform team's key custody for the lake's pipelines: a customer managed key made
with a description and tags, named by an alias the applications use (moved to a new key
later with UpdateAlias, so applications never change), yearly rotation switched on and a
rotation done on demand (old ciphertexts still decrypt), a grant that lets the ETL role
generate data keys under an encryption context (used at once with its grant token,
then retired), the key disabled during an incident and enabled again, and finally the
old key scheduled for deletion and the deletion cancelled when a forgotten consumer
turns up. Each mistake is answered with KMS's code and words."""
import contextlib
import uuid

import pytest

from kms_waits import wait_rotated
from trip_helpers import error_of

ETL_ROLE = "arn:aws:iam::000000000000:role/etl"
CONTEXT = {"pipeline": "orders", "stage": "curated"}


@pytest.fixture
def kms(client):
    return client("kms")


@pytest.fixture
def alias(kms):
    name = f"alias/lake-{uuid.uuid4().hex[:8]}"
    yield name
    with contextlib.suppress(kms.exceptions.NotFoundException):
        kms.delete_alias(AliasName=name)


def new_key(kms, purpose):
    return kms.create_key(Description=purpose, Tags=[{"TagKey": "team", "TagValue": "platform"}])["KeyMetadata"]


def test_key_custody(kms, alias):
    key = new_key(kms, "lake data keys")
    assert (key["KeyState"], key["KeyUsage"], key["KeySpec"], key["Origin"]) == (
        "Enabled", "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "AWS_KMS")
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    assert error_of(kms.create_alias, AliasName=alias, TargetKeyId=key["KeyId"]) == (
        "AlreadyExistsException", f"An alias with the name arn:aws:kms:us-east-1:000000000000:{alias} already exists")
    assert kms.describe_key(KeyId=alias)["KeyMetadata"]["Arn"] == key["Arn"]
    listed = kms.list_aliases(KeyId=key["KeyId"])["Aliases"]
    assert [(a["AliasName"], a["TargetKeyId"]) for a in listed] == [(alias, key["KeyId"])]
    assert kms.list_resource_tags(KeyId=key["KeyId"])["Tags"] == [{"TagKey": "team", "TagValue": "platform"}]

    old_blob = kms.encrypt(KeyId=alias, Plaintext=b"before rotation", EncryptionContext=CONTEXT)["CiphertextBlob"]
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=365)
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"]) == (True, 365)
    assert "NextRotationDate" in status
    kms.rotate_key_on_demand(KeyId=key["KeyId"])
    wait_rotated(kms, key["KeyId"])
    rotations = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["ON_DEMAND"]
    opened = kms.decrypt(CiphertextBlob=old_blob, EncryptionContext=CONTEXT)
    assert opened["Plaintext"] == b"before rotation" and opened["KeyId"] == key["Arn"]
    assert error_of(kms.decrypt, CiphertextBlob=old_blob, EncryptionContext={"pipeline": "orders"})[0] == \
        "InvalidCiphertextException"

    grant = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=ETL_ROLE, Name="etl-orders",
                             Operations=["GenerateDataKey", "Decrypt"],
                             Constraints={"EncryptionContextSubset": {"pipeline": "orders"}})
    data_key = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256", EncryptionContext=CONTEXT,
                                     GrantTokens=[grant["GrantToken"]])
    assert len(data_key["Plaintext"]) == 32
    grants = kms.list_grants(KeyId=key["KeyId"])["Grants"]
    assert [(g["GrantId"], g["Name"], g["GranteePrincipal"], sorted(g["Operations"])) for g in grants] == [
        (grant["GrantId"], "etl-orders", ETL_ROLE, ["Decrypt", "GenerateDataKey"])]
    assert grants[0]["Constraints"] == {"EncryptionContextSubset": {"pipeline": "orders"}}
    kms.retire_grant(GrantToken=grant["GrantToken"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []
    assert error_of(kms.revoke_grant, KeyId=key["KeyId"], GrantId=grant["GrantId"]) == (
        "NotFoundException", f"Grant ID {grant['GrantId']} not found")

    kms.disable_key(KeyId=key["KeyId"])
    assert kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyState"] == "Disabled"
    assert error_of(kms.encrypt, KeyId=alias, Plaintext=b"x") == ("DisabledException", f"{key['Arn']} is disabled.")
    assert error_of(kms.decrypt, CiphertextBlob=old_blob, EncryptionContext=CONTEXT) == (
        "DisabledException", f"{key['Arn']} is disabled.")
    kms.enable_key(KeyId=key["KeyId"])

    successor = new_key(kms, "lake data keys, 2025")
    kms.update_alias(AliasName=alias, TargetKeyId=successor["KeyId"])
    assert kms.encrypt(KeyId=alias, Plaintext=b"x")["KeyId"] == successor["Arn"]
    assert kms.decrypt(CiphertextBlob=old_blob, EncryptionContext=CONTEXT)["Plaintext"] == b"before rotation"

    assert error_of(kms.schedule_key_deletion, KeyId=key["KeyId"], PendingWindowInDays=5) == (
        "ValidationException", "1 validation error detected: Value '5' at 'pendingWindowInDays' failed to satisfy "
                               "constraint: Member must have value greater than or equal to 7")
    scheduled = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert (scheduled["KeyState"], scheduled["PendingWindowInDays"], scheduled["KeyId"]) == (
        "PendingDeletion", 7, key["Arn"])
    assert error_of(kms.decrypt, CiphertextBlob=old_blob, EncryptionContext=CONTEXT) == (
        "KMSInvalidStateException", f"{key['Arn']} is pending deletion.")
    assert error_of(kms.enable_key, KeyId=key["KeyId"]) == (
        "KMSInvalidStateException", f"{key['Arn']} is pending deletion.")
    cancelled = kms.cancel_key_deletion(KeyId=key["KeyId"])
    assert cancelled["KeyId"] == key["Arn"]
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"  # as AWS leaves it
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.decrypt(CiphertextBlob=old_blob, EncryptionContext=CONTEXT)["Plaintext"] == b"before rotation"


def test_custody_mistakes(kms):
    missing = str(uuid.uuid4())
    assert error_of(kms.describe_key, KeyId=missing) == (
        "NotFoundException", f"Key 'arn:aws:kms:us-east-1:000000000000:key/{missing}' does not exist")
    assert error_of(kms.describe_key, KeyId="alias/nobody-made-this") == (
        "NotFoundException", "Alias arn:aws:kms:us-east-1:000000000000:alias/nobody-made-this is not found.")
    key = new_key(kms, "scratch")
    code, message = error_of(kms.create_alias, AliasName="lake-no-prefix", TargetKeyId=key["KeyId"])
    assert code == "ValidationException"
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    code, message = error_of(kms.enable_key_rotation, KeyId=signing["KeyId"])
    assert code == "UnsupportedOperationException"
    assert error_of(kms.encrypt, KeyId=signing["KeyId"], Plaintext=b"x") == (
        "InvalidKeyUsageException", f"{signing['Arn']} key usage is SIGN_VERIFY which is not valid for Encrypt.")
    assert error_of(kms.cancel_key_deletion, KeyId=key["KeyId"]) == (
        "KMSInvalidStateException", f"{key['Arn']} is not pending deletion.")
    for made in (key, signing):
        kms.schedule_key_deletion(KeyId=made["KeyId"], PendingWindowInDays=7)
