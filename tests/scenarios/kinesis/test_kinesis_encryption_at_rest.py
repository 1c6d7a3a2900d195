"""Stream encryption at rest: with StartStreamEncryption the records' bytes on disk are
ciphertext, GetRecords gives them back in the clear, and a KMS key that cannot be used
fails PutRecord and GetRecords with Kinesis's KMS errors (KMSDisabledException,
KMSNotFoundException, KMSInvalidStateException: the model's error shapes of both
operations; the messages are KMS's own)."""
import os
import uuid

import pytest

from kinesis_helpers import NO_RETRIES
from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only         # reads the data directory; on AWS it would leave keys behind


def _bytes_on_disk(data_dir: str) -> bytes:
    found = b""
    for root, _, names in os.walk(os.path.join(data_dir)):
        for name in names:
            if name.endswith(".log"):
                with open(os.path.join(root, name), "rb") as f:
                    found += f.read()
    return found


def _read_all(kinesis, name):
    iterator = kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    return kinesis.get_records(ShardIterator=iterator)


def _error(call, **args):
    with pytest.raises(Exception) as raised:
        call(**args)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def test_encrypted_records_are_ciphertext_on_disk_and_read_back_in_the_clear(tmp_path):
    data_dir = str(tmp_path / "data")
    with LakeboxServer(data_dir=data_dir) as server:
        kinesis, kms = server.client("kinesis", config=NO_RETRIES), server.client("kms")
        key_arn = kms.create_key()["KeyMetadata"]["Arn"]
        kinesis.create_stream(StreamName="sealed", ShardCount=1)
        kinesis.get_waiter("stream_exists").wait(StreamName="sealed", WaiterConfig={"Delay": 1})
        kinesis.put_record(StreamName="sealed", Data=b"plain-before-" + b"p" * 40, PartitionKey="k")
        kinesis.start_stream_encryption(StreamName="sealed", EncryptionType="KMS", KeyId=key_arn)
        kinesis.get_waiter("stream_exists").wait(StreamName="sealed", WaiterConfig={"Delay": 1})
        secrets = [f"secret-{uuid.uuid4().hex}".encode() for _ in range(20)]
        assert kinesis.put_record(StreamName="sealed", Data=secrets[0], PartitionKey="k")["EncryptionType"] == "KMS"
        put = kinesis.put_records(StreamName="sealed", Records=[{"Data": s, "PartitionKey": str(i)}
                                                                for i, s in enumerate(secrets[1:])])
        assert put["FailedRecordCount"] == 0 and put["EncryptionType"] == "KMS"

        on_disk = _bytes_on_disk(data_dir)
        assert b"plain-before-" in on_disk                  # written before encryption started
        assert not any(secret in on_disk for secret in secrets)
        records = _read_all(kinesis, "sealed")["Records"]
        assert [r["Data"] for r in records[1:]] == secrets
        assert "EncryptionType" not in records[0] and {r["EncryptionType"] for r in records[1:]} == {"KMS"}

        kinesis.stop_stream_encryption(StreamName="sealed", EncryptionType="KMS", KeyId=key_arn)
        kinesis.get_waiter("stream_exists").wait(StreamName="sealed", WaiterConfig={"Delay": 1})
        assert "EncryptionType" not in kinesis.put_record(StreamName="sealed", Data=b"plain-after",
                                                          PartitionKey="k")
        assert b"plain-after" in _bytes_on_disk(data_dir)

        server.stop()                                       # data keys are kept, wrapped, across restarts
        server.start()
        kinesis = server.client("kinesis", config=NO_RETRIES)
        assert [r["Data"] for r in _read_all(kinesis, "sealed")["Records"][1:-1]] == secrets


def test_an_unusable_key_fails_puts_and_reads_with_kinesis_kms_errors():
    with LakeboxServer() as server:
        kinesis, kms = server.client("kinesis", config=NO_RETRIES), server.client("kms")
        key_arn = kms.create_key()["KeyMetadata"]["Arn"]
        kinesis.create_stream(StreamName="locked", ShardCount=1)
        kinesis.get_waiter("stream_exists").wait(StreamName="locked", WaiterConfig={"Delay": 1})
        kinesis.start_stream_encryption(StreamName="locked", EncryptionType="KMS", KeyId=key_arn)
        kinesis.get_waiter("stream_exists").wait(StreamName="locked", WaiterConfig={"Delay": 1})
        kinesis.put_record(StreamName="locked", Data=b"kept", PartitionKey="k")

        kms.disable_key(KeyId=key_arn)
        disabled = ("KMSDisabledException", f"{key_arn} is disabled.")
        assert _error(kinesis.put_record, StreamName="locked", Data=b"x", PartitionKey="k") == disabled
        assert _error(kinesis.put_records, StreamName="locked",
                      Records=[{"Data": b"x", "PartitionKey": "k"}]) == disabled
        assert _error(_read_all, kinesis=kinesis, name="locked") == disabled

        kms.enable_key(KeyId=key_arn)
        assert [r["Data"] for r in _read_all(kinesis, "locked")["Records"]] == [b"kept"]   # nothing else landed

        kms.schedule_key_deletion(KeyId=key_arn, PendingWindowInDays=7)
        assert _error(kinesis.put_record, StreamName="locked", Data=b"x", PartitionKey="k") == (
            "KMSInvalidStateException", f"{key_arn} is pending deletion.")
        server.advance_clock(8 * 86_400)                    # the key is gone (and the record expired)
        code, _ = _error(kinesis.put_record, StreamName="locked", Data=b"x", PartitionKey="k")
        assert code == "KMSNotFoundException"


