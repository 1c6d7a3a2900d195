"""ECC_NIST_EDWARDS25519 keys as CreateKey's KeySpec documentation describes them:
signing and verification only, ED25519_SHA_512 over a RAW message and
ED25519_PH_SHA_512 over a 64-byte DIGEST (which KMS prehashes once more: "the input is
hashed twice"), the pure signature verified offline with `cryptography` against
GetPublicKey. The wording of a refused message type is not on public record: its code
only is asserted."""
import hashlib

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from kms_helpers import error_of


@pytest.fixture
def edwards(make_key):
    return make_key(KeySpec="ECC_NIST_EDWARDS25519", KeyUsage="SIGN_VERIFY")


def test_edwards_key_metadata_and_public_key(kms, edwards):
    assert (edwards["KeySpec"], edwards["KeyUsage"]) == ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY")
    assert edwards["SigningAlgorithms"] == ["ED25519_SHA_512", "ED25519_PH_SHA_512"]
    answer = kms.get_public_key(KeyId=edwards["KeyId"])
    assert isinstance(serialization.load_der_public_key(answer["PublicKey"]), ed25519.Ed25519PublicKey)
    for usage in ("ENCRYPT_DECRYPT", "KEY_AGREEMENT"):
        assert error_of(kms.create_key, KeySpec="ECC_NIST_EDWARDS25519", KeyUsage=usage) == (
            "ValidationException", f"KeyUsage {usage} is not compatible with KeySpec ECC_NIST_EDWARDS25519")


def test_pure_ed25519_signature_verifies_offline(kms, edwards):
    signed = kms.sign(KeyId=edwards["KeyId"], Message=b"block 1", MessageType="RAW",
                      SigningAlgorithm="ED25519_SHA_512")
    assert len(signed["Signature"]) == 64
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=edwards["KeyId"])["PublicKey"])
    public.verify(signed["Signature"], b"block 1")
    assert kms.verify(KeyId=edwards["KeyId"], Message=b"block 1", Signature=signed["Signature"],
                      SigningAlgorithm="ED25519_SHA_512")["SignatureValid"] is True
    assert error_of(kms.verify, KeyId=edwards["KeyId"], Message=b"block 2", Signature=signed["Signature"],
                    SigningAlgorithm="ED25519_SHA_512") == ("KMSInvalidSignatureException", "")


def test_prehashed_ed25519_over_a_digest(kms, edwards):
    digest = hashlib.sha512(b"large firmware image").digest()
    signed = kms.sign(KeyId=edwards["KeyId"], Message=digest, MessageType="DIGEST",
                      SigningAlgorithm="ED25519_PH_SHA_512")
    assert kms.verify(KeyId=edwards["KeyId"], Message=digest, MessageType="DIGEST", Signature=signed["Signature"],
                      SigningAlgorithm="ED25519_PH_SHA_512")["SignatureValid"] is True
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=edwards["KeyId"])["PublicKey"])
    with pytest.raises(Exception):          # not a pure Ed25519 signature of the digest
        public.verify(signed["Signature"], digest)
    other = hashlib.sha512(b"another image").digest()
    assert error_of(kms.verify, KeyId=edwards["KeyId"], Message=other, MessageType="DIGEST",
                    Signature=signed["Signature"], SigningAlgorithm="ED25519_PH_SHA_512") == (
        "KMSInvalidSignatureException", "")


@pytest.mark.parametrize("algorithm, message_type, message", [
    ("ED25519_SHA_512", "DIGEST", b"d" * 64), ("ED25519_PH_SHA_512", "RAW", b"raw message"),
    ("ED25519_PH_SHA_512", "DIGEST", b"d" * 32)])
def test_each_algorithm_takes_only_its_message_type(kms, edwards, algorithm, message_type, message):
    assert error_of(kms.sign, KeyId=edwards["KeyId"], Message=message, MessageType=message_type,
                    SigningAlgorithm=algorithm)[0] == "ValidationException"


def test_edwards_key_refuses_other_algorithms_and_data_key_pairs_of_the_curve(kms, make_key, edwards):
    assert error_of(kms.sign, KeyId=edwards["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_512") == (
        "InvalidKeyUsageException", "Algorithm ECDSA_SHA_512 is incompatible with key spec ECC_NIST_EDWARDS25519.")
    pair = kms.generate_data_key_pair(KeyId=make_key()["KeyId"], KeyPairSpec="ECC_NIST_EDWARDS25519")
    private = serialization.load_der_private_key(pair["PrivateKeyPlaintext"], password=None)
    assert isinstance(private, ed25519.Ed25519PrivateKey)
    serialization.load_der_public_key(pair["PublicKey"]).verify(private.sign(b"m"), b"m")
