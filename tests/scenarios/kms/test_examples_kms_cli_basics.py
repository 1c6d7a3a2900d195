"""KMS with the aws cli as the AWS CLI and KMS guides show it: create-key, create-alias,
encrypt a file given as fileb://, decode the printed base64 CiphertextBlob into a file,
decrypt that file (also by alias), generate-data-key with AES_256, list-aliases, and
schedule-key-deletion."""
import base64
import uuid

from aws_cli import answer_of, run_cli


def kms(lakebox_server, *args, cwd=None):
    return answer_of(run_cli(lakebox_server, "kms", *args, cwd=cwd))


def test_encrypt_and_decrypt_files_with_the_cli(lakebox_server, tmp_path):
    key = kms(lakebox_server, "create-key", "--description", "cli example key")["KeyMetadata"]
    alias = f"alias/cli-example-{uuid.uuid4().hex[:8]}"
    kms(lakebox_server, "create-alias", "--alias-name", alias, "--target-key-id", key["KeyId"])
    assert alias in [a["AliasName"] for a in kms(lakebox_server, "list-aliases", "--key-id", key["KeyId"])["Aliases"]]

    (tmp_path / "ExamplePlaintextFile").write_bytes(b"secret numbers 1234\n")
    encrypted = kms(lakebox_server, "encrypt", "--key-id", alias, "--plaintext", "fileb://ExamplePlaintextFile",
                    cwd=tmp_path)
    assert encrypted["KeyId"] == key["Arn"] and encrypted["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    (tmp_path / "ExampleEncryptedFile").write_bytes(base64.b64decode(encrypted["CiphertextBlob"]))

    decrypted = kms(lakebox_server, "decrypt", "--ciphertext-blob", "fileb://ExampleEncryptedFile", cwd=tmp_path)
    assert base64.b64decode(decrypted["Plaintext"]) == b"secret numbers 1234\n"
    assert decrypted["KeyId"] == key["Arn"]
    by_alias = kms(lakebox_server, "decrypt", "--ciphertext-blob", "fileb://ExampleEncryptedFile",
                   "--key-id", alias, cwd=tmp_path)
    assert by_alias["Plaintext"] == decrypted["Plaintext"]

    data_key = kms(lakebox_server, "generate-data-key", "--key-id", alias, "--key-spec", "AES_256")
    assert len(base64.b64decode(data_key["Plaintext"])) == 32

    kms(lakebox_server, "delete-alias", "--alias-name", alias)
    scheduled = kms(lakebox_server, "schedule-key-deletion", "--key-id", key["KeyId"], "--pending-window-in-days", "7")
    assert scheduled["KeyState"] == "PendingDeletion"
    refused = run_cli(lakebox_server, "kms", "encrypt", "--key-id", key["KeyId"], "--plaintext",
                      "fileb://ExamplePlaintextFile", cwd=tmp_path)
    assert refused.returncode != 0 and "KMSInvalidStateException" in refused.stderr
