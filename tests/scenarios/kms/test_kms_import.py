"""Imported key material with boto3: a key created with Origin EXTERNAL waits for its
material, which is wrapped with the public key GetParametersForImport returns."""
import datetime
import os

import pytest
from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from kms_helpers import error_of
from kms_waits import wait_rotated

OAEP_256 = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def wrap(parameters, material, algorithm):
    public = serialization.load_der_public_key(parameters["PublicKey"])
    if algorithm == "RSAES_OAEP_SHA_256":
        return public.encrypt(material, OAEP_256)
    ephemeral = os.urandom(32)
    return public.encrypt(ephemeral, OAEP_256) + keywrap.aes_key_wrap_with_padding(ephemeral, material)


def import_material(kms, key_id, material, algorithm="RSAES_OAEP_SHA_256", **args):
    if "ValidTo" not in args:
        args.setdefault("ExpirationModel", "KEY_MATERIAL_DOES_NOT_EXPIRE")
    parameters = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm=algorithm, WrappingKeySpec="RSA_2048")
    return kms.import_key_material(KeyId=key_id, ImportToken=parameters["ImportToken"],
                                   EncryptedKeyMaterial=wrap(parameters, material, algorithm), **args)


def test_external_key_waits_for_its_material(kms, make_key):
    key = make_key(Origin="EXTERNAL")
    assert (key["KeyState"], key["Enabled"], key["Origin"]) == ("PendingImport", False, "EXTERNAL")
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == (
        "KMSInvalidStateException", f"{key['Arn']} is pending import.")


@pytest.mark.parametrize("algorithm", ["RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_256"])
def test_imported_material_encrypts_and_comes_back_after_deletion(kms, make_key, algorithm):
    key = make_key(Origin="EXTERNAL")
    material = os.urandom(32)
    imported = import_material(kms, key["KeyId"], material, algorithm)
    assert imported["KeyId"] == key["Arn"]
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (described["KeyState"], described["ExpirationModel"]) == ("Enabled", "KEY_MATERIAL_DOES_NOT_EXPIRE")
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"byok")["CiphertextBlob"]
    kms.delete_imported_key_material(KeyId=key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    assert error_of(kms.decrypt, CiphertextBlob=blob) == (
        "KMSInvalidStateException", f"{key['Arn']} is pending import.")
    import_material(kms, key["KeyId"], material, algorithm)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"byok"


def test_only_the_same_material_can_be_imported_again(kms, make_key):
    key = make_key(Origin="EXTERNAL")
    import_material(kms, key["KeyId"], os.urandom(32))
    kms.delete_imported_key_material(KeyId=key["KeyId"])
    assert error_of(import_material, kms, key["KeyId"], os.urandom(32))[0] == "IncorrectKeyMaterialException"


def test_import_errors(kms, make_key):
    native = make_key()
    assert error_of(kms.get_parameters_for_import, KeyId=native["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                    WrappingKeySpec="RSA_2048") == (
        "UnsupportedOperationException", f"{native['Arn']} origin is AWS_KMS which is not valid for this operation.")
    key = make_key(Origin="EXTERNAL")
    parameters = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                               WrappingKeySpec="RSA_2048")
    wrapped = wrap(parameters, os.urandom(32), "RSAES_OAEP_SHA_256")
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=b"forged token",
                    EncryptedKeyMaterial=wrapped, ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")[0] == "InvalidImportTokenException"
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=parameters["ImportToken"],
                    EncryptedKeyMaterial=wrapped, ExpirationModel="KEY_MATERIAL_EXPIRES") == (
        "ValidationException", "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES")
    # the model defaults to KEY_MATERIAL_EXPIRES (API reference), which needs a ValidTo
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=parameters["ImportToken"],
                    EncryptedKeyMaterial=wrapped) == (
        "ValidationException", "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES")
    now = datetime.datetime.now(datetime.timezone.utc)
    for valid_to in (now - datetime.timedelta(days=1), now + datetime.timedelta(days=366)):
        assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=parameters["ImportToken"],
                        EncryptedKeyMaterial=wrapped, ValidTo=valid_to)[0] == "ValidationException"
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=parameters["ImportToken"],
                    EncryptedKeyMaterial=wrap(parameters, os.urandom(16), "RSAES_OAEP_SHA_256"),
                    ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")[0] == \
        "InvalidCiphertextException"          # stackd testdata/aws/kms/imports.json short_material
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"