def test_start_stream_encryption_refuses_keys_it_cannot_use():
    with LakeboxServer() as server:
        kinesis, kms = server.client("kinesis", config=NO_RETRIES), server.client("kms")
        kinesis.create_stream(StreamName="s", ShardCount=1)
        kinesis.get_waiter("stream_exists").wait(StreamName="s", WaiterConfig={"Delay": 1})
        missing = "11111111-2222-3333-4444-555555555555"
        assert _error(kinesis.start_stream_encryption, StreamName="s", EncryptionType="KMS", KeyId=missing) == (
            "KMSNotFoundException", f"Key 'arn:aws:kms:us-east-1:000000000000:key/{missing}' does not exist")
        key_arn = kms.create_key()["KeyMetadata"]["Arn"]
        kms.disable_key(KeyId=key_arn)
        assert _error(kinesis.start_stream_encryption, StreamName="s", EncryptionType="KMS", KeyId=key_arn) == (
            "KMSDisabledException", f"{key_arn} is disabled.")
        summary = kinesis.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]
        assert summary["EncryptionType"] == "NONE" and summary["StreamStatus"] == "ACTIVE"


def test_enhanced_fan_out_reads_in_the_clear_and_ends_with_the_kms_error_event():
    with LakeboxServer() as server:
        kinesis, kms = server.client("kinesis", config=NO_RETRIES), server.client("kms")
        key_arn = kms.create_key()["KeyMetadata"]["Arn"]
        kinesis.create_stream(StreamName="fan", ShardCount=1)
        kinesis.get_waiter("stream_exists").wait(StreamName="fan", WaiterConfig={"Delay": 1})
        kinesis.start_stream_encryption(StreamName="fan", EncryptionType="KMS", KeyId=key_arn)
        kinesis.get_waiter("stream_exists").wait(StreamName="fan", WaiterConfig={"Delay": 1})
        stream_arn = kinesis.describe_stream_summary(StreamName="fan")["StreamDescriptionSummary"]["StreamARN"]
        consumer = kinesis.register_stream_consumer(StreamARN=stream_arn, ConsumerName="efo")["Consumer"]
        kinesis.put_record(StreamName="fan", Data=b"sealed", PartitionKey="k")

        answer = kinesis.subscribe_to_shard(ConsumerARN=consumer["ConsumerARN"], ShardId="shardId-000000000000",
                                            StartingPosition={"Type": "TRIM_HORIZON"})
        first = next(iter(answer["EventStream"]))["SubscribeToShardEvent"]["Records"]
        assert [(r["Data"], r["EncryptionType"]) for r in first] == [(b"sealed", "KMS")]
        answer["EventStream"].close()

        kms.disable_key(KeyId=key_arn)
        server.advance_clock(6)                         # past the 5 s before a subscription may be taken over
        answer = kinesis.subscribe_to_shard(ConsumerARN=consumer["ConsumerARN"], ShardId="shardId-000000000000",
                                            StartingPosition={"Type": "TRIM_HORIZON"})
        with pytest.raises(Exception) as raised:
            list(answer["EventStream"])
        assert raised.value.response["Error"] == {"Code": "KMSDisabledException", "Message": f"{key_arn} is disabled."}


def test_each_of_start_and_stop_succeeds_25_times_a_day():
    """StartStreamEncryption's and StopStreamEncryption's API limits: 25 successful calls
    each per rolling 24 hours."""
    with LakeboxServer() as server:
        kinesis = server.client("kinesis", config=NO_RETRIES)
        kinesis.create_stream(StreamName="often", ShardCount=1)
        kinesis.get_waiter("stream_exists").wait(StreamName="often", WaiterConfig={"Delay": 1})
        for _ in range(25):
            kinesis.start_stream_encryption(StreamName="often", EncryptionType="KMS", KeyId="alias/aws/kinesis")
            kinesis.stop_stream_encryption(StreamName="often", EncryptionType="KMS", KeyId="alias/aws/kinesis")
        for call in (kinesis.start_stream_encryption, kinesis.stop_stream_encryption):
            code, _ = _error(call, StreamName="often", EncryptionType="KMS", KeyId="alias/aws/kinesis")
            assert code == "LimitExceededException"
        assert kinesis.describe_stream_summary(StreamName="often")["StreamDescriptionSummary"][
            "EncryptionType"] == "NONE"
        server.advance_clock(24 * 3600)
        kinesis.start_stream_encryption(StreamName="often", EncryptionType="KMS", KeyId="alias/aws/kinesis")
