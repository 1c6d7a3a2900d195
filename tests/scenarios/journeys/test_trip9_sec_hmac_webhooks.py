"""A platform team signs the webhooks its lake sends to customers with KMS HMAC keys. The
customers verify with a shared secret, so the team brings its own key material: an
HMAC_256 key created with Origin EXTERNAL, GetParametersForImport for an RSA_3072 wrapping
key, the secret wrapped offline (RSAES_OAEP_SHA_256, then once more with
RSA_AES_KEY_WRAP_SHA_256 for a second key) and imported without expiry. Every MAC KMS makes
is the HMAC the customer computes with Python's hmac; a tampered payload fails VerifyMac
with KMSInvalidMacException. A key of each HMAC spec answers only its own algorithm, and
the team's mistakes (an import naming no expiry, a payload over 4096 bytes, a MAC key used
to encrypt) are refused with KMS's codes and words."""
import hashlib
import hmac
import os
import re

import pytest
from botocore.config import Config
from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from trip_helpers import error_of

OAEP_256 = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
PAYLOAD = b'{"event":"partition_added","table":"orders","dt":"2024-06-01"}'
SPECS = {"HMAC_224": ("HMAC_SHA_224", hashlib.sha224), "HMAC_256": ("HMAC_SHA_256", hashlib.sha256),
         "HMAC_384": ("HMAC_SHA_384", hashlib.sha384), "HMAC_512": ("HMAC_SHA_512", hashlib.sha512)}


@pytest.fixture
def kms(client):
    return client("kms")


def wrapped(parameters, secret, algorithm):
    public = serialization.load_der_public_key(parameters["PublicKey"])
    if algorithm == "RSAES_OAEP_SHA_256":
        return public.encrypt(secret, OAEP_256)
    ephemeral = os.urandom(32)          # RSA_AES_KEY_WRAP: RSA-OAEP of an AES key, then RFC 5649
    return public.encrypt(ephemeral, OAEP_256) + keywrap.aes_key_wrap_with_padding(ephemeral, secret)


