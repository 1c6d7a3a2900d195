"""A key outage drill, as a security engineer runs it on the team's encrypted pipeline:
one customer managed key encrypts the Kinesis stream, the lake bucket by default
(SSE-KMS), the SQS work queue and the Athena results of every query. With the key
disabled each step is refused in its own service's words: Kinesis PutRecord
(KMSDisabledException), S3 PutObject and GetObject (KMS.DisabledException), SQS
SendMessage (KMS.DisabledException), an Athena query writing SSE_KMS results, an Athena
query reading the lake's SSE-KMS files (HIVE_CANNOT_OPEN_SPLIT), and the Firehose
delivery stream reading the stream reports why it cannot. Once the key is enabled again,
everything flows, and the records written before the outage reach the lake."""
import json

import pytest

from trip_helpers import athena_rows, error_of, keys_under, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose-drill"
ENDED = ("SUCCEEDED", "FAILED", "CANCELLED")


def submit(athena, sql, database, output, key=None):
    config = {"OutputLocation": output}
    if key:
        config["EncryptionConfiguration"] = {"EncryptionOption": "SSE_KMS", "KmsKey": key}
    query_id = athena.start_query_execution(QueryString=sql, QueryExecutionContext={"Database": database},
                                            ResultConfiguration=config)["QueryExecutionId"]
    return wait_for(lambda: (e := athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"])[
        "Status"]["State"] in ENDED and e)


def test_disabled_key_stops_every_step(client, clock, bucket, fresh_bucket, database, kms_keys, sqs_queues,
                                       kinesis_streams, delivery_streams):
    kms, s3, sqs, kinesis, athena, firehose = (client(n) for n in ("kms", "s3", "sqs", "kinesis", "athena",
                                                                    "firehose"))
    results = fresh_bucket("drill-results")
    key = kms_keys(Description="pipeline key")["Arn"]
    stream, stream_arn = kinesis_streams("drill")
    kinesis.start_stream_encryption(StreamName=stream, EncryptionType="KMS", KeyId=key)
    wait_for(lambda: kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"][
        "StreamStatus"] == "ACTIVE")
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})
    queue = sqs_queues("drill-work", KmsMasterKeyId=key)
    delivery = delivery_streams(
        "drill-lake", DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": stream_arn, "RoleARN": ROLE},
        ExtendedS3DestinationConfiguration={"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
                                            "Prefix": "events/", "ErrorOutputPrefix": "failed/",
                                            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}})
    s3.put_object(Bucket=bucket, Key="ledger/day1.csv", Body=b"1,10\n2,20\n")
    output = f"s3://{results}/athena/"
    athena_rows(athena, f"CREATE EXTERNAL TABLE ledger (id int, amount int) ROW FORMAT DELIMITED FIELDS "
                        f"TERMINATED BY ',' LOCATION 's3://{bucket}/ledger/'", database, output)
    assert athena_rows(athena, "SELECT sum(amount) FROM ledger", database, output) == [["30"]]
    kinesis.put_record(StreamName=stream, Data=json.dumps({"n": 1}).encode() + b"\n", PartitionKey="a")

    kms.disable_key(KeyId=key)
    disabled = f"{key} is disabled."
    assert error_of(kinesis.put_record, StreamName=stream, Data=b"x", PartitionKey="a") == (
        "KMSDisabledException", disabled)
    assert error_of(s3.put_object, Bucket=bucket, Key="ledger/day2.csv", Body=b"3,30\n") == (
        "KMS.DisabledException", disabled)
    assert error_of(s3.get_object, Bucket=bucket, Key="ledger/day1.csv") == ("KMS.DisabledException", disabled)
    assert error_of(sqs.send_message, QueueUrl=queue, MessageBody="work") == ("KMS.DisabledException", disabled)

    written = submit(athena, "SELECT 1", database, output, key)
    result = written["ResultConfiguration"]["OutputLocation"]
    assert (written["Status"]["State"], written["Status"]["StateChangeReason"]) == (
        "FAILED", f"Access denied when writing output to url: {result} . Please ensure you are allowed to access "
                  f"the S3 bucket. If you are encrypting query results with KMS key, please ensure you are "
                  f"allowed to access your KMS key")
    read = submit(athena, "SELECT sum(amount) FROM ledger", database, output)
    assert read["Status"]["State"] == "FAILED"
    assert read["Status"]["StateChangeReason"].startswith(
        f"HIVE_CANNOT_OPEN_SPLIT: Error opening Hive split s3://{bucket}/ledger/day1.csv (offset=0, length=10): "
        f"{disabled}")
    assert read["Status"]["AthenaError"]["ErrorCategory"] == 2

    clock(61)
    failure = wait_for(lambda: firehose.describe_delivery_stream(DeliveryStreamName=delivery)[
        "DeliveryStreamDescription"].get("FailureDescription"))
    assert failure["Details"].endswith(disabled)
    assert keys_under(s3, bucket, "events/") == []

    kms.enable_key(KeyId=key)
    kinesis.put_record(StreamName=stream, Data=json.dumps({"n": 2}).encode() + b"\n", PartitionKey="a")
    sqs.send_message(QueueUrl=queue, MessageBody="work")
    assert athena_rows(athena, "SELECT sum(amount) FROM ledger", database, output) == [["30"]]
    clock(61)
    delivered = wait_for(lambda: keys_under(s3, bucket, "events/"))
    lines = b"".join(s3.get_object(Bucket=bucket, Key=k)["Body"].read() for k in delivered).splitlines()
    assert sorted(json.loads(line)["n"] for line in lines) == [1, 2]
    assert sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"] == "work"
