"""A key custodian rotates a key on demand and waits for KMS to finish, as the API
reference tells: "KMS uses a background process to perform rotations"; GetKeyRotationStatus
shows OnDemandRotationStartDate while the rotation is in progress and drops it once the
rotation is complete, and ListKeyRotations then lists it. Meanwhile the key keeps
encrypting and its old ciphertexts keep opening; asking again while it runs starts no
second rotation; a rotation in progress finishes even when the key is disabled or scheduled
for deletion (stackd testdata/aws/kms/rotation.json rotate_first, rotate_immediate_repeat,
status_after_request, rotation_poll, list_rotated, disabled_pending, deleting_pending,
deleting_rotation_poll). With imported key material, the material pending rotation when
the rotation finishes becomes current, even one imported after the call in place of a
deleted one (imports_rotation_replacement.json)."""
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from kms_waits import wait_rotated


def test_on_demand_rotation_runs_in_the_background(client, kms_keys):
    kms = client("kms")
    key = kms_keys(Description="ledger key")
    first = key["CurrentKeyMaterialId"]
    before = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"before the rotation")["CiphertextBlob"]
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    schedule = kms.get_key_rotation_status(KeyId=key["KeyId"])

    assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    running = kms.get_key_rotation_status(KeyId=key["KeyId"])
    running.pop("ResponseMetadata")
    started = running.pop("OnDemandRotationStartDate")
    assert running == {"KeyRotationEnabled": True, "KeyId": key["Arn"], "RotationPeriodInDays": 90,
                       "NextRotationDate": schedule["NextRotationDate"]}
    assert kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"] == []
    assert kms.list_key_rotations(KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"] == [
        {"KeyId": key["Arn"], "KeyMaterialId": first, "KeyMaterialState": "CURRENT"}]
    # asked again while it runs: accepted, and still the one rotation
    assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["OnDemandRotationStartDate"] == started
    meanwhile = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"during the rotation")["CiphertextBlob"]

    wait_rotated(kms, key["KeyId"])
    done = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert (done["RotationPeriodInDays"], done["NextRotationDate"]) == (90, schedule["NextRotationDate"])
    [rotation] = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert (rotation["KeyMaterialState"], rotation["RotationType"]) == ("CURRENT", "ON_DEMAND")
    assert rotation["RotationDate"] >= started
    second = rotation["KeyMaterialId"]
    assert second != first
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"] == second
    after = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"after the rotation")["CiphertextBlob"]
    opened = [kms.decrypt(CiphertextBlob=blob) for blob in (before, meanwhile, after)]
    assert [answer["Plaintext"] for answer in opened] == [
        b"before the rotation", b"during the rotation", b"after the rotation"]
    assert opened[0]["KeyMaterialId"] == first and opened[2]["KeyMaterialId"] == second


def test_a_rotation_in_progress_finishes_on_a_disabled_or_doomed_key(client, kms_keys):
    kms = client("kms")
    key = kms_keys(Description="retiring key")
    kms.rotate_key_on_demand(KeyId=key["KeyId"])
    kms.disable_key(KeyId=key["KeyId"])
    assert "OnDemandRotationStartDate" in kms.get_key_rotation_status(KeyId=key["KeyId"])
    wait_rotated(kms, key["KeyId"])
    assert [r["KeyMaterialState"] for r in kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]] == ["CURRENT"]

    kms.enable_key(KeyId=key["KeyId"])
    kms.rotate_key_on_demand(KeyId=key["KeyId"])
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    doomed = kms.get_key_rotation_status(KeyId=key["KeyId"])
    doomed.pop("ResponseMetadata")
    started = doomed.pop("OnDemandRotationStartDate")
    assert doomed == {"KeyRotationEnabled": False, "KeyId": key["Arn"]}
    wait_rotated(kms, key["KeyId"])
    rotations = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert [r["KeyMaterialState"] for r in rotations] == ["NON_CURRENT", "CURRENT"]
    assert rotations[1]["RotationDate"] >= started
    kms.cancel_key_deletion(KeyId=key["KeyId"])       # the fixture schedules it again


def _import(kms, key_id, **extra) -> str:
    """KeyMaterialId of fresh material imported into the key, wrapped with RSAES_OAEP_SHA_256."""
    offer = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                          WrappingKeySpec="RSA_2048")
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    sealed = serialization.load_der_public_key(offer["PublicKey"]).encrypt(os.urandom(32), oaep)
    return kms.import_key_material(KeyId=key_id, ImportToken=offer["ImportToken"], EncryptedKeyMaterial=sealed,
                                   ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE", **extra)["KeyMaterialId"]


def test_imported_material_replaced_while_the_rotation_runs(client, kms_keys):
    kms = client("kms")
    key = kms_keys(Origin="EXTERNAL", Description="hsm key")
    first = _import(kms, key["KeyId"])
    second = _import(kms, key["KeyId"], ImportType="NEW_KEY_MATERIAL")
    assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    running = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert (running["KeyRotationEnabled"], "OnDemandRotationStartDate" in running) == (False, True)
    assert [(r["KeyMaterialId"], r["KeyMaterialState"]) for r in kms.list_key_rotations(
        KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]] == [
        (first, "CURRENT"), (second, "PENDING_ROTATION")]
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"] == first

    kms.delete_imported_key_material(KeyId=key["KeyId"], KeyMaterialId=second)
    third = _import(kms, key["KeyId"], ImportType="NEW_KEY_MATERIAL")
    assert "OnDemandRotationStartDate" in kms.get_key_rotation_status(KeyId=key["KeyId"])
    wait_rotated(kms, key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"] == third
    assert [(r["KeyMaterialId"], r["KeyMaterialState"], r.get("RotationType")) for r in kms.list_key_rotations(
        KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]] == [
        (first, "NON_CURRENT", None), (third, "CURRENT", "ON_DEMAND")]
