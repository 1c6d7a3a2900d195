"""KMS cryptography with boto3: symmetric encryption with encryption context, data keys,
re-encryption, RSA encryption, signatures, MACs, and the errors of each.

Sources of the exact wordings: live KMS replies recorded in localstack/localstack
tests/aws/services/kms/test_kms.snapshot.json (InvalidCiphertextException and
KMSInvalidSignatureException/KMSInvalidMacException with empty messages, IncorrectKeyException,
"<arn> key usage is X which is not valid for Op.", "Algorithm X is incompatible with key
spec Y.", the RSA plaintext limits, "Digest is invalid length for algorithm X.", the
4,096-byte and 1,024-byte constraint messages)."""
import hashlib
import hmac
import os

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding

from kms_helpers import error_of


def test_encrypt_decrypt_round_trip_without_key_id(kms, make_key):
    key = make_key()
    sealed = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"card 4111", EncryptionContext={"order": "17"})
    assert sealed["KeyId"] == key["Arn"] and sealed["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert b"card 4111" not in sealed["CiphertextBlob"]
    opened = kms.decrypt(CiphertextBlob=sealed["CiphertextBlob"], EncryptionContext={"order": "17"})
    assert opened["Plaintext"] == b"card 4111"
    assert opened["KeyId"] == key["Arn"]
    assert opened["KeyMaterialId"] == key["CurrentKeyMaterialId"]


def test_encryption_context_must_match(kms, make_key):
    key = make_key()
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"a": "1", "b": "2"})["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"b": "2", "a": "1"})["Plaintext"] == b"x"
    for context in ({}, {"a": "1"}, {"a": "1", "b": "3"}):
        assert error_of(kms.decrypt, CiphertextBlob=blob, EncryptionContext=context) == (
            "InvalidCiphertextException", "")


def test_tampered_or_foreign_ciphertext_is_invalid(kms, make_key):
    key = make_key()
    blob = bytearray(kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret")["CiphertextBlob"])
    blob[-1] ^= 1
    assert error_of(kms.decrypt, CiphertextBlob=bytes(blob))[0] == "InvalidCiphertextException"
    assert error_of(kms.decrypt, CiphertextBlob=b"not a kms ciphertext at all, no, not at all")[0] == \
        "InvalidCiphertextException"


@pytest.mark.parametrize("first_byte", range(6))
def test_random_bytes_are_invalid_ciphertext_whatever_they_begin_with(kms, first_byte):
    # An RSA ciphertext decrypted without its KeyId is 256 random bytes to Decrypt.
    for _ in range(20):
        blob = bytes([first_byte]) + os.urandom(255)
        assert error_of(kms.decrypt, CiphertextBlob=blob) == ("InvalidCiphertextException", "")


def test_decrypt_without_a_ciphertext_is_refused(kms):
    # The model leaves CiphertextBlob optional; the call still needs one.
    for call in (kms.decrypt, kms.re_encrypt):
        args = {"DestinationKeyId": "alias/none"} if call == kms.re_encrypt else {}
        assert error_of(call, **args) == (
            "ValidationException",
            "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: "
            "Member must not be null")


def test_decrypt_with_another_key_id_is_incorrect_key(kms, make_key):
    key, other = make_key(), make_key()
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    assert error_of(kms.decrypt, CiphertextBlob=blob, KeyId=other["KeyId"]) == (
        "IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.")
    assert kms.decrypt(CiphertextBlob=blob, KeyId=key["Arn"])["Plaintext"] == b"x"


def test_decrypt_fails_while_the_key_is_disabled(kms, make_key):
    key = make_key()
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    kms.disable_key(KeyId=key["KeyId"])
    assert error_of(kms.decrypt, CiphertextBlob=blob) == ("DisabledException", f"{key['Arn']} is disabled.")
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"


def test_plaintext_is_at_most_4096_bytes(kms, make_key):
    key = make_key()
    assert kms.decrypt(CiphertextBlob=kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p" * 4096)["CiphertextBlob"])[
        "Plaintext"] == b"p" * 4096
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"p" * 4097) == (
        "ValidationException", "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
                               "Member must have length less than or equal to 4096")


def test_re_encrypt_moves_a_ciphertext_to_another_key_and_context(kms, make_key):
    source, destination = make_key(), make_key()
    blob = kms.encrypt(KeyId=source["KeyId"], Plaintext=b"move me", EncryptionContext={"v": "1"})["CiphertextBlob"]
    moved = kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"v": "1"},
                           DestinationKeyId=destination["KeyId"], DestinationEncryptionContext={"v": "2"})
    assert (moved["SourceKeyId"], moved["KeyId"]) == (source["Arn"], destination["Arn"])
    opened = kms.decrypt(CiphertextBlob=moved["CiphertextBlob"], EncryptionContext={"v": "2"})
    assert (opened["Plaintext"], opened["KeyId"]) == (b"move me", destination["Arn"])


