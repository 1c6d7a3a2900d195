"""Issue 13's KMS client items as their users run them: the AWS Encryption SDK for Python
(messages under several keys, discovery decryption with a discovery filter, the caching
materials manager, a signed algorithm suite) and the aws cli v1 idioms of the AWS CLI
and KMS guides (`--plaintext fileb://`, `--query ... --output text | base64 -d`, sign and
verify with files, get-public-key into a DER file, MACs, grants with shorthand
constraints, the key policy as text, rotations, re-encrypt)."""
import base64
import json
import uuid

import aws_encryption_sdk
import pytest
from aws_encryption_sdk import CommitmentPolicy
from aws_encryption_sdk.identifiers import Algorithm
from aws_encryption_sdk.key_providers.kms import DiscoveryFilter
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from aws_cli import answer_of, run_cli
from kms_waits import wait_rotated



def sdk(policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT):
    return aws_encryption_sdk.EncryptionSDKClient(commitment_policy=policy)


def test_a_message_under_two_keys_decrypts_with_either(make_key, sdk_session):
    first, second = make_key(), make_key()
    both = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[first["Arn"], second["Arn"]],
                                                           botocore_session=sdk_session)
    ciphertext, header = sdk().encrypt(source=b"shared report", key_provider=both,
                                       encryption_context={"dept": "finance"})
    assert sorted(k.key_provider.key_info for k in header.encrypted_data_keys) == sorted(
        [first["Arn"].encode(), second["Arn"].encode()])
    only_second = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[second["Arn"]],
                                                                  botocore_session=sdk_session)
    plaintext, decrypted = sdk().decrypt(source=ciphertext, key_provider=only_second)
    assert plaintext == b"shared report" and decrypted.encryption_context["dept"] == "finance"


def test_discovery_decryption_with_a_filter(make_key, sdk_session):
    key = make_key()
    strict = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[key["Arn"]], botocore_session=sdk_session)
    ciphertext, _ = sdk().encrypt(source=b"found by discovery", key_provider=strict)
    discovery = aws_encryption_sdk.DiscoveryAwsKmsMasterKeyProvider(
        botocore_session=sdk_session,
        discovery_filter=DiscoveryFilter(account_ids=[key["AWSAccountId"]], partition="aws"))
    assert sdk().decrypt(source=ciphertext, key_provider=discovery)[0] == b"found by discovery"
    elsewhere = aws_encryption_sdk.DiscoveryAwsKmsMasterKeyProvider(
        botocore_session=sdk_session, discovery_filter=DiscoveryFilter(account_ids=["111122223333"],
                                                                            partition="aws"))
    with pytest.raises(aws_encryption_sdk.exceptions.MasterKeyProviderError):   # the filter refuses the key
        sdk().decrypt(source=ciphertext, key_provider=elsewhere)


def test_caching_materials_manager_reuses_a_data_key(kms, make_key, sdk_session):
    key = make_key()
    provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[key["Arn"]], botocore_session=sdk_session)
    cache = aws_encryption_sdk.LocalCryptoMaterialsCache(capacity=10)
    manager = aws_encryption_sdk.CachingCryptoMaterialsManager(master_key_provider=provider, cache=cache,
                                                               max_age=600.0, max_messages_encrypted=10)
    client = sdk()
    messages = [client.encrypt(source=f"row {i}".encode(), materials_manager=manager)[0] for i in range(3)]
    data_keys = {client.decrypt(source=m, key_provider=provider)[1].encrypted_data_keys.pop().encrypted_data_key
                 for m in messages}
    assert len(data_keys) == 1                      # one GenerateDataKey served the three messages
    assert [client.decrypt(source=m, materials_manager=manager)[0] for m in messages] == [b"row 0", b"row 1",
                                                                                          b"row 2"]


def test_signed_legacy_algorithm_suite(make_key, sdk_session):
    key = make_key()
    provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[key["Arn"]], botocore_session=sdk_session)
    client = sdk(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT)
    ciphertext, header = client.encrypt(source=b"signed", key_provider=provider,
                                        algorithm=Algorithm.AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384)
    assert "aws-crypto-public-key" in header.encryption_context
    assert client.decrypt(source=ciphertext, key_provider=provider)[0] == b"signed"


# --- the aws cli --------------------------------------------------------------------------------

def cli(lakebox_server, *args, cwd=None):
    return answer_of(run_cli(lakebox_server, "kms", *args, cwd=cwd))


