"""Records move between a symmetric key and RSA keys without their plaintext leaving KMS:
a partner encrypts offline with the public half of an RSA key (RSAES_OAEP_SHA_1 or
SHA_256, checked with the cryptography package), ReEncrypt moves the record under the
lake's symmetric key and an encryption context, and back out to another RSA key. Each
RSA key spec and algorithm takes plaintext up to its OAEP limit and no more, and an
encryption context, which asymmetric encryption does not support, is refused."""
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from trip_helpers import error_of

CONTEXT = {"dataset": "claims", "region": "eu"}
NO_CONTEXT = ("ValidationException",
              "EncryptionContext is not supported when encrypting/decrypting with asymmetric CMKs.")


def oaep(algorithm):
    digest = hashes.SHA256 if algorithm.endswith("SHA_256") else hashes.SHA1
    return padding.OAEP(mgf=padding.MGF1(digest()), algorithm=digest(), label=None)


def public_half(kms, key_id):
    return serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])


def test_a_partner_record_moves_under_the_lake_key_and_out_again(client, kms_keys):
    kms = client("kms")
    inbound = kms_keys(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT", Description="partner inbound")
    lake = kms_keys(Description="lake")
    outbound = kms_keys(KeySpec="RSA_4096", KeyUsage="ENCRYPT_DECRYPT", Description="regulator outbound")
    published = kms.get_public_key(KeyId=inbound["KeyId"])
    assert (published["KeySpec"], published["KeyUsage"], published["EncryptionAlgorithms"]) == (
        "RSA_2048", "ENCRYPT_DECRYPT", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
    record = b'{"claim": 7781, "amount": "1200.00"}'
    offline = public_half(kms, inbound["KeyId"]).encrypt(record, oaep("RSAES_OAEP_SHA_1"))

    moved = kms.re_encrypt(CiphertextBlob=offline, SourceKeyId=inbound["KeyId"],
                           SourceEncryptionAlgorithm="RSAES_OAEP_SHA_1", DestinationKeyId=lake["KeyId"],
                           DestinationEncryptionContext=CONTEXT)
    assert (moved["SourceKeyId"], moved["KeyId"], moved["SourceEncryptionAlgorithm"],
            moved["DestinationEncryptionAlgorithm"]) == (inbound["Arn"], lake["Arn"], "RSAES_OAEP_SHA_1",
                                                         "SYMMETRIC_DEFAULT")
    assert "SourceKeyMaterialId" not in moved
    assert moved["DestinationKeyMaterialId"] == kms.describe_key(KeyId=lake["KeyId"])["KeyMetadata"][
        "CurrentKeyMaterialId"]
    opened = kms.decrypt(CiphertextBlob=moved["CiphertextBlob"], EncryptionContext=CONTEXT)
    assert (opened["Plaintext"], opened["KeyId"], opened["EncryptionAlgorithm"]) == (
        record, lake["Arn"], "SYMMETRIC_DEFAULT")
    assert error_of(kms.decrypt, CiphertextBlob=moved["CiphertextBlob"])[0] == "InvalidCiphertextException"

    out = kms.re_encrypt(CiphertextBlob=moved["CiphertextBlob"], SourceEncryptionContext=CONTEXT,
                         DestinationKeyId=outbound["KeyId"], DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert (out["SourceKeyId"], out["KeyId"], out["SourceEncryptionAlgorithm"],
            out["DestinationEncryptionAlgorithm"]) == (lake["Arn"], outbound["Arn"], "SYMMETRIC_DEFAULT",
                                                       "RSAES_OAEP_SHA_256")
    assert len(out["CiphertextBlob"]) == 512
    back = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], KeyId=outbound["KeyId"],
                       EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert (back["Plaintext"], back["KeyId"], back["EncryptionAlgorithm"]) == (
        record, outbound["Arn"], "RSAES_OAEP_SHA_256")

    # RSA to RSA, the algorithm changing on the way
    direct = kms.re_encrypt(CiphertextBlob=offline, SourceKeyId=inbound["KeyId"],
                            SourceEncryptionAlgorithm="RSAES_OAEP_SHA_1", DestinationKeyId=outbound["Arn"],
                            DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_1")
    assert kms.decrypt(CiphertextBlob=direct["CiphertextBlob"], KeyId=outbound["KeyId"],
                       EncryptionAlgorithm="RSAES_OAEP_SHA_1")["Plaintext"] == record


def test_re_encrypt_mistakes(client, kms_keys):
    kms = client("kms")
    inbound = kms_keys(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
    lake = kms_keys()
    offline = public_half(kms, inbound["KeyId"]).encrypt(b"record", oaep("RSAES_OAEP_SHA_256"))
    # an RSA ciphertext names no key: without SourceKeyId it is not KMS's to open
    assert error_of(kms.re_encrypt, CiphertextBlob=offline, SourceEncryptionAlgorithm="RSAES_OAEP_SHA_256",
                    DestinationKeyId=lake["KeyId"]) == ("InvalidCiphertextException", "")
    assert error_of(kms.re_encrypt, CiphertextBlob=offline, SourceKeyId=inbound["KeyId"],
                    SourceEncryptionAlgorithm="RSAES_OAEP_SHA_1", DestinationKeyId=lake["KeyId"]) == (
        "InvalidCiphertextException", "")
    # a record too long for the RSA key's OAEP limit does not move out
    long_blob = kms.encrypt(KeyId=lake["KeyId"], Plaintext=b"r" * 300)["CiphertextBlob"]
    assert error_of(kms.re_encrypt, CiphertextBlob=long_blob, DestinationKeyId=inbound["KeyId"],
                    DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_256") == (
        "ValidationException", "Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data larger "
                               "than 190 bytes.")
    short_blob = kms.encrypt(KeyId=lake["KeyId"], Plaintext=b"short")["CiphertextBlob"]
    assert error_of(kms.re_encrypt, CiphertextBlob=short_blob, DestinationKeyId=inbound["KeyId"],
                    DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_256",
                    DestinationEncryptionContext=CONTEXT) == NO_CONTEXT
    assert error_of(kms.re_encrypt, CiphertextBlob=short_blob, DestinationKeyId=lake["KeyId"],
                    DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_256") == (
        "InvalidKeyUsageException", "Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.")
    signing = kms_keys(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    assert error_of(kms.re_encrypt, CiphertextBlob=short_blob, DestinationKeyId=signing["KeyId"])[0] == \
        "InvalidKeyUsageException"


@pytest.mark.parametrize("spec, algorithm, limit", [
    ("RSA_2048", "RSAES_OAEP_SHA_1", 214), ("RSA_2048", "RSAES_OAEP_SHA_256", 190),
    ("RSA_3072", "RSAES_OAEP_SHA_1", 342), ("RSA_3072", "RSAES_OAEP_SHA_256", 318),
    ("RSA_4096", "RSAES_OAEP_SHA_1", 470), ("RSA_4096", "RSAES_OAEP_SHA_256", 446)])
def test_oaep_plaintext_limits_and_no_context(client, kms_keys, spec, algorithm, limit):
    kms = client("kms")
    key = kms_keys(KeySpec=spec, KeyUsage="ENCRYPT_DECRYPT")
    largest = bytes(range(256)) * 2
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=largest[:limit], EncryptionAlgorithm=algorithm)
    assert (blob["KeyId"], blob["EncryptionAlgorithm"]) == (key["Arn"], algorithm)
    assert kms.decrypt(CiphertextBlob=blob["CiphertextBlob"], KeyId=key["KeyId"],
                       EncryptionAlgorithm=algorithm)["Plaintext"] == largest[:limit]
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=largest[:limit + 1], EncryptionAlgorithm=algorithm) \
        == ("ValidationException", f"Algorithm {algorithm} and key spec {spec} cannot encrypt data larger than "
                                   f"{limit} bytes.")
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x", EncryptionAlgorithm=algorithm,
                    EncryptionContext=CONTEXT) == NO_CONTEXT
    assert error_of(kms.decrypt, CiphertextBlob=blob["CiphertextBlob"], KeyId=key["KeyId"],
                    EncryptionAlgorithm=algorithm, EncryptionContext=CONTEXT) == NO_CONTEXT
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == (
        "InvalidKeyUsageException", f"Algorithm SYMMETRIC_DEFAULT is incompatible with key spec {spec}.")
