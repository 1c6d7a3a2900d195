"""An application encrypts its settings under `alias/<app>`; the security team cuts the
alias over to a new key, as the KMS Developer Guide suggests for manual rotation: old
ciphertexts still decrypt (they name their key), the backlog is re-encrypted to the alias,
the old key's policy gets a statement that denies new encryption, and the old key is
scheduled for deletion once nothing needs it."""
import json
import uuid

from trip_helpers import error_of


def _retire_policy(account):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "DecryptOnly", "Effect": "Deny", "Principal": {"AWS": "*"},
         "Action": ["kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncryptTo"], "Resource": "*"}]})


def test_alias_cutover_to_a_new_key(client, kms_keys):
    kms = client("kms")
    account = client("sts").get_caller_identity()["Account"]
    alias = f"alias/settings-{uuid.uuid4().hex[:8]}"
    alias_arn = f"arn:aws:kms:us-east-1:{account}:{alias}"
    old, new = kms_keys(Description="settings v1"), kms_keys(Description="settings v2")
    kms.create_alias(AliasName=alias, TargetKeyId=old["KeyId"])
    context = {"app": "billing"}
    backlog = [kms.encrypt(KeyId=alias, Plaintext=f"setting-{n}".encode(), EncryptionContext=context)
               for n in range(3)]
    assert {b["KeyId"] for b in backlog} == {old["Arn"]}

    # the alias is one name: creating it again is refused, moving it is UpdateAlias
    assert error_of(kms.create_alias, AliasName=alias, TargetKeyId=new["KeyId"]) == (
        "AlreadyExistsException", f"An alias with the name {alias_arn} already exists")
    kms.update_alias(AliasName=alias, TargetKeyId=new["Arn"])
    assert kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"] == new["KeyId"]
    assert kms.describe_key(KeyId=alias_arn)["KeyMetadata"]["KeyId"] == new["KeyId"]
    assert [a["AliasName"] for a in kms.list_aliases(KeyId=new["KeyId"])["Aliases"]] == [alias]
    assert kms.list_aliases(KeyId=old["KeyId"])["Aliases"] == []
    assert kms.encrypt(KeyId=alias, Plaintext=b"fresh", EncryptionContext=context)["KeyId"] == new["Arn"]

    # old ciphertexts: Decrypt finds their key; naming the alias (now the new key) is refused
    assert kms.decrypt(CiphertextBlob=backlog[0]["CiphertextBlob"], EncryptionContext=context)["KeyId"] == old["Arn"]
    assert error_of(kms.decrypt, CiphertextBlob=backlog[0]["CiphertextBlob"], EncryptionContext=context,
                    KeyId=alias) == (
        "IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.")

    # the old key may only decrypt from now on
    kms.put_key_policy(KeyId=old["KeyId"], PolicyName="default", Policy=_retire_policy(account))
    code, message = error_of(kms.encrypt, KeyId=old["KeyId"], Plaintext=b"x", EncryptionContext=context)
    assert code == "AccessDeniedException"
    assert message.endswith(f"is not authorized to perform: kms:Encrypt on resource: {old['Arn']} with an explicit "
                            "deny in a resource-based policy")
    assert error_of(kms.generate_data_key, KeyId=old["Arn"], KeySpec="AES_256")[0] == "AccessDeniedException"

    # re-encrypt the backlog to whatever the alias names
    moved = [kms.re_encrypt(CiphertextBlob=b["CiphertextBlob"], SourceEncryptionContext=context,
                            DestinationKeyId=alias, DestinationEncryptionContext=context) for b in backlog]
    assert {(m["SourceKeyId"], m["KeyId"]) for m in moved} == {(old["Arn"], new["Arn"])}
    # ReEncrypt into the old key is what its policy denies
    assert error_of(kms.re_encrypt, CiphertextBlob=moved[0]["CiphertextBlob"], SourceEncryptionContext=context,
                    DestinationKeyId=old["KeyId"])[0] == "AccessDeniedException"
    opened = [kms.decrypt(CiphertextBlob=m["CiphertextBlob"], EncryptionContext=context)["Plaintext"]
              for m in moved]
    assert opened == [f"setting-{n}".encode() for n in range(3)]

    # nothing needs the old key: schedule its deletion; its ciphertexts no longer open
    scheduled = kms.schedule_key_deletion(KeyId=old["KeyId"], PendingWindowInDays=7)
    assert scheduled["KeyState"] == "PendingDeletion" and scheduled["PendingWindowInDays"] == 7
    assert error_of(kms.decrypt, CiphertextBlob=backlog[1]["CiphertextBlob"], EncryptionContext=context) == (
        "KMSInvalidStateException", f"{old['Arn']} is pending deletion.")
    kms.cancel_key_deletion(KeyId=old["KeyId"])      # the fixture schedules it again
    kms.delete_alias(AliasName=alias)
    assert error_of(kms.describe_key, KeyId=alias) == ("NotFoundException", f"Alias {alias_arn} is not found.")
