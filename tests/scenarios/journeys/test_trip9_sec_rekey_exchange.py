"""A data security team moves a tenant's archive to a new key and sets up the tenant's
channel. The archive's data keys were made under the old key with the tenant's
encryption context; a re-key job, given a grant with ReEncryptFrom/ReEncryptTo and
using the grant token at once, re-encrypts each data key to the new key under a context
that also names the new generation (ReEncrypt), and the grant is retired when the job
ends. The tenant's channel is agreed by ECDH: a KEY_AGREEMENT key per curve the tenant
may use (P-256, P-384, P-521), the tenant's side computed offline with the cryptography
package, both sides deriving the same secret. The tenant's own signing key pairs come
from GenerateDataKeyPair(WithoutPlaintext) under the tenant's context. The mistakes on
the way are refused with KMS's codes and words."""
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from trip_helpers import error_of

TENANT = {"tenant": "acme", "dataset": "archive"}
REKEY_ROLE = "arn:aws:iam::000000000000:role/rekey-job"
CURVES = [("ECC_NIST_P256", ec.SECP256R1(), 32), ("ECC_NIST_P384", ec.SECP384R1(), 48),
          ("ECC_NIST_P521", ec.SECP521R1(), 66)]


@pytest.fixture
def kms(client):
    return client("kms")


def public_der(private_key):
    return private_key.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)


def test_rekey_the_archive_with_a_grant(kms, kms_keys):
    old = kms_keys(Description="acme archive, generation 1")
    new = kms_keys(Description="acme archive, generation 2")
    data_keys = [kms.generate_data_key(KeyId=old["KeyId"], KeySpec="AES_256", EncryptionContext=TENANT)
                 for _ in range(3)]
    grant = kms.create_grant(KeyId=old["KeyId"], GranteePrincipal=REKEY_ROLE, RetiringPrincipal=REKEY_ROLE,
                             Operations=["ReEncryptFrom", "ReEncryptTo"], Name="rekey-acme")
    new_grant = kms.create_grant(KeyId=new["KeyId"], GranteePrincipal=REKEY_ROLE, RetiringPrincipal=REKEY_ROLE,
                                 Operations=["ReEncryptTo"], Name="rekey-acme")
    tokens = [grant["GrantToken"], new_grant["GrantToken"]]
    moved_context = {**TENANT, "generation": "2"}

    assert error_of(kms.re_encrypt, CiphertextBlob=data_keys[0]["CiphertextBlob"],
                    DestinationKeyId=new["KeyId"], GrantTokens=tokens) == ("InvalidCiphertextException", "")
    assert error_of(kms.re_encrypt, CiphertextBlob=data_keys[0]["CiphertextBlob"], SourceEncryptionContext=TENANT,
                    SourceKeyId=new["KeyId"], DestinationKeyId=new["KeyId"], GrantTokens=tokens) == (
        "IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.")
    moved = []
    for data_key in data_keys:
        answer = kms.re_encrypt(CiphertextBlob=data_key["CiphertextBlob"], SourceEncryptionContext=TENANT,
                                DestinationKeyId=new["KeyId"], DestinationEncryptionContext=moved_context,
                                GrantTokens=tokens)
        assert (answer["SourceKeyId"], answer["KeyId"], answer["SourceEncryptionAlgorithm"],
                answer["DestinationEncryptionAlgorithm"], answer["SourceKeyMaterialId"]) == (
            old["Arn"], new["Arn"], "SYMMETRIC_DEFAULT", "SYMMETRIC_DEFAULT", data_key["KeyMaterialId"])
        moved.append(answer["CiphertextBlob"])
    for data_key, blob in zip(data_keys, moved):
        opened = kms.decrypt(CiphertextBlob=blob, EncryptionContext=moved_context)
        assert (opened["Plaintext"], opened["KeyId"]) == (data_key["Plaintext"], new["Arn"])
        assert error_of(kms.decrypt, CiphertextBlob=blob, EncryptionContext=TENANT) == (
            "InvalidCiphertextException", "")

    retirable = kms.list_retirable_grants(RetiringPrincipal=REKEY_ROLE)["Grants"]
    assert {(g["KeyId"], g["GrantId"]) for g in retirable} >= {
        (old["Arn"], grant["GrantId"]), (new["Arn"], new_grant["GrantId"])}
    kms.retire_grant(GrantToken=grant["GrantToken"])
    kms.retire_grant(KeyId=new["Arn"], GrantId=new_grant["GrantId"])
    assert kms.list_grants(KeyId=old["KeyId"])["Grants"] == kms.list_grants(KeyId=new["KeyId"])["Grants"] == []


