"""Grant tokens and who may use a key: a malformed token is refused by every operation
that takes GrantTokens; a real one from CreateGrant lets the grantee (here a role of
another account) use the key at once; key policies refuse with an explicit deny.

Sources: KMS API reference (GrantTokens on Encrypt, Decrypt, ReEncrypt, GenerateDataKey*,
Sign, Verify, GenerateMac, VerifyMac, GetPublicKey, DescribeKey, CreateGrant,
DeriveSharedSecret; at most 10 tokens of 1-8192 characters: botocore's model); the
AccessDeniedException words as users quote KMS ("... because no resource-based policy allows
the kms:DescribeKey action", "... with an explicit deny in a resource-based policy"). KMS's
words for a malformed token are not on record: lakebox answers RetireGrant's "Invalid grant
token"."""
import json

import boto3
import pytest

from kms_helpers import error_of

OWNER, PARTNER = "111122223333", "444455556666"
PARTNER_ROLE = f"arn:aws:iam::{PARTNER}:role/ingest"
BAD = "not-a-grant-token"


def _calls(kms, key, sign_key, mac_key, ecdh_key, blob):
    tokens = {"GrantTokens": [BAD]}
    return {
        "Encrypt": lambda: kms.encrypt(KeyId=key, Plaintext=b"x", **tokens),
        "Decrypt": lambda: kms.decrypt(CiphertextBlob=blob, **tokens),
        "ReEncrypt": lambda: kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=key, **tokens),
        "GenerateDataKey": lambda: kms.generate_data_key(KeyId=key, KeySpec="AES_256", **tokens),
        "GenerateDataKeyWithoutPlaintext": lambda: kms.generate_data_key_without_plaintext(
            KeyId=key, KeySpec="AES_256", **tokens),
        "GenerateDataKeyPair": lambda: kms.generate_data_key_pair(KeyId=key, KeyPairSpec="ECC_NIST_P256", **tokens),
        "GenerateDataKeyPairWithoutPlaintext": lambda: kms.generate_data_key_pair_without_plaintext(
            KeyId=key, KeyPairSpec="ECC_NIST_P256", **tokens),
        "Sign": lambda: kms.sign(KeyId=sign_key, Message=b"m", SigningAlgorithm="ECDSA_SHA_256", **tokens),
        "Verify": lambda: kms.verify(KeyId=sign_key, Message=b"m", Signature=b"s" * 70,
                                     SigningAlgorithm="ECDSA_SHA_256", **tokens),
        "GenerateMac": lambda: kms.generate_mac(KeyId=mac_key, Message=b"m", MacAlgorithm="HMAC_SHA_256", **tokens),
        "VerifyMac": lambda: kms.verify_mac(KeyId=mac_key, Message=b"m", Mac=b"m" * 32,
                                            MacAlgorithm="HMAC_SHA_256", **tokens),
        "GetPublicKey": lambda: kms.get_public_key(KeyId=sign_key, **tokens),
        "DescribeKey": lambda: kms.describe_key(KeyId=key, **tokens),
        "CreateGrant": lambda: kms.create_grant(KeyId=key, GranteePrincipal=PARTNER_ROLE, Operations=["Encrypt"],
                                                **tokens),
        "DeriveSharedSecret": lambda: kms.derive_shared_secret(
            KeyId=ecdh_key, KeyAgreementAlgorithm="ECDH",
            PublicKey=kms.get_public_key(KeyId=ecdh_key)["PublicKey"], **tokens),
    }


def test_every_operation_refuses_a_malformed_grant_token(kms, make_key):
    key = make_key()["KeyId"]
    sign_key = make_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyId"]
    mac_key = make_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyId"]
    ecdh_key = make_key(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"secret")["CiphertextBlob"]
    for operation, call in _calls(kms, key, sign_key, mac_key, ecdh_key, blob).items():
        assert error_of(call) == ("InvalidGrantTokenException", "Invalid grant token"), operation
    assert kms.list_grants(KeyId=key)["Grants"] == []


def test_token_limits_are_the_models(kms, make_key):
    key = make_key()["KeyId"]
    token = kms.create_grant(KeyId=key, GranteePrincipal=PARTNER_ROLE, Operations=["Encrypt"])["GrantToken"]
    assert kms.encrypt(KeyId=key, Plaintext=b"x", GrantTokens=[token] * 10)["KeyId"].endswith(key)
    code, message = error_of(kms.encrypt, KeyId=key, Plaintext=b"x", GrantTokens=[token] * 11)
    assert code == "ValidationException" and "at 'grantTokens' failed to satisfy constraint: Member must have " \
        "length less than or equal to 10" in message
    code, _ = error_of(kms.encrypt, KeyId=key, Plaintext=b"x", GrantTokens=[""])
    assert code == "ValidationException"


