"""Issue 13's KMS key items checked one by one as a boto3 user meets them: every key spec
and usage CreateKey accepts or refuses, aliases accepted as KeyId where the API
reference says so and refused where it names only key ids and ARNs, the key states on
every cryptographic call, RotateKeyOnDemand's limit, the deletion window.

Sources: which KeyId parameters take aliases is each operation's KeyId documentation in
botocore's KMS model ("To specify a KMS key, use its key ID, key ARN, alias name, or alias
ARN" against "Specify the key ID or key ARN of the KMS key"); the spec/usage pairs are
CreateKey's KeyUsage documentation; "KeyUsage X is not compatible with KeySpec Y" and
"<arn> is pending deletion." / "<arn> is disabled." are the wordings test_kms_keys.py
cites; the 25 on-demand rotations are RotateKeyOnDemand's documentation. The message of
a refused alias in a key-id-only parameter is not on record: only its code is asserted."""
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from kms_helpers import error_of
from kms_waits import wait_rotated

ACCEPTED = [
    ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"),
    ("RSA_2048", "ENCRYPT_DECRYPT"), ("RSA_2048", "SIGN_VERIFY"),
    ("RSA_3072", "ENCRYPT_DECRYPT"), ("RSA_3072", "SIGN_VERIFY"),
    ("RSA_4096", "ENCRYPT_DECRYPT"), ("RSA_4096", "SIGN_VERIFY"),
    ("ECC_NIST_P256", "SIGN_VERIFY"), ("ECC_NIST_P256", "KEY_AGREEMENT"),
    ("ECC_NIST_P384", "SIGN_VERIFY"), ("ECC_NIST_P384", "KEY_AGREEMENT"),
    ("ECC_NIST_P521", "SIGN_VERIFY"), ("ECC_NIST_P521", "KEY_AGREEMENT"),
    ("ECC_SECG_P256K1", "SIGN_VERIFY"), ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY"),
    ("HMAC_224", "GENERATE_VERIFY_MAC"), ("HMAC_256", "GENERATE_VERIFY_MAC"),
    ("HMAC_384", "GENERATE_VERIFY_MAC"), ("HMAC_512", "GENERATE_VERIFY_MAC"),
]
MEMBERS = {"ENCRYPT_DECRYPT": "EncryptionAlgorithms", "SIGN_VERIFY": "SigningAlgorithms",
           "GENERATE_VERIFY_MAC": "MacAlgorithms", "KEY_AGREEMENT": "KeyAgreementAlgorithms"}
RSA_SIGNING = ["RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
               "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"]
ALGORITHMS = {
    ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"): ["SYMMETRIC_DEFAULT"],
    ("RSA", "ENCRYPT_DECRYPT"): ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"],
    ("RSA", "SIGN_VERIFY"): RSA_SIGNING,
    ("ECC_NIST_P256", "SIGN_VERIFY"): ["ECDSA_SHA_256"], ("ECC_NIST_P384", "SIGN_VERIFY"): ["ECDSA_SHA_384"],
    ("ECC_NIST_P521", "SIGN_VERIFY"): ["ECDSA_SHA_512"], ("ECC_SECG_P256K1", "SIGN_VERIFY"): ["ECDSA_SHA_256"],
    ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY"): ["ED25519_SHA_512", "ED25519_PH_SHA_512"],
    ("ECC", "KEY_AGREEMENT"): ["ECDH"],
    ("HMAC_224", "GENERATE_VERIFY_MAC"): ["HMAC_SHA_224"], ("HMAC_256", "GENERATE_VERIFY_MAC"): ["HMAC_SHA_256"],
    ("HMAC_384", "GENERATE_VERIFY_MAC"): ["HMAC_SHA_384"], ("HMAC_512", "GENERATE_VERIFY_MAC"): ["HMAC_SHA_512"],
}


def expected_algorithms(spec, usage):
    family = "RSA" if spec.startswith("RSA_") else "ECC" if usage == "KEY_AGREEMENT" else spec
    return ALGORITHMS[(family, usage)]


