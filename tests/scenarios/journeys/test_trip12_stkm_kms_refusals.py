"""A security team checks a release of its signing and encryption helpers against what KMS
answered in the recorded replies of radkawar/stackd (testdata/aws/kms/rsa.json and
hmac.json, us-east-1): a DryRun of a Verify or VerifyMac with a wrong signature or MAC is
refused as the invalid signature or MAC it is, an RSA ciphertext sent to Decrypt without
its KeyId is refused for the missing KeyId, GetPublicKey answers for a disabled RSA key
but not for a symmetric one, and a grant on an HMAC key names the operations it may
allow."""
import datetime
import hashlib
import os

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding

from kms_waits import wait_rotated
from trip_helpers import error_of

NOT_VALID_DRY_RUN = ("DryRunOperationException", "The request would have succeeded, but the DryRun option is set.")


@pytest.fixture
def kms(client):
    return client("kms")


def test_dry_run_checks_the_signature_and_the_mac_first(kms, kms_keys):
    """rsa.json dry_invalid_signature, hmac.json dry_verify_wrong_mac."""
    signer = kms_keys(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyId"]
    message = b"release manifest v12"
    signature = kms.sign(KeyId=signer, Message=message, SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")["Signature"]
    assert error_of(kms.verify, KeyId=signer, Message=message, Signature=b"\x01" * 256,
                    SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256", DryRun=True) == ("KMSInvalidSignatureException", "")
    assert error_of(kms.verify, KeyId=signer, Message=message, Signature=signature,
                    SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256", DryRun=True) == NOT_VALID_DRY_RUN
    mac_key = kms_keys(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyId"]
    mac = kms.generate_mac(KeyId=mac_key, Message=message, MacAlgorithm="HMAC_SHA_256")["Mac"]
    assert error_of(kms.verify_mac, KeyId=mac_key, Message=message, MacAlgorithm="HMAC_SHA_256",
                    Mac=bytes(32), DryRun=True) == ("KMSInvalidMacException", "")
    assert error_of(kms.verify_mac, KeyId=mac_key, Message=message, MacAlgorithm="HMAC_SHA_256",
                    Mac=mac, DryRun=True) == NOT_VALID_DRY_RUN
    digest = hashlib.sha256(message).digest()
    assert kms.verify(KeyId=signer, Message=digest, MessageType="DIGEST", Signature=signature,
                      SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")["SignatureValid"] is True


def test_rsa_ciphertext_needs_its_key_id(kms, kms_keys):
    """rsa.json decrypt_no_key and decrypt_default_algorithm."""
    key = kms_keys(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"vault token", EncryptionAlgorithm="RSAES_OAEP_SHA_1")["CiphertextBlob"]
    assert error_of(kms.decrypt, CiphertextBlob=blob, EncryptionAlgorithm="RSAES_OAEP_SHA_1") == (
        "ValidationException", "KeyId must not be null")
    assert error_of(kms.decrypt, CiphertextBlob=blob, KeyId=key) == ("InvalidCiphertextException", "")
    assert kms.decrypt(CiphertextBlob=blob, KeyId=key,
                       EncryptionAlgorithm="RSAES_OAEP_SHA_1")["Plaintext"] == b"vault token"


def test_public_key_of_a_disabled_key_but_not_of_a_symmetric_one(kms, kms_keys):
    """rsa.json symmetric_public_key, disabled_public_key and deleting_public_key."""
    symmetric = kms_keys()["KeyId"]
    assert error_of(kms.get_public_key, KeyId=symmetric) == ("UnsupportedOperationException", "")
    key = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    public = kms.get_public_key(KeyId=key["KeyId"])
    kms.disable_key(KeyId=key["KeyId"])
    answer = kms.get_public_key(KeyId=key["KeyId"])
    answer.pop("ResponseMetadata")
    assert answer == {"KeyId": key["Arn"], "PublicKey": public["PublicKey"], "CustomerMasterKeySpec": "RSA_2048",
                      "KeySpec": "RSA_2048", "KeyUsage": "ENCRYPT_DECRYPT",
                      "EncryptionAlgorithms": ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]}
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert error_of(kms.get_public_key, KeyId=key["KeyId"]) == (
        "KMSInvalidStateException", f"{key['Arn']} is pending deletion.")


def test_a_grant_on_an_hmac_key_names_what_it_may_allow(kms, kms_keys):
    """hmac.json mac_grant, encryption_grant and constrained_mac_grant; rsa.json constrained_grant."""
    grantee = f"arn:aws:iam::{kms_keys()['AWSAccountId']}:root"
    mac_key = kms_keys(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyId"]
    assert kms.create_grant(KeyId=mac_key, GranteePrincipal=grantee, Operations=["GenerateMac", "VerifyMac"])
    assert error_of(kms.create_grant, KeyId=mac_key, GranteePrincipal=grantee, Operations=["Encrypt"]) == (
        "ValidationException",
        "Operations [Encrypt] are not supported when creating a grant for a symmetric KMS key with key usage "
        "GENERATE_VERIFY_MAC. Valid operations are [CreateGrant, RetireGrant, DescribeKey, GenerateMac, VerifyMac]")
    constrained = "EncryptionContext is supported only when creating a grant for a symmetric encryption KMS key."
    assert error_of(kms.create_grant, KeyId=mac_key, GranteePrincipal=grantee, Operations=["GenerateMac"],
                    Constraints={"EncryptionContextSubset": {"webhook": "orders"}}) == (
        "ValidationException", constrained)
    rsa_key = kms_keys(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyId"]
    assert error_of(kms.create_grant, KeyId=rsa_key, GranteePrincipal=grantee, Operations=["Decrypt"],
                    Constraints={"EncryptionContextEquals": {"webhook": "orders"}}) == (
        "ValidationException", constrained)
    assert len(kms.list_grants(KeyId=mac_key)["Grants"]) == 1


def test_message_types_each_key_refuses(kms, kms_keys):
    """ecc.json sign cases with MessageType EXTERNAL_MU, RAW for ED25519_PH_SHA_512 and DIGEST
    for ED25519_SHA_512."""
    p256 = kms_keys(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyId"]
    assert error_of(kms.sign, KeyId=p256, Message=bytes(64), MessageType="EXTERNAL_MU",
                    SigningAlgorithm="ECDSA_SHA_256") == (
        "ValidationException", "Message type EXTERNAL_MU is incompatible with key spec ECC_NIST_P256.")
    edwards = kms_keys(KeySpec="ECC_NIST_EDWARDS25519", KeyUsage="SIGN_VERIFY")["KeyId"]
    for algorithm in ("ED25519_PH_SHA_512", "ED25519_SHA_512"):
        assert error_of(kms.sign, KeyId=edwards, Message=bytes(64), MessageType="EXTERNAL_MU",
                        SigningAlgorithm=algorithm) == (
            "ValidationException", "Message type EXTERNAL_MU is incompatible with key spec ECC_NIST_EDWARDS25519.")
    assert error_of(kms.sign, KeyId=edwards, Message=b"manifest", MessageType="RAW",
                    SigningAlgorithm="ED25519_PH_SHA_512") == (
        "ValidationException", "Message type RAW is incompatible with algorithm ED25519_PH_SHA_512.")
    for digest in (bytes(64), bytes(3)):
        assert error_of(kms.sign, KeyId=edwards, Message=digest, MessageType="DIGEST",
                        SigningAlgorithm="ED25519_SHA_512") == (
            "ValidationException", "Message type DIGEST is incompatible with algorithm ED25519_SHA_512.")
    assert error_of(kms.sign, KeyId=edwards, Message=bytes(3), MessageType="DIGEST",
                    SigningAlgorithm="ED25519_PH_SHA_512") == (
        "ValidationException", "Digest is invalid length for algorithm ED25519_PH_SHA_512.")


def test_a_peer_key_kms_cannot_use(kms, kms_keys):
    """ecc.json invalid_public_key, dry_invalid_public_key and wrong_curve: ValidationException
    with no message."""
    key = kms_keys(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")["KeyId"]
    other_curve = ec.generate_private_key(ec.SECP384R1()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    for peer, dry_run in ((b"not a key", False), (b"not a key", True), (other_curve, False)):
        assert error_of(kms.derive_shared_secret, KeyId=key, KeyAgreementAlgorithm="ECDH", PublicKey=peer,
                        DryRun=dry_run) == ("ValidationException", "")


def test_rotation_settings_as_kms_keeps_them(kms, kms_keys):
    """rotation.json: enable_2560/enable_default/reenabled_same_period, alias_* cases,
    rotate_first, list_rotated, invalid_marker, deleting_get-key-rotation-status and the
    hmac_* cases."""
    key = kms_keys()
    kms.create_alias(AliasName=f"alias/rotation-{key['KeyId']}", TargetKeyId=key["KeyId"])
    for call in (kms.get_key_rotation_status, kms.list_key_rotations, kms.enable_key_rotation,
                 kms.disable_key_rotation, kms.rotate_key_on_demand):
        assert error_of(call, KeyId=f"alias/rotation-{key['KeyId']}") == (
            "InvalidArnException", "Key Aliases are not supported for this operation.")
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=2560)
    first = kms.get_key_rotation_status(KeyId=key["KeyId"])
    kms.enable_key_rotation(KeyId=key["KeyId"])                   # no period named: the period stays
    again = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert (again["RotationPeriodInDays"], again["NextRotationDate"]) == (2560, first["NextRotationDate"])
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=2560)
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["NextRotationDate"] == first["NextRotationDate"]
    kms.disable_key_rotation(KeyId=key["KeyId"])
    kms.enable_key_rotation(KeyId=key["KeyId"])
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["RotationPeriodInDays"] == 365

    assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    wait_rotated(kms, key["KeyId"])
    [rotation] = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert (rotation["KeyId"], rotation["KeyMaterialState"], rotation["RotationType"]) == (
        key["Arn"], "CURRENT", "ON_DEMAND")
    assert error_of(kms.list_key_rotations, KeyId=key["KeyId"], Marker="not-a-marker") == (
        "InvalidMarkerException", "")

    mac_key = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    assert kms.get_key_rotation_status(KeyId=mac_key["KeyId"])["KeyRotationEnabled"] is False
    assert kms.list_key_rotations(KeyId=mac_key["KeyId"])["Rotations"] == []
    assert error_of(kms.enable_key_rotation, KeyId=mac_key["KeyId"]) == ("UnsupportedOperationException", "")
    kms.disable_key_rotation(KeyId=mac_key["KeyId"])
    assert error_of(kms.rotate_key_on_demand, KeyId=mac_key["KeyId"]) == ("UnsupportedOperationException", "")
    kms.schedule_key_deletion(KeyId=mac_key["KeyId"], PendingWindowInDays=7)

    rotating = kms.create_key()["KeyMetadata"]
    kms.enable_key_rotation(KeyId=rotating["KeyId"])
    kms.schedule_key_deletion(KeyId=rotating["KeyId"], PendingWindowInDays=7)
    answer = kms.get_key_rotation_status(KeyId=rotating["KeyId"])
    answer.pop("ResponseMetadata")
    assert answer == {"KeyRotationEnabled": False, "KeyId": rotating["Arn"]}


def _wrapped(parameters, material):
    public = serialization.load_der_public_key(parameters["PublicKey"])
    return public.encrypt(material, padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(),
                                                 label=None))


def test_import_refusals(kms, kms_keys):
    """imports_edges.json token_other_key, token_corrupt, ciphertext_corrupt and
    pending_after_expiry_new."""
    key, other = kms_keys(Origin="EXTERNAL"), kms_keys(Origin="EXTERNAL")

    def parameters(key_id):
        return kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                             WrappingKeySpec="RSA_2048")
    mine, theirs = parameters(key["KeyId"]), parameters(other["KeyId"])
    material = os.urandom(32)
    for token in (theirs["ImportToken"], b"\x07" * 300):
        assert error_of(kms.import_key_material, KeyId=key["KeyId"], EncryptedKeyMaterial=_wrapped(mine, material),
                        ImportToken=token, ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE") == (
            "InvalidImportTokenException", "")
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], EncryptedKeyMaterial=b"\x07" * 256,
                    ImportToken=mine["ImportToken"], ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE") == (
        "InvalidCiphertextException", "")
    kms.import_key_material(KeyId=key["KeyId"], EncryptedKeyMaterial=_wrapped(mine, material),
                            ImportToken=mine["ImportToken"], ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
    upcoming = os.urandom(32)
    again = parameters(key["KeyId"])
    pending = kms.import_key_material(KeyId=key["KeyId"], EncryptedKeyMaterial=_wrapped(again, upcoming),
                                      ImportToken=again["ImportToken"], ImportType="NEW_KEY_MATERIAL",
                                      ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")["KeyMaterialId"]
    again = parameters(key["KeyId"])
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], EncryptedKeyMaterial=_wrapped(again, upcoming),
                    ImportToken=again["ImportToken"], ImportType="NEW_KEY_MATERIAL",
                    ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE") == (
        "IncorrectKeyMaterialException",
        f"Key material (id: {pending}) being imported as NEW_KEY_MATERIAL is already associated with KMS key "
        f"{key['Arn']}.")


def test_import_mistakes_in_kms_words(kms, kms_keys):
    """imports.json pending_enable-key-rotation, pending_rotate-key-on-demand,
    deprecated_wrapping, expired_valid_to, excessive_valid_to, short_material,
    no_expiry_with_valid_to and wrong_existing_material."""
    key = kms_keys(Origin="EXTERNAL")
    for call in (kms.enable_key_rotation, kms.disable_key_rotation):
        assert error_of(call, KeyId=key["KeyId"]) == (
            "UnsupportedOperationException", f"{key['Arn']} origin is EXTERNAL which is not valid for this operation.")
    assert error_of(kms.rotate_key_on_demand, KeyId=key["KeyId"]) == (
        "KMSInvalidStateException", f"{key['Arn']} is pending import.")
    assert error_of(kms.get_parameters_for_import, KeyId=key["KeyId"], WrappingAlgorithm="RSAES_PKCS1_V1_5",
                    WrappingKeySpec="RSA_2048") == (
        "ValidationException",
        "Wrapping algorithm RSAES_PKCS1_V1_5 and wrapping key spec RSA_2048 cannot be used to import a "
        "SYMMETRIC_DEFAULT key.")
    parameters = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                               WrappingKeySpec="RSA_2048")
    material = os.urandom(32)
    now = datetime.datetime.now(datetime.timezone.utc)
    for valid_to, message in ((now - datetime.timedelta(minutes=5), "ValidTo must be in the future"),
                              (now + datetime.timedelta(days=370), "ValidTo must be less than 365 days in the future")):
        assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=parameters["ImportToken"],
                        EncryptedKeyMaterial=_wrapped(parameters, material), ValidTo=valid_to) == (
            "ValidationException", message)
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=parameters["ImportToken"],
                    EncryptedKeyMaterial=_wrapped(parameters, material[:16]),
                    ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE") == ("InvalidCiphertextException", "")
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=parameters["ImportToken"],
                    EncryptedKeyMaterial=_wrapped(parameters, material), ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
                    ValidTo=now + datetime.timedelta(days=1)) == (
        "ValidationException", "A validTo date cannot be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE")
    first = kms.import_key_material(KeyId=key["KeyId"], ImportToken=parameters["ImportToken"],
                                    EncryptedKeyMaterial=_wrapped(parameters, material),
                                    ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")["KeyMaterialId"]
    again = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                          WrappingKeySpec="RSA_2048")
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=again["ImportToken"],
                    EncryptedKeyMaterial=_wrapped(again, os.urandom(32)),
                    ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE") == (
        "IncorrectKeyMaterialException", f"Imported key material does not have the expected identifier ({first}).")


