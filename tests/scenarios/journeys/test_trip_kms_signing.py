"""KMS beyond envelopes: signing release artifacts with an asymmetric key and checking
the signature offline with the public key, HMAC tokens, data key pairs, random bytes,
key tags and listing."""
import hashlib

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding


def test_sign_and_verify_offline(client, kms_keys):
    kms = client("kms")
    rsa_key = kms_keys(KeyUsage="SIGN_VERIFY", KeySpec="RSA_2048")
    message = b"artifact-1.2.3.tar.gz"
    signed = kms.sign(KeyId=rsa_key["KeyId"], Message=message, SigningAlgorithm="RSASSA_PSS_SHA_256")
    assert kms.verify(KeyId=rsa_key["KeyId"], Message=message, Signature=signed["Signature"],
                      SigningAlgorithm="RSASSA_PSS_SHA_256")["SignatureValid"] is True
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=rsa_key["KeyId"])["PublicKey"])
    public.verify(signed["Signature"], message, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())

    ec_key = kms_keys(KeyUsage="SIGN_VERIFY", KeySpec="ECC_NIST_P256")
    digest = hashlib.sha256(message).digest()
    signed = kms.sign(KeyId=ec_key["KeyId"], Message=digest, MessageType="DIGEST", SigningAlgorithm="ECDSA_SHA_256")
    described = kms.get_public_key(KeyId=ec_key["KeyId"])
    assert described["SigningAlgorithms"] == ["ECDSA_SHA_256"] and described["KeyUsage"] == "SIGN_VERIFY"
    serialization.load_der_public_key(described["PublicKey"]).verify(signed["Signature"], message,
                                                                     ec.ECDSA(hashes.SHA256()))
    with pytest.raises(kms.exceptions.KMSInvalidSignatureException):
        kms.verify(KeyId=ec_key["KeyId"], Message=b"tampered", Signature=signed["Signature"],
                   SigningAlgorithm="ECDSA_SHA_256")


def test_macs_pairs_random_and_tags(client, kms_keys):
    kms = client("kms")
    hmac_key = kms_keys(KeyUsage="GENERATE_VERIFY_MAC", KeySpec="HMAC_256")
    mac = kms.generate_mac(KeyId=hmac_key["KeyId"], Message=b"session=42", MacAlgorithm="HMAC_SHA_256")["Mac"]
    assert len(mac) == 32
    assert kms.verify_mac(KeyId=hmac_key["KeyId"], Message=b"session=42", Mac=mac,
                          MacAlgorithm="HMAC_SHA_256")["MacValid"] is True
    with pytest.raises(kms.exceptions.KMSInvalidMacException):
        kms.verify_mac(KeyId=hmac_key["KeyId"], Message=b"session=43", Mac=mac, MacAlgorithm="HMAC_SHA_256")

    wrapping = kms_keys(Tags=[{"TagKey": "env", "TagValue": "dev"}])
    pair = kms.generate_data_key_pair(KeyId=wrapping["KeyId"], KeyPairSpec="ECC_NIST_P256")
    private = serialization.load_der_private_key(pair["PrivateKeyPlaintext"], None)
    assert private.public_key().public_bytes(serialization.Encoding.DER,
                                             serialization.PublicFormat.SubjectPublicKeyInfo) == pair["PublicKey"]
    unwrapped = kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"])["Plaintext"]
    assert unwrapped == pair["PrivateKeyPlaintext"]
    assert len(kms.generate_random(NumberOfBytes=64)["Plaintext"]) == 64

    kms.tag_resource(KeyId=wrapping["KeyId"], Tags=[{"TagKey": "owner", "TagValue": "data"}])
    tags = kms.list_resource_tags(KeyId=wrapping["KeyId"])["Tags"]
    assert sorted((t["TagKey"], t["TagValue"]) for t in tags) == [("env", "dev"), ("owner", "data")]
    listed = [k["KeyId"] for page in kms.get_paginator("list_keys").paginate() for k in page["Keys"]]
    assert wrapping["KeyId"] in listed and hmac_key["KeyId"] in listed
    kms.enable_key_rotation(KeyId=wrapping["KeyId"])
    assert kms.get_key_rotation_status(KeyId=wrapping["KeyId"])["KeyRotationEnabled"] is True
