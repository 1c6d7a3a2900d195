"""A user's everyday KMS code, written against AWS's documentation: envelope encryption
with a data key used locally, signatures checked offline with `cryptography`, the aws
cli's `--query Plaintext --output text` idiom, grants used through their tokens, and the
key states a pipeline meets."""
import base64
import hashlib
import json
import os
import uuid

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from aws_cli import run_cli
from kms_helpers import error_of
from kms_waits import wait_rotated


def test_envelope_encryption_with_a_data_key(kms, make_key):
    key = make_key(Description="envelope")
    alias = f"alias/review-{uuid.uuid4().hex[:8]}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    context = {"tenant": "acme", "table": "orders"}
    data_key = kms.generate_data_key(KeyId=alias, KeySpec="AES_256", EncryptionContext=context)
    assert len(data_key["Plaintext"]) == 32 and data_key["KeyId"] == key["Arn"]
    nonce = os.urandom(12)
    sealed = AESGCM(data_key["Plaintext"]).encrypt(nonce, b"row 1,row 2", None)
    # Later, elsewhere: only the wrapped key travels with the data.
    unwrapped = kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext=context)
    assert unwrapped["Plaintext"] == data_key["Plaintext"] and unwrapped["KeyId"] == key["Arn"]
    assert AESGCM(unwrapped["Plaintext"]).decrypt(nonce, sealed, None) == b"row 1,row 2"
    assert error_of(kms.decrypt, CiphertextBlob=data_key["CiphertextBlob"],
                    EncryptionContext={"tenant": "acme"})[0] == "InvalidCiphertextException"


def test_data_key_without_plaintext_is_unwrapped_later(kms, make_key):
    key = make_key()
    wrapped = kms.generate_data_key_without_plaintext(KeyId=key["Arn"], NumberOfBytes=64)
    assert "Plaintext" not in wrapped
    assert len(kms.decrypt(CiphertextBlob=wrapped["CiphertextBlob"])["Plaintext"]) == 64


def _public_key(kms, key_id):
    der = kms.get_public_key(KeyId=key_id)["PublicKey"]
    return serialization.load_der_public_key(der)


@pytest.mark.parametrize("algorithm, pad", [
    ("RSASSA_PSS_SHA_256", lambda: padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)),
    ("RSASSA_PKCS1_V1_5_SHA_256", lambda: padding.PKCS1v15())])
def test_rsa_signatures_verify_offline(kms, make_key, algorithm, pad):
    key = make_key(KeySpec="RSA_3072", KeyUsage="SIGN_VERIFY")
    signature = kms.sign(KeyId=key["KeyId"], Message=b"release 1.2.3", SigningAlgorithm=algorithm)["Signature"]
    _public_key(kms, key["KeyId"]).verify(signature, b"release 1.2.3", pad(), hashes.SHA256())
    assert kms.verify(KeyId=key["KeyId"], Message=b"release 1.2.3", Signature=signature,
                      SigningAlgorithm=algorithm)["SignatureValid"] is True


def test_ecdsa_over_a_digest_verifies_offline(kms, make_key):
    key = make_key(KeySpec="ECC_NIST_P384", KeyUsage="SIGN_VERIFY")
    digest = hashlib.sha384(b"a large artifact").digest()
    signature = kms.sign(KeyId=key["KeyId"], Message=digest, MessageType="DIGEST",
                         SigningAlgorithm="ECDSA_SHA_384")["Signature"]
    _public_key(kms, key["KeyId"]).verify(signature, digest, ec.ECDSA(utils.Prehashed(hashes.SHA384())))
    assert kms.verify(KeyId=key["KeyId"], Message=b"a large artifact", Signature=signature,
                      SigningAlgorithm="ECDSA_SHA_384")["SignatureValid"] is True
    assert error_of(kms.verify, KeyId=key["KeyId"], Message=b"another artifact", Signature=signature,
                    SigningAlgorithm="ECDSA_SHA_384") == ("KMSInvalidSignatureException", "")


def test_public_key_describes_the_key(kms, make_key):
    key = make_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    answer = kms.get_public_key(KeyId=key["Arn"])
    assert (answer["KeySpec"], answer["KeyUsage"], answer["SigningAlgorithms"]) == (
        "ECC_NIST_P256", "SIGN_VERIFY", ["ECDSA_SHA_256"])
    assert isinstance(_public_key(kms, key["Arn"]), ec.EllipticCurvePublicKey)


