"""A platform engineer wires a landing bucket to an SQS queue with boto3: the first try
names a queue that was never made, the second a filter rule the console would not write;
then two routes (Parquet files under `raw/`, deletions under `raw/`) are kept, rule names
written in lower case come back as S3 spells them, the queue's first message is S3's
s3:TestEvent (no Records), and uploads, a copy and deletions (a quiet batch delete too, of
keys held or not) arrive as events whose keys are form-encoded (a space as `+`, a `+` as
`%2B`)."""
import json
import uuid
from urllib.parse import unquote_plus

import pytest
from botocore.exceptions import ClientError

from trip_helpers import error_of


@pytest.fixture
def queue(client):
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=f"landing-events-{uuid.uuid4().hex[:10]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    yield url, arn
    sqs.delete_queue(QueueUrl=url)


def drain(sqs, url) -> list:
    """Every message body now on the queue, deleted as read."""
    bodies = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        if not batch:
            return bodies
        for message in batch:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def routes(arn, prefix_name="prefix", suffix_name="suffix"):
    return {"QueueConfigurations": [
        {"Id": "parquet-landed", "QueueArn": arn, "Events": ["s3:ObjectCreated:*"],
         "Filter": {"Key": {"FilterRules": [{"Name": prefix_name, "Value": "raw/"},
                                             {"Name": suffix_name, "Value": ".parquet"}]}}},
        {"Id": "raw-deleted", "QueueArn": arn, "Events": ["s3:ObjectRemoved:Delete"],
         "Filter": {"Key": {"FilterRules": [{"Name": prefix_name, "Value": "raw/"}]}}}]}


def test_landing_bucket_wired_to_a_queue(client, bucket, queue):
    s3, sqs = client("s3"), client("sqs")
    url, arn = queue
    never_made = arn + "-typo"
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=routes(never_made))
    assert {k: v for k, v in caught.value.response["Error"].items() if k not in ("HostId", "RequestId")} == {
        "Code": "InvalidArgument", "Message": "Unable to validate the following destination configurations",
        "ArgumentName1": never_made, "ArgumentValue1": "The destination queue does not exist"}
    assert error_of(s3.put_bucket_notification_configuration, Bucket=bucket,
                    NotificationConfiguration=routes(arn, prefix_name="startswith")) == (
        "InvalidArgument", "filter rule name must be either prefix or suffix")
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)
    assert drain(sqs, url) == []

    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=routes(arn))
    kept = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]
    assert kept == routes(arn, "Prefix", "Suffix")["QueueConfigurations"]
    test_events = drain(sqs, url)          # how many (one per destination or per route) is not asserted
    assert test_events and all({k: event[k] for k in ("Service", "Event", "Bucket")} == {
        "Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": bucket} for event in test_events)
    assert all(set(event) == {"Service", "Event", "Time", "Bucket", "RequestId", "HostId"} for event in test_events)

    put = s3.put_object(Bucket=bucket, Key="raw/day 1+2.parquet", Body=b"PAR1....PAR1")
    s3.put_object(Bucket=bucket, Key="raw/notes.txt", Body=b"not announced")
    s3.put_object(Bucket=bucket, Key="staging/day3.parquet", Body=b"not announced")
    s3.copy_object(Bucket=bucket, Key="raw/copy of day 1.parquet",
                   CopySource={"Bucket": bucket, "Key": "raw/day 1+2.parquet"})
    s3.delete_object(Bucket=bucket, Key="raw/notes.txt")
    s3.delete_object(Bucket=bucket, Key="staging/day3.parquet")

    records = [record for body in drain(sqs, url) for record in body["Records"]]
    seen = sorted((r["eventName"], r["s3"]["object"]["key"], r["s3"]["configurationId"]) for r in records)
    assert seen == [("ObjectCreated:Copy", "raw/copy+of+day+1.parquet", "parquet-landed"),
                    ("ObjectCreated:Put", "raw/day+1%2B2.parquet", "parquet-landed"),
                    ("ObjectRemoved:Delete", "raw/notes.txt", "raw-deleted")]
    created = next(r for r in records if r["eventName"] == "ObjectCreated:Put")
    assert unquote_plus(created["s3"]["object"]["key"]) == "raw/day 1+2.parquet"
    assert created["s3"]["object"]["size"] == 12
    assert created["s3"]["object"]["eTag"] == put["ETag"].strip('"')
    assert created["s3"]["bucket"]["name"] == bucket
    assert created["s3"]["bucket"]["arn"] == f"arn:aws:s3:::{bucket}"
    assert (created["eventSource"], created["eventVersion"], created["awsRegion"]) == ("aws:s3", "2.6", "us-east-1")
    removed = next(r for r in records if r["eventName"] == "ObjectRemoved:Delete")
    assert set(removed["s3"]["object"]) == {"key", "sequencer"}

    # A quiet batch delete tells of every key it names, held or not (S3's reply recorded in
    # LocalStack's AWS-validated snapshot test_s3_notifications_sqs: test_delete_objects).
    batch = s3.delete_objects(Bucket=bucket, Delete={"Quiet": True, "Objects": [
        {"Key": "raw/copy of day 1.parquet"}, {"Key": "raw/never-1.parquet"}, {"Key": "raw/never-2.parquet"}]})
    assert "Deleted" not in batch and "Errors" not in batch
    records = [record for body in drain(sqs, url) for record in body["Records"]]
    assert sorted((r["eventName"], r["s3"]["object"]["key"]) for r in records) == [
        ("ObjectRemoved:Delete", "raw/copy+of+day+1.parquet"), ("ObjectRemoved:Delete", "raw/never-1.parquet"),
        ("ObjectRemoved:Delete", "raw/never-2.parquet")]

    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
    assert s3.get_bucket_notification_configuration(Bucket=bucket).get("QueueConfigurations") is None
    s3.put_object(Bucket=bucket, Key="raw/after.parquet", Body=b"x")
    assert drain(sqs, url) == []
