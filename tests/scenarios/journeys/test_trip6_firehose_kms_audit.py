"""An audit trail delivered by Firehose under the security team's KMS key, as their
CloudFormation-style setup has it: the delivery stream's S3 destination names the key
(EncryptionConfiguration.KMSEncryptionConfig) and the stream itself is encrypted with a
customer managed key (DeliveryStreamEncryptionConfigurationInput); the auditor checks
with HeadObject that every delivered object is SSE-KMS under the team's key and reads the
events back. While the key is disabled the stream's writes are refused and nothing is delivered, and
the records kept in the buffer are delivered once the key is enabled again."""
import json
import time
import uuid

import pytest

from trip_helpers import error_of, keys_under, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose-audit"


@pytest.fixture
def audit_stream(client, bucket, kms_keys):
    firehose = client("firehose")
    key = kms_keys(Description="audit trail")
    name = f"audit-{uuid.uuid4().hex[:8]}"
    firehose.create_delivery_stream(
        DeliveryStreamName=name, DeliveryStreamType="DirectPut",
        DeliveryStreamEncryptionConfigurationInput={"KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": key["Arn"]},
        ExtendedS3DestinationConfiguration={
            "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "audit/",
            "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 60},
            "EncryptionConfiguration": {"KMSEncryptionConfig": {"AWSKMSKeyARN": key["Arn"]}}})
    wait_for(lambda: firehose.describe_delivery_stream(DeliveryStreamName=name)[
        "DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE")
    yield name, key
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def events(first, count):
    return [{"Data": json.dumps({"event": n, "actor": f"user-{n % 3}"}).encode() + b"\n"}
            for n in range(first, first + count)]


def test_audit_trail_under_the_team_key(client, clock, bucket, audit_stream):
    firehose, s3, kms = client("firehose"), client("s3"), client("kms")
    name, key = audit_stream
    described = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    assert described["DeliveryStreamEncryptionConfiguration"] == {
        "KeyARN": key["Arn"], "KeyType": "CUSTOMER_MANAGED_CMK", "Status": "ENABLED"}
    destination = described["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert destination["EncryptionConfiguration"] == {"KMSEncryptionConfig": {"AWSKMSKeyARN": key["Arn"]}}

    assert firehose.put_record_batch(DeliveryStreamName=name, Records=events(0, 20))["FailedPutCount"] == 0
    clock(61)
    delivered = wait_for(lambda: keys_under(s3, bucket, "audit/"))
    for object_key in delivered:
        head = s3.head_object(Bucket=bucket, Key=object_key)
        assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", key["Arn"])
    lines = [json.loads(line) for k in delivered
             for line in s3.get_object(Bucket=bucket, Key=k)["Body"].read().splitlines()]
    assert sorted(e["event"] for e in lines) == list(range(20))

    kms.disable_key(KeyId=key["KeyId"])
    try:
        code, message = error_of(firehose.put_record, DeliveryStreamName=name, Record=events(99, 1)[0])
        assert code == "InvalidKMSResourceException"
        assert message == f"DisabledException: {key['Arn']} is disabled."
    finally:
        kms.enable_key(KeyId=key["KeyId"])
    assert firehose.put_record_batch(DeliveryStreamName=name, Records=events(20, 5))["FailedPutCount"] == 0
    kms.disable_key(KeyId=key["KeyId"])
    try:
        clock(61)
        time.sleep(2)                                 # the flush is due: S3 refuses the key
        assert keys_under(s3, bucket, "audit/") == delivered
    finally:
        kms.enable_key(KeyId=key["KeyId"])
    clock(10)
    later = wait_for(lambda: [k for k in keys_under(s3, bucket, "audit/") if k not in delivered])
    resent = [json.loads(line)["event"] for k in later
              for line in s3.get_object(Bucket=bucket, Key=k)["Body"].read().splitlines()]
    assert sorted(resent) == list(range(20, 25))
