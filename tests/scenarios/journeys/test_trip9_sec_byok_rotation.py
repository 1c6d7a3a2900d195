"""A bank's compliance rule: the lake's master key comes from the bank's own HSM and
expires every 30 days unless renewed. The platform team creates a symmetric key with
Origin EXTERNAL, wraps the HSM's AES key offline with RSA_AES_KEY_WRAP_SHA_256 under the
RSA_4096 wrapping key of GetParametersForImport, and imports it with a ValidTo 30 days
ahead (naming no expiry at all is refused: the model defaults to KEY_MATERIAL_EXPIRES).
When the lakebox clock passes ValidTo the key is PendingImport and every use is refused
with KMS's words until the same material is imported again. At the yearly key ceremony
the HSM's new AES key is imported as NEW_KEY_MATERIAL, waits in PENDING_ROTATION, and
RotateKeyOnDemand makes it current; ciphertexts of the first material still open."""
import datetime
import os

import pytest
from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from kms_waits import wait_rotated
from trip_helpers import error_of

pytestmark = pytest.mark.local_only          # the material expires on the lakebox clock

OAEP_256 = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
CONTEXT = {"lake": "payments"}


@pytest.fixture
def kms(client):
    return client("kms")


def wrapped_import(kms, key_id, material):
    """GetParametersForImport, then the material wrapped as the HSM's export tooling does:
    an ephemeral AES key under RSA-OAEP-SHA-256, the material under it (RFC 5649)."""
    parameters = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm="RSA_AES_KEY_WRAP_SHA_256",
                                               WrappingKeySpec="RSA_4096")
    public = serialization.load_der_public_key(parameters["PublicKey"])
    assert public.key_size == 4096
    ephemeral = os.urandom(32)
    blob = public.encrypt(ephemeral, OAEP_256) + keywrap.aes_key_wrap_with_padding(ephemeral, material)
    return parameters["ImportToken"], blob


def in_days(days):
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)


def test_expiring_hsm_key_and_its_ceremony(kms, kms_keys, clock):
    key = kms_keys(Origin="EXTERNAL", Description="payments lake, HSM-born")
    arn = key["Arn"]
    assert (key["KeyState"], key["Origin"], key["KeySpec"]) == ("PendingImport", "EXTERNAL", "SYMMETRIC_DEFAULT")
    first = os.urandom(32)
    token, blob = wrapped_import(kms, key["KeyId"], first)
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=token, EncryptedKeyMaterial=blob) == (
        "ValidationException", "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES")
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=token, EncryptedKeyMaterial=blob,
                    ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE", ValidTo=in_days(30)) == (
        "ValidationException", "A validTo date cannot be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE")
    first_id = kms.import_key_material(KeyId=key["KeyId"], ImportToken=token, EncryptedKeyMaterial=blob,
                                       ValidTo=in_days(30), KeyMaterialDescription="hsm 2024")["KeyMaterialId"]
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (described["KeyState"], described["ExpirationModel"], described["CurrentKeyMaterialId"]) == (
        "Enabled", "KEY_MATERIAL_EXPIRES", first_id)
    assert "ValidTo" in described
    data_key = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256", EncryptionContext=CONTEXT)
    assert data_key["KeyMaterialId"] == first_id

    clock(31 * 86_400)                                     # nobody renewed it
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    pending = ("KMSInvalidStateException", f"{arn} is pending import.")
    assert error_of(kms.decrypt, CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext=CONTEXT) == pending
    assert error_of(kms.generate_data_key, KeyId=key["KeyId"], KeySpec="AES_256") == pending
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == pending
    assert error_of(kms.enable_key, KeyId=key["KeyId"]) == pending

    assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=token, EncryptedKeyMaterial=blob,
                    ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")[0] == "InvalidImportTokenException"  # used up
    token, blob = wrapped_import(kms, key["KeyId"], first)
    renewed_to = in_days(31 + 30)                          # 30 days from the moved clock
    assert kms.import_key_material(KeyId=key["KeyId"], ImportToken=token, EncryptedKeyMaterial=blob,
                                   ValidTo=renewed_to)["KeyMaterialId"] == first_id
    opened = kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext=CONTEXT)
    assert (opened["Plaintext"], opened["KeyMaterialId"]) == (data_key["Plaintext"], first_id)

    # the yearly ceremony: new HSM material, made current on demand
    second = os.urandom(32)
    token, blob = wrapped_import(kms, key["KeyId"], second)
    second_id = kms.import_key_material(KeyId=key["KeyId"], ImportToken=token, EncryptedKeyMaterial=blob,
                                        ImportType="NEW_KEY_MATERIAL", KeyMaterialDescription="hsm 2025",
                                        ValidTo=renewed_to)["KeyMaterialId"]
    every = kms.list_key_rotations(KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    assert [(r["KeyMaterialId"], r.get("KeyMaterialDescription"), r["ImportState"], r["KeyMaterialState"])
            for r in every] == [(first_id, "hsm 2024", "IMPORTED", "CURRENT"),
                                (second_id, "hsm 2025", "IMPORTED", "PENDING_ROTATION")]
    kms.rotate_key_on_demand(KeyId=key["KeyId"])
    wait_rotated(kms, key["KeyId"])
    rotations = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert [(r["KeyMaterialId"], r["KeyMaterialState"], r["RotationType"]) for r in rotations] == [
        (second_id, "CURRENT", "ON_DEMAND")]
    fresh = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256", EncryptionContext=CONTEXT)
    assert fresh["KeyMaterialId"] == second_id
    assert kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext=CONTEXT)["KeyMaterialId"] == \
        first_id
    assert error_of(kms.enable_key_rotation, KeyId=key["KeyId"]) == (
        "UnsupportedOperationException", f"{arn} origin is EXTERNAL which is not valid for this operation.")
