"""A platform team brings its own HMAC secrets and asymmetric private keys into KMS and
meets KMS's answers for key material that is not symmetric, as recorded from AWS
(stackd testdata/aws/kms/imports_families.json, imports_data_plane.json): the answers of
ImportKeyMaterial and DeleteImportedKeyMaterial name the key only, the symmetric-only
parameters are refused naming the key spec, material of the wrong length is an
InvalidCiphertextException with no message, RSA private keys are wrapped with RSA_AES only,
P-521 and Ed25519 keys not directly under RSA_2048, ListKeyRotations' IncludeKeyMaterial is
for symmetric keys, and ML-DSA keys cannot be imported."""
import datetime
import os

import pytest
from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from kms_waits import wait_rotated
from trip_helpers import error_of

OAEP_256 = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def bring(kms, key_id, material, algorithm="RSAES_OAEP_SHA_256", spec="RSA_2048", **extra):
    parameters = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm=algorithm, WrappingKeySpec=spec)
    public = serialization.load_der_public_key(parameters["PublicKey"])
    if algorithm.startswith("RSA_AES"):
        ephemeral = os.urandom(32)
        wrapped = public.encrypt(ephemeral, OAEP_256) + keywrap.aes_key_wrap_with_padding(ephemeral, material)
    else:
        wrapped = public.encrypt(material, OAEP_256)
    return kms.import_key_material(KeyId=key_id, ImportToken=parameters["ImportToken"], EncryptedKeyMaterial=wrapped,
                                   ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE", **extra)


def pkcs8(private_key) -> bytes:
    return private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())


def test_an_imported_hmac_secret(client, kms_keys):
    kms = client("kms")
    key = kms_keys(KeySpec="HMAC_224", KeyUsage="GENERATE_VERIFY_MAC", Origin="EXTERNAL")
    assert error_of(bring, kms, key["KeyId"], os.urandom(27)) == ("InvalidCiphertextException", "")
    secret = os.urandom(28)
    imported = bring(kms, key["KeyId"], secret)
    imported.pop("ResponseMetadata")
    assert imported == {"KeyId": key["Arn"]}
    for name, value in [("ImportType", "EXISTING_KEY_MATERIAL"), ("KeyMaterialId", "0" * 64),
                        ("KeyMaterialDescription", "hmac description")]:
        assert error_of(bring, kms, key["KeyId"], secret, **{name: value}) == (
            "ValidationException",
            f"Input parameter {name[0].lower() + name[1:]} cannot be used with HMAC_224 imported keys.")
    assert "CurrentKeyMaterialId" not in kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert error_of(kms.list_key_rotations, KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL") == (
        "ValidationException", "Input parameter includeKeyMaterial can only be used with symmetric keys.")
    deleted = kms.delete_imported_key_material(KeyId=key["KeyId"])
    deleted.pop("ResponseMetadata")
    assert deleted == {"KeyId": key["Arn"]}
    assert bring(kms, key["KeyId"], secret)["KeyId"] == key["Arn"]


def test_an_imported_key_agreement_key(client, kms_keys):
    kms = client("kms")
    key = kms_keys(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT", Origin="EXTERNAL")
    private = ec.generate_private_key(ec.SECP256R1())
    assert "KeyMaterialId" not in bring(kms, key["KeyId"], pkcs8(private))
    peer = ec.generate_private_key(ec.SECP256R1())
    peer_public = peer.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)
    derived = kms.derive_shared_secret(KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=peer_public)
    assert (derived["SharedSecret"], derived["KeyOrigin"]) == (
        peer.exchange(ec.ECDH(), private.public_key()), "EXTERNAL")
    assert kms.delete_imported_key_material(KeyId=key["KeyId"]).get("KeyMaterialId") is None
    assert error_of(kms.derive_shared_secret, KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH",
                    PublicKey=peer_public) == ("KMSInvalidStateException", f"{key['Arn']} is pending import.")


