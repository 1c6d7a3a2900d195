"""A backup operator in the key's account hands a service role a grant instead of editing
the key policy: Decrypt and GenerateDataKey only under EncryptionContextSubset
{"Bucket": "ledger"} for the nightly copy, and a second grant with
EncryptionContextEquals for the restore drill. The role's sessions use the grants from
another account; they write their contexts with keys in another case, which a grant
constraint accepts (its keys are not case sensitive, its values are: the KMS API
Reference, GrantConstraints), while another value, an extra pair under Equals, or no
context at all is refused with KMS's AccessDeniedException."""
import pytest

from sec_sessions import NO_RETRIES, session_client
from trip_helpers import error_of

OWNER, BACKUP = "410987654321", "323450987654"
ROLE = f"arn:aws:iam::{BACKUP}:role/ledger-copy"
SESSION = f"arn:aws:sts::{BACKUP}:assumed-role/ledger-copy/night"


@pytest.mark.local_only
def test_grant_constraints_judge_the_context(lakebox_server):
    owner = lakebox_server.client("kms", aws_access_key_id=OWNER, aws_secret_access_key="x", config=NO_RETRIES)
    role = session_client(lakebox_server, BACKUP, ROLE, "night")
    key_arn = owner.create_key(Description="ledger backups")["KeyMetadata"]["Arn"]
    owner.create_grant(KeyId=key_arn, GranteePrincipal=ROLE, Operations=["Decrypt", "GenerateDataKey"],
                       Constraints={"EncryptionContextSubset": {"Bucket": "ledger"}})

    def denied(action):
        return ("AccessDeniedException", f"User: {SESSION} is not authorized to perform: kms:{action} on resource: "
                f"{key_arn} because no resource-based policy allows the kms:{action} action")

    # a subset: more pairs are fine, the key in any case, the value exactly
    data = role.generate_data_key(KeyId=key_arn, NumberOfBytes=16,
                                  EncryptionContext={"bucket": "ledger", "object": "2026/12/05.parquet"})
    assert len(data["Plaintext"]) == 16
    again = role.decrypt(CiphertextBlob=data["CiphertextBlob"],
                         EncryptionContext={"object": "2026/12/05.parquet", "bucket": "ledger"})
    assert again["Plaintext"] == data["Plaintext"] and again["KeyId"] == key_arn
    assert error_of(role.generate_data_key, KeyId=key_arn, NumberOfBytes=16,
                    EncryptionContext={"Bucket": "Ledger"}) == denied("GenerateDataKey")
    assert error_of(role.generate_data_key, KeyId=key_arn, NumberOfBytes=16) == denied("GenerateDataKey")
    # the grant gives no Encrypt at all
    assert error_of(role.encrypt, KeyId=key_arn, Plaintext=b"x",
                    EncryptionContext={"Bucket": "ledger"}) == denied("Encrypt")

    # the restore drill: the whole context, no more and no less
    drill = owner.encrypt(KeyId=key_arn, Plaintext=b"restore me",
                          EncryptionContext={"drill": "q4", "Bucket": "ledger-restore"})["CiphertextBlob"]
    owner.create_grant(KeyId=key_arn, GranteePrincipal=ROLE, Operations=["Decrypt"],
                       Constraints={"EncryptionContextEquals": {"Drill": "q4", "Bucket": "ledger-restore"}})
    assert role.decrypt(CiphertextBlob=drill, EncryptionContext={"Bucket": "ledger-restore", "drill": "q4"})[
        "Plaintext"] == b"restore me"
    assert error_of(role.decrypt, CiphertextBlob=drill, EncryptionContext={"drill": "q4"}) == denied("Decrypt")
    assert error_of(role.decrypt, CiphertextBlob=drill,
                    EncryptionContext={"drill": "Q4", "Bucket": "ledger-restore"}) == denied("Decrypt")
