"""A release team moves its existing signing keys into KMS (imported key material) and
checks, with the cryptography package holding the same private keys, that nothing about
its signatures changes: deterministic schemes (RSASSA-PKCS1-v1_5, Ed25519) give the very
same bytes from KMS as offline, for a RAW message and for its DIGEST; randomized ones
(RSASSA-PSS with a salt as long as the hash, ECDSA) made on either side verify on the
other. A digest of the wrong length is refused."""
import hashlib
import os

import pytest
from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

from trip_helpers import error_of

HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}
RELEASE = b"lakebox-tools 4.2.0 sha256=9f2c"


def move_into_kms(kms, kms_keys, private_key, spec):
    key = kms_keys(KeySpec=spec, KeyUsage="SIGN_VERIFY", Origin="EXTERNAL", Description="release signing")
    der = private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    parameters = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSA_AES_KEY_WRAP_SHA_256",
                                               WrappingKeySpec="RSA_4096")
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    ephemeral = os.urandom(32)
    wrapped = (serialization.load_der_public_key(parameters["PublicKey"]).encrypt(ephemeral, oaep)
               + keywrap.aes_key_wrap_with_padding(ephemeral, der))
    kms.import_key_material(KeyId=key["KeyId"], ImportToken=parameters["ImportToken"], EncryptedKeyMaterial=wrapped,
                            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
    return key


@pytest.mark.parametrize("bits", sorted(HASHES))
def test_rsa_signatures_are_the_same_bytes(client, kms_keys, bits):
    kms = client("kms")
    private = rsa.generate_private_key(65537, 3072)
    key = move_into_kms(kms, kms_keys, private, "RSA_3072")
    digest_of = HASHES[bits]
    digest = hashlib.new(f"sha{bits}", RELEASE).digest()
    offline = private.sign(RELEASE, padding.PKCS1v15(), digest_of())
    pkcs1 = f"RSASSA_PKCS1_V1_5_SHA_{bits}"
    raw = kms.sign(KeyId=key["KeyId"], Message=RELEASE, MessageType="RAW", SigningAlgorithm=pkcs1)
    assert (raw["Signature"], raw["KeyId"], raw["SigningAlgorithm"]) == (offline, key["Arn"], pkcs1)
    assert kms.sign(KeyId=key["KeyId"], Message=digest, MessageType="DIGEST",
                    SigningAlgorithm=pkcs1)["Signature"] == offline

    pss = f"RSASSA_PSS_SHA_{bits}"
    salted = padding.PSS(mgf=padding.MGF1(digest_of()), salt_length=digest_of.digest_size)
    by_kms = kms.sign(KeyId=key["KeyId"], Message=RELEASE, SigningAlgorithm=pss)["Signature"]
    private.public_key().verify(by_kms, RELEASE, salted, digest_of())
    by_team = private.sign(RELEASE, salted, digest_of())
    assert kms.verify(KeyId=key["KeyId"], Message=RELEASE, Signature=by_team,
                      SigningAlgorithm=pss)["SignatureValid"] is True
    assert kms.verify(KeyId=key["KeyId"], Message=digest, MessageType="DIGEST", Signature=by_team,
                      SigningAlgorithm=pss)["SignatureValid"] is True
    assert error_of(kms.sign, KeyId=key["KeyId"], Message=digest[:-1], MessageType="DIGEST",
                    SigningAlgorithm=pss) == ("ValidationException", f"Digest is invalid length for algorithm {pss}.")


def test_ed25519_signature_is_the_same_bytes(client, kms_keys):
    kms = client("kms")
    private = ed25519.Ed25519PrivateKey.generate()
    key = move_into_kms(kms, kms_keys, private, "ECC_NIST_EDWARDS25519")
    assert kms.get_public_key(KeyId=key["KeyId"])["PublicKey"] == private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert kms.sign(KeyId=key["KeyId"], Message=RELEASE, MessageType="RAW",
                    SigningAlgorithm="ED25519_SHA_512")["Signature"] == private.sign(RELEASE)


@pytest.mark.parametrize("spec, curve, bits", [("ECC_NIST_P256", ec.SECP256R1, "256"),
                                               ("ECC_NIST_P384", ec.SECP384R1, "384"),
                                               ("ECC_NIST_P521", ec.SECP521R1, "512"),
                                               ("ECC_SECG_P256K1", ec.SECP256K1, "256")])
def test_ecdsa_signatures_verify_on_both_sides(client, kms_keys, spec, curve, bits):
    kms = client("kms")
    private = ec.generate_private_key(curve())
    key = move_into_kms(kms, kms_keys, private, spec)
    algorithm = f"ECDSA_SHA_{bits}"
    digest = hashlib.new(f"sha{bits}", RELEASE).digest()
    by_team = private.sign(RELEASE, ec.ECDSA(HASHES[bits]()))
    by_team_digest = private.sign(digest, ec.ECDSA(utils.Prehashed(HASHES[bits]())))
    for message, message_type in ((RELEASE, "RAW"), (digest, "DIGEST")):
        for signature in (by_team, by_team_digest):
            verified = kms.verify(KeyId=key["KeyId"], Message=message, MessageType=message_type, Signature=signature,
                                  SigningAlgorithm=algorithm)
            assert (verified["SignatureValid"], verified["SigningAlgorithm"]) == (True, algorithm)
        by_kms = kms.sign(KeyId=key["KeyId"], Message=message, MessageType=message_type,
                          SigningAlgorithm=algorithm)["Signature"]
        private.public_key().verify(by_kms, RELEASE, ec.ECDSA(HASHES[bits]()))
    assert error_of(kms.verify, KeyId=key["KeyId"], Message=RELEASE + b"!", Signature=by_team,
                    SigningAlgorithm=algorithm) == ("KMSInvalidSignatureException", "")
    assert error_of(kms.sign, KeyId=key["KeyId"], Message=digest + b"\x00", MessageType="DIGEST",
                    SigningAlgorithm=algorithm) == (
        "ValidationException", f"Digest is invalid length for algorithm {algorithm}.")
