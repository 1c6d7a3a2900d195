"""Issue 13's KMS cryptography checked the way users check it: every signing algorithm
with RAW and DIGEST messages, the signature verified offline with `cryptography` against
GetPublicKey (AWS signs RSASSA-PSS with a salt as long as the digest and ECDSA as DER);
RSA OAEP with SHA-1 and SHA-256 encrypted offline under the public key and decrypted by
KMS; every HMAC algorithm; GenerateDataKeyPair for every key pair spec lakebox serves;
grants with constraints, grant tokens, and the operations a key type allows.

Sources: the Sign API reference (MessageType, the digest lengths), the KMS Developer
Guide's "Offline verification" and "Grant operations" pages; "Grants must not contain
only the CreateGrant operation." is a live KMS reply quoted in ansible/ansible#31960. No
public record gives the wording of a grant refused for an operation its key cannot do,
so only its code is asserted."""
import hashlib
import hmac

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from kms_helpers import error_of

HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}
LIBS = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}
SIGNING = [(spec, algorithm) for spec in ("RSA_2048", "RSA_3072", "RSA_4096") for algorithm in (
    "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256",
    "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512")] + [
    ("ECC_NIST_P256", "ECDSA_SHA_256"), ("ECC_NIST_P384", "ECDSA_SHA_384"), ("ECC_NIST_P521", "ECDSA_SHA_512"),
    ("ECC_SECG_P256K1", "ECDSA_SHA_256")]


@pytest.fixture(scope="module")
def signing_keys(lakebox_server):
    """One signing key per spec, shared by the module (RSA 4096 keys take a while)."""
    kms = lakebox_server.client("kms")
    keys = {spec: kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
            for spec in sorted({spec for spec, _ in SIGNING})}
    yield keys
    for key_id in keys.values():
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)


def offline_verify(public_key, algorithm, signature, digest):
    chosen = HASHES[algorithm[-3:]]()
    prehashed = utils.Prehashed(chosen)
    if algorithm.startswith("ECDSA"):
        public_key.verify(signature, digest, ec.ECDSA(prehashed))
    elif "PSS" in algorithm:
        public_key.verify(signature, digest, padding.PSS(mgf=padding.MGF1(chosen), salt_length=chosen.digest_size),
                          prehashed)
    else:
        public_key.verify(signature, digest, padding.PKCS1v15(), prehashed)


@pytest.mark.parametrize("spec, algorithm", SIGNING)
def test_every_signing_algorithm_raw_and_digest_verifies_offline(kms, signing_keys, spec, algorithm):
    key_id = signing_keys[spec]
    message = f"release notes signed with {algorithm}".encode()
    digest = LIBS[algorithm[-3:]](message).digest()
    answer = kms.get_public_key(KeyId=key_id)
    assert algorithm in answer["SigningAlgorithms"] and answer["KeyUsage"] == "SIGN_VERIFY"
    public_key = serialization.load_der_public_key(answer["PublicKey"])
    raw = kms.sign(KeyId=key_id, Message=message, SigningAlgorithm=algorithm)
    over_digest = kms.sign(KeyId=key_id, Message=digest, MessageType="DIGEST", SigningAlgorithm=algorithm)
    for signed in (raw, over_digest):
        assert signed["SigningAlgorithm"] == algorithm and signed["KeyId"].endswith(key_id)
        offline_verify(public_key, algorithm, signed["Signature"], digest)
        # KMS verifies either form against the message or its digest.
        assert kms.verify(KeyId=key_id, Message=message, Signature=signed["Signature"],
                          SigningAlgorithm=algorithm)["SignatureValid"] is True
        assert kms.verify(KeyId=key_id, Message=digest, MessageType="DIGEST", Signature=signed["Signature"],
                          SigningAlgorithm=algorithm)["SignatureValid"] is True
    assert error_of(kms.verify, KeyId=key_id, Message=message + b"!", Signature=raw["Signature"],
                    SigningAlgorithm=algorithm) == ("KMSInvalidSignatureException", "")


