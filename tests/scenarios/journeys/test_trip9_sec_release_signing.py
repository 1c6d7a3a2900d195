"""A release engineering team signs build manifests with KMS elliptic-curve keys and lets
anyone verify them offline: one key per curve their consumers use (ECC_NIST_P256 for the
CI, ECC_NIST_P384 for a regulated customer, ECC_SECG_P256K1 for a wallet integration),
the public key fetched once with GetPublicKey and every signature checked with the
cryptography package, both for a signed message and for a digest the pipeline hashed
itself (MessageType DIGEST). Secrets for the build farm travel the other way: the farm
encrypts them offline with the public half of an RSA_3072 key (RSAES_OAEP_SHA_1 for an old
agent, RSAES_OAEP_SHA_256 for the new ones) and only KMS can decrypt them. The team's
mistakes get KMS's codes and words."""
import hashlib

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

from trip_helpers import error_of

MANIFEST = b'{"artifact":"lake-etl-2.4.1.tar.gz","sha256":"9f86d081884c7d659a2feaa0c55ad015"}'
CURVES = [("ECC_NIST_P256", "ECDSA_SHA_256", hashes.SHA256, "secp256r1"),
          ("ECC_NIST_P384", "ECDSA_SHA_384", hashes.SHA384, "secp384r1"),
          ("ECC_SECG_P256K1", "ECDSA_SHA_256", hashes.SHA256, "secp256k1")]


@pytest.fixture
def kms(client):
    return client("kms")


@pytest.mark.parametrize("spec, algorithm, digest, curve", CURVES)
def test_manifests_verified_offline(kms, kms_keys, spec, algorithm, digest, curve):
    key = kms_keys(KeySpec=spec, KeyUsage="SIGN_VERIFY", Description=f"release signing {spec}")
    assert (key["KeySpec"], key["KeyUsage"], key["SigningAlgorithms"]) == (spec, "SIGN_VERIFY", [algorithm])
    published = kms.get_public_key(KeyId=key["KeyId"])
    assert (published["KeyId"], published["KeySpec"], published["KeyUsage"], published["SigningAlgorithms"]) == (
        key["Arn"], spec, "SIGN_VERIFY", [algorithm])
    public = serialization.load_der_public_key(published["PublicKey"])
    assert public.curve.name == curve

    signed = kms.sign(KeyId=key["KeyId"], Message=MANIFEST, SigningAlgorithm=algorithm)
    assert (signed["KeyId"], signed["SigningAlgorithm"]) == (key["Arn"], algorithm)
    public.verify(signed["Signature"], MANIFEST, ec.ECDSA(digest()))           # the consumer's check
    with pytest.raises(InvalidSignature):
        public.verify(signed["Signature"], MANIFEST + b" ", ec.ECDSA(digest()))

    hashed = hashlib.new(digest.name, MANIFEST).digest()
    by_digest = kms.sign(KeyId=key["KeyId"], Message=hashed, MessageType="DIGEST", SigningAlgorithm=algorithm)
    public.verify(by_digest["Signature"], MANIFEST, ec.ECDSA(digest()))       # same bytes as signing the message
    public.verify(by_digest["Signature"], hashed, ec.ECDSA(utils.Prehashed(digest())))
    checked = kms.verify(KeyId=key["KeyId"], Message=MANIFEST, Signature=by_digest["Signature"],
                         SigningAlgorithm=algorithm)
    assert (checked["SignatureValid"], checked["KeyId"], checked["SigningAlgorithm"]) == (True, key["Arn"], algorithm)

    assert error_of(kms.verify, KeyId=key["KeyId"], Message=MANIFEST + b" ", Signature=signed["Signature"],
                    SigningAlgorithm=algorithm) == ("KMSInvalidSignatureException", "")
    assert error_of(kms.sign, KeyId=key["KeyId"], Message=hashed[:20], MessageType="DIGEST",
                    SigningAlgorithm=algorithm) == (
        "ValidationException", f"Digest is invalid length for algorithm {algorithm}.")
    assert error_of(kms.sign, KeyId=key["KeyId"], Message=MANIFEST, SigningAlgorithm="RSASSA_PSS_SHA_256") == (
        "InvalidKeyUsageException", f"Algorithm RSASSA_PSS_SHA_256 is incompatible with key spec {spec}.")
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == (
        "InvalidKeyUsageException", f"{key['Arn']} key usage is SIGN_VERIFY which is not valid for Encrypt.")


@pytest.mark.parametrize("algorithm, digest, largest", [("RSAES_OAEP_SHA_1", hashes.SHA1, 342),
                                                         ("RSAES_OAEP_SHA_256", hashes.SHA256, 318)])
def test_build_farm_secrets_encrypted_offline(kms, kms_keys, algorithm, digest, largest):
    key = kms_keys(KeySpec="RSA_3072", KeyUsage="ENCRYPT_DECRYPT", Description="build farm secrets")
    assert key["EncryptionAlgorithms"] == ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key["KeyId"])["PublicKey"])
    assert public.key_size == 3072
    sealed = public.encrypt(b"registry-token-7f3a", padding.OAEP(padding.MGF1(digest()), digest(), None))
    opened = kms.decrypt(KeyId=key["KeyId"], CiphertextBlob=sealed, EncryptionAlgorithm=algorithm)
    assert (opened["Plaintext"], opened["KeyId"], opened["EncryptionAlgorithm"]) == (
        b"registry-token-7f3a", key["Arn"], algorithm)
    other = "RSAES_OAEP_SHA_256" if algorithm == "RSAES_OAEP_SHA_1" else "RSAES_OAEP_SHA_1"
    assert error_of(kms.decrypt, KeyId=key["KeyId"], CiphertextBlob=sealed, EncryptionAlgorithm=other) == (
        "InvalidCiphertextException", "")
    assert error_of(kms.decrypt, CiphertextBlob=sealed, EncryptionAlgorithm=algorithm) == (
        "ValidationException", "KeyId must not be null")   # an RSA ciphertext does not name its key

    # KMS's own RSA encryption is what the farm's would be: KMS decrypts it, so could the farm's key
    assert len(kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x" * largest,
                           EncryptionAlgorithm=algorithm)["CiphertextBlob"]) == 384
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x" * (largest + 1),
                    EncryptionAlgorithm=algorithm) == (
        "ValidationException", f"Algorithm {algorithm} and key spec RSA_3072 cannot encrypt data larger than "
                               f"{largest} bytes.")
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == (
        "InvalidKeyUsageException", "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_3072.")
    assert error_of(kms.sign, KeyId=key["KeyId"], Message=b"x", SigningAlgorithm="RSASSA_PSS_SHA_256") == (
        "InvalidKeyUsageException", f"{key['Arn']} key usage is ENCRYPT_DECRYPT which is not valid for Sign.")
