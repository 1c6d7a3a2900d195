"""A yearly rotation of bring-your-own key material: the first material never expires;
next year's material is imported (ImportType NEW_KEY_MATERIAL) with an expiry date and
waits in PENDING_ROTATION; a wrong batch is deleted before the rotation and replaced,
the key staying in use meanwhile; RotateKeyOnDemand makes the replacement current.
Each material keeps its own ExpirationModel and ValidTo in ListKeyRotations, and the
key's own (DescribeKey) follow only the materials permanently associated with it.
Material past its ValidTo is gone until the same material comes back."""
import datetime
import os

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from kms_waits import wait_rotated
from trip_helpers import error_of

OAEP = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def bring(kms, key_id, material, **args):
    parameters = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                               WrappingKeySpec="RSA_3072")
    wrapped = serialization.load_der_public_key(parameters["PublicKey"]).encrypt(material, OAEP)
    return kms.import_key_material(KeyId=key_id, ImportToken=parameters["ImportToken"],
                                   EncryptedKeyMaterial=wrapped, **args)["KeyMaterialId"]


def materials(kms, key_id):
    return kms.list_key_rotations(KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]


def test_next_years_material_waits_with_its_own_expiry(client, kms_keys):
    kms = client("kms")
    key = kms_keys(Origin="EXTERNAL", Description="ledger byok")
    first = bring(kms, key["KeyId"], os.urandom(32), ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
                  KeyMaterialDescription="2026")
    sealed = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"ledger 2026")["CiphertextBlob"]

    valid_to = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=200)).replace(microsecond=0)
    wrong = bring(kms, key["KeyId"], os.urandom(32), ImportType="NEW_KEY_MATERIAL", ValidTo=valid_to,
                  ExpirationModel="KEY_MATERIAL_EXPIRES", KeyMaterialDescription="2027 batch A")
    assert materials(kms, key["KeyId"]) == [
        {"KeyId": key["Arn"], "KeyMaterialId": first, "KeyMaterialDescription": "2026", "ImportState": "IMPORTED",
         "KeyMaterialState": "CURRENT", "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"},
        {"KeyId": key["Arn"], "KeyMaterialId": wrong, "KeyMaterialDescription": "2027 batch A",
         "ImportState": "IMPORTED", "KeyMaterialState": "PENDING_ROTATION", "ExpirationModel": "KEY_MATERIAL_EXPIRES",
         "ValidTo": valid_to}]
    # the pending material is not yet the key's: its expiry is not the key's
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (described["KeyState"], described["ExpirationModel"], described["CurrentKeyMaterialId"]) == (
        "Enabled", "KEY_MATERIAL_DOES_NOT_EXPIRE", first)
    assert "ValidTo" not in described

    # the wrong batch goes before the rotation; the key stays in use
    deleted = kms.delete_imported_key_material(KeyId=key["KeyId"], KeyMaterialId=wrong)
    assert (deleted["KeyId"], deleted["KeyMaterialId"]) == (key["Arn"], wrong)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    assert [m["KeyMaterialId"] for m in materials(kms, key["KeyId"])] == [first]
    assert kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == b"ledger 2026"

    later = valid_to + datetime.timedelta(days=100)
    second = bring(kms, key["KeyId"], os.urandom(32), ImportType="NEW_KEY_MATERIAL", ValidTo=later,
                   KeyMaterialDescription="2027 batch B")
    assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    wait_rotated(kms, key["KeyId"])
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (described["ExpirationModel"], described["ValidTo"], described["CurrentKeyMaterialId"]) == (
        "KEY_MATERIAL_EXPIRES", later, second)
    listed = materials(kms, key["KeyId"])
    assert [(m["KeyMaterialId"], m["KeyMaterialState"], m["ExpirationModel"], m.get("ValidTo"))
            for m in listed] == [(first, "NON_CURRENT", "KEY_MATERIAL_DOES_NOT_EXPIRE", None),
                                 (second, "CURRENT", "KEY_MATERIAL_EXPIRES", later)]
    rotations = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert [(r["KeyMaterialId"], r["RotationType"], r["KeyMaterialDescription"]) for r in rotations] == [
        (second, "ON_DEMAND", "2027 batch B")]

    fresh = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"ledger 2027")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=fresh)["KeyMaterialId"] == second
    opened = kms.decrypt(CiphertextBlob=sealed)
    assert (opened["Plaintext"], opened["KeyMaterialId"]) == (b"ledger 2026", first)
    assert error_of(kms.rotate_key_on_demand, KeyId=key["KeyId"])[0] == "KMSInvalidStateException"
    assert error_of(kms.enable_key_rotation, KeyId=key["KeyId"]) == (
        "UnsupportedOperationException", f"{key['Arn']} origin is EXTERNAL which is not valid for this operation.")


@pytest.mark.local_only
def test_expired_material_is_pending_import_again(client, kms_keys, clock):
    """When imported material expires the key waits for the same material: DescribeKey
    names neither model nor ValidTo but still the current material, while the listing
    keeps it IMPORTED with its ValidTo (stackd testdata/aws/kms/imports_rotation_expiry.json)."""
    kms = client("kms")
    key = kms_keys(Origin="EXTERNAL")
    material = os.urandom(32)
    valid_to = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=2)).replace(microsecond=0)
    first = bring(kms, key["KeyId"], material, ValidTo=valid_to, KeyMaterialDescription="short lived")
    sealed = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"short lived")["CiphertextBlob"]
    clock(3 * 86_400)
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (described["KeyState"], described["CurrentKeyMaterialId"]) == ("PendingImport", first)
    assert "ValidTo" not in described and "ExpirationModel" not in described
    assert materials(kms, key["KeyId"]) == [
        {"KeyId": key["Arn"], "KeyMaterialId": first, "KeyMaterialDescription": "short lived",
         "ImportState": "IMPORTED", "KeyMaterialState": "CURRENT", "ExpirationModel": "KEY_MATERIAL_EXPIRES",
         "ValidTo": valid_to}]
    assert error_of(kms.decrypt, CiphertextBlob=sealed) == (
        "KMSInvalidStateException", f"{key['Arn']} is pending import.")
    bring(kms, key["KeyId"], material, ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
    assert kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == b"short lived"
    assert [(m["ImportState"], m["ExpirationModel"]) for m in materials(kms, key["KeyId"])] == [
        ("IMPORTED", "KEY_MATERIAL_DOES_NOT_EXPIRE")]
