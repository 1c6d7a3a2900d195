"""A delivery stream reading a Kinesis stream: it starts at LATEST, delivers every record
put afterwards exactly once (across resharding), and refuses direct puts."""
import uuid

import pytest
from botocore.exceptions import ClientError

from firehose_helpers import NO_RETRIES, ROLE, objects, wait_until

pytestmark = pytest.mark.local_only


@pytest.fixture
def kinesis(lakebox_server):
    return lakebox_server.client("kinesis", config=NO_RETRIES)


@pytest.fixture
def source_stream(kinesis):
    name = f"src-{uuid.uuid4().hex[:10]}"
    kinesis.create_stream(StreamName=name, ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    yield kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"], name
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)


def test_kinesis_source_delivers_new_records_once(firehose, kinesis, s3, bucket, make_stream, source_stream, clock):
    arn, name = source_stream
    kinesis.put_records(StreamName=name, Records=[{"Data": b"before\n", "PartitionKey": f"k{i}"} for i in range(5)])
    delivery = make_stream({
        "DeliveryStreamType": "KinesisStreamAsSource",
        "KinesisStreamSourceConfiguration": {"KinesisStreamARN": arn, "RoleARN": ROLE},
        "ExtendedS3DestinationConfiguration": {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
                                               "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}}})
    description = firehose.describe_delivery_stream(DeliveryStreamName=delivery)["DeliveryStreamDescription"]
    assert description["DeliveryStreamType"] == "KinesisStreamAsSource"
    assert description["Source"]["KinesisStreamSourceDescription"]["KinesisStreamARN"] == arn

    sent = [f"after-{i}\n".encode() for i in range(300)]
    kinesis.put_records(StreamName=name, Records=[{"Data": d, "PartitionKey": f"k{i}"}
                                                  for i, d in enumerate(sent[:150])])
    shard = kinesis.list_shards(StreamName=name)["Shards"][0]
    start, end = int(shard["HashKeyRange"]["StartingHashKey"]), int(shard["HashKeyRange"]["EndingHashKey"])
    kinesis.split_shard(StreamName=name, ShardToSplit=shard["ShardId"], NewStartingHashKey=str((start + end) // 2))
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    kinesis.put_records(StreamName=name, Records=[{"Data": d, "PartitionKey": f"k{i}"}
                                                  for i, d in enumerate(sent[150:])])
    clock(2)
    clock(61)
    clock(61)
    delivered = b"".join(objects(s3, bucket).values())
    assert sorted(delivered.splitlines(keepends=True)) == sorted(sent)


def test_kinesis_sourced_stream_refuses_direct_puts(firehose, make_stream, bucket, source_stream):
    arn, _ = source_stream
    delivery = make_stream({
        "DeliveryStreamType": "KinesisStreamAsSource",
        "KinesisStreamSourceConfiguration": {"KinesisStreamARN": arn, "RoleARN": ROLE},
        "ExtendedS3DestinationConfiguration": {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}"}})
    for call, args in ((firehose.put_record, {"Record": {"Data": b"x"}}),
                       (firehose.put_record_batch, {"Records": [{"Data": b"x"}]})):
        with pytest.raises(ClientError) as raised:
            call(DeliveryStreamName=delivery, **args)
        assert raised.value.response["Error"] == {
            "Code": "InvalidArgumentException",
            "Message": "This operation is not permitted on KinesisStreamAsSource delivery stream type."}


def test_a_deleted_source_stream_is_reported(firehose, kinesis, make_stream, bucket, clock):
    name = f"gone-{uuid.uuid4().hex[:8]}"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    delivery = make_stream({
        "DeliveryStreamType": "KinesisStreamAsSource",
        "KinesisStreamSourceConfiguration": {"KinesisStreamARN": arn, "RoleARN": ROLE},
        "ExtendedS3DestinationConfiguration": {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}"}})
    kinesis.delete_stream(StreamName=name)
    clock(2)
    failure = firehose.describe_delivery_stream(DeliveryStreamName=delivery)["DeliveryStreamDescription"][
        "FailureDescription"]
    assert failure["Details"].startswith("Kinesis.ResourceNotFound") and arn in failure["Details"]


def test_a_missing_source_stream_is_refused_at_create(firehose, bucket):
    with pytest.raises(ClientError) as raised:
        firehose.create_delivery_stream(
            DeliveryStreamName=f"nosrc-{uuid.uuid4().hex[:8]}", DeliveryStreamType="KinesisStreamAsSource",
            KinesisStreamSourceConfiguration={"KinesisStreamARN": "arn:aws:kinesis:us-east-1:000000000000:stream/none",
                                              "RoleARN": ROLE},
            ExtendedS3DestinationConfiguration={"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}"})
    assert raised.value.response["Error"]["Code"] == "InvalidArgumentException"


def test_an_encrypted_source_is_read_in_the_clear_and_a_locked_one_is_reported(
        lakebox_server, firehose, kinesis, s3, bucket, make_stream, source_stream, clock):
    arn, name = source_stream
    kms = lakebox_server.client("kms")
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId=key_arn)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    delivery = make_stream({
        "DeliveryStreamType": "KinesisStreamAsSource",
        "KinesisStreamSourceConfiguration": {"KinesisStreamARN": arn, "RoleARN": ROLE},
        "ExtendedS3DestinationConfiguration": {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
                                               "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}}})
    sent = [f"sealed-{i}\n".encode() for i in range(20)]
    kinesis.put_records(StreamName=name, Records=[{"Data": d, "PartitionKey": f"k{i}"} for i, d in enumerate(sent)])
    clock(2)
    clock(61)
    assert wait_until(lambda: objects(s3, bucket))
    assert sorted(b"".join(objects(s3, bucket).values()).splitlines(keepends=True)) == sorted(sent)

    kinesis.put_records(StreamName=name, Records=[{"Data": b"later\n", "PartitionKey": "k"}])
    kms.disable_key(KeyId=key_arn)
    clock(2)
    assert wait_until(lambda: firehose.describe_delivery_stream(DeliveryStreamName=delivery)[
        "DeliveryStreamDescription"].get("FailureDescription"))
    details = firehose.describe_delivery_stream(DeliveryStreamName=delivery)["DeliveryStreamDescription"][
        "FailureDescription"]["Details"]
    assert details == f"Kinesis.KMSDisabledException: the source stream {arn} cannot be read: {key_arn} is disabled."
    kms.enable_key(KeyId=key_arn)                       # the record waits in the stream, not lost
    clock(2)
    clock(61)
    assert wait_until(lambda: b"later\n" in b"".join(objects(s3, bucket).values()))
