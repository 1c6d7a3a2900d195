"""KMS key rotation with boto3: automatic rotation on the clock, on-demand rotation,
old ciphertexts still decrypting, ListKeyRotations."""
import pytest

from kms_helpers import error_of
from kms_waits import wait_rotated


def test_rotation_status_enable_and_disable(kms, make_key):
    key = make_key()
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is False
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=180)
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"]) == (True, 180)
    assert status["KeyId"] == key["Arn"]
    assert (status["NextRotationDate"] - key["CreationDate"]).days == 180
    kms.disable_key_rotation(KeyId=key["KeyId"])
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert status["KeyRotationEnabled"] is False and "NextRotationDate" not in status


def test_rotation_period_is_90_to_2560_days(kms, make_key):
    key = make_key()
    assert error_of(kms.enable_key_rotation, KeyId=key["KeyId"], RotationPeriodInDays=89) == (
        "ValidationException", "1 validation error detected: Value '89' at 'rotationPeriodInDays' failed to "
                               "satisfy constraint: Member must have value greater than or equal to 90")


def test_only_symmetric_keys_rotate(kms, make_key):
    key = make_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
    assert error_of(kms.enable_key_rotation, KeyId=key["KeyId"])[0] == "UnsupportedOperationException"
    assert error_of(kms.rotate_key_on_demand, KeyId=key["KeyId"])[0] == "UnsupportedOperationException"


def test_rotate_on_demand_keeps_old_ciphertexts_decrypting(kms, make_key):
    key = make_key()
    old_blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"before")["CiphertextBlob"]
    assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    wait_rotated(kms, key["KeyId"])
    new_material = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"]
    assert new_material != key["CurrentKeyMaterialId"]
    new_blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"after")["CiphertextBlob"]
    old = kms.decrypt(CiphertextBlob=old_blob)
    assert (old["Plaintext"], old["KeyMaterialId"]) == (b"before", key["CurrentKeyMaterialId"])
    new = kms.decrypt(CiphertextBlob=new_blob)
    assert (new["Plaintext"], new["KeyMaterialId"]) == (b"after", new_material)
    rotations = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert [(r["RotationType"], r["KeyMaterialId"], r["KeyMaterialState"]) for r in rotations] == [
        ("ON_DEMAND", new_material, "CURRENT")]
    everything = kms.list_key_rotations(KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    assert [r["KeyMaterialState"] for r in everything] == ["NON_CURRENT", "CURRENT"]


def test_disabled_key_cannot_rotate(kms, make_key):
    key = make_key()
    kms.disable_key(KeyId=key["KeyId"])
    assert error_of(kms.rotate_key_on_demand, KeyId=key["KeyId"]) == ("DisabledException", f"{key['Arn']} is disabled.")


@pytest.mark.local_only
def test_automatic_rotation_happens_when_the_clock_reaches_the_date(kms, make_key, clock):
    key = make_key()
    old_blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"year one")["CiphertextBlob"]
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    clock(181 * 86_400)
    rotations = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["AUTOMATIC", "AUTOMATIC"]
    assert [(r["RotationDate"] - key["CreationDate"]).days for r in rotations] == [90, 180]
    assert kms.decrypt(CiphertextBlob=old_blob)["Plaintext"] == b"year one"
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert (status["NextRotationDate"] - key["CreationDate"]).days == 270