def test_generate_data_key_and_without_plaintext(kms, make_key):
    key = make_key()
    data_key = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256", EncryptionContext={"f": "1"})
    assert len(data_key["Plaintext"]) == 32 and data_key["KeyId"] == key["Arn"]
    assert kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext={"f": "1"})["Plaintext"] == \
        data_key["Plaintext"]
    assert len(kms.generate_data_key(KeyId=key["KeyId"], NumberOfBytes=64)["Plaintext"]) == 64
    bare = kms.generate_data_key_without_plaintext(KeyId=key["KeyId"], KeySpec="AES_128")
    assert "Plaintext" not in bare
    assert len(kms.decrypt(CiphertextBlob=bare["CiphertextBlob"])["Plaintext"]) == 16
    assert error_of(kms.generate_data_key, KeyId=key["KeyId"])[0] == "ValidationException"


def test_generate_random(kms):
    assert len(kms.generate_random(NumberOfBytes=91)["Plaintext"]) == 91
    assert error_of(kms.generate_random, NumberOfBytes=1025) == (
        "ValidationException", "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy "
                               "constraint: Member must have value less than or equal to 1024")


def test_key_usage_is_enforced(kms, make_key):
    signing = make_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    symmetric = make_key()
    assert error_of(kms.encrypt, KeyId=signing["KeyId"], Plaintext=b"x") == (
        "InvalidKeyUsageException", f"{signing['Arn']} key usage is SIGN_VERIFY which is not valid for Encrypt.")
    assert error_of(kms.generate_mac, KeyId=symmetric["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256") == (
        "InvalidKeyUsageException",
        f"{symmetric['Arn']} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.")


@pytest.mark.parametrize("spec,algorithm,limit", [("RSA_2048", "RSAES_OAEP_SHA_256", 190),
                                                   ("RSA_3072", "RSAES_OAEP_SHA_1", 342)])
def test_rsa_encryption(kms, make_key, spec, algorithm, limit):
    key = make_key(KeySpec=spec, KeyUsage="ENCRYPT_DECRYPT")
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"r" * limit, EncryptionAlgorithm=algorithm)["CiphertextBlob"]
    opened = kms.decrypt(KeyId=key["KeyId"], CiphertextBlob=blob, EncryptionAlgorithm=algorithm)
    assert opened["Plaintext"] == b"r" * limit and opened["EncryptionAlgorithm"] == algorithm
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"r" * (limit + 1), EncryptionAlgorithm=algorithm) == (
        "ValidationException", f"Algorithm {algorithm} and key spec {spec} cannot encrypt data larger than "
                               f"{limit} bytes.")


def test_rsa_public_key_encrypts_what_kms_decrypts(kms, make_key):
    key = make_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key["KeyId"])["PublicKey"])
    blob = public.encrypt(b"offline", padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(),
                                                   label=None))
    assert kms.decrypt(KeyId=key["KeyId"], CiphertextBlob=blob, EncryptionAlgorithm="RSAES_OAEP_SHA_256")[
        "Plaintext"] == b"offline"


@pytest.mark.parametrize("spec,algorithm", [
    ("RSA_2048", "RSASSA_PSS_SHA_256"), ("RSA_4096", "RSASSA_PKCS1_V1_5_SHA_512"),
    ("ECC_NIST_P256", "ECDSA_SHA_256"), ("ECC_NIST_P384", "ECDSA_SHA_384"), ("ECC_NIST_P521", "ECDSA_SHA_512"),
    ("ECC_SECG_P256K1", "ECDSA_SHA_256")])
def test_sign_and_verify(kms, make_key, spec, algorithm):
    key = make_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")
    signed = kms.sign(KeyId=key["KeyId"], Message=b"invoice 42", SigningAlgorithm=algorithm)
    assert signed["KeyId"] == key["Arn"] and signed["SigningAlgorithm"] == algorithm
    verified = kms.verify(KeyId=key["KeyId"], Message=b"invoice 42", Signature=signed["Signature"],
                          SigningAlgorithm=algorithm)
    assert verified["SignatureValid"] is True
    assert error_of(kms.verify, KeyId=key["KeyId"], Message=b"invoice 43", Signature=signed["Signature"],
                    SigningAlgorithm=algorithm) == ("KMSInvalidSignatureException", "")
    assert error_of(kms.sign, KeyId=key["KeyId"], Message=b"short", MessageType="DIGEST",
                    SigningAlgorithm=algorithm) == (
        "ValidationException", f"Digest is invalid length for algorithm {algorithm}.")