def test_a_signature_made_offline_is_not_taken_for_kms_own(kms, signing_keys):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signature = stranger.sign(b"m", padding.PKCS1v15(), hashes.SHA256())
    assert error_of(kms.verify, KeyId=signing_keys["RSA_2048"], Message=b"m", Signature=signature,
                    SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256") == ("KMSInvalidSignatureException", "")


@pytest.mark.parametrize("spec, algorithm", [("RSA_2048", "ECDSA_SHA_256"), ("ECC_NIST_P256", "ECDSA_SHA_384"),
                                             ("ECC_NIST_P384", "RSASSA_PSS_SHA_384")])
def test_an_algorithm_of_another_spec_is_refused(kms, signing_keys, spec, algorithm):
    assert error_of(kms.sign, KeyId=signing_keys[spec], Message=b"m", SigningAlgorithm=algorithm) == (
        "InvalidKeyUsageException", f"Algorithm {algorithm} is incompatible with key spec {spec}.")


@pytest.mark.parametrize("spec, algorithm, limit", [
    ("RSA_2048", "RSAES_OAEP_SHA_1", 214), ("RSA_2048", "RSAES_OAEP_SHA_256", 190),
    ("RSA_3072", "RSAES_OAEP_SHA_256", 318), ("RSA_4096", "RSAES_OAEP_SHA_1", 470),
    ("RSA_4096", "RSAES_OAEP_SHA_256", 446)])
def test_rsa_oaep_offline_encryption_and_kms_encryption_both_decrypt(kms, make_key, spec, algorithm, limit):
    key = make_key(KeySpec=spec, KeyUsage="ENCRYPT_DECRYPT")
    public_key = serialization.load_der_public_key(kms.get_public_key(KeyId=key["KeyId"])["PublicKey"])
    digest = hashes.SHA1() if algorithm.endswith("SHA_1") else hashes.SHA256()
    offline = public_key.encrypt(b"o" * limit, padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None))
    opened = kms.decrypt(KeyId=key["KeyId"], CiphertextBlob=offline, EncryptionAlgorithm=algorithm)
    assert (opened["Plaintext"], opened["EncryptionAlgorithm"], opened["KeyId"]) == (b"o" * limit, algorithm,
                                                                                    key["Arn"])
    sealed = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"k" * limit, EncryptionAlgorithm=algorithm)
    assert len(sealed["CiphertextBlob"]) == public_key.key_size // 8
    assert kms.decrypt(KeyId=key["KeyId"], CiphertextBlob=sealed["CiphertextBlob"],
                       EncryptionAlgorithm=algorithm)["Plaintext"] == b"k" * limit


def test_rsa_ciphertext_needs_its_algorithm_and_key(kms, make_key):
    key = make_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_1")["CiphertextBlob"]
    assert error_of(kms.decrypt, KeyId=key["KeyId"], CiphertextBlob=blob,
                    EncryptionAlgorithm="RSAES_OAEP_SHA_256") == ("InvalidCiphertextException", "")
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == (
        "InvalidKeyUsageException", "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.")
    assert error_of(kms.generate_data_key, KeyId=key["KeyId"], KeySpec="AES_256")[0] == "InvalidKeyUsageException"


@pytest.mark.parametrize("spec, algorithm, lib", [
    ("HMAC_224", "HMAC_SHA_224", hashlib.sha224), ("HMAC_256", "HMAC_SHA_256", hashlib.sha256),
    ("HMAC_384", "HMAC_SHA_384", hashlib.sha384), ("HMAC_512", "HMAC_SHA_512", hashlib.sha512)])
def test_every_mac_algorithm(kms, make_key, spec, algorithm, lib):
    key = make_key(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")
    made = kms.generate_mac(KeyId=key["KeyId"], Message=b"token payload", MacAlgorithm=algorithm)
    assert (made["MacAlgorithm"], made["KeyId"], len(made["Mac"])) == (algorithm, key["Arn"], lib().digest_size)
    assert kms.generate_mac(KeyId=key["Arn"], Message=b"token payload", MacAlgorithm=algorithm)["Mac"] == made["Mac"]
    verified = kms.verify_mac(KeyId=key["KeyId"], Message=b"token payload", Mac=made["Mac"], MacAlgorithm=algorithm)
    assert (verified["MacValid"], verified["MacAlgorithm"]) == (True, algorithm)
    tampered = bytes([made["Mac"][0] ^ 1]) + made["Mac"][1:]
    guessed = hmac.new(b"not the key", b"token payload", lib).digest()
    for mac in (tampered, guessed, made["Mac"][:-1]):
        assert error_of(kms.verify_mac, KeyId=key["KeyId"], Message=b"token payload", Mac=mac,
                        MacAlgorithm=algorithm) == ("KMSInvalidMacException", "")
    other = make_key(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")
    assert error_of(kms.verify_mac, KeyId=other["KeyId"], Message=b"token payload", Mac=made["Mac"],
                    MacAlgorithm=algorithm) == ("KMSInvalidMacException", "")


PAIR_SPECS = {"RSA_2048": rsa.RSAPublicKey, "RSA_3072": rsa.RSAPublicKey, "RSA_4096": rsa.RSAPublicKey,
              "ECC_NIST_P256": ec.EllipticCurvePublicKey, "ECC_NIST_P384": ec.EllipticCurvePublicKey,
              "ECC_NIST_P521": ec.EllipticCurvePublicKey, "ECC_SECG_P256K1": ec.EllipticCurvePublicKey}


@pytest.mark.parametrize("pair_spec", sorted(PAIR_SPECS))
def test_data_key_pair_of_every_spec(kms, make_key, pair_spec):
    key = make_key()
    pair = kms.generate_data_key_pair(KeyId=key["KeyId"], KeyPairSpec=pair_spec, EncryptionContext={"use": "jwt"})
    public_key = serialization.load_der_public_key(pair["PublicKey"])
    assert isinstance(public_key, PAIR_SPECS[pair_spec])
    if pair_spec.startswith("RSA_"):
        assert public_key.key_size == int(pair_spec[4:])
    private_key = serialization.load_der_private_key(pair["PrivateKeyPlaintext"], password=None)
    signature = private_key.sign(b"m", *((padding.PKCS1v15(), hashes.SHA256()) if pair_spec.startswith("RSA_")
                                         else (ec.ECDSA(hashes.SHA256()),)))
    public_key.verify(signature, b"m", *((padding.PKCS1v15(), hashes.SHA256()) if pair_spec.startswith("RSA_")
                                         else (ec.ECDSA(hashes.SHA256()),)))
    unwrapped = kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"], EncryptionContext={"use": "jwt"})
    assert unwrapped["Plaintext"] == pair["PrivateKeyPlaintext"]
    bare = kms.generate_data_key_pair_without_plaintext(KeyId=key["KeyId"], KeyPairSpec=pair_spec)
    assert "PrivateKeyPlaintext" not in bare and bare["KeyPairSpec"] == pair_spec
    private_der = kms.decrypt(CiphertextBlob=bare["PrivateKeyCiphertextBlob"])["Plaintext"]
    assert serialization.load_der_private_key(private_der, password=None).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) == bare["PublicKey"]


def test_data_key_pairs_need_a_symmetric_key(kms, make_key):
    key = make_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
    assert error_of(kms.generate_data_key_pair, KeyId=key["KeyId"], KeyPairSpec="ECC_NIST_P256") == (
        "InvalidKeyUsageException", f"{key['Arn']} key spec is RSA_2048 which is not valid for GenerateDataKeyPair.")


# --- grants ------------------------------------------------------------------------------------

GRANTEE = "arn:aws:iam::111122223333:role/etl"


@pytest.mark.parametrize("constraint", ["EncryptionContextSubset", "EncryptionContextEquals"])
def test_grant_constraints_are_kept_and_tokens_accepted(kms, make_key, constraint):
    key = make_key()
    grant = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=GRANTEE,
                             Operations=["Encrypt", "Decrypt", "GenerateDataKey", "ReEncryptFrom", "ReEncryptTo"],
                             Constraints={constraint: {"tenant": "acme", "stage": "prod"}}, Name="etl")
    [listed] = kms.list_grants(KeyId=key["Arn"], GrantId=grant["GrantId"])["Grants"]
    assert listed["Constraints"] == {constraint: {"tenant": "acme", "stage": "prod"}}
    context = {"tenant": "acme", "stage": "prod"}
    tokens = [grant["GrantToken"]]
    data_key = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256", EncryptionContext=context,
                                     GrantTokens=tokens)
    assert kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext=context,
                       GrantTokens=tokens)["Plaintext"] == data_key["Plaintext"]
    assert [g["GrantId"] for g in kms.list_grants(KeyId=key["KeyId"], GranteePrincipal=GRANTEE)["Grants"]] == \
        [grant["GrantId"]]


