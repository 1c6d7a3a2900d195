"""A bank keeps one imported AES key in two Regions (a multi-Region key with Origin
EXTERNAL) and learns how KMS treats its replica, as recorded from AWS (stackd
testdata/aws/kms/imports_multi_region.json): the replica starts without material and lists
the primary's, PENDING_IMPORT, until the same material is imported there (no description,
never NEW_KEY_MATERIAL); new material imported on the primary waits in
PENDING_MULTI_REGION_IMPORT_AND_ROTATION until every replica has it, and only then rotates,
in both Regions."""
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from kms_waits import wait_rotated
from trip_helpers import error_of

OAEP_256 = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def bring(kms, key_id, material, **extra):
    parameters = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                               WrappingKeySpec="RSA_2048")
    wrapped = serialization.load_der_public_key(parameters["PublicKey"]).encrypt(material, OAEP_256)
    return kms.import_key_material(KeyId=key_id, ImportToken=parameters["ImportToken"], EncryptedKeyMaterial=wrapped,
                                   ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE", **extra)


def listed(kms, key_id):
    return [(r["KeyMaterialId"], r.get("KeyMaterialDescription"), r["ImportState"], r["KeyMaterialState"],
             r.get("ExpirationModel")) for r in kms.list_key_rotations(
        KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]]


def test_an_imported_key_in_two_regions(lakebox_server, client, kms_keys):
    kms, west = client("kms"), lakebox_server.client("kms", region="us-west-2")
    key = kms_keys(Origin="EXTERNAL", MultiRegion=True)
    assert error_of(kms.replicate_key, KeyId=key["KeyId"], ReplicaRegion="us-west-2") == (
        "KMSInvalidStateException", f"{key['Arn']} is pending import.")
    first_material, second_material = os.urandom(32), os.urandom(32)
    first = bring(kms, key["KeyId"], first_material, KeyMaterialDescription="primary first")["KeyMaterialId"]

    replica = kms.replicate_key(KeyId=key["KeyId"], ReplicaRegion="us-west-2")["ReplicaKeyMetadata"]
    assert (replica["KeyState"], replica["Enabled"], replica["ExpirationModel"], "CurrentKeyMaterialId" in replica) == (
        "Creating", False, "KEY_MATERIAL_DOES_NOT_EXPIRE", False)
    try:
        described = west.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        assert (described["KeyState"], described["CurrentKeyMaterialId"], "ExpirationModel" in described) == (
            "PendingImport", first, False)
        assert listed(west, key["KeyId"]) == [(first, "primary first", "PENDING_IMPORT", "CURRENT", None)]
        assert error_of(bring, west, key["KeyId"], os.urandom(32)) == (
            "IncorrectKeyMaterialException", f"Imported key material does not have the expected identifier ({first}).")
        assert error_of(bring, west, key["KeyId"], first_material, KeyMaterialDescription="replica first") == (
            "ValidationException", "Key material description can only be specified on primary Multi-Region keys")
        assert bring(west, key["KeyId"], first_material)["KeyMaterialId"] == first
        assert west.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
        sealed = west.encrypt(KeyId=key["KeyId"], Plaintext=b"wire transfer")["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == b"wire transfer"

        second = bring(kms, key["KeyId"], second_material, ImportType="NEW_KEY_MATERIAL")["KeyMaterialId"]
        waiting = "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"
        assert listed(kms, key["KeyId"]) == [
            (first, "primary first", "IMPORTED", "CURRENT", "KEY_MATERIAL_DOES_NOT_EXPIRE"),
            (second, None, "IMPORTED", waiting, "KEY_MATERIAL_DOES_NOT_EXPIRE")]
        assert listed(west, key["KeyId"])[1] == (second, None, "PENDING_IMPORT", waiting, None)
        assert error_of(kms.rotate_key_on_demand, KeyId=key["KeyId"]) == (
            "KMSInvalidStateException",
            "Cannot perform key material rotation: Key material has not been imported for replicas of the "
            "Multi-Region key.")
        assert error_of(bring, west, key["KeyId"], second_material, ImportType="NEW_KEY_MATERIAL") == (
            "ValidationException", "Input parameter ImportType NEW_KEY_MATERIAL cannot be used on replica "
                                   "Multi-Region keys")
        # deleted on the replica it is still waited for there; deleted on the primary it is gone
        west.delete_imported_key_material(KeyId=key["KeyId"], KeyMaterialId=second)
        assert listed(kms, key["KeyId"])[1][3] == waiting
        assert bring(west, key["KeyId"], second_material)["KeyMaterialId"] == second
        kms.delete_imported_key_material(KeyId=key["KeyId"], KeyMaterialId=second)
        assert [entry[0] for entry in listed(west, key["KeyId"])] == [first]

        bring(kms, key["KeyId"], second_material, ImportType="NEW_KEY_MATERIAL")
        bring(west, key["KeyId"], second_material)
        assert listed(kms, key["KeyId"])[1][3] == "PENDING_ROTATION"
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
        wait_rotated(kms, key["KeyId"])
        for regional in (kms, west):
            assert [(entry[0], entry[3]) for entry in listed(regional, key["KeyId"])] == [
                (first, "NON_CURRENT"), (second, "CURRENT")]
            assert regional.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"] == second
        opened = west.decrypt(CiphertextBlob=sealed)
        assert (opened["Plaintext"], opened["KeyMaterialId"]) == (b"wire transfer", first)
    finally:
        west.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
