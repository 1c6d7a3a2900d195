"""KMS with the clients users run: the aws cli and the AWS Encryption SDK for Python
(envelope encryption with a lakebox key through its KMS master key provider)."""
import base64
import json

import aws_encryption_sdk
import pytest
from aws_encryption_sdk import CommitmentPolicy

from aws_cli import run_cli


def aws(lakebox_server, *args):
    return run_cli(lakebox_server, "kms", *args)


def _ok(done) -> dict:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


def test_cli_encrypt_and_decrypt_a_file(lakebox_server, tmp_path):
    key = _ok(aws(lakebox_server, "create-key", "--description", "cli key"))["KeyMetadata"]
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"db password: hunter2\n")
    sealed = _ok(aws(lakebox_server, "encrypt", "--key-id", key["KeyId"], "--plaintext", f"fileb://{secret}",
                     "--encryption-context", "purpose=test"))
    assert sealed["KeyId"] == key["Arn"]
    blob = tmp_path / "secret.enc"
    blob.write_bytes(base64.b64decode(sealed["CiphertextBlob"]))
    opened = _ok(aws(lakebox_server, "decrypt", "--ciphertext-blob", f"fileb://{blob}",
                     "--encryption-context", "purpose=test"))
    assert base64.b64decode(opened["Plaintext"]) == b"db password: hunter2\n"
    aws(lakebox_server, "schedule-key-deletion", "--key-id", key["KeyId"], "--pending-window-in-days", "7")


def test_cli_shows_the_server_error(lakebox_server):
    done = aws(lakebox_server, "describe-key", "--key-id", "alias/no-such-alias-here")
    assert done.returncode != 0
    assert "NotFoundException" in done.stderr and "alias/no-such-alias-here is not found." in done.stderr



def test_encryption_sdk_round_trip(kms, make_key, sdk_session):
    key = make_key(Description="envelope")
    client = aws_encryption_sdk.EncryptionSDKClient(
        commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
    provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[key["Arn"]], botocore_session=sdk_session)
    message = b"a large report " * 10_000
    ciphertext, header = client.encrypt(source=message, key_provider=provider,
                                        encryption_context={"report": "q3"})
    assert message[:64] not in ciphertext
    assert [k.key_provider.key_info for k in header.encrypted_data_keys] == [key["Arn"].encode()]
    plaintext, decrypted_header = client.decrypt(source=ciphertext, key_provider=provider)
    assert plaintext == message
    assert decrypted_header.encryption_context["report"] == "q3"


def test_encryption_sdk_cannot_decrypt_once_the_key_is_disabled(kms, make_key, sdk_session):
    key = make_key()
    client = aws_encryption_sdk.EncryptionSDKClient(
        commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
    provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[key["Arn"]], botocore_session=sdk_session)
    ciphertext, _ = client.encrypt(source=b"payload", key_provider=provider)
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(aws_encryption_sdk.exceptions.DecryptKeyError):
        client.decrypt(source=ciphertext, key_provider=provider)