@pytest.mark.parametrize("spec, usage", ACCEPTED)
def test_create_key_accepts_each_documented_spec_and_usage(kms, make_key, spec, usage):
    created = make_key(KeySpec=spec, KeyUsage=usage)
    assert (created["KeySpec"], created["CustomerMasterKeySpec"], created["KeyUsage"]) == (spec, spec, usage)
    assert created["KeyState"] == "Enabled"
    assert created[MEMBERS[usage]] == expected_algorithms(spec, usage)
    for other in set(MEMBERS.values()) - {MEMBERS[usage]}:
        assert other not in created
    assert kms.describe_key(KeyId=created["Arn"])["KeyMetadata"] == created


@pytest.mark.parametrize("spec, usage", [
    ("SYMMETRIC_DEFAULT", "SIGN_VERIFY"), ("SYMMETRIC_DEFAULT", "GENERATE_VERIFY_MAC"),
    ("SYMMETRIC_DEFAULT", "KEY_AGREEMENT"), ("RSA_2048", "GENERATE_VERIFY_MAC"), ("RSA_3072", "KEY_AGREEMENT"),
    ("ECC_NIST_P256", "ENCRYPT_DECRYPT"), ("ECC_NIST_P521", "GENERATE_VERIFY_MAC"),
    ("ECC_SECG_P256K1", "KEY_AGREEMENT"), ("ECC_SECG_P256K1", "ENCRYPT_DECRYPT"),
    ("HMAC_256", "ENCRYPT_DECRYPT"), ("HMAC_384", "SIGN_VERIFY"), ("ECC_NIST_EDWARDS25519", "ENCRYPT_DECRYPT"),
])
def test_create_key_refuses_a_usage_the_spec_does_not_have(kms, spec, usage):
    before = {k["KeyId"] for k in kms.list_keys(Limit=1000)["Keys"]}
    assert error_of(kms.create_key, KeySpec=spec, KeyUsage=usage) == (
        "ValidationException", f"KeyUsage {usage} is not compatible with KeySpec {spec}")
    assert {k["KeyId"] for k in kms.list_keys(Limit=1000)["Keys"]} == before