def _partner_kms(lakebox_server):
    """A KMS client of the partner account's ingest role (an STS session)."""
    sts = lakebox_server.client("sts", aws_access_key_id=PARTNER, aws_secret_access_key="x")
    creds = sts.assume_role(RoleArn=PARTNER_ROLE, RoleSessionName="nightly")["Credentials"]
    return boto3.client("kms", endpoint_url=lakebox_server.endpoint, region_name="us-east-1",
                        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"]), creds


@pytest.mark.local_only
def test_a_grant_token_lets_another_accounts_role_use_the_key_at_once(lakebox_server):
    owner = lakebox_server.client("kms", aws_access_key_id=OWNER, aws_secret_access_key="x")
    key = owner.create_key(Description="shared ingest key")["KeyMetadata"]
    partner, _ = _partner_kms(lakebox_server)
    caller = f"arn:aws:sts::{PARTNER}:assumed-role/ingest/nightly"
    assert error_of(partner.encrypt, KeyId=key["Arn"], Plaintext=b"x") == (
        "AccessDeniedException", f"User: {caller} is not authorized to perform: kms:Encrypt on resource: "
        f"{key['Arn']} because no resource-based policy allows the kms:Encrypt action")

    grant = owner.create_grant(KeyId=key["KeyId"], GranteePrincipal=PARTNER_ROLE, Name="ingest",
                               Operations=["Encrypt", "Decrypt", "GenerateDataKey", "DescribeKey"],
                               Constraints={"EncryptionContextSubset": {"feed": "orders"}})
    tokens = [grant["GrantToken"]]
    assert partner.describe_key(KeyId=key["Arn"], GrantTokens=tokens)["KeyMetadata"]["KeyId"] == key["KeyId"]
    blob = partner.encrypt(KeyId=key["Arn"], Plaintext=b"order-1", EncryptionContext={"feed": "orders"},
                           GrantTokens=tokens)["CiphertextBlob"]
    # the ciphertext names its key: the partner decrypts without KeyId, the owner too
    assert partner.decrypt(CiphertextBlob=blob, EncryptionContext={"feed": "orders"},
                           GrantTokens=tokens)["Plaintext"] == b"order-1"
    assert owner.decrypt(CiphertextBlob=blob, EncryptionContext={"feed": "orders"})["Plaintext"] == b"order-1"
    data_key = partner.generate_data_key(KeyId=key["Arn"], KeySpec="AES_256",
                                         EncryptionContext={"feed": "orders", "day": "2026-12-04"},
                                         GrantTokens=tokens)
    assert len(data_key["Plaintext"]) == 32
    # outside the grant's constraint, or an operation it does not name: refused
    assert error_of(partner.encrypt, KeyId=key["Arn"], Plaintext=b"x", EncryptionContext={"feed": "refunds"},
                    GrantTokens=tokens)[0] == "AccessDeniedException"
    assert error_of(partner.re_encrypt, CiphertextBlob=blob, SourceEncryptionContext={"feed": "orders"},
                    DestinationKeyId=key["Arn"], GrantTokens=tokens)[0] == "AccessDeniedException"
    # once retired, its token no longer lets the partner in
    owner.retire_grant(KeyId=key["Arn"], GrantId=grant["GrantId"])
    assert error_of(partner.encrypt, KeyId=key["Arn"], Plaintext=b"x", EncryptionContext={"feed": "orders"},
                    GrantTokens=tokens)[0] == "AccessDeniedException"
    owner.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)


@pytest.mark.local_only
def test_a_key_policy_names_another_account(lakebox_server):
    owner = lakebox_server.client("kms", aws_access_key_id=OWNER, aws_secret_access_key="x")
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "PartnerEncrypts", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
         "Action": ["kms:Encrypt", "kms:DescribeKey"], "Resource": "*"}]}
    key = owner.create_key(Policy=json.dumps(policy))["KeyMetadata"]
    partner, _ = _partner_kms(lakebox_server)
    blob = partner.encrypt(KeyId=key["Arn"], Plaintext=b"drop")["CiphertextBlob"]
    assert owner.decrypt(CiphertextBlob=blob)["Plaintext"] == b"drop"
    caller = f"arn:aws:sts::{PARTNER}:assumed-role/ingest/nightly"
    assert error_of(partner.decrypt, CiphertextBlob=blob) == (
        "AccessDeniedException", f"User: {caller} is not authorized to perform: kms:Decrypt on resource: "
        f"{key['Arn']} because no resource-based policy allows the kms:Decrypt action")
    owner.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)


