"""Exchanging data with a partner under KMS asymmetric keys, as the two sides code it:
the lake team publishes the public half of an RSA key (GetPublicKey); the partner
encrypts a fresh AES key with it locally (RSAES-OAEP with SHA-256), encrypts its extract
with AES-GCM and drops both in S3; the ingest job unwraps the key with KMS Decrypt
(naming the key and algorithm, as asymmetric ciphertexts need) and reads the extract.
For the return channel the two agree a secret by ECDH (a KEY_AGREEMENT key in KMS,
DeriveSharedSecret with the partner's public key) and check both sides derive the same
bytes; the job also keeps a data key pair whose private half only KMS can open. The
mistakes made on the way get KMS's codes and words."""
import json
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from trip_helpers import error_of


def oaep_sha256():
    return padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def test_partner_drop_and_key_agreement(client, kms_keys, bucket):
    kms, s3 = client("kms"), client("s3")
    inbound = kms_keys(KeySpec="RSA_3072", KeyUsage="ENCRYPT_DECRYPT", Description="partner inbound")
    published = kms.get_public_key(KeyId=inbound["KeyId"])
    assert (published["KeySpec"], published["KeyUsage"], published["KeyId"]) == (
        "RSA_3072", "ENCRYPT_DECRYPT", inbound["Arn"])
    assert published["EncryptionAlgorithms"] == ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]

    # The partner's side: no AWS credentials, only the public key.
    public = serialization.load_der_public_key(published["PublicKey"])
    data_key, nonce = AESGCM.generate_key(bit_length=256), os.urandom(12)
    extract = json.dumps([{"sku": "tea", "qty": 4}, {"sku": "mug", "qty": 1}]).encode()
    s3.put_object(Bucket=bucket, Key="inbound/partner-a/extract.json.enc",
                  Body=AESGCM(data_key).encrypt(nonce, extract, None),
                  Metadata={"wrapped-key": public.encrypt(data_key, oaep_sha256()).hex(), "nonce": nonce.hex()})

    # The ingest job's side.
    dropped = s3.get_object(Bucket=bucket, Key="inbound/partner-a/extract.json.enc")
    wrapped = bytes.fromhex(dropped["Metadata"]["wrapped-key"])
    opened = kms.decrypt(KeyId=inbound["KeyId"], CiphertextBlob=wrapped, EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert (opened["KeyId"], opened["EncryptionAlgorithm"]) == (inbound["Arn"], "RSAES_OAEP_SHA_256")
    rows = json.loads(AESGCM(opened["Plaintext"]).decrypt(bytes.fromhex(dropped["Metadata"]["nonce"]),
                                                          dropped["Body"].read(), None))
    assert rows == [{"sku": "tea", "qty": 4}, {"sku": "mug", "qty": 1}]
    assert error_of(kms.decrypt, KeyId=inbound["KeyId"], CiphertextBlob=wrapped,
                    EncryptionAlgorithm="RSAES_OAEP_SHA_1")[0] == "InvalidCiphertextException"
    assert error_of(kms.decrypt, CiphertextBlob=wrapped)[0] == "InvalidCiphertextException"

    agreement = kms_keys(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")
    ours = kms.get_public_key(KeyId=agreement["KeyId"])
    assert ours["KeyAgreementAlgorithms"] == ["ECDH"]
    partner_private = ec.generate_private_key(ec.SECP256R1())
    partner_public = partner_private.public_key().public_bytes(serialization.Encoding.DER,
                                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    derived = kms.derive_shared_secret(KeyId=agreement["KeyId"], KeyAgreementAlgorithm="ECDH",
                                       PublicKey=partner_public)
    assert (derived["KeyId"], derived["KeyAgreementAlgorithm"], derived["KeyOrigin"]) == (
        agreement["Arn"], "ECDH", "AWS_KMS")
    theirs = partner_private.exchange(ec.ECDH(), serialization.load_der_public_key(ours["PublicKey"]))
    assert derived["SharedSecret"] == theirs

    wrapping = kms_keys(Description="job key pairs")
    pair = kms.generate_data_key_pair_without_plaintext(KeyId=wrapping["KeyId"], KeyPairSpec="RSA_2048",
                                                        EncryptionContext={"job": "ingest"})
    assert (pair["KeyPairSpec"], pair["KeyId"]) == ("RSA_2048", wrapping["Arn"])
    private_der = kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"],
                              EncryptionContext={"job": "ingest"})["Plaintext"]
    private = serialization.load_der_private_key(private_der, None)
    assert private.public_key().public_bytes(serialization.Encoding.DER,
                                             serialization.PublicFormat.SubjectPublicKeyInfo) == pair["PublicKey"]


def test_asymmetric_mistakes(client, kms_keys):
    kms = client("kms")
    rsa_key = kms_keys(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
    agreement = kms_keys(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")
    assert error_of(kms.sign, KeyId=rsa_key["KeyId"], Message=b"x", SigningAlgorithm="RSASSA_PSS_SHA_256") == (
        "InvalidKeyUsageException", f"{rsa_key['Arn']} key usage is ENCRYPT_DECRYPT which is not valid for Sign.")
    assert error_of(kms.encrypt, KeyId=agreement["KeyId"], Plaintext=b"x") == (
        "InvalidKeyUsageException", f"{agreement['Arn']} key usage is KEY_AGREEMENT which is not valid for Encrypt.")
    code, _ = error_of(kms.encrypt, KeyId=rsa_key["KeyId"], Plaintext=b"x" * 191,
                       EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert code == "ValidationException"            # RSA_2048 with OAEP SHA-256 takes at most 190 bytes
    assert kms.encrypt(KeyId=rsa_key["KeyId"], Plaintext=b"x" * 190,
                       EncryptionAlgorithm="RSAES_OAEP_SHA_256")["EncryptionAlgorithm"] == "RSAES_OAEP_SHA_256"
    code, _ = error_of(kms.generate_data_key, KeyId=rsa_key["KeyId"], KeySpec="AES_256")
    assert code == "InvalidKeyUsageException"
    code, _ = error_of(kms.derive_shared_secret, KeyId=agreement["KeyId"], KeyAgreementAlgorithm="ECDH",
                       PublicKey=b"not a key")
    assert code == "ValidationException"