@pytest.mark.parametrize("spec, usage, allowed, refused", [
    ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT",
     ["Encrypt", "Decrypt", "GenerateDataKey", "GenerateDataKeyPair", "ReEncryptFrom", "DescribeKey"], "Sign"),
    ("RSA_2048", "ENCRYPT_DECRYPT", ["Encrypt", "Decrypt", "GetPublicKey", "ReEncryptTo"], "GenerateDataKey"),
    ("ECC_NIST_P256", "SIGN_VERIFY", ["Sign", "Verify", "GetPublicKey", "RetireGrant"], "Decrypt"),
    ("HMAC_256", "GENERATE_VERIFY_MAC", ["GenerateMac", "VerifyMac", "DescribeKey"], "Encrypt"),
    ("ECC_NIST_P384", "KEY_AGREEMENT", ["DeriveSharedSecret", "GetPublicKey"], "Sign"),
])
def test_grants_allow_only_operations_the_key_can_do(kms, make_key, spec, usage, allowed, refused):
    key = make_key(KeySpec=spec, KeyUsage=usage)
    granted = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=GRANTEE, Operations=allowed)
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"][0]["Operations"] == allowed
    kms.revoke_grant(KeyId=key["KeyId"], GrantId=granted["GrantId"])
    assert error_of(kms.create_grant, KeyId=key["KeyId"], GranteePrincipal=GRANTEE,
                    Operations=[*allowed, refused])[0] == "ValidationException"
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


def test_a_grant_of_create_grant_alone_is_refused(kms, make_key):
    key = make_key()
    assert error_of(kms.create_grant, KeyId=key["KeyId"], GranteePrincipal=GRANTEE, Operations=["CreateGrant"]) == (
        "ValidationException", "Grants must not contain only the CreateGrant operation.")
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


def test_encryption_context_constraints_need_a_symmetric_key(kms, make_key):
    key = make_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    assert error_of(kms.create_grant, KeyId=key["KeyId"], GranteePrincipal=GRANTEE, Operations=["Sign"],
                    Constraints={"EncryptionContextSubset": {"a": "b"}})[0] == "ValidationException"
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


def test_grants_on_a_key_pending_deletion_are_refused(kms, make_key):
    key = make_key()
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert error_of(kms.create_grant, KeyId=key["KeyId"], GranteePrincipal=GRANTEE, Operations=["Decrypt"]) == (
        "KMSInvalidStateException", f"{key['Arn']} is pending deletion.")