def test_an_explicit_deny_in_the_key_policy_wins(kms, make_key):
    account = boto3.client("sts", endpoint_url=kms.meta.endpoint_url, region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test").get_caller_identity()
    root = f"arn:aws:iam::{account['Account']}:root"
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "BackupsOnly", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt",
         "Resource": "*", "Condition": {"StringNotEquals": {"kms:EncryptionContext:purpose": "backup"}}}]}
    key = make_key(Policy=json.dumps(policy))
    backup = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"b", EncryptionContext={"purpose": "backup"})
    other = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"o", EncryptionContext={"purpose": "report"})
    assert kms.decrypt(CiphertextBlob=backup["CiphertextBlob"],
                       EncryptionContext={"purpose": "backup"})["Plaintext"] == b"b"
    code, message = error_of(kms.decrypt, CiphertextBlob=other["CiphertextBlob"],
                             EncryptionContext={"purpose": "report"})
    assert code == "AccessDeniedException"
    assert message.endswith(f"is not authorized to perform: kms:Decrypt on resource: {key['Arn']} with an explicit "
                            "deny in a resource-based policy")


@pytest.mark.local_only
def test_who_may_retire_a_grant(lakebox_server):
    owner = lakebox_server.client("kms", aws_access_key_id=OWNER, aws_secret_access_key="x")
    key = owner.create_key()["KeyMetadata"]
    partner, _ = _partner_kms(lakebox_server)
    stranger = lakebox_server.client("kms", aws_access_key_id="777788889999", aws_secret_access_key="x")
    plain = owner.create_grant(KeyId=key["KeyId"], GranteePrincipal=PARTNER_ROLE, Operations=["Decrypt"])
    # neither a stranger nor a grantee whose grant does not allow RetireGrant
    assert error_of(stranger.retire_grant, KeyId=key["Arn"], GrantId=plain["GrantId"]) == (
        "AccessDeniedException", "User: arn:aws:iam::777788889999:root is not authorized to perform: "
        f"kms:RetireGrant on resource: {key['Arn']} because no resource-based policy allows the kms:RetireGrant "
        "action")
    assert error_of(partner.retire_grant, GrantToken=plain["GrantToken"])[0] == "AccessDeniedException"
    # the key's account may
    owner.retire_grant(GrantToken=plain["GrantToken"])
    # a grantee whose grant allows RetireGrant may, by id or by token
    retirable = owner.create_grant(KeyId=key["KeyId"], GranteePrincipal=PARTNER_ROLE,
                                   Operations=["Decrypt", "RetireGrant"])
    partner.retire_grant(KeyId=key["Arn"], GrantId=retirable["GrantId"])
    # and the retiring principal, by token
    retiring = owner.create_grant(KeyId=key["KeyId"], GranteePrincipal=f"arn:aws:iam::{OWNER}:role/app",
                                  RetiringPrincipal=PARTNER_ROLE, Operations=["Encrypt"])
    partner.retire_grant(GrantToken=retiring["GrantToken"])
    assert owner.list_grants(KeyId=key["KeyId"])["Grants"] == []
    owner.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)


def test_a_key_policy_requires_an_encryption_context(kms, make_key):
    """The KMS Developer Guide's kms:EncryptionContextKeys example: deny encryption
    without an encryption context (a Null condition on the multivalued key)."""
    account = boto3.client("sts", endpoint_url=kms.meta.endpoint_url, region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test").get_caller_identity()["Account"]
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "ContextRequired", "Effect": "Deny", "Principal": {"AWS": "*"},
         "Action": ["kms:Encrypt", "kms:GenerateDataKey*"], "Resource": "*",
         "Condition": {"Null": {"kms:EncryptionContextKeys": "true"}}},
        {"Sid": "TenantKeyOnly", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:Encrypt",
         "Resource": "*", "Condition": {"ForAnyValue:StringNotEquals": {"kms:EncryptionContextKeys": "tenant"}}}]}
    key = make_key(Policy=json.dumps(policy))
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")[0] == "AccessDeniedException"
    assert error_of(kms.generate_data_key, KeyId=key["KeyId"], KeySpec="AES_256")[0] == "AccessDeniedException"
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x",
                    EncryptionContext={"tenant": "a", "extra": "b"})[0] == "AccessDeniedException"
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"tenant": "a"})["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"tenant": "a"})["Plaintext"] == b"x"
    assert len(kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256",
                                     EncryptionContext={"tenant": "a", "extra": "b"})["Plaintext"]) == 32
