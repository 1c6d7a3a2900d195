"""A bank's key ceremony (bring your own key): the security team generates key material
offline, downloads a wrapping key and an import token from KMS for every wrapping
algorithm and wrapping key spec KMS offers, wraps the material with the cryptography
package (RSA-OAEP directly, or an ephemeral AES key wrapped with RSA-OAEP and the material
under AES key wrap with padding, RFC 5649) and imports it. Data sealed under the imported
material opens again after the material is deleted and re-imported (only the same
material is taken back); material that expires carries its ValidTo; imported signing,
encryption and HMAC material is checked offline against the team's own copy. The
deprecated RSAES_PKCS1_V1_5 wrapping algorithm is refused."""
import datetime
import hashlib
import hmac
import os

import pytest
from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from trip_helpers import error_of

def oaep(algorithm):
    digest = hashes.SHA256 if algorithm.endswith("SHA_256") else hashes.SHA1
    return padding.OAEP(mgf=padding.MGF1(digest()), algorithm=digest(), label=None)


def wrap(parameters, material, algorithm):
    """The material wrapped for transport as the KMS Developer Guide describes it."""
    public = serialization.load_der_public_key(parameters["PublicKey"])
    if algorithm.startswith("RSAES_OAEP"):
        return public.encrypt(material, oaep(algorithm))
    ephemeral = os.urandom(32)
    return public.encrypt(ephemeral, oaep(algorithm)) + keywrap.aes_key_wrap_with_padding(ephemeral, material)


def ceremony(kms, key_id, material, algorithm="RSAES_OAEP_SHA_256", spec="RSA_3072", **args):
    parameters = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm=algorithm, WrappingKeySpec=spec)
    if "ValidTo" not in args:
        args["ExpirationModel"] = "KEY_MATERIAL_DOES_NOT_EXPIRE"
    return kms.import_key_material(KeyId=key_id, ImportToken=parameters["ImportToken"],
                                   EncryptedKeyMaterial=wrap(parameters, material, algorithm), **args)


def pkcs8(private_key):
    return private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())


@pytest.mark.parametrize("spec, bits", [("RSA_2048", 2048), ("RSA_3072", 3072), ("RSA_4096", 4096)])
@pytest.mark.parametrize("algorithm", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256",
                                       "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256"])
def test_every_wrapping_algorithm_and_wrapping_key(client, kms_keys, algorithm, spec, bits):
    kms = client("kms")
    key = kms_keys(Origin="EXTERNAL", Description="byok")
    parameters = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm=algorithm, WrappingKeySpec=spec)
    assert parameters["KeyId"] == key["Arn"]
    public = serialization.load_der_public_key(parameters["PublicKey"])
    assert (public.key_size, public.public_numbers().e) == (bits, 65537)
    material = os.urandom(32)
    imported = kms.import_key_material(KeyId=key["KeyId"], ImportToken=parameters["ImportToken"],
                                       EncryptedKeyMaterial=wrap(parameters, material, algorithm),
                                       ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
    assert imported["KeyId"] == key["Arn"] and len(imported["KeyMaterialId"]) == 64
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (described["KeyState"], described["Enabled"], described["Origin"], described["ExpirationModel"]) == (
        "Enabled", True, "EXTERNAL", "KEY_MATERIAL_DOES_NOT_EXPIRE")
    assert "ValidTo" not in described and described["CurrentKeyMaterialId"] == imported["KeyMaterialId"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"card ledger")["CiphertextBlob"]
    opened = kms.decrypt(CiphertextBlob=blob)
    assert (opened["Plaintext"], opened["KeyMaterialId"]) == (b"card ledger", imported["KeyMaterialId"])


def test_the_deprecated_wrapping_algorithm_is_refused(client, kms_keys):
    kms = client("kms")
    key = kms_keys(Origin="EXTERNAL")
    for spec in ("RSA_2048", "RSA_4096"):
        assert error_of(kms.get_parameters_for_import, KeyId=key["KeyId"], WrappingAlgorithm="RSAES_PKCS1_V1_5",
                        WrappingKeySpec=spec) == (
            "ValidationException",
            f"Wrapping algorithm RSAES_PKCS1_V1_5 and wrapping key spec {spec} cannot be used to import a "
            f"SYMMETRIC_DEFAULT key.")
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"


def test_delete_and_reimport_only_the_same_material(client, kms_keys):
    kms = client("kms")
    key = kms_keys(Origin="EXTERNAL")
    material = os.urandom(32)
    parameters = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                               WrappingKeySpec="RSA_2048")
    # wrapped with SHA-1 where SHA-256 was chosen: the material does not unwrap
    misfit = serialization.load_der_public_key(parameters["PublicKey"]).encrypt(material, oaep("RSAES_OAEP_SHA_1"))
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=parameters["ImportToken"],
                    EncryptedKeyMaterial=misfit, ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")[0] == \
        "InvalidCiphertextException"
    other = kms_keys(Origin="EXTERNAL")
    assert error_of(kms.import_key_material, KeyId=other["KeyId"], ImportToken=parameters["ImportToken"],
                    EncryptedKeyMaterial=wrap(parameters, material, "RSAES_OAEP_SHA_256"),
                    ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")[0] == "InvalidImportTokenException"
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=parameters["ImportToken"],
                    EncryptedKeyMaterial=wrap(parameters, material, "RSAES_OAEP_SHA_256"),
                    ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE", ValidTo=datetime.datetime(2030, 1, 1)) == (
        "ValidationException", "A validTo date cannot be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE")
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=parameters["ImportToken"],
                    EncryptedKeyMaterial=wrap(parameters, material, "RSAES_OAEP_SHA_256"),
                    ExpirationModel="KEY_MATERIAL_EXPIRES") == (
        "ValidationException", "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES")

    valid_to = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)).replace(microsecond=0)
    first = kms.import_key_material(KeyId=key["KeyId"], ImportToken=parameters["ImportToken"],
                                    EncryptedKeyMaterial=wrap(parameters, material, "RSAES_OAEP_SHA_256"),
                                    ExpirationModel="KEY_MATERIAL_EXPIRES", ValidTo=valid_to)
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (described["KeyState"], described["ExpirationModel"], described["ValidTo"]) == (
        "Enabled", "KEY_MATERIAL_EXPIRES", valid_to)
    sealed = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"vault", EncryptionContext={"desk": "fx"})["CiphertextBlob"]

    deleted = kms.delete_imported_key_material(KeyId=key["KeyId"])
    assert (deleted["KeyId"], deleted["KeyMaterialId"]) == (key["Arn"], first["KeyMaterialId"])
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (described["KeyState"], described["Enabled"]) == ("PendingImport", False)
    assert "ValidTo" not in described and "ExpirationModel" not in described
    assert error_of(kms.decrypt, CiphertextBlob=sealed, EncryptionContext={"desk": "fx"}) == (
        "KMSInvalidStateException", f"{key['Arn']} is pending import.")
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == (
        "KMSInvalidStateException", f"{key['Arn']} is pending import.")

    # other material is refused, the same material (wrapped under fresh parameters) is taken back
    assert error_of(ceremony, kms, key["KeyId"], os.urandom(32), "RSA_AES_KEY_WRAP_SHA_256", "RSA_4096") == (
        "IncorrectKeyMaterialException",
        f"Imported key material does not have the expected identifier ({first['KeyMaterialId']}).")
    again = ceremony(kms, key["KeyId"], material, "RSA_AES_KEY_WRAP_SHA_256", "RSA_4096")
    assert again["KeyMaterialId"] == first["KeyMaterialId"]
    assert kms.decrypt(CiphertextBlob=sealed, EncryptionContext={"desk": "fx"})["Plaintext"] == b"vault"
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["ExpirationModel"] == "KEY_MATERIAL_DOES_NOT_EXPIRE"