@pytest.mark.parametrize("spec, usage", [("RSA_2048", "SIGN_VERIFY"), ("RSA_4096", "SIGN_VERIFY"),
                                         ("ECC_NIST_P521", "SIGN_VERIFY"), ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY")])
def test_keys_not_wrapped_directly_under_rsa_2048(client, kms_keys, spec, usage):
    kms = client("kms")
    key = kms_keys(KeySpec=spec, KeyUsage=usage, Origin="EXTERNAL")
    assert error_of(kms.get_parameters_for_import, KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                    WrappingKeySpec="RSA_2048") == (
        "ValidationException",
        f"Wrapping algorithm RSAES_OAEP_SHA_256 and wrapping key spec RSA_2048 cannot be used to import a {spec} key.")
    assert error_of(kms.list_key_rotations, KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL") == (
        "ValidationException", "Input parameter includeKeyMaterial can only be used with symmetric keys.")


def test_an_imported_rsa_key_decrypts_what_its_public_key_sealed(client, kms_keys):
    kms = client("kms")
    key = kms_keys(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT", Origin="EXTERNAL")
    private = rsa.generate_private_key(65537, 2048)
    imported = bring(kms, key["KeyId"], pkcs8(private), algorithm="RSA_AES_KEY_WRAP_SHA_256", spec="RSA_3072")
    assert "KeyMaterialId" not in imported
    assert error_of(bring, kms, key["KeyId"], pkcs8(private), algorithm="RSA_AES_KEY_WRAP_SHA_256", spec="RSA_3072",
                    KeyMaterialDescription="asymmetric description") == (
        "ValidationException", "Input parameter keyMaterialDescription cannot be used with RSA_2048 imported keys.")
    sealed = private.public_key().encrypt(b"imported RSA encryption", OAEP_256)
    assert kms.decrypt(KeyId=key["KeyId"], CiphertextBlob=sealed,
                       EncryptionAlgorithm="RSAES_OAEP_SHA_256")["Plaintext"] == b"imported RSA encryption"


@pytest.mark.parametrize("spec", ["ML_DSA_44", "ML_DSA_65", "ML_DSA_87"])
def test_ml_dsa_keys_are_not_imported(client, spec):
    assert error_of(client("kms").create_key, KeySpec=spec, KeyUsage="SIGN_VERIFY", Origin="EXTERNAL") == (
        "ValidationException", f"KeySpec {spec} is not supported for Origin EXTERNAL")


@pytest.mark.local_only
def test_material_pending_rotation_that_expired(client, kms_keys, clock):
    """New material imported with a ValidTo and left pending past it is still listed
    IMPORTED with its ValidTo; rotating onto it leaves the key PendingImport (naming its
    current material, no ValidTo) until the same material comes back without expiry,
    and then what the first material sealed opens again
    (stackd testdata/aws/kms/imports_rotation_expiry.json, imports_expiry.json)."""
    kms = client("kms")
    key = kms_keys(Origin="EXTERNAL")
    first = bring(kms, key["KeyId"], os.urandom(32))["KeyMaterialId"]
    sealed = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"old material")["CiphertextBlob"]
    second_material = os.urandom(32)
    valid_to = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).replace(microsecond=0)
    parameters = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                               WrappingKeySpec="RSA_2048")
    wrapped = serialization.load_der_public_key(parameters["PublicKey"]).encrypt(second_material, OAEP_256)
    second = kms.import_key_material(KeyId=key["KeyId"], ImportToken=parameters["ImportToken"],
                                     EncryptedKeyMaterial=wrapped, ImportType="NEW_KEY_MATERIAL",
                                     ValidTo=valid_to)["KeyMaterialId"]
    clock(2 * 86_400)
    listed = lambda: [(r["KeyMaterialId"], r["ImportState"], r["KeyMaterialState"], r["ExpirationModel"],
                       r.get("ValidTo")) for r in kms.list_key_rotations(
        KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]]
    assert listed() == [(first, "IMPORTED", "CURRENT", "KEY_MATERIAL_DOES_NOT_EXPIRE", None),
                        (second, "IMPORTED", "PENDING_ROTATION", "KEY_MATERIAL_EXPIRES", valid_to)]
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"

    kms.rotate_key_on_demand(KeyId=key["KeyId"])
    wait_rotated(kms, key["KeyId"])
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (described["KeyState"], described["Enabled"], described["CurrentKeyMaterialId"]) == (
        "PendingImport", False, second)
    assert "ValidTo" not in described and "ExpirationModel" not in described
    assert listed() == [(first, "IMPORTED", "NON_CURRENT", "KEY_MATERIAL_DOES_NOT_EXPIRE", None),
                        (second, "IMPORTED", "CURRENT", "KEY_MATERIAL_EXPIRES", valid_to)]
    for call, args in [(kms.encrypt, {"KeyId": key["KeyId"], "Plaintext": b"after rotation"}),
                       (kms.decrypt, {"CiphertextBlob": sealed})]:
        assert error_of(call, **args) == ("KMSInvalidStateException", f"{key['Arn']} is pending import.")

    assert bring(kms, key["KeyId"], second_material)["KeyMaterialId"] == second
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["ExpirationModel"] == "KEY_MATERIAL_DOES_NOT_EXPIRE"
    opened = kms.decrypt(CiphertextBlob=sealed)
    assert (opened["Plaintext"], opened["KeyMaterialId"]) == (b"old material", first)


def test_rotating_imported_material_needs_new_material_waiting(client, kms_keys):
    """RotateKeyOnDemand of a key with imported material and none pending rotation
    (stackd testdata/aws/kms/imports_rotation_replacement.json rotate_third)."""
    kms = client("kms")
    key = kms_keys(Origin="EXTERNAL")
    bring(kms, key["KeyId"], os.urandom(32))
    assert error_of(kms.rotate_key_on_demand, KeyId=key["KeyId"]) == (
        "KMSInvalidStateException", f"No available key material pending rotation for the key: {key['Arn']}.")
    bring(kms, key["KeyId"], os.urandom(32), ImportType="NEW_KEY_MATERIAL")
    assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    wait_rotated(kms, key["KeyId"])
    assert error_of(kms.rotate_key_on_demand, KeyId=key["KeyId"]) == (
        "KMSInvalidStateException", f"No available key material pending rotation for the key: {key['Arn']}.")


@pytest.mark.parametrize("usage, message", [
    (None, "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys."),
    ("ENCRYPT_DECRYPT", "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec ML_DSA_44"),
    ("KEY_AGREEMENT", "KeyUsage KEY_AGREEMENT is not compatible with KeySpec ML_DSA_44")])
def test_ml_dsa_key_usages(client, usage, message):
    """(stackd testdata/aws/kms/mldsa.json default_usage, encryption_usage, agreement_usage)"""
    args = {"KeySpec": "ML_DSA_44", **({"KeyUsage": usage} if usage else {})}
    assert error_of(client("kms").create_key, **args) == ("ValidationException", message)
