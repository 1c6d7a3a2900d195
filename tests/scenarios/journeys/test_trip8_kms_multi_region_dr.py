"""Disaster recovery with a multi-Region key: the payments team creates a multi-Region
primary in us-east-1, replicates it to eu-west-1 with its own description, tags and alias
there, encrypts in one Region and decrypts in the other, fails over by making the replica
the primary, then retires the key: the primary scheduled first waits for its replicas
(PendingReplicaDeletion), then its own waiting period."""
import uuid

import pytest
from botocore.config import Config

from trip_helpers import error_of

NO_RETRIES = Config(retries={"total_max_attempts": 1})


def test_multi_region_key_failover_and_retirement(lakebox_server):
    east = lakebox_server.client("kms", config=NO_RETRIES)
    west = lakebox_server.client("kms", region="eu-west-1", config=NO_RETRIES)
    primary = east.create_key(MultiRegion=True, Description="payments primary",
                              Tags=[{"TagKey": "app", "TagValue": "payments"}])["KeyMetadata"]
    key_id = primary["KeyId"]
    assert key_id.startswith("mrk-") and primary["MultiRegion"] is True
    assert primary["MultiRegionConfiguration"]["MultiRegionKeyType"] == "PRIMARY"
    # the key does not exist in the other Region until it is replicated
    assert error_of(west.describe_key, KeyId=key_id)[0] == "NotFoundException"

    replicated = east.replicate_key(KeyId=key_id, ReplicaRegion="eu-west-1", Description="payments replica",
                                    Tags=[{"TagKey": "app", "TagValue": "payments"},
                                          {"TagKey": "site", "TagValue": "dr"}])
    replica = replicated["ReplicaKeyMetadata"]
    assert replica["KeyId"] == key_id and replica["Arn"].startswith("arn:aws:kms:eu-west-1:")
    assert replica["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    assert replica["MultiRegionConfiguration"]["PrimaryKey"] == {"Arn": primary["Arn"], "Region": "us-east-1"}
    assert replica["Description"] == "payments replica"
    # replicating to the same Region again is refused
    assert error_of(east.replicate_key, KeyId=key_id, ReplicaRegion="eu-west-1")[0] == "AlreadyExistsException"
    # a replica is not a primary: it cannot be replicated
    assert error_of(west.replicate_key, KeyId=key_id, ReplicaRegion="ap-southeast-2")[0] == \
        "UnsupportedOperationException"

    described = east.describe_key(KeyId=key_id)["KeyMetadata"]["MultiRegionConfiguration"]
    assert described["ReplicaKeys"] == [{"Arn": replica["Arn"], "Region": "eu-west-1"}]
    # tags and aliases belong to each Region's key
    assert sorted(t["TagKey"] for t in west.list_resource_tags(KeyId=key_id)["Tags"]) == ["app", "site"]
    assert [t["TagKey"] for t in east.list_resource_tags(KeyId=key_id)["Tags"]] == ["app"]
    alias = f"alias/payments-{uuid.uuid4().hex[:8]}"
    west.create_alias(AliasName=alias, TargetKeyId=key_id)
    assert error_of(east.describe_key, KeyId=alias)[0] == "NotFoundException"

    # sealed in one Region, opened in the other
    context = {"payment": "p-1001"}
    blob = east.encrypt(KeyId=key_id, Plaintext=b"4111-1111", EncryptionContext=context)["CiphertextBlob"]
    opened = west.decrypt(CiphertextBlob=blob, EncryptionContext=context)
    assert opened["Plaintext"] == b"4111-1111" and opened["KeyId"] == replica["Arn"]
    back = west.encrypt(KeyId=alias, Plaintext=b"refund", EncryptionContext=context)["CiphertextBlob"]
    assert east.decrypt(CiphertextBlob=back, EncryptionContext=context)["Plaintext"] == b"refund"

    # fail over: eu-west-1 becomes the primary
    east.update_primary_region(KeyId=key_id, PrimaryRegion="eu-west-1")
    west_config = west.describe_key(KeyId=key_id)["KeyMetadata"]["MultiRegionConfiguration"]
    assert west_config["MultiRegionKeyType"] == "PRIMARY"
    assert west_config["ReplicaKeys"] == [{"Arn": primary["Arn"], "Region": "us-east-1"}]
    east_config = east.describe_key(KeyId=key_id)["KeyMetadata"]["MultiRegionConfiguration"]
    assert east_config["MultiRegionKeyType"] == "REPLICA"
    assert east_config["PrimaryKey"] == {"Arn": replica["Arn"], "Region": "eu-west-1"}
    # rotation settings live on the primary
    assert error_of(east.enable_key_rotation, KeyId=key_id)[0] == "UnsupportedOperationException"
    west.enable_key_rotation(KeyId=key_id)
    assert west.decrypt(CiphertextBlob=blob, EncryptionContext=context)["Plaintext"] == b"4111-1111"

    # retire: the primary waits for its replicas
    scheduled = west.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert scheduled["KeyState"] == "PendingReplicaDeletion"
    assert west.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingReplicaDeletion"
    assert error_of(west.encrypt, KeyId=key_id, Plaintext=b"x")[0] == "KMSInvalidStateException"
    # the replica still works until it is scheduled too
    assert east.decrypt(CiphertextBlob=blob, EncryptionContext=context)["Plaintext"] == b"4111-1111"
    east_scheduled = east.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert east_scheduled["KeyState"] == "PendingDeletion"
    west.delete_alias(AliasName=alias)


@pytest.mark.local_only
def test_primary_waits_for_its_last_replica_then_its_own_window(lakebox_server):
    east = lakebox_server.client("kms", config=NO_RETRIES)
    west = lakebox_server.client("kms", region="eu-west-1", config=NO_RETRIES)
    south = lakebox_server.client("kms", region="ap-southeast-2", config=NO_RETRIES)
    key_id = east.create_key(MultiRegion=True, Description="ledger")["KeyMetadata"]["KeyId"]
    east.replicate_key(KeyId=key_id, ReplicaRegion="eu-west-1")
    east.replicate_key(KeyId=key_id, ReplicaRegion="ap-southeast-2")
    scheduled = east.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=10)
    assert "DeletionDate" not in scheduled and scheduled["PendingWindowInDays"] == 10
    waiting = east.describe_key(KeyId=key_id)["KeyMetadata"]
    assert waiting["KeyState"] == "PendingReplicaDeletion" and waiting["PendingDeletionWindowInDays"] == 10
    assert "DeletionDate" not in waiting and waiting["Enabled"] is False
    # a primary waiting for its replicas can be brought back, and scheduled again
    east.cancel_key_deletion(KeyId=key_id)
    assert east.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
    east.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=10)

    west.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    last = south.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=9)
    lakebox_server.advance_clock(8 * 86_400)
    # one replica gone, one left: the primary still waits
    assert error_of(west.describe_key, KeyId=key_id)[0] == "NotFoundException"
    assert east.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingReplicaDeletion"
    lakebox_server.advance_clock(2 * 86_400)
    primary = east.describe_key(KeyId=key_id)["KeyMetadata"]
    assert primary["KeyState"] == "PendingDeletion"
    assert primary["DeletionDate"].timestamp() == last["DeletionDate"].timestamp() + 10 * 86_400
    assert "PendingDeletionWindowInDays" not in primary
    assert primary["MultiRegionConfiguration"]["ReplicaKeys"] == []
    lakebox_server.advance_clock(10 * 86_400)
    assert error_of(east.describe_key, KeyId=key_id)[0] == "NotFoundException"