def test_imported_asymmetric_and_hmac_material_matches_the_offline_copy(client, kms_keys):
    kms = client("kms")
    # an ECC_NIST_P521 signing key: KMS signs, the team verifies with its own private key's public half
    signer = ec.generate_private_key(ec.SECP521R1())
    signing = kms_keys(Origin="EXTERNAL", KeySpec="ECC_NIST_P521", KeyUsage="SIGN_VERIFY")
    ceremony(kms, signing["KeyId"], pkcs8(signer), "RSA_AES_KEY_WRAP_SHA_1", "RSA_2048")
    published = kms.get_public_key(KeyId=signing["KeyId"])
    assert published["PublicKey"] == signer.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert (published["KeySpec"], published["KeyUsage"], published["SigningAlgorithms"]) == (
        "ECC_NIST_P521", "SIGN_VERIFY", ["ECDSA_SHA_512"])
    signature = kms.sign(KeyId=signing["KeyId"], Message=b"wire 1200 EUR", MessageType="RAW",
                         SigningAlgorithm="ECDSA_SHA_512")["Signature"]
    signer.public_key().verify(signature, b"wire 1200 EUR", ec.ECDSA(hashes.SHA512()))

    # an RSA_3072 decryption key: the partner encrypts offline, KMS decrypts with the imported half
    decrypter = rsa.generate_private_key(65537, 3072)
    decrypting = kms_keys(Origin="EXTERNAL", KeySpec="RSA_3072", KeyUsage="ENCRYPT_DECRYPT")
    ceremony(kms, decrypting["KeyId"], pkcs8(decrypter), "RSA_AES_KEY_WRAP_SHA_256", "RSA_3072")
    offline = decrypter.public_key().encrypt(b"pin block", oaep("RSAES_OAEP_SHA_256"))
    assert kms.decrypt(KeyId=decrypting["KeyId"], CiphertextBlob=offline,
                       EncryptionAlgorithm="RSAES_OAEP_SHA_256")["Plaintext"] == b"pin block"
    by_kms = kms.encrypt(KeyId=decrypting["KeyId"], Plaintext=b"pan", EncryptionAlgorithm="RSAES_OAEP_SHA_1")
    assert decrypter.decrypt(by_kms["CiphertextBlob"], oaep("RSAES_OAEP_SHA_1")) == b"pan"

    # an HMAC_384 key of 48 bytes of material: KMS's MAC is the team's own HMAC-SHA-384
    secret = os.urandom(48)
    macing = kms_keys(Origin="EXTERNAL", KeySpec="HMAC_384", KeyUsage="GENERATE_VERIFY_MAC")
    ceremony(kms, macing["KeyId"], secret, "RSAES_OAEP_SHA_1", "RSA_2048")
    mac = kms.generate_mac(KeyId=macing["KeyId"], Message=b"settlement", MacAlgorithm="HMAC_SHA_384")["Mac"]
    assert mac == hmac.new(secret, b"settlement", hashlib.sha384).digest()
    assert kms.verify_mac(KeyId=macing["KeyId"], Message=b"settlement", MacAlgorithm="HMAC_SHA_384",
                          Mac=mac)["MacValid"] is True