@pytest.mark.parametrize("spec, curve, size", CURVES)
def test_tenant_channel_agreed_by_ecdh(kms, kms_keys, spec, curve, size):
    key = kms_keys(KeySpec=spec, KeyUsage="KEY_AGREEMENT", Description=f"acme channel {spec}")
    assert (key["KeyUsage"], key["KeyAgreementAlgorithms"]) == ("KEY_AGREEMENT", ["ECDH"])
    published = kms.get_public_key(KeyId=key["KeyId"])
    assert (published["KeyUsage"], published["KeyAgreementAlgorithms"]) == ("KEY_AGREEMENT", ["ECDH"])
    tenant = ec.generate_private_key(curve)
    ours = kms.derive_shared_secret(KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=public_der(tenant))
    theirs = tenant.exchange(ec.ECDH(), serialization.load_der_public_key(published["PublicKey"]))
    assert (ours["SharedSecret"], ours["KeyId"], ours["KeyAgreementAlgorithm"], ours["KeyOrigin"]) == (
        theirs, key["Arn"], "ECDH", "AWS_KMS")
    assert len(theirs) == size

    wrong_curve = ec.generate_private_key(ec.SECP256K1())
    assert error_of(kms.derive_shared_secret, KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH",
                    PublicKey=public_der(wrong_curve)) == ("ValidationException", "")   # stackd ecc.json
    assert error_of(kms.sign, KeyId=key["KeyId"], Message=b"x", SigningAlgorithm="ECDSA_SHA_256") == (
        "InvalidKeyUsageException", f"{key['Arn']} key usage is KEY_AGREEMENT which is not valid for Sign.")


def test_tenant_signing_pairs(kms, kms_keys):
    key = kms_keys(Description="acme data key pairs")
    pair = kms.generate_data_key_pair(KeyId=key["KeyId"], KeyPairSpec="ECC_NIST_P384", EncryptionContext=TENANT)
    assert (pair["KeyId"], pair["KeyPairSpec"]) == (key["Arn"], "ECC_NIST_P384")
    private = serialization.load_der_private_key(pair["PrivateKeyPlaintext"], password=None)
    assert private.curve.name == "secp384r1"
    assert public_der(private) == pair["PublicKey"]
    signature = private.sign(b"acme manifest", ec.ECDSA(hashes.SHA384()))
    serialization.load_der_public_key(pair["PublicKey"]).verify(signature, b"acme manifest", ec.ECDSA(hashes.SHA384()))
    opened = kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"], EncryptionContext=TENANT)
    assert (opened["Plaintext"], opened["KeyMaterialId"]) == (pair["PrivateKeyPlaintext"], pair["KeyMaterialId"])

    later = kms.generate_data_key_pair_without_plaintext(KeyId=key["KeyId"], KeyPairSpec="ECC_SECG_P256K1",
                                                        EncryptionContext=TENANT)
    assert "PrivateKeyPlaintext" not in later
    private = serialization.load_der_private_key(
        kms.decrypt(CiphertextBlob=later["PrivateKeyCiphertextBlob"], EncryptionContext=TENANT)["Plaintext"],
        password=None)
    assert (private.curve.name, public_der(private)) == ("secp256k1", later["PublicKey"])

    rsa = kms_keys(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
    assert error_of(kms.generate_data_key_pair, KeyId=rsa["KeyId"], KeyPairSpec="RSA_2048") == (
        "InvalidKeyUsageException", f"{rsa['Arn']} key spec is RSA_2048 which is not valid for GenerateDataKeyPair.")
