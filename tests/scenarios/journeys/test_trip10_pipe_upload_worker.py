"""Partner uploads become rows in a DynamoDB table, as a backend engineer wires it: the
landing bucket encrypts by default with the team's KMS key and tells an SQS queue,
itself encrypted with that key (its key policy lets S3 use it), of every ObjectCreated
event under `incoming/` that ends in `.csv`; big files arrive by multipart upload, a
reprocessing run copies one file. The worker long-polls the queue, reads each announced
object (the event's size and ETag are the object's), writes one item per file with the
line count, and deletes its messages in one batch; a partial upload's `.csv.part` and a
file outside `incoming/` are never announced."""
import json
import uuid
from urllib.parse import unquote_plus

import pytest

from trip_helpers import keyed_table

ACCOUNT = "000000000000"


@pytest.fixture
def wired(client, bucket, kms_keys, sqs_queues):
    s3, sqs = client("s3"), client("sqs")
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "owner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "s3-notifications", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
         "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}]}
    key = kms_keys(Description="landing", Policy=json.dumps(policy))
    url = sqs_queues("landing-csv", KmsMasterKeyId=key["Arn"], KmsDataKeyReusePeriodSeconds="300")
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sqs:SendMessage",
        "Resource": arn, "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"}}}]})})
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key["Arn"]},
        "BucketKeyEnabled": True}]})
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [{
        "Id": "incoming-csv", "QueueArn": arn, "Events": ["s3:ObjectCreated:*"],
        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "incoming/"},
                                            {"Name": "suffix", "Value": ".csv"}]}}}]})
    return url, key


def work(s3, sqs, table, url) -> list:
    """One worker pass: every message on the queue handled, then deleted in a batch."""
    handled = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                       MessageSystemAttributeNames=["ApproximateReceiveCount"]).get("Messages"):
        for message in batch:
            for record in json.loads(message["Body"]).get("Records", []):
                key = unquote_plus(record["s3"]["object"]["key"])
                got = s3.get_object(Bucket=record["s3"]["bucket"]["name"], Key=key)
                body = got["Body"].read()
                assert record["s3"]["object"]["size"] == got["ContentLength"] == len(body)
                assert '"' + record["s3"]["object"]["eTag"] + '"' == got["ETag"]
                table.put_item(Item={"file": key, "event": record["eventName"], "lines": body.count(b"\n"),
                                     "kms": got["SSEKMSKeyId"]})
                handled.append((record["eventName"], key))
        answer = sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)])
        assert "Failed" not in answer and len(answer["Successful"]) == len(batch)
    return handled


def test_uploads_become_rows(client, resource, bucket, wired, table_name):
    s3, sqs = client("s3"), client("sqs")
    url, key = wired
    table = keyed_table(resource("dynamodb"), table_name, "file")
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["KmsMasterKeyId"])["Attributes"] == {
        "KmsMasterKeyId": key["Arn"]}
    work(s3, sqs, table, url)                  # the s3:TestEvent S3 sent when the route was made

    s3.put_object(Bucket=bucket, Key="incoming/partner a/2024-05-01.csv", Body=b"id,qty\n1,2\n2,5\n")
    s3.put_object(Bucket=bucket, Key="incoming/partner-b.csv.part", Body=b"id,qty\n")
    s3.put_object(Bucket=bucket, Key="archive/old.csv", Body=b"id,qty\n9,9\n")
    part = b"".join(f"{i},{i % 7}\n".encode() for i in range(600_000))
    upload = s3.create_multipart_upload(Bucket=bucket, Key="incoming/partner-b/big.csv")
    etags = [s3.upload_part(Bucket=bucket, Key="incoming/partner-b/big.csv", UploadId=upload["UploadId"],
                            PartNumber=n, Body=body)["ETag"] for n, body in ((1, part), (2, b"id,qty\n"))]
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="incoming/partner-b/big.csv", UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in ((1, etags[0]), (2, etags[1]))]})
    assert done["ETag"].endswith('-2"') and done["ServerSideEncryption"] == "aws:kms"
    s3.copy_object(Bucket=bucket, Key="incoming/rerun/2024-05-01.csv",
                   CopySource={"Bucket": bucket, "Key": "incoming/partner a/2024-05-01.csv"})

    handled = work(s3, sqs, table, url)
    assert sorted(handled) == [("ObjectCreated:CompleteMultipartUpload", "incoming/partner-b/big.csv"),
                               ("ObjectCreated:Copy", "incoming/rerun/2024-05-01.csv"),
                               ("ObjectCreated:Put", "incoming/partner a/2024-05-01.csv")]
    items = sorted(table.scan()["Items"], key=lambda i: i["file"])
    assert [(i["file"], i["event"], int(i["lines"]), i["kms"]) for i in items] == [
        ("incoming/partner a/2024-05-01.csv", "ObjectCreated:Put", 3, key["Arn"]),
        ("incoming/partner-b/big.csv", "ObjectCreated:CompleteMultipartUpload", 600_001, key["Arn"]),
        ("incoming/rerun/2024-05-01.csv", "ObjectCreated:Copy", 3, key["Arn"])]
    left = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    assert left == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}
