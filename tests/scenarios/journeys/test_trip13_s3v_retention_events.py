"""A records system follows retention changes through S3 event notifications to SQS
(capture: S3 object_lock_delivery_replay, S3's deliveries recorded). A queue configured
for s3:ObjectRetention:Put gets, for each PutObjectRetention, an ObjectRetention:Put
event in version 2.6 naming the version (key, size, ETag, no sequencer) with the new
mode and retain-until date in objectRetentionEventData; clearing the retention sends the
event without that block."""
import datetime
import json
import uuid

KEY = "fixed/space + percent% unicode-é"


def test_retention_changes_are_delivered(client, sqs_queues):
    s3, sqs = client("s3"), client("sqs")
    bucket = f"trip13-events-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    queue = sqs_queues("trip13-retention")
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [
        {"Id": "retention", "QueueArn": arn, "Events": ["s3:ObjectRetention:Put"]}]})
    version = s3.put_object(Bucket=bucket, Key=KEY, Body=b"native retention notification payload")["VersionId"]
    until = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=3)).replace(microsecond=0)
    s3.put_object_retention(Bucket=bucket, Key=KEY, VersionId=version,
                            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": until})
    s3.put_object_retention(Bucket=bucket, Key=KEY, VersionId=version, Retention={}, BypassGovernanceRetention=True)

    records = []
    while len(records) < 2:
        answer = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=5)
        assert answer.get("Messages"), records
        for message in answer["Messages"]:
            records += json.loads(message["Body"]).get("Records", [])
    for record in records:
        assert (record["eventName"], record["eventVersion"]) == ("ObjectRetention:Put", "2.6")
        assert record["s3"]["object"] == {"key": "fixed/space+%2B+percent%25+unicode-%C3%A9", "size": 37,
                                          "eTag": "cfdd82f478d873448dc83cfa18ae7b43", "versionId": version}
    assert records[0]["objectRetentionEventData"] == {
        "mode": "GOVERNANCE", "retainUntilDate": until.strftime("%Y-%m-%dT%H:%M:%S.000Z")}
    assert "objectRetentionEventData" not in records[1]
    s3.delete_object(Bucket=bucket, Key=KEY, VersionId=version)
    s3.delete_bucket(Bucket=bucket)
