"""A payments platform shares one KMS key with a partner account, writing the key policy
the KMS Developer Guide teaches: the owner account's root keeps full control, and the
partner's ingest roles (aws:PrincipalArn ArnLike role/ingest-*) of that account
(kms:CallerAccount) may encrypt and decrypt only for their tenant
(kms:EncryptionContext:tenant) and only with the context keys the platform knows
(ForAllValues:StringEquals kms:EncryptionContextKeys). The partner's nightly job assumes
its role and envelope-encrypts; a role outside the pattern, an unknown context key, and
another tenant are refused with KMS's AccessDeniedException, and a ciphertext decrypted
with another context is InvalidCiphertextException."""
import json

import pytest

from sec_sessions import NO_RETRIES, session_client
from trip_helpers import error_of

OWNER, PARTNER = "310987654321", "223450987654"


def _policy():
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "PartnerIngest", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
         "Condition": {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{PARTNER}:role/ingest-*"},
                       "StringEquals": {"kms:CallerAccount": PARTNER, "kms:EncryptionContext:tenant": "acme"},
                       "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["tenant", "feed"]}}}]})


@pytest.mark.local_only
def test_partner_roles_judged_by_key_policy_conditions(lakebox_server):
    owner = lakebox_server.client("kms", aws_access_key_id=OWNER, aws_secret_access_key="x", config=NO_RETRIES)
    key_arn = owner.create_key(Description="acme payments", Policy=_policy())["KeyMetadata"]["Arn"]
    nightly = session_client(lakebox_server, PARTNER, f"arn:aws:iam::{PARTNER}:role/ingest-nightly", "job-7")
    auditor = session_client(lakebox_server, PARTNER, f"arn:aws:iam::{PARTNER}:role/auditor", "look")
    session = f"arn:aws:sts::{PARTNER}:assumed-role/ingest-nightly/job-7"

    # the ingest role encrypts for its tenant, with and without the optional feed key
    data = nightly.generate_data_key(KeyId=key_arn, KeySpec="AES_256",
                                     EncryptionContext={"tenant": "acme", "feed": "cards"})
    assert len(data["Plaintext"]) == 32 and data["KeyId"] == key_arn
    blob = nightly.encrypt(KeyId=key_arn, Plaintext=b"pan-4111", EncryptionContext={"tenant": "acme"})["CiphertextBlob"]
    assert nightly.decrypt(CiphertextBlob=blob, EncryptionContext={"tenant": "acme"})["Plaintext"] == b"pan-4111"
    assert owner.decrypt(CiphertextBlob=data["CiphertextBlob"],
                         EncryptionContext={"feed": "cards", "tenant": "acme"})["Plaintext"] == data["Plaintext"]

    def denied(who, action):
        return ("AccessDeniedException", f"User: {who} is not authorized to perform: kms:{action} on resource: "
                f"{key_arn} because no resource-based policy allows the kms:{action} action")

    # another tenant, a context key the platform does not know, no context at all
    assert error_of(nightly.encrypt, KeyId=key_arn, Plaintext=b"x", EncryptionContext={"tenant": "beta"}) == \
        denied(session, "Encrypt")
    assert error_of(nightly.encrypt, KeyId=key_arn, Plaintext=b"x",
                    EncryptionContext={"tenant": "acme", "region": "eu"}) == denied(session, "Encrypt")
    assert error_of(nightly.encrypt, KeyId=key_arn, Plaintext=b"x") == denied(session, "Encrypt")
    # the context key's name is case-sensitive in a key policy's condition
    assert error_of(nightly.encrypt, KeyId=key_arn, Plaintext=b"x", EncryptionContext={"Tenant": "acme"}) == \
        denied(session, "Encrypt")
    # a role outside ingest-*, even of the partner account and with the right context
    assert error_of(auditor.decrypt, CiphertextBlob=blob, EncryptionContext={"tenant": "acme"}) == \
        denied(f"arn:aws:sts::{PARTNER}:assumed-role/auditor/look", "Decrypt")
    # actions the statement does not list
    assert error_of(nightly.describe_key, KeyId=key_arn) == denied(session, "DescribeKey")

    # the right caller with the wrong context: the ciphertext does not open
    assert error_of(owner.decrypt, CiphertextBlob=blob, EncryptionContext={"tenant": "ACME"}) == \
        ("InvalidCiphertextException", "")
    assert error_of(owner.decrypt, CiphertextBlob=blob) == ("InvalidCiphertextException", "")