def test_grant_token_works_at_once_and_retiring_ends_the_grant(kms, make_key):
    key = make_key()
    grant = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal="arn:aws:iam::000000000000:role/worker",
                             Operations=["Encrypt", "Decrypt", "GenerateDataKey"],
                             Constraints={"EncryptionContextSubset": {"app": "etl"}})
    sealed = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"app": "etl"},
                         GrantTokens=[grant["GrantToken"]])
    assert kms.decrypt(CiphertextBlob=sealed["CiphertextBlob"], EncryptionContext={"app": "etl"},
                       GrantTokens=[grant["GrantToken"]])["Plaintext"] == b"x"
    [listed] = kms.list_grants(KeyId=key["KeyId"])["Grants"]
    assert listed["GrantId"] == grant["GrantId"]
    assert listed["Constraints"] == {"EncryptionContextSubset": {"app": "etl"}}
    assert sorted(listed["Operations"]) == ["Decrypt", "Encrypt", "GenerateDataKey"]
    kms.retire_grant(GrantToken=grant["GrantToken"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []
    assert error_of(kms.revoke_grant, KeyId=key["KeyId"], GrantId=grant["GrantId"]) == (
        "NotFoundException", f"Grant ID {grant['GrantId']} not found")


def test_key_states_a_pipeline_meets(kms, make_key):
    key = make_key()
    sealed = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret")["CiphertextBlob"]
    kms.disable_key(KeyId=key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
    assert error_of(kms.decrypt, CiphertextBlob=sealed) == ("DisabledException", f"{key['Arn']} is disabled.")
    kms.enable_key(KeyId=key["KeyId"])
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert error_of(kms.decrypt, CiphertextBlob=sealed) == (
        "KMSInvalidStateException", f"{key['Arn']} is pending deletion.")
    kms.cancel_key_deletion(KeyId=key["KeyId"])
    # A cancelled deletion leaves the key disabled, as AWS documents.
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == b"secret"


def test_rotation_keeps_the_key_id_and_old_ciphertexts(kms, make_key):
    key = make_key()
    before = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"old")["CiphertextBlob"]
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=180)
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"]) == (True, 180)
    kms.rotate_key_on_demand(KeyId=key["KeyId"])
    wait_rotated(kms, key["KeyId"])
    [rotation] = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert rotation["RotationType"] == "ON_DEMAND"
    after = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"new")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=before)["Plaintext"] == b"old"
    assert kms.decrypt(CiphertextBlob=after)["Plaintext"] == b"new"
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Arn"] == key["Arn"]


def _cli(lakebox_server, *args):
    done = run_cli(lakebox_server, "kms", *args, output=None)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_cli_query_plaintext_idiom(lakebox_server, make_key, tmp_path):
    """`aws kms encrypt ... --query CiphertextBlob --output text | base64 -d > f` and
    `aws kms decrypt --ciphertext-blob fileb://f --query Plaintext --output text | base64 -d`."""
    key = make_key()
    alias = f"alias/cli-{uuid.uuid4().hex[:8]}"
    _cli(lakebox_server, "create-alias", "--alias-name", alias, "--target-key-id", key["KeyId"])
    secret = tmp_path / "secret.bin"
    secret.write_bytes(b"\x00binary secret\xff")
    blob_b64 = _cli(lakebox_server, "encrypt", "--key-id", alias, "--plaintext", f"fileb://{secret}",
                    "--query", "CiphertextBlob", "--output", "text").strip()
    blob = tmp_path / "secret.enc"
    blob.write_bytes(base64.b64decode(blob_b64))
    plain_b64 = _cli(lakebox_server, "decrypt", "--ciphertext-blob", f"fileb://{blob}",
                     "--query", "Plaintext", "--output", "text").strip()
    assert base64.b64decode(plain_b64) == b"\x00binary secret\xff"
    aliases = json.loads(_cli(lakebox_server, "list-aliases", "--key-id", key["KeyId"], "--output", "json"))
    assert [a["AliasName"] for a in aliases["Aliases"]] == [alias]
