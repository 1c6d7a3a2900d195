"""An ingestion service listens on an SQS queue for the objects a partner uploads in
parts. S3's event messages, as recorded in us-east-1 (radkawar/stackd
testdata/aws/s3/multipart_events_replay.json): creating an upload, its parts (a copied
part too), a refused completion and the tags given at creation send nothing; the
completion sends one ObjectCreated:CompleteMultipartUpload in event structure 2.6 with the
object's size and multipart ETag, a repeated completion none; a plain upload and a tag
change arrive in version 2.6 too (copy-source, complete-success, complete-repeat,
explicit-tagging-positive-control)."""
import json

import pytest
from botocore.exceptions import ClientError


def _records(sqs, url, wanted: int) -> list:
    """The event records of the next `wanted` messages (S3's test event counts as none),
    then whatever else arrives within a second."""
    records, messages = [], 0
    for _ in range(20):
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        if not batch and messages >= wanted:
            return records
        messages += len(batch)
        records += [record for message in batch for record in json.loads(message["Body"]).get("Records", [])]
        if batch:
            sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(n), "ReceiptHandle": message["ReceiptHandle"]} for n, message in enumerate(batch)])
    return records


def test_a_multipart_upload_is_announced_once_when_completed(client, bucket, sqs_queues):
    s3, sqs = client("s3"), client("sqs")
    url = sqs_queues("partner-parts")
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [
        {"Id": "owned-classic", "QueueArn": arn,
         "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:ObjectTagging:*"]}]})
    _records(sqs, url, 1)          # the test event

    s3.put_object(Bucket=bucket, Key="source.txt", Body=b"part-copy-source-0123456789\n")
    key = "multipart/tagged.bin"
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, Tagging="purpose=native-multipart",
                                        ContentType="application/x-stackd-multipart")["UploadId"]
    first = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=1, Body=b"B" * 5242880)["ETag"]
    second = s3.upload_part_copy(Bucket=bucket, Key=key, UploadId=upload, PartNumber=2,
                                 CopySource=f"/{bucket}/source.txt")["CopyPartResult"]["ETag"]
    with pytest.raises(ClientError) as refused:
        s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": [
            {"PartNumber": 1, "ETag": '"00000000000000000000000000000000"'}, {"PartNumber": 2, "ETag": second}]})
    assert refused.value.response["Error"]["Code"] == "InvalidPart"
    parts = {"Parts": [{"PartNumber": 1, "ETag": first}, {"PartNumber": 2, "ETag": second}]}
    for _ in range(2):
        done = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload=parts)
        assert done["ETag"] == '"6cb92e0907f0c91edaec8daa44ee827d-2"'
    s3.put_object_tagging(Bucket=bucket, Key="source.txt", Tagging={"TagSet": [{"Key": "explicit", "Value": "true"}]})

    records = _records(sqs, url, 3)
    assert [(r["eventName"], r["eventVersion"], r["s3"]["object"]["key"]) for r in records] == [
        ("ObjectCreated:Put", "2.6", "source.txt"),
        ("ObjectCreated:CompleteMultipartUpload", "2.6", "multipart/tagged.bin"),
        ("ObjectTagging:Put", "2.6", "source.txt")]
    completed = records[1]["s3"]
    assert (completed["configurationId"], completed["object"]["size"], completed["object"]["eTag"]) == (
        "owned-classic", 5242908, "6cb92e0907f0c91edaec8daa44ee827d-2")
