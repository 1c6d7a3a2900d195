"""A security engineer runs a multi-Region key from an assumed kms-admin role session: the
primary in us-east-1 lets the analytics account decrypt only through its reader role, the
replica in eu-west-1 gets its own, stricter policy at ReplicateKey (the replica does not
inherit the primary's policy). A policy that would lock the admin out is refused
(MalformedPolicyDocumentException) unless BypassPolicyLockoutSafetyCheck; data keys made
under the primary with an encryption context open in the replica's Region only for the
callers its own policy lets in, and only with the same context."""
import json

import pytest

from sec_sessions import session_client
from trip_helpers import error_of

OWNER, ANALYTICS = "510987654321", "423450987654"
ADMIN_ROLE = f"arn:aws:iam::{OWNER}:role/kms-admin"
READER_ROLE = f"arn:aws:iam::{ANALYTICS}:role/reader"
LOCKED = ("MalformedPolicyDocumentException",
          "The new key policy will not allow you to update the key policy in the future.")
CONTEXT = {"dataset": "orders", "stage": "curated"}


def _policy(*readers):
    statements = [{"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": ADMIN_ROLE}, "Action": "kms:*",
                   "Resource": "*"}]
    if readers:
        statements.append({"Sid": "Readers", "Effect": "Allow", "Principal": {"AWS": list(readers)},
                           "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*",
                           "Condition": {"StringEquals": {"kms:EncryptionContext:dataset": "orders"}}})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


@pytest.mark.local_only
def test_replica_keeps_its_own_policy(lakebox_server):
    admin_east = session_client(lakebox_server, OWNER, ADMIN_ROLE, "sec-eng", region="us-east-1")
    admin_west = session_client(lakebox_server, OWNER, ADMIN_ROLE, "sec-eng", region="eu-west-1")
    reader_east = session_client(lakebox_server, ANALYTICS, READER_ROLE, "nightly", region="us-east-1")
    reader_west = session_client(lakebox_server, ANALYTICS, READER_ROLE, "nightly", region="eu-west-1")

    # a policy that leaves the admin role out is refused, also at creation
    assert error_of(admin_east.create_key, MultiRegion=True, Policy=_policy(READER_ROLE).replace(
        ADMIN_ROLE, f"arn:aws:iam::{OWNER}:role/someone-else")) == LOCKED
    primary = admin_east.create_key(MultiRegion=True, Policy=_policy(READER_ROLE), Description="orders")["KeyMetadata"]
    key_id = primary["KeyId"]
    assert key_id.startswith("mrk-") and primary["MultiRegionConfiguration"]["MultiRegionKeyType"] == "PRIMARY"

    # the replica's policy: no readers at all; first a locking one, refused
    assert error_of(admin_east.replicate_key, KeyId=key_id, ReplicaRegion="eu-west-1", Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": []})) == LOCKED
    replica = admin_east.replicate_key(KeyId=key_id, ReplicaRegion="eu-west-1", Policy=_policy())
    replica_arn = replica["ReplicaKeyMetadata"]["Arn"]
    assert replica_arn == f"arn:aws:kms:eu-west-1:{OWNER}:key/{key_id}"
    assert json.loads(replica["ReplicaPolicy"]) == json.loads(_policy())
    assert admin_west.list_key_policies(KeyId=key_id)["PolicyNames"] == ["default"]
    assert json.loads(admin_west.get_key_policy(KeyId=key_id)["Policy"]) == json.loads(_policy())
    assert json.loads(admin_east.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]) == \
        json.loads(_policy(READER_ROLE))

    # a data key made in the primary's Region opens in the replica's, with the same context
    made = admin_east.generate_data_key_without_plaintext(KeyId=key_id, KeySpec="AES_128", EncryptionContext=CONTEXT)
    assert made["KeyId"] == primary["Arn"]
    opened = admin_west.decrypt(CiphertextBlob=made["CiphertextBlob"], EncryptionContext=CONTEXT)
    assert opened["KeyId"] == replica_arn and len(opened["Plaintext"]) == 16
    assert error_of(admin_west.decrypt, CiphertextBlob=made["CiphertextBlob"],
                    EncryptionContext={"dataset": "orders"}) == ("InvalidCiphertextException", "")

    # the reader opens it in the primary's Region, not in the replica's
    session = f"arn:aws:sts::{ANALYTICS}:assumed-role/reader/nightly"
    assert reader_east.decrypt(CiphertextBlob=made["CiphertextBlob"], EncryptionContext=CONTEXT)["Plaintext"] == \
        opened["Plaintext"]
    assert error_of(reader_west.decrypt, CiphertextBlob=made["CiphertextBlob"], EncryptionContext=CONTEXT) == (
        "AccessDeniedException", f"User: {session} is not authorized to perform: kms:Decrypt on resource: "
        f"{replica_arn} because no resource-based policy allows the kms:Decrypt action")

    # the admin grants the reader in the replica's Region too; a lockout needs the bypass
    assert error_of(admin_west.put_key_policy, KeyId=key_id, Policy=_policy(READER_ROLE).replace(
        ADMIN_ROLE, READER_ROLE)) == LOCKED
    admin_west.put_key_policy(KeyId=key_id, Policy=_policy(READER_ROLE))
    assert reader_west.decrypt(KeyId=replica_arn, CiphertextBlob=made["CiphertextBlob"],
                               EncryptionContext=CONTEXT)["Plaintext"] == opened["Plaintext"]
    # the primary's policy was not touched by the replica's
    assert json.loads(admin_east.get_key_policy(KeyId=key_id)["Policy"]) == json.loads(_policy(READER_ROLE))

    # finally the admin hands the replica to the readers only, knowingly
    admin_west.put_key_policy(KeyId=key_id, Policy=_policy(READER_ROLE).replace(ADMIN_ROLE, READER_ROLE),
                              BypassPolicyLockoutSafetyCheck=True)
    assert error_of(admin_west.get_key_policy, KeyId=key_id) == (
        "AccessDeniedException", f"User: arn:aws:sts::{OWNER}:assumed-role/kms-admin/sec-eng is not authorized to "
        f"perform: kms:GetKeyPolicy on resource: {replica_arn} because no resource-based policy allows the "
        "kms:GetKeyPolicy action")