def bring_own_secret(kms, key, secret, algorithm):
    parameters = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm=algorithm,
                                               WrappingKeySpec="RSA_3072")
    assert parameters["KeyId"] == key["Arn"]
    assert serialization.load_der_public_key(parameters["PublicKey"]).key_size == 3072
    refused = error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=parameters["ImportToken"],
                       EncryptedKeyMaterial=wrapped(parameters, secret, algorithm))
    assert refused == ("ValidationException",
                       "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES")
    return kms.import_key_material(KeyId=key["KeyId"], ImportToken=parameters["ImportToken"],
                                   EncryptedKeyMaterial=wrapped(parameters, secret, algorithm),
                                   ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")


@pytest.mark.parametrize("algorithm", ["RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_256"])
def test_webhooks_signed_with_an_imported_secret(kms, kms_keys, algorithm):
    key = kms_keys(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC", Origin="EXTERNAL",
                   Description="webhook signing")
    assert (key["KeyState"], key["Enabled"], key["MacAlgorithms"]) == ("PendingImport", False, ["HMAC_SHA_256"])
    assert error_of(kms.generate_mac, KeyId=key["KeyId"], Message=PAYLOAD, MacAlgorithm="HMAC_SHA_256") == (
        "KMSInvalidStateException", f"{key['Arn']} is pending import.")

    secret = os.urandom(32)
    imported = bring_own_secret(kms, key, secret, algorithm)
    assert imported["KeyId"] == key["Arn"]
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (described["KeyState"], described["Origin"], described["ExpirationModel"]) == (
        "Enabled", "EXTERNAL", "KEY_MATERIAL_DOES_NOT_EXPIRE")

    made = kms.generate_mac(KeyId=key["KeyId"], Message=PAYLOAD, MacAlgorithm="HMAC_SHA_256")
    assert (made["KeyId"], made["MacAlgorithm"]) == (key["Arn"], "HMAC_SHA_256")
    assert made["Mac"] == hmac.new(secret, PAYLOAD, hashlib.sha256).digest()      # what the customer computes
    checked = kms.verify_mac(KeyId=key["KeyId"], Message=PAYLOAD, MacAlgorithm="HMAC_SHA_256", Mac=made["Mac"])
    assert (checked["MacValid"], checked["KeyId"], checked["MacAlgorithm"]) == (True, key["Arn"], "HMAC_SHA_256")
    tampered = PAYLOAD.replace(b"orders", b"refunds")
    assert error_of(kms.verify_mac, KeyId=key["KeyId"], Message=tampered, MacAlgorithm="HMAC_SHA_256",
                    Mac=made["Mac"]) == ("KMSInvalidMacException", "")

    # the same secret can come back after it is deleted, a different one cannot
    # an HMAC key's material is not named in the answers (stackd testdata/aws/kms/imports_families.json)
    deleted = kms.delete_imported_key_material(KeyId=key["KeyId"])
    assert (deleted["KeyId"], "KeyMaterialId" in deleted) == (key["Arn"], False)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    code, message = error_of(bring_own_secret, kms, key, os.urandom(32), algorithm)
    assert code == "IncorrectKeyMaterialException"
    assert re.fullmatch(r"Imported key material does not have the expected identifier \([0-9a-f]{64}\)\.", message)
    bring_own_secret(kms, key, secret, algorithm)
    assert kms.verify_mac(KeyId=key["KeyId"], Message=PAYLOAD, MacAlgorithm="HMAC_SHA_256",
                          Mac=made["Mac"])["MacValid"] is True


def test_each_hmac_spec_answers_its_own_algorithm(kms, kms_keys):
    for spec, (algorithm, digest) in SPECS.items():
        key = kms_keys(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")
        assert (key["KeySpec"], key["MacAlgorithms"]) == (spec, [algorithm])
        mac = kms.generate_mac(KeyId=key["KeyId"], Message=PAYLOAD, MacAlgorithm=algorithm)["Mac"]
        assert len(mac) == digest().digest_size
        assert kms.verify_mac(KeyId=key["KeyId"], Message=PAYLOAD, MacAlgorithm=algorithm, Mac=mac)["MacValid"]
        other = "HMAC_SHA_512" if algorithm != "HMAC_SHA_512" else "HMAC_SHA_256"
        assert error_of(kms.generate_mac, KeyId=key["KeyId"], Message=PAYLOAD, MacAlgorithm=other) == (
            "InvalidKeyUsageException", f"Algorithm {other} is incompatible with key spec {spec}.")
        assert error_of(kms.verify_mac, KeyId=key["KeyId"], Message=PAYLOAD, MacAlgorithm=other, Mac=mac) == (
            "InvalidKeyUsageException", f"Algorithm {other} is incompatible with key spec {spec}.")


def test_webhook_signing_mistakes(kms, kms_keys, lakebox_server):
    assert error_of(kms.create_key, KeySpec="HMAC_256") == (
        "ValidationException", "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.")
    assert error_of(kms.create_key, KeySpec="HMAC_256", KeyUsage="ENCRYPT_DECRYPT") == (
        "ValidationException", "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec HMAC_256")
    key = kms_keys(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=PAYLOAD) == (
        "InvalidKeyUsageException",
        f"{key['Arn']} key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt.")
    assert error_of(kms.enable_key_rotation, KeyId=key["KeyId"]) == ("UnsupportedOperationException", "")
    assert error_of(kms.get_public_key, KeyId=key["KeyId"]) == (
        "UnsupportedOperationException", f"{key['Arn']} key spec is HMAC_256 which is not valid for GetPublicKey.")
    unchecked = lakebox_server.client("kms", config=Config(parameter_validation=False,
                                                           retries={"total_max_attempts": 1}))
    assert error_of(unchecked.generate_mac, KeyId=key["KeyId"], Message=b"x" * 4097, MacAlgorithm="HMAC_SHA_256") == (
        "ValidationException", "1 validation error detected: Value at 'message' failed to satisfy constraint: "
                               "Member must have length less than or equal to 4096")
    assert len(kms.generate_mac(KeyId=key["KeyId"], Message=b"x" * 4096, MacAlgorithm="HMAC_SHA_256")["Mac"]) == 32
    kms.disable_key(KeyId=key["KeyId"])
    assert error_of(kms.generate_mac, KeyId=key["KeyId"], Message=PAYLOAD, MacAlgorithm="HMAC_SHA_256") == (
        "DisabledException", f"{key['Arn']} is disabled.")
