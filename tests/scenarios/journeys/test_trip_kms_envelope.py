"""KMS as applications use it: envelope encryption with a data key and AES-GCM, the
encryption context binding, re-encrypt to another key through an alias, (the AWS Encryption
SDK round trip is in tests/scenarios/kms)."""
import base64
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from trip_helpers import error_of


@pytest.fixture
def key_id(client):
    kms = client("kms")
    key = kms.create_key(Description="orders data key", Tags=[{"TagKey": "team", "TagValue": "data"}])
    yield key["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=key["KeyMetadata"]["KeyId"], PendingWindowInDays=7)


def test_envelope_encryption(client, key_id):
    kms = client("kms")
    context = {"table": "orders", "tenant": "acme"}
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext=context)
    assert len(data_key["Plaintext"]) == 32 and data_key["KeyId"].endswith(key_id)
    nonce = os.urandom(12)
    sealed = AESGCM(data_key["Plaintext"]).encrypt(nonce, b"card=4111", None)
    stored = {"key": base64.b64encode(data_key["CiphertextBlob"]).decode(), "nonce": nonce, "body": sealed}

    unwrapped = kms.decrypt(CiphertextBlob=base64.b64decode(stored["key"]), EncryptionContext=context)
    assert unwrapped["KeyId"] == data_key["KeyId"] and unwrapped["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert AESGCM(unwrapped["Plaintext"]).decrypt(stored["nonce"], stored["body"], None) == b"card=4111"
    code, _ = error_of(kms.decrypt, CiphertextBlob=base64.b64decode(stored["key"]),
                       EncryptionContext={"table": "orders"})
    assert code == "InvalidCiphertextException"

    without = kms.generate_data_key_without_plaintext(KeyId=key_id, NumberOfBytes=16)
    assert "Plaintext" not in without
    assert len(kms.decrypt(CiphertextBlob=without["CiphertextBlob"])["Plaintext"]) == 16


def test_alias_reencrypt_and_disable(client, key_id):
    kms = client("kms")
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    alias = f"alias/orders-{key_id[:8]}"
    kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    try:
        blob = kms.encrypt(KeyId=alias, Plaintext=b"secret")["CiphertextBlob"]
        moved = kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=other)
        assert moved["SourceKeyId"].endswith(key_id) and moved["KeyId"].endswith(other)
        assert kms.decrypt(CiphertextBlob=moved["CiphertextBlob"])["Plaintext"] == b"secret"
        assert any(a["AliasName"] == alias and a["TargetKeyId"] == key_id
                   for a in kms.list_aliases(KeyId=key_id)["Aliases"])
        assert kms.describe_key(KeyId=alias)["KeyMetadata"]["Description"] == "orders data key"
        kms.disable_key(KeyId=key_id)
        code, message = error_of(kms.decrypt, CiphertextBlob=blob)
        assert code == "DisabledException"
        kms.enable_key(KeyId=key_id)
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"secret"
    finally:
        kms.delete_alias(AliasName=alias)
        kms.schedule_key_deletion(KeyId=other, PendingWindowInDays=7)