@pytest.mark.parametrize("spec", ["RSA_2048", "ECC_NIST_P256", "ECC_SECG_P256K1", "HMAC_512"])
def test_asymmetric_and_hmac_specs_need_a_usage(kms, spec):
    assert error_of(kms.create_key, KeySpec=spec) == (
        "ValidationException",
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.")


def test_the_deprecated_customer_master_key_spec_still_creates_keys(kms, make_key):
    key = make_key(CustomerMasterKeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    assert (key["KeySpec"], key["CustomerMasterKeySpec"]) == ("RSA_2048", "RSA_2048")
    assert error_of(kms.create_key, KeySpec="RSA_2048", CustomerMasterKeySpec="RSA_2048",
                    KeyUsage="SIGN_VERIFY")[0] == "ValidationException"


# --- aliases as KeyId --------------------------------------------------------------------

@pytest.fixture
def aliased(kms, make_key):
    """(symmetric key, its alias name, its alias ARN)."""
    key = make_key()
    name = f"alias/audit-{uuid.uuid4().hex[:10]}"
    kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"])
    yield key, name, key["Arn"].split(":key/")[0] + ":" + name
    kms.delete_alias(AliasName=name)


def test_alias_names_and_arns_work_in_the_calls_that_take_them(kms, aliased):
    key, name, arn = aliased
    for alias in (name, arn):
        assert kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"] == key["KeyId"]
        blob = kms.encrypt(KeyId=alias, Plaintext=b"by alias")["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=blob, KeyId=alias)["Plaintext"] == b"by alias"
        assert kms.generate_data_key(KeyId=alias, KeySpec="AES_256")["KeyId"] == key["Arn"]
        assert kms.generate_data_key_without_plaintext(KeyId=alias, NumberOfBytes=16)["KeyId"] == key["Arn"]
        pair = kms.generate_data_key_pair_without_plaintext(KeyId=alias, KeyPairSpec="ECC_NIST_P256")
        assert pair["KeyId"] == key["Arn"]
        moved = kms.re_encrypt(CiphertextBlob=blob, SourceKeyId=alias, DestinationKeyId=alias)
        assert (moved["SourceKeyId"], moved["KeyId"]) == (key["Arn"], key["Arn"])


def test_alias_works_for_signing_public_keys_and_key_agreement(kms, make_key):
    signing = make_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    agreeing = make_key(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")
    names = {}
    for key in (signing, agreeing):
        names[key["KeyId"]] = f"alias/audit-{uuid.uuid4().hex[:10]}"
        kms.create_alias(AliasName=names[key["KeyId"]], TargetKeyId=key["KeyId"])
    try:
        alias = names[signing["KeyId"]]
        signature = kms.sign(KeyId=alias, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
        assert kms.verify(KeyId=alias, Message=b"m", Signature=signature,
                          SigningAlgorithm="ECDSA_SHA_256")["SignatureValid"] is True
        assert kms.get_public_key(KeyId=alias)["KeyId"] == signing["Arn"]
        peer = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        derived = kms.derive_shared_secret(KeyId=names[agreeing["KeyId"]], KeyAgreementAlgorithm="ECDH",
                                           PublicKey=peer)
        assert derived["KeyId"] == agreeing["Arn"]
    finally:
        for name in names.values():
            kms.delete_alias(AliasName=name)


KEY_ID_ONLY = [
    ("get_key_policy", {"PolicyName": "default"}), ("put_key_policy", {"PolicyName": "default", "Policy": "{}"}),
    ("list_key_policies", {}), ("enable_key", {}), ("disable_key", {}), ("schedule_key_deletion", {}),
    ("cancel_key_deletion", {}), ("enable_key_rotation", {}), ("disable_key_rotation", {}),
    ("get_key_rotation_status", {}), ("rotate_key_on_demand", {}), ("list_key_rotations", {}),
    ("tag_resource", {"Tags": [{"TagKey": "a", "TagValue": "b"}]}), ("untag_resource", {"TagKeys": ["a"]}),
    ("list_resource_tags", {}), ("update_key_description", {"Description": "d"}),
    ("create_grant", {"GranteePrincipal": "arn:aws:iam::111122223333:root", "Operations": ["Decrypt"]}),
    ("list_grants", {}), ("get_key_last_usage", {}),
]


@pytest.mark.parametrize("operation, args", KEY_ID_ONLY, ids=[op for op, _ in KEY_ID_ONLY])
def test_calls_that_take_only_key_ids_refuse_aliases_and_change_nothing(kms, aliased, operation, args):
    key, name, arn = aliased
    # the rotation calls say so (stackd testdata/aws/kms/rotation.json alias_* cases)
    expected = "InvalidArnException" if "rotat" in operation else "NotFoundException"
    for alias in (name, arn):
        assert error_of(getattr(kms, operation), KeyId=alias, **args)[0] == expected
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (described["KeyState"], described["Description"]) == ("Enabled", key["Description"])
    assert kms.list_resource_tags(KeyId=key["KeyId"])["Tags"] == []
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


def test_aliases_cannot_target_an_alias(kms, aliased):
    _, name, _ = aliased
    other = f"alias/audit-{uuid.uuid4().hex[:10]}"
    assert error_of(kms.create_alias, AliasName=other, TargetKeyId=name)[0] == "NotFoundException"
    assert error_of(kms.update_alias, AliasName=name, TargetKeyId=name)[0] == "NotFoundException"
    assert other not in {a["AliasName"] for a in kms.list_aliases(Limit=1000)["Aliases"]}


# --- key states on every cryptographic call ---------------------------------------------------

def crypto_calls(kms, keys, blob):
    """(name, call) of every cryptographic operation, each on the key it needs."""
    symmetric, rsa, ecc, hmac_key, agreement = keys
    peer = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return [
        ("Encrypt", symmetric, lambda: kms.encrypt(KeyId=symmetric, Plaintext=b"x")),
        ("Decrypt", symmetric, lambda: kms.decrypt(CiphertextBlob=blob)),
        ("ReEncrypt", symmetric, lambda: kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=symmetric)),
        ("GenerateDataKey", symmetric, lambda: kms.generate_data_key(KeyId=symmetric, KeySpec="AES_256")),
        ("GenerateDataKeyWithoutPlaintext", symmetric,
         lambda: kms.generate_data_key_without_plaintext(KeyId=symmetric, KeySpec="AES_128")),
        ("GenerateDataKeyPair", symmetric,
         lambda: kms.generate_data_key_pair(KeyId=symmetric, KeyPairSpec="ECC_NIST_P256")),
        ("Sign", rsa, lambda: kms.sign(KeyId=rsa, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")),
        ("Verify", ecc, lambda: kms.verify(KeyId=ecc, Message=b"m", Signature=b"s" * 64,
                                           SigningAlgorithm="ECDSA_SHA_256")),
        ("GetPublicKey", rsa, lambda: kms.get_public_key(KeyId=rsa)),
        ("GenerateMac", hmac_key, lambda: kms.generate_mac(KeyId=hmac_key, Message=b"m",
                                                            MacAlgorithm="HMAC_SHA_256")),
        ("VerifyMac", hmac_key, lambda: kms.verify_mac(KeyId=hmac_key, Message=b"m", Mac=b"x" * 32,
                                                        MacAlgorithm="HMAC_SHA_256")),
        ("DeriveSharedSecret", agreement, lambda: kms.derive_shared_secret(
            KeyId=agreement, KeyAgreementAlgorithm="ECDH", PublicKey=peer)),
    ]


@pytest.fixture
def one_key_of_each_kind(kms, make_key):
    keys = [make_key()["KeyId"], make_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyId"],
            make_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyId"],
            make_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyId"],
            make_key(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")["KeyId"]]
    blob = kms.encrypt(KeyId=keys[0], Plaintext=b"sealed before")["CiphertextBlob"]
    return keys, blob


def arn_of(kms, key_id):
    return kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]


def test_every_cryptographic_call_refuses_a_disabled_key(kms, one_key_of_each_kind):
    keys, blob = one_key_of_each_kind
    for key_id in set(keys):
        kms.disable_key(KeyId=key_id)
    for name, key_id, call in crypto_calls(kms, keys, blob):
        if name == "GetPublicKey":      # answered for a disabled key (stackd testdata/aws/kms/rsa.json)
            assert call()["KeySpec"] == "RSA_2048"
            continue
        assert (name, error_of(call)) == (name, ("DisabledException", f"{arn_of(kms, key_id)} is disabled."))


def test_every_cryptographic_call_refuses_a_key_pending_deletion(kms, one_key_of_each_kind):
    keys, blob = one_key_of_each_kind
    for key_id in set(keys):
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    for name, key_id, call in crypto_calls(kms, keys, blob):
        assert (name, error_of(call)) == (
            name, ("KMSInvalidStateException", f"{arn_of(kms, key_id)} is pending deletion."))
    for key_id in set(keys):
        kms.cancel_key_deletion(KeyId=key_id)
        kms.enable_key(KeyId=key_id)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"sealed before"


def test_re_encrypt_to_a_disabled_destination_is_refused(kms, make_key):
    source, destination = make_key(), make_key()
    blob = kms.encrypt(KeyId=source["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    kms.disable_key(KeyId=destination["KeyId"])
    assert error_of(kms.re_encrypt, CiphertextBlob=blob, DestinationKeyId=destination["KeyId"]) == (
        "DisabledException", f"{destination['Arn']} is disabled.")


# --- lifecycle limits ----------------------------------------------------------------------------

@pytest.mark.parametrize("days", [7, 30])
def test_deletion_window_bounds_are_accepted(kms, make_key, days):
    key = make_key()
    scheduled = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=days)
    assert scheduled["PendingWindowInDays"] == days
    assert (scheduled["DeletionDate"] - kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CreationDate"]).days \
        in (days - 1, days)
    assert error_of(kms.schedule_key_deletion, KeyId=key["KeyId"], PendingWindowInDays=days) == (
        "KMSInvalidStateException", f"{key['Arn']} is pending deletion.")


def test_default_deletion_window_is_30_days(kms, make_key):
    key = make_key()
    assert kms.schedule_key_deletion(KeyId=key["KeyId"])["PendingWindowInDays"] == 30


def test_cancel_deletion_of_a_key_not_pending_deletion(kms, make_key):
    key = make_key()
    assert error_of(kms.cancel_key_deletion, KeyId=key["KeyId"]) == (
        "KMSInvalidStateException", f"{key['Arn']} is not pending deletion.")


def test_rotate_key_on_demand_stops_after_25_rotations(kms, make_key, clock):
    key = make_key()
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"first material")["CiphertextBlob"]
    for _ in range(25):
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
        wait_rotated(kms, key["KeyId"], nudge=lambda: clock(1))
    current = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"]
    code, _ = error_of(kms.rotate_key_on_demand, KeyId=key["KeyId"])
    assert code == "LimitExceededException"
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"] == current
    rotations, marker = [], None
    while True:
        page = kms.list_key_rotations(KeyId=key["KeyId"], Limit=10, **({"Marker": marker} if marker else {}))
        rotations += page["Rotations"]
        if not page["Truncated"]:
            break
        marker = page["NextMarker"]
    assert [r["RotationType"] for r in rotations] == ["ON_DEMAND"] * 25
    assert len({r["KeyMaterialId"] for r in rotations}) == 25
    assert [r["KeyMaterialState"] for r in rotations][-1] == "CURRENT"
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"first material"


def test_rotation_needs_a_symmetric_key(kms, make_key):
    for key in (make_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT"),
                make_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")):
        for call in (kms.enable_key_rotation, kms.rotate_key_on_demand, kms.list_key_rotations):
            assert error_of(call, KeyId=key["KeyId"])[0] == "UnsupportedOperationException"


@pytest.mark.parametrize("days", [90, 2560])
def test_rotation_period_bounds_are_accepted(kms, make_key, days):
    key = make_key()
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=days)
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["RotationPeriodInDays"] == days
    assert error_of(kms.enable_key_rotation, KeyId=key["KeyId"], RotationPeriodInDays=2561) == (
        "ValidationException", "1 validation error detected: Value '2561' at 'rotationPeriodInDays' failed to "
                               "satisfy constraint: Member must have value less than or equal to 2560")


def test_update_alias_keeps_the_key_type_and_usage(kms, make_key, aliased):
    key, name, _ = aliased
    other = make_key()
    kms.update_alias(AliasName=name, TargetKeyId=other["KeyId"])
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == other["KeyId"]
    for spec, usage in (("RSA_2048", "ENCRYPT_DECRYPT"), ("HMAC_256", "GENERATE_VERIFY_MAC")):
        different = make_key(KeySpec=spec, KeyUsage=usage)
        assert error_of(kms.update_alias, AliasName=name, TargetKeyId=different["KeyId"])[0] == "ValidationException"
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == other["KeyId"]
    signing = make_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    rsa_alias = f"alias/audit-{uuid.uuid4().hex[:10]}"
    kms.create_alias(AliasName=rsa_alias, TargetKeyId=signing["KeyId"])
    try:
        assert error_of(kms.update_alias, AliasName=rsa_alias,
                        TargetKeyId=make_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyId"])[0] == \
            "ValidationException"
        kms.update_alias(AliasName=rsa_alias, TargetKeyId=make_key(KeySpec="ECC_NIST_P256",
                                                                   KeyUsage="SIGN_VERIFY")["KeyId"])
    finally:
        kms.delete_alias(AliasName=rsa_alias)
