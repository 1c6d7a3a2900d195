"""Two lake sites agree on a transport key without ever moving it: each holds a
KEY_AGREEMENT key pair in KMS (ECC_NIST_P256, P384 and P521), and DeriveSharedSecret on
either side gives the same ECDH secret, which the cryptography package also computes from
a partner's offline private key. Edge devices get data key pairs of every spec
(GenerateDataKeyPair and ...WithoutPlaintext): the private key is PKCS#8 DER, the
encrypted copy decrypts under the wrapping key and its context. Attested calls (the
Recipient parameter) are refused outside a Nitro enclave instead of being answered in
plaintext."""
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from trip_helpers import error_of

CURVES = {"ECC_NIST_P256": ec.SECP256R1, "ECC_NIST_P384": ec.SECP384R1, "ECC_NIST_P521": ec.SECP521R1}
SECRET_BYTES = {"ECC_NIST_P256": 32, "ECC_NIST_P384": 48, "ECC_NIST_P521": 66}
RECIPIENT = {"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "AttestationDocument": b"\x84" + b"\x00" * 200}
NOT_ATTESTED = ("ValidationException", "The attestation document in the Recipient parameter is not valid.")


def spki(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.mark.parametrize("spec", sorted(CURVES))
def test_both_sites_derive_the_same_secret(client, kms_keys, spec):
    kms = client("kms")
    east = kms_keys(KeySpec=spec, KeyUsage="KEY_AGREEMENT", Description="east site")
    west = kms_keys(KeySpec=spec, KeyUsage="KEY_AGREEMENT", Description="west site")
    assert (east["KeyUsage"], east["KeySpec"], east["KeyAgreementAlgorithms"]) == ("KEY_AGREEMENT", spec, ["ECDH"])
    assert "EncryptionAlgorithms" not in east and "SigningAlgorithms" not in east
    east_public = kms.get_public_key(KeyId=east["KeyId"])
    west_public = kms.get_public_key(KeyId=west["KeyId"])
    assert (east_public["KeyUsage"], east_public["KeyAgreementAlgorithms"]) == ("KEY_AGREEMENT", ["ECDH"])
    assert serialization.load_der_public_key(east_public["PublicKey"]).curve.name == CURVES[spec].name

    at_east = kms.derive_shared_secret(KeyId=east["KeyId"], KeyAgreementAlgorithm="ECDH",
                                       PublicKey=west_public["PublicKey"])
    at_west = kms.derive_shared_secret(KeyId=west["Arn"], KeyAgreementAlgorithm="ECDH",
                                       PublicKey=east_public["PublicKey"])
    assert at_east["SharedSecret"] == at_west["SharedSecret"]
    assert len(at_east["SharedSecret"]) == SECRET_BYTES[spec]
    assert (at_east["KeyId"], at_east["KeyAgreementAlgorithm"], at_east["KeyOrigin"]) == (
        east["Arn"], "ECDH", "AWS_KMS")

    partner = ec.generate_private_key(CURVES[spec]())
    offline = partner.exchange(ec.ECDH(), serialization.load_der_public_key(east_public["PublicKey"]))
    assert kms.derive_shared_secret(KeyId=east["KeyId"], KeyAgreementAlgorithm="ECDH",
                                    PublicKey=spki(partner.public_key()))["SharedSecret"] == offline


def test_agreement_mistakes(client, kms_keys):
    kms = client("kms")
    p256 = kms_keys(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")
    p384_peer = spki(ec.generate_private_key(ec.SECP384R1()).public_key())
    wrong_curve = ("ValidationException", "")      # stackd testdata/aws/kms/ecc.json wrong_curve
    assert error_of(kms.derive_shared_secret, KeyId=p256["KeyId"], KeyAgreementAlgorithm="ECDH",
                    PublicKey=p384_peer) == wrong_curve
    raw_point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    assert error_of(kms.derive_shared_secret, KeyId=p256["KeyId"], KeyAgreementAlgorithm="ECDH",
                    PublicKey=raw_point) == wrong_curve
    peer = spki(ec.generate_private_key(ec.SECP256R1()).public_key())
    signing = kms_keys(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    assert error_of(kms.derive_shared_secret, KeyId=signing["KeyId"], KeyAgreementAlgorithm="ECDH",
                    PublicKey=peer) == (
        "InvalidKeyUsageException",
        f"{signing['Arn']} key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.")
    assert error_of(kms.create_key, KeySpec="ECC_SECG_P256K1", KeyUsage="KEY_AGREEMENT") == (
        "ValidationException", "KeyUsage KEY_AGREEMENT is not compatible with KeySpec ECC_SECG_P256K1")
    assert error_of(kms.create_key, KeySpec="RSA_2048", KeyUsage="KEY_AGREEMENT") == (
        "ValidationException", "KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048")
    assert error_of(kms.derive_shared_secret, KeyId=p256["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=peer,
                    DryRun=True) == (
        "DryRunOperationException", "The request would have succeeded, but the DryRun option is set.")
    kms.disable_key(KeyId=p256["KeyId"])
    assert error_of(kms.derive_shared_secret, KeyId=p256["KeyId"], KeyAgreementAlgorithm="ECDH",
                    PublicKey=peer) == ("DisabledException", f"{p256['Arn']} is disabled.")


@pytest.mark.parametrize("spec, kind, detail", [
    ("RSA_2048", rsa.RSAPrivateKey, 2048), ("RSA_3072", rsa.RSAPrivateKey, 3072),
    ("RSA_4096", rsa.RSAPrivateKey, 4096), ("ECC_NIST_P256", ec.EllipticCurvePrivateKey, "secp256r1"),
    ("ECC_NIST_P384", ec.EllipticCurvePrivateKey, "secp384r1"),
    ("ECC_NIST_P521", ec.EllipticCurvePrivateKey, "secp521r1"),
    ("ECC_SECG_P256K1", ec.EllipticCurvePrivateKey, "secp256k1"),
    ("ECC_NIST_EDWARDS25519", ed25519.Ed25519PrivateKey, None)])
def test_data_key_pairs_of_every_spec(client, kms_keys, spec, kind, detail):
    kms = client("kms")
    wrapping = kms_keys(Description="edge device pairs")
    context = {"device": "edge-17"}
    pair = kms.generate_data_key_pair(KeyId=wrapping["KeyId"], KeyPairSpec=spec, EncryptionContext=context)
    assert (pair["KeyId"], pair["KeyPairSpec"]) == (wrapping["Arn"], spec)
    private = serialization.load_der_private_key(pair["PrivateKeyPlaintext"], password=None)
    assert isinstance(private, kind)
    if isinstance(private, rsa.RSAPrivateKey):
        assert private.key_size == detail
    elif detail:
        assert private.curve.name == detail
    assert spki(private.public_key()) == pair["PublicKey"]
    opened = kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"], EncryptionContext=context)
    assert (opened["Plaintext"], opened["KeyId"]) == (pair["PrivateKeyPlaintext"], wrapping["Arn"])

    bare = kms.generate_data_key_pair_without_plaintext(KeyId=wrapping["KeyId"], KeyPairSpec=spec,
                                                        EncryptionContext=context)
    assert "PrivateKeyPlaintext" not in bare and bare["KeyPairSpec"] == spec
    recovered = serialization.load_der_private_key(
        kms.decrypt(CiphertextBlob=bare["PrivateKeyCiphertextBlob"], EncryptionContext=context)["Plaintext"],
        password=None)
    assert spki(recovered.public_key()) == bare["PublicKey"] != pair["PublicKey"]
    assert error_of(kms.decrypt, CiphertextBlob=bare["PrivateKeyCiphertextBlob"])[0] == "InvalidCiphertextException"


def test_a_data_key_pair_agrees_with_a_kms_key_offline(client, kms_keys):
    """The device's data key pair (P-384) and the site's KMS key agree on one secret:
    the device computes it offline with its private key, the site in KMS."""
    kms = client("kms")
    site = kms_keys(KeySpec="ECC_NIST_P384", KeyUsage="KEY_AGREEMENT")
    wrapping = kms_keys()
    pair = kms.generate_data_key_pair(KeyId=wrapping["KeyId"], KeyPairSpec="ECC_NIST_P384")
    device = serialization.load_der_private_key(pair["PrivateKeyPlaintext"], password=None)
    site_public = serialization.load_der_public_key(kms.get_public_key(KeyId=site["KeyId"])["PublicKey"])
    in_kms = kms.derive_shared_secret(KeyId=site["KeyId"], KeyAgreementAlgorithm="ECDH",
                                      PublicKey=pair["PublicKey"])["SharedSecret"]
    assert in_kms == device.exchange(ec.ECDH(), site_public)


def test_attested_calls_are_refused_outside_an_enclave(client, kms_keys):
    kms = client("kms")
    key = kms_keys()
    agreement = kms_keys(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"enclave only")["CiphertextBlob"]
    peer = spki(ec.generate_private_key(ec.SECP256R1()).public_key())
    assert error_of(kms.decrypt, CiphertextBlob=blob, Recipient=RECIPIENT) == NOT_ATTESTED
    assert error_of(kms.generate_data_key, KeyId=key["KeyId"], KeySpec="AES_256", Recipient=RECIPIENT) == \
        NOT_ATTESTED
    assert error_of(kms.generate_data_key_pair, KeyId=key["KeyId"], KeyPairSpec="ECC_NIST_P256",
                    Recipient=RECIPIENT) == NOT_ATTESTED
    assert error_of(kms.generate_random, NumberOfBytes=32, Recipient=RECIPIENT) == NOT_ATTESTED
    assert error_of(kms.derive_shared_secret, KeyId=agreement["KeyId"], KeyAgreementAlgorithm="ECDH",
                    PublicKey=peer, Recipient=RECIPIENT) == NOT_ATTESTED
    # the same calls without a Recipient answer in plaintext
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"enclave only"
    assert len(kms.generate_random(NumberOfBytes=32)["Plaintext"]) == 32