@pytest.mark.local_only
def test_expiring_material_is_gone_when_the_clock_passes_valid_to(kms, make_key, clock):
    key = make_key(Origin="EXTERNAL")
    valid_to = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=2)
    import_material(kms, key["KeyId"], os.urandom(32), ValidTo=valid_to)
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (described["KeyState"], described["ExpirationModel"]) == ("Enabled", "KEY_MATERIAL_EXPIRES")
    clock(3 * 86_400)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"


def test_new_material_waits_for_an_on_demand_rotation(kms, make_key):
    """API reference (ImportKeyMaterial ImportType, RotateKeyOnDemand, ListKeyRotations):
    a symmetric key with imported material takes new material (NEW_KEY_MATERIAL), which
    waits in PENDING_ROTATION until RotateKeyOnDemand makes it current; old ciphertexts
    keep their material."""
    key = make_key(Origin="EXTERNAL")
    first, second = os.urandom(32), os.urandom(32)
    first_id = import_material(kms, key["KeyId"], first, KeyMaterialDescription="generation 1")["KeyMaterialId"]
    old_blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"gen1")["CiphertextBlob"]
    listed = kms.list_key_rotations(KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    assert listed == [{"KeyId": key["Arn"], "KeyMaterialId": first_id, "KeyMaterialDescription": "generation 1",
                       "ImportState": "IMPORTED", "KeyMaterialState": "CURRENT",
                       "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}]
    assert error_of(kms.rotate_key_on_demand, KeyId=key["KeyId"])[0] == "KMSInvalidStateException"

    second_id = import_material(kms, key["KeyId"], second, ImportType="NEW_KEY_MATERIAL",
                                KeyMaterialDescription="generation 2")["KeyMaterialId"]
    states = kms.list_key_rotations(KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    assert [(r["KeyMaterialId"], r["KeyMaterialState"], "RotationDate" in r) for r in states] == [
        (first_id, "CURRENT", False), (second_id, "PENDING_ROTATION", False)]
    assert kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"] == []
    assert kms.decrypt(CiphertextBlob=kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"])[
        "KeyMaterialId"] == first_id                    # still the first until the rotation

    assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    wait_rotated(kms, key["KeyId"])
    rotations = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert [(r["KeyMaterialId"], r["KeyMaterialState"], r["RotationType"], r["KeyMaterialDescription"])
            for r in rotations] == [(second_id, "CURRENT", "ON_DEMAND", "generation 2")]
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"] == second_id
    new_blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"gen2")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=new_blob)["KeyMaterialId"] == second_id
    opened = kms.decrypt(CiphertextBlob=old_blob)
    assert (opened["Plaintext"], opened["KeyMaterialId"]) == (b"gen1", first_id)

    # deleting the current material makes the key wait for it; the old one stays
    assert kms.delete_imported_key_material(KeyId=key["KeyId"])["KeyMaterialId"] == second_id
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    states = kms.list_key_rotations(KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    assert [(r["KeyMaterialId"], r["ImportState"]) for r in states] == [
        (first_id, "IMPORTED"), (second_id, "PENDING_IMPORT")]
    assert error_of(import_material, kms, key["KeyId"], os.urandom(32))[0] == "IncorrectKeyMaterialException"
    import_material(kms, key["KeyId"], second, KeyMaterialId=second_id)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    assert kms.decrypt(CiphertextBlob=new_blob)["Plaintext"] == b"gen2"


def test_import_type_refusals(kms, make_key):
    key = make_key(Origin="EXTERNAL")
    material = os.urandom(32)
    material_id = import_material(kms, key["KeyId"], material)["KeyMaterialId"]
    assert error_of(import_material, kms, key["KeyId"], material, ImportType="NEW_KEY_MATERIAL",
                    KeyMaterialId=material_id)[0] == "ValidationException"
    assert error_of(import_material, kms, key["KeyId"], material,
                    ImportType="NEW_KEY_MATERIAL")[0] == "IncorrectKeyMaterialException"
    import_material(kms, key["KeyId"], os.urandom(32), ImportType="NEW_KEY_MATERIAL")
    assert error_of(import_material, kms, key["KeyId"], os.urandom(32),
                    ImportType="NEW_KEY_MATERIAL")[0] == "KMSInvalidStateException"
    hmac_key = make_key(Origin="EXTERNAL", KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
    assert error_of(import_material, kms, hmac_key["KeyId"], os.urandom(32),
                    ImportType="NEW_KEY_MATERIAL")[0] == "ValidationException"
    signing = make_key(Origin="EXTERNAL", KeySpec="HMAC_384", KeyUsage="GENERATE_VERIFY_MAC")
    assert kms.list_key_rotations(KeyId=signing["KeyId"])["Rotations"] == []   # as for HMAC keys (stackd rotation.json)
