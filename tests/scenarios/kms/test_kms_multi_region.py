"""Multi-Region keys with boto3: a replica in another region shares the primary's
material, so ciphertexts cross regions; rotations reach the replicas; the primary moves."""
from kms_helpers import error_of


def test_replica_decrypts_what_the_primary_encrypted(lakebox_server, kms, make_key):
    key = make_key(MultiRegion=True)
    assert key["KeyId"].startswith("mrk-")
    assert key["MultiRegionConfiguration"] == {
        "MultiRegionKeyType": "PRIMARY", "PrimaryKey": {"Arn": key["Arn"], "Region": "us-east-1"}, "ReplicaKeys": []}
    replicated = kms.replicate_key(KeyId=key["KeyId"], ReplicaRegion="eu-west-1", Description="replica")
    replica = replicated["ReplicaKeyMetadata"]
    replica_arn = key["Arn"].replace("us-east-1", "eu-west-1")
    assert (replica["Arn"], replica["KeyId"]) == (replica_arn, key["KeyId"])
    assert replica["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"]["ReplicaKeys"] == [
        {"Arn": replica_arn, "Region": "eu-west-1"}]
    europe = lakebox_server.client("kms", region="eu-west-1")
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"anywhere")["CiphertextBlob"]
    opened = europe.decrypt(CiphertextBlob=blob)
    assert (opened["Plaintext"], opened["KeyId"]) == (b"anywhere", replica_arn)
    kms.rotate_key_on_demand(KeyId=key["KeyId"])
    rotated = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"after rotation")["CiphertextBlob"]
    assert europe.decrypt(CiphertextBlob=rotated)["Plaintext"] == b"after rotation"
    assert error_of(kms.replicate_key, KeyId=key["KeyId"], ReplicaRegion="eu-west-1")[0] == "AlreadyExistsException"
    europe.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)


def test_update_primary_region(lakebox_server, kms, make_key):
    key = make_key(MultiRegion=True)
    kms.replicate_key(KeyId=key["KeyId"], ReplicaRegion="us-west-2")
    kms.update_primary_region(KeyId=key["KeyId"], PrimaryRegion="us-west-2")
    west = lakebox_server.client("kms", region="us-west-2")
    configuration = west.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"]
    assert configuration["MultiRegionKeyType"] == "PRIMARY"
    assert configuration["ReplicaKeys"] == [{"Arn": key["Arn"], "Region": "us-east-1"}]
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"][
        "MultiRegionKeyType"] == "REPLICA"
    west.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)


def test_single_region_keys_do_not_replicate(kms, make_key):
    key = make_key()
    assert error_of(kms.replicate_key, KeyId=key["KeyId"], ReplicaRegion="eu-west-1")[0] == \
        "UnsupportedOperationException"