def test_ecdsa_signature_verifies_with_the_public_key_offline(kms, make_key):
    key = make_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    digest = hashlib.sha256(b"release.tar.gz").digest()
    signature = kms.sign(KeyId=key["KeyId"], Message=digest, MessageType="DIGEST",
                         SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    answer = kms.get_public_key(KeyId=key["KeyId"])
    assert answer["KeySpec"] == "ECC_NIST_P256" and answer["SigningAlgorithms"] == ["ECDSA_SHA_256"]
    public = serialization.load_der_public_key(answer["PublicKey"])
    public.verify(signature, b"release.tar.gz", ec.ECDSA(hashes.SHA256()))


def test_symmetric_key_has_no_public_key(kms, make_key):
    key = make_key()
    assert error_of(kms.get_public_key, KeyId=key["KeyId"])[0] == "UnsupportedOperationException"


@pytest.mark.parametrize("spec,algorithm,digest", [("HMAC_224", "HMAC_SHA_224", hashlib.sha224),
                                                   ("HMAC_512", "HMAC_SHA_512", hashlib.sha512)])
def test_generate_and_verify_mac(kms, make_key, spec, algorithm, digest):
    key = make_key(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")
    mac = kms.generate_mac(KeyId=key["KeyId"], Message=b"payload", MacAlgorithm=algorithm)
    assert len(mac["Mac"]) == digest().digest_size and mac["KeyId"] == key["Arn"]
    assert kms.verify_mac(KeyId=key["KeyId"], Message=b"payload", Mac=mac["Mac"],
                          MacAlgorithm=algorithm)["MacValid"] is True
    assert error_of(kms.verify_mac, KeyId=key["KeyId"], Message=b"payload!", Mac=mac["Mac"],
                    MacAlgorithm=algorithm) == ("KMSInvalidMacException", "")
    assert not hmac.compare_digest(mac["Mac"], kms.generate_mac(KeyId=key["KeyId"], Message=b"other",
                                                                MacAlgorithm=algorithm)["Mac"])


def test_mac_algorithm_must_match_the_key_spec(kms, make_key):
    key = make_key(KeySpec="HMAC_224", KeyUsage="GENERATE_VERIFY_MAC")
    assert error_of(kms.generate_mac, KeyId=key["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256") == (
        "InvalidKeyUsageException", "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.")


@pytest.mark.parametrize("pair_spec", ["RSA_2048", "ECC_NIST_P256"])
def test_generate_data_key_pair(kms, make_key, pair_spec):
    key = make_key()
    pair = kms.generate_data_key_pair(KeyId=key["KeyId"], KeyPairSpec=pair_spec, EncryptionContext={"p": "1"})
    assert pair["KeyPairSpec"] == pair_spec and pair["KeyId"] == key["Arn"]
    private = serialization.load_der_private_key(pair["PrivateKeyPlaintext"], password=None)
    public = private.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    assert public == pair["PublicKey"]
    assert kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"], EncryptionContext={"p": "1"})[
        "Plaintext"] == pair["PrivateKeyPlaintext"]
    bare = kms.generate_data_key_pair_without_plaintext(KeyId=key["KeyId"], KeyPairSpec=pair_spec)
    assert "PrivateKeyPlaintext" not in bare and bare["PublicKey"]


def test_dry_run(kms, make_key):
    key = make_key()
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x", DryRun=True) == (
        "DryRunOperationException", "The request would have succeeded, but the DryRun option is set.")


def test_derive_shared_secret_matches_the_peer_side(kms, make_key):
    key = make_key(KeySpec="ECC_NIST_P384", KeyUsage="KEY_AGREEMENT")
    assert key["KeyAgreementAlgorithms"] == ["ECDH"]
    peer = ec.generate_private_key(ec.SECP384R1())
    peer_public = peer.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)
    derived = kms.derive_shared_secret(KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=peer_public)
    kms_public = serialization.load_der_public_key(kms.get_public_key(KeyId=key["KeyId"])["PublicKey"])
    assert derived["SharedSecret"] == peer.exchange(ec.ECDH(), kms_public)
    assert (derived["KeyId"], derived["KeyOrigin"]) == (key["Arn"], "AWS_KMS")
    other_curve = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert error_of(kms.derive_shared_secret, KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH",
                    PublicKey=other_curve)[0] == "ValidationException"


def test_rsa_4096_keys_and_key_pairs_are_made(kms, make_key):
    key = make_key(KeySpec="RSA_4096", KeyUsage="SIGN_VERIFY")
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key["KeyId"])["PublicKey"])
    assert public.key_size == 4096
    pair = kms.generate_data_key_pair_without_plaintext(KeyId=make_key()["KeyId"], KeyPairSpec="RSA_4096")
    assert serialization.load_der_public_key(pair["PublicKey"]).key_size == 4096
