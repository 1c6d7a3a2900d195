"""Every acknowledged KMS write survives `kill -9`: keys and their state, aliases,
rotations and grants, and every ciphertext made before the crash still decrypts."""
import pytest

from kms_waits import wait_rotated
from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only


def test_keys_and_ciphertexts_survive_kill_9(tmp_path):
    server = LakeboxServer(data_dir=str(tmp_path / "data")).start()
    try:
        kms = server.client("kms")
        key = kms.create_key(Description="durable")["KeyMetadata"]
        kms.create_alias(AliasName="alias/durable", TargetKeyId=key["KeyId"])
        before_rotation = kms.encrypt(KeyId="alias/durable", Plaintext=b"one", EncryptionContext={"n": "1"})
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
        after_rotation = kms.encrypt(KeyId="alias/durable", Plaintext=b"two")
        data_key = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
        grant = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal="arn:aws:iam::000000000000:role/r",
                                 Operations=["Decrypt"])
        signer = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
        signature = kms.sign(KeyId=signer["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
        disabled = kms.create_key()["KeyMetadata"]
        kms.disable_key(KeyId=disabled["KeyId"])

        server.kill()
        server.start()
        kms = server.client("kms")

        assert kms.decrypt(CiphertextBlob=before_rotation["CiphertextBlob"], EncryptionContext={"n": "1"})[
            "Plaintext"] == b"one"
        assert kms.decrypt(CiphertextBlob=after_rotation["CiphertextBlob"])["Plaintext"] == b"two"
        assert kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == data_key["Plaintext"]
        assert kms.describe_key(KeyId="alias/durable")["KeyMetadata"]["Description"] == "durable"
        wait_rotated(kms, key["KeyId"])        # a rotation in progress at the crash finishes after it
        assert len(kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]) == 1
        assert [g["GrantId"] for g in kms.list_grants(KeyId=key["KeyId"])["Grants"]] == [grant["GrantId"]]
        assert kms.verify(KeyId=signer["KeyId"], Message=b"m", Signature=signature,
                          SigningAlgorithm="ECDSA_SHA_256")["SignatureValid"] is True
        assert kms.describe_key(KeyId=disabled["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
    finally:
        server.stop()