def cli_text(lakebox_server, *args, cwd=None) -> str:
    done = run_cli(lakebox_server, "kms", *args, output="text", cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_cli_sign_and_verify_files_and_check_offline(lakebox_server, make_key, tmp_path):
    key = make_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    (tmp_path / "message.txt").write_bytes(b"artifact v1.0\n")
    signature = cli_text(lakebox_server, "sign", "--key-id", key["KeyId"], "--message", "fileb://message.txt",
                         "--message-type", "RAW", "--signing-algorithm", "RSASSA_PKCS1_V1_5_SHA_256",
                         "--query", "Signature", cwd=tmp_path)
    (tmp_path / "signature.bin").write_bytes(base64.b64decode(signature))
    verified = cli(lakebox_server, "verify", "--key-id", key["KeyId"], "--message", "fileb://message.txt",
                   "--message-type", "RAW", "--signing-algorithm", "RSASSA_PKCS1_V1_5_SHA_256",
                   "--signature", "fileb://signature.bin", cwd=tmp_path)
    assert verified["SignatureValid"] is True
    public_der = base64.b64decode(cli_text(lakebox_server, "get-public-key", "--key-id", key["KeyId"],
                                           "--query", "PublicKey"))
    serialization.load_der_public_key(public_der).verify(base64.b64decode(signature), b"artifact v1.0\n",
                                                         padding.PKCS1v15(), hashes.SHA256())
    (tmp_path / "other.txt").write_bytes(b"artifact v1.1\n")
    refused = run_cli(lakebox_server, "kms", "verify", "--key-id", key["KeyId"], "--message", "fileb://other.txt",
                      "--signing-algorithm", "RSASSA_PKCS1_V1_5_SHA_256", "--signature", "fileb://signature.bin",
                      cwd=tmp_path)
    assert refused.returncode != 0 and "KMSInvalidSignatureException" in refused.stderr


def test_cli_mac_grants_policy_rotation_and_re_encrypt(lakebox_server, kms, make_key, tmp_path):
    mac_key = make_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
    (tmp_path / "payload").write_bytes(b"session=42")
    mac = cli_text(lakebox_server, "generate-mac", "--key-id", mac_key["KeyId"], "--message", "fileb://payload",
                   "--mac-algorithm", "HMAC_SHA_256", "--query", "Mac", cwd=tmp_path)
    (tmp_path / "mac.bin").write_bytes(base64.b64decode(mac))
    assert cli(lakebox_server, "verify-mac", "--key-id", mac_key["KeyId"], "--message", "fileb://payload",
               "--mac-algorithm", "HMAC_SHA_256", "--mac", "fileb://mac.bin", cwd=tmp_path)["MacValid"] is True

    key = make_key()
    grant = cli(lakebox_server, "create-grant", "--key-id", key["KeyId"], "--grantee-principal",
                "arn:aws:iam::111122223333:role/app", "--operations", "Encrypt", "Decrypt",
                "--constraints", "EncryptionContextSubset={Department=IT}")
    [listed] = cli(lakebox_server, "list-grants", "--key-id", key["KeyId"])["Grants"]
    assert (listed["GrantId"], listed["Constraints"]) == (grant["GrantId"],
                                                         {"EncryptionContextSubset": {"Department": "IT"}})
    policy = json.loads(cli_text(lakebox_server, "get-key-policy", "--key-id", key["KeyId"], "--policy-name",
                                 "default", "--query", "Policy"))
    assert policy["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{key['AWSAccountId']}:root"}
    policy["Statement"][0]["Sid"] = "Edited"
    (tmp_path / "policy.json").write_text(json.dumps(policy))
    cli(lakebox_server, "put-key-policy", "--key-id", key["KeyId"], "--policy-name", "default",
        "--policy", "file://policy.json", cwd=tmp_path)
    assert json.loads(cli(lakebox_server, "get-key-policy", "--key-id", key["KeyId"])["Policy"]) == policy

    (tmp_path / "plain").write_bytes(b"rotate me")
    blob = cli_text(lakebox_server, "encrypt", "--key-id", key["KeyId"], "--plaintext", "fileb://plain",
                    "--query", "CiphertextBlob", cwd=tmp_path)
    (tmp_path / "blob").write_bytes(base64.b64decode(blob))
    cli(lakebox_server, "enable-key-rotation", "--key-id", key["KeyId"], "--rotation-period-in-days", "90")
    cli(lakebox_server, "rotate-key-on-demand", "--key-id", key["KeyId"])
    wait_rotated(kms, key["KeyId"])
    [rotation] = cli(lakebox_server, "list-key-rotations", "--key-id", key["KeyId"])["Rotations"]
    assert rotation["RotationType"] == "ON_DEMAND"
    other = make_key()
    moved = cli(lakebox_server, "re-encrypt", "--ciphertext-blob", "fileb://blob", "--destination-key-id",
                other["KeyId"], cwd=tmp_path)
    assert (moved["SourceKeyId"], moved["KeyId"]) == (key["Arn"], other["Arn"])
    (tmp_path / "moved").write_bytes(base64.b64decode(moved["CiphertextBlob"]))
    plain = cli_text(lakebox_server, "decrypt", "--ciphertext-blob", "fileb://moved", "--query", "Plaintext",
                     cwd=tmp_path)
    assert base64.b64decode(plain) == b"rotate me"


def test_cli_data_key_pair_and_alias_listing(lakebox_server, make_key):
    key = make_key()
    alias = f"alias/cli-audit-{uuid.uuid4().hex[:8]}"
    cli(lakebox_server, "create-alias", "--alias-name", alias, "--target-key-id", key["Arn"])
    pair = cli(lakebox_server, "generate-data-key-pair", "--key-id", alias, "--key-pair-spec", "RSA_2048")
    private_key = serialization.load_der_private_key(base64.b64decode(pair["PrivateKeyPlaintext"]), password=None)
    assert private_key.key_size == 2048 and pair["KeyId"] == key["Arn"]
    listed = cli(lakebox_server, "list-aliases", "--key-id", key["KeyId"])["Aliases"]
    assert [a["AliasName"] for a in listed] == [alias]
    cli(lakebox_server, "delete-alias", "--alias-name", alias)
    gone = run_cli(lakebox_server, "kms", "describe-key", "--key-id", alias)
    assert gone.returncode != 0 and "NotFoundException" in gone.stderr
