"""The platform team that runs the shared ingest stream checks its limits before a launch:
a PutRecordBatch of 500 records and of four 1,000 KiB records goes in whole; a fifth
such record makes the call more than 4 MiB and it is refused; past the stream's 5 MiB/s
in us-east-1 the records of a batch fail one by one with ServiceUnavailableException
"Slow down." and a second later the producer's retry of just those goes through. The
security review then turns on server-side encryption with their customer managed key
(StartDeliveryStreamEncryption): puts answer Encrypted, a disabled key refuses puts with
InvalidKMSResourceException and shows DISABLED_KMS_KEY on the stream, enabling it again
lets the buffered records reach S3. Cost allocation adds 50 tags (the 51st is refused) and
pages through them; DescribeDeliveryStream with Limit 1 shows the one destination."""
import gzip
import json

import pytest

from trip_helpers import error_of, keys_under, wait_for

pytestmark = pytest.mark.local_only          # quotas hold on the lakebox clock, which the journey moves

ROLE = "arn:aws:iam::000000000000:role/firehose-delivery"
KIB = 1024


def test_ingest_limits_encryption_and_tags(lakebox_server, client, clock, bucket, kms_keys, delivery_streams):
    if getattr(lakebox_server, "limits", "aws") != "aws":
        pytest.skip("quotas are enforced with --limits aws")
    firehose, s3, kms = client("firehose"), client("s3"), client("kms")
    name = delivery_streams("ingest", DeliveryStreamType="DirectPut", ExtendedS3DestinationConfiguration={
        "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "ingest/", "CompressionFormat": "GZIP",
        "BufferingHints": {"SizeInMBs": 128, "IntervalInSeconds": 900}})

    small = firehose.put_record_batch(DeliveryStreamName=name,
                                      Records=[{"Data": json.dumps({"n": n}).encode() + b"\n"} for n in range(500)])
    assert (small["FailedPutCount"], len(small["RequestResponses"])) == (0, 500)
    clock(1)
    big = {"Data": b"x" * (1000 * KIB - 1) + b"\n"}
    assert firehose.put_record_batch(DeliveryStreamName=name, Records=[big] * 4)["FailedPutCount"] == 0
    assert error_of(firehose.put_record_batch, DeliveryStreamName=name, Records=[big] * 5) == (
        "InvalidArgumentException", "Records size exceeds 4 MB limit")
    throttled = firehose.put_record_batch(DeliveryStreamName=name, Records=[big] * 4)
    accepted = 4 - throttled["FailedPutCount"]
    assert 0 < throttled["FailedPutCount"]
    assert all("RecordId" in r for r in throttled["RequestResponses"][:accepted])
    assert throttled["RequestResponses"][accepted:] == [
        {"ErrorCode": "ServiceUnavailableException", "ErrorMessage": "Slow down."}] * (4 - accepted)
    clock(1)
    retried = firehose.put_record_batch(DeliveryStreamName=name, Records=[big] * (4 - accepted))
    assert retried["FailedPutCount"] == 0

    key = kms_keys(Description="ingest stream key")
    firehose.start_delivery_stream_encryption(DeliveryStreamName=name, DeliveryStreamEncryptionConfigurationInput={
        "KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": key["Arn"]})
    wait_for(lambda: firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"][
        "DeliveryStreamEncryptionConfiguration"]["Status"] == "ENABLED")
    encryption = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"][
        "DeliveryStreamEncryptionConfiguration"]
    assert (encryption["KeyType"], encryption["KeyARN"]) == ("CUSTOMER_MANAGED_CMK", key["Arn"])
    clock(1)
    assert firehose.put_record(DeliveryStreamName=name, Record={"Data": b'{"secret": 1}\n'})["Encrypted"] is True
    kms.disable_key(KeyId=key["KeyId"])
    code, _ = error_of(firehose.put_record, DeliveryStreamName=name, Record={"Data": b'{"secret": 2}\n'})
    assert code == "InvalidKMSResourceException"
    failing = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"][
        "DeliveryStreamEncryptionConfiguration"]
    assert failing["FailureDescription"]["Type"] == "DISABLED_KMS_KEY"
    clock(901)
    assert keys_under(s3, bucket, "ingest/") == []            # buffered under a key that cannot be used
    kms.enable_key(KeyId=key["KeyId"])
    clock(6)
    delivered = wait_for(lambda: keys_under(s3, bucket, "ingest/"))
    lines = [line for k in delivered for line in gzip.decompress(
        s3.get_object(Bucket=bucket, Key=k)["Body"].read()).splitlines()]
    assert sum(1 for line in lines if line.startswith(b'{"n"')) == 500
    assert lines.count(b'{"secret": 1}') == 1 and b'{"secret": 2}' not in lines
    assert sum(1 for line in lines if line.startswith(b"xxx")) == 8

    tags = [{"Key": f"cost-center-{i:02d}", "Value": f"team-{i % 5}"} for i in range(50)]
    firehose.tag_delivery_stream(DeliveryStreamName=name, Tags=tags)
    assert error_of(firehose.tag_delivery_stream, DeliveryStreamName=name,
                    Tags=[{"Key": "one-more", "Value": "x"}])[0] == "LimitExceededException"
    firehose.tag_delivery_stream(DeliveryStreamName=name, Tags=[{"Key": "cost-center-00", "Value": "moved"}])
    pages, start = [], None
    while True:
        page = firehose.list_tags_for_delivery_stream(DeliveryStreamName=name, Limit=20,
                                                      **({"ExclusiveStartTagKey": start} if start else {}))
        pages.append(len(page["Tags"]))
        start = page["Tags"][-1]["Key"]
        if not page["HasMoreTags"]:
            break
        if page["Tags"][0]["Key"] == "cost-center-00":
            assert page["Tags"][0]["Value"] == "moved"
    assert pages == [20, 20, 10]

    described = firehose.describe_delivery_stream(DeliveryStreamName=name, Limit=1)["DeliveryStreamDescription"]
    assert [d["DestinationId"] for d in described["Destinations"]] == ["destinationId-000000000001"]
    assert described["HasMoreDestinations"] is False
