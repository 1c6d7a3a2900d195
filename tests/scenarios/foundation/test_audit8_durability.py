"""Acknowledged SQS, DynamoDB and KMS writes survive `kill -9` in both durability modes,
with the background sync held off: in the default mode nothing may depend on it (the
kernel keeps what was written), and `always` must not depend on it either."""
import pytest

from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only


@pytest.mark.parametrize("fsync", ["background", "always"])
def test_queue_table_and_key_writes_survive_kill_9(tmp_path, fsync):
    server = LakeboxServer(data_dir=str(tmp_path / "data"), limits="off",
                           env={"LAKEBOX_FSYNC": fsync, "LAKEBOX_SYNC_INTERVAL": "3600"}).start()
    try:
        sqs, ddb, kms = server.client("sqs"), server.client("dynamodb"), server.client("kms")
        url = sqs.create_queue(QueueName="kept")["QueueUrl"]
        for i in range(10):
            sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
        ddb.create_table(TableName="kept", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}])
        for i in range(10):
            ddb.put_item(TableName="kept", Item={"k": {"S": f"k{i}"}, "n": {"N": str(i)}})
        ddb.delete_item(TableName="kept", Key={"k": {"S": "k9"}})
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/kept", TargetKeyId=key)
        sealed = kms.encrypt(KeyId="alias/kept", Plaintext=b"before the crash")["CiphertextBlob"]

        server.kill()
        server.start()

        sqs, ddb, kms = server.client("sqs"), server.client("dynamodb"), server.client("kms")
        bodies = []
        while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600).get(
                "Messages"):
            bodies += [message["Body"] for message in batch]
        assert sorted(bodies) == sorted(f"m{i}" for i in range(10))
        items = ddb.scan(TableName="kept")["Items"]
        assert sorted(item["k"]["S"] for item in items) == [f"k{i}" for i in range(9)]
        assert kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == b"before the crash"
        assert kms.describe_key(KeyId="alias/kept")["KeyMetadata"]["KeyId"] == key
    finally:
        server.stop()
