"""Server-side encryption of the buffer: with StartDeliveryStreamEncryption the buffered
records are ciphertext on disk and are delivered to S3 in the clear; a customer managed
key that cannot be used refuses puts (InvalidKMSResourceException), shows in the
stream's DeliveryStreamEncryptionConfiguration and FailureDescription (the
DeliveryStreamFailureType of KMS: DISABLED_KMS_KEY, ...), and holds the buffer until it
can be used again."""
import os
import uuid

import pytest

from firehose_helpers import NO_RETRIES, ROLE, objects, wait_until
from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only         # reads the data directory and moves the clock


def _buffer_bytes(data_dir: str) -> bytes:
    found = b""
    for root, _, names in os.walk(os.path.join(data_dir, "services", "firehose")):
        for name in names:
            with open(os.path.join(root, name), "rb") as f:
                found += f.read()
    return found


def _make(server, name, bucket, **encryption):
    firehose, s3 = server.client("firehose", config=NO_RETRIES), server.client("s3")
    s3.create_bucket(Bucket=bucket)
    firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration={
        "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}}, **encryption)
    return firehose, s3


def _error(call, **args):
    with pytest.raises(Exception) as raised:
        call(**args)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


@pytest.mark.parametrize("key_type", ["AWS_OWNED_CMK", "CUSTOMER_MANAGED_CMK"])
def test_buffered_records_are_ciphertext_on_disk_and_delivered_in_the_clear(tmp_path, key_type):
    data_dir = str(tmp_path / "data")
    with LakeboxServer(data_dir=data_dir) as server:
        firehose, s3 = _make(server, "sealed", "sealed-lake")
        given = {"KeyType": key_type}
        if key_type == "CUSTOMER_MANAGED_CMK":
            given["KeyARN"] = server.client("kms").create_key()["KeyMetadata"]["Arn"]
        firehose.put_record(DeliveryStreamName="sealed", Record={"Data": b"plain-before\n"})
        firehose.start_delivery_stream_encryption(DeliveryStreamName="sealed",
                                                  DeliveryStreamEncryptionConfigurationInput=given)
        secrets = [f"secret-{uuid.uuid4().hex}\n".encode() for _ in range(30)]
        assert firehose.put_record(DeliveryStreamName="sealed", Record={"Data": secrets[0]})["Encrypted"] is True
        batch = firehose.put_record_batch(DeliveryStreamName="sealed", Records=[{"Data": s} for s in secrets[1:]])
        assert batch["Encrypted"] is True and batch["FailedPutCount"] == 0

        on_disk = _buffer_bytes(data_dir)
        assert b"plain-before" in on_disk
        assert not any(secret.strip() in on_disk for secret in secrets)

        server.stop()                                   # the wrapped data keys outlive a restart
        server.start()
        server.advance_clock(61)
        s3 = server.client("s3")
        assert wait_until(lambda: objects(s3, "sealed-lake"))
        delivered = b"".join(objects(s3, "sealed-lake").values())
        assert delivered == b"plain-before\n" + b"".join(secrets)


def test_an_unusable_customer_key_refuses_puts_and_holds_the_buffer():
    with LakeboxServer() as server:
        kms = server.client("kms")
        key_arn = kms.create_key()["KeyMetadata"]["Arn"]
        firehose, s3 = _make(server, "locked", "locked-lake", DeliveryStreamEncryptionConfigurationInput={
            "KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": key_arn})
        firehose.put_record(DeliveryStreamName="locked", Record={"Data": b"kept\n"})

        kms.disable_key(KeyId=key_arn)
        assert _error(firehose.put_record, DeliveryStreamName="locked", Record={"Data": b"x"}) == (
            "InvalidKMSResourceException", f"DisabledException: {key_arn} is disabled.")
        described = firehose.describe_delivery_stream(DeliveryStreamName="locked")["DeliveryStreamDescription"]
        assert described["DeliveryStreamEncryptionConfiguration"] == {
            "KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": key_arn, "Status": "ENABLED",
            "FailureDescription": {"Type": "DISABLED_KMS_KEY", "Details": f"DisabledException: {key_arn} is disabled."}}

        server.advance_clock(61)                        # due, but the buffer cannot be opened
        assert wait_until(lambda: firehose.describe_delivery_stream(DeliveryStreamName="locked")[
            "DeliveryStreamDescription"].get("FailureDescription"))
        failure = firehose.describe_delivery_stream(DeliveryStreamName="locked")[
            "DeliveryStreamDescription"]["FailureDescription"]
        assert failure["Type"] == "DISABLED_KMS_KEY" and key_arn in failure["Details"]
        assert objects(s3, "locked-lake") == {}

        kms.enable_key(KeyId=key_arn)
        server.advance_clock(6)                         # the next retry delivers
        assert wait_until(lambda: objects(s3, "locked-lake"))
        assert list(objects(s3, "locked-lake").values()) == [b"kept\n"]
        described = firehose.describe_delivery_stream(DeliveryStreamName="locked")["DeliveryStreamDescription"]
        assert "FailureDescription" not in described
        assert "FailureDescription" not in described["DeliveryStreamEncryptionConfiguration"]

        firehose.stop_delivery_stream_encryption(DeliveryStreamName="locked")
        kms.disable_key(KeyId=key_arn)                  # no longer needed: puts go on in the clear
        assert firehose.put_record(DeliveryStreamName="locked", Record={"Data": b"y"})["Encrypted"] is False


def test_start_and_stop_together_succeed_25_times_a_day():
    """"a combined limit of 25 calls per Firehose stream per 24 hours"
    (StartDeliveryStreamEncryption's reference)."""
    with LakeboxServer() as server:
        firehose, _ = _make(server, "often", "often-lake")
        for _ in range(12):
            firehose.start_delivery_stream_encryption(DeliveryStreamName="often")
            firehose.stop_delivery_stream_encryption(DeliveryStreamName="often")
        firehose.start_delivery_stream_encryption(DeliveryStreamName="often")
        for call in (firehose.start_delivery_stream_encryption, firehose.stop_delivery_stream_encryption):
            assert _error(call, DeliveryStreamName="often")[0] == "LimitExceededException"
        described = firehose.describe_delivery_stream(DeliveryStreamName="often")["DeliveryStreamDescription"]
        assert described["DeliveryStreamEncryptionConfiguration"]["Status"] == "ENABLED"
        server.advance_clock(24 * 3600)
        firehose.stop_delivery_stream_encryption(DeliveryStreamName="often")