def test_replica_regions_kms_refuses(kms, kms_keys):
    """multi_region.json replicate_region_us-east-1, replicate_region_cn-north-1 and
    replicate_region_us-invalid-1 (the primary in us-east-1)."""
    primary = kms_keys(MultiRegion=True)
    region = kms.meta.region_name
    assert error_of(kms.replicate_key, KeyId=primary["KeyId"], ReplicaRegion=region) == (
        "ValidationException", f"{region} cannot have a replica because it contains the primary.")
    assert error_of(kms.replicate_key, KeyId=primary["KeyId"], ReplicaRegion="cn-north-1") == (
        "ValidationException", "The replica key Region must be in the same AWS partition as the primary key Region.")
    assert error_of(kms.replicate_key, KeyId=primary["KeyId"], ReplicaRegion="us-invalid-1") == (
        "ValidationException",
        "Region us-invalid-1 is not a valid Region or multi-Region keys are not supported in Region us-invalid-1.")
    assert kms.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"]["ReplicaKeys"] == []


def test_a_replica_answers_its_primarys_rotation(lakebox_server, kms):
    """multi_region.json enable_rotation_primary then replica_initial_rotation (us-west-2)."""
    primary = kms.create_key(MultiRegion=True)["KeyMetadata"]
    kms.enable_key_rotation(KeyId=primary["KeyId"], RotationPeriodInDays=90)
    expected = kms.get_key_rotation_status(KeyId=primary["KeyId"])
    replica_region = "us-west-2" if kms.meta.region_name != "us-west-2" else "us-east-1"
    replica = kms.replicate_key(KeyId=primary["KeyId"], ReplicaRegion=replica_region)["ReplicaKeyMetadata"]
    west = lakebox_server.client("kms", region=replica_region)
    try:
        answer = west.get_key_rotation_status(KeyId=primary["KeyId"])
        assert (answer["KeyRotationEnabled"], answer["KeyId"], answer["RotationPeriodInDays"],
                answer["NextRotationDate"]) == (True, replica["Arn"], 90, expected["NextRotationDate"])
    finally:
        west.schedule_key_deletion(KeyId=primary["KeyId"], PendingWindowInDays=7)
        kms.schedule_key_deletion(KeyId=primary["KeyId"], PendingWindowInDays=7)


def test_a_grant_for_a_session_arn_with_a_role_path(kms, kms_keys):
    """grants.json session_role_path: a session ARN names its role without the role's path."""
    key = kms_keys()
    account = key["AWSAccountId"]
    with_path = f"arn:aws:sts::{account}:assumed-role/probe/etl-role/nightly"
    assert error_of(kms.create_grant, KeyId=key["KeyId"], GranteePrincipal=with_path, Operations=["Decrypt"]) == (
        "InvalidArnException", f"ARN is not valid: {with_path}")
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []
