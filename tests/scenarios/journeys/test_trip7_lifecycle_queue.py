"""A staging bucket kept small by lifecycle rules, as a platform engineer sets it up with
the aws cli: versioning on, one rule that expires `staging/` objects after a day and their
noncurrent versions a day after that, and two queue configurations on one queue (uploads
under `staging/`, and every lifecycle expiration). The cleanup consumer reads the queue
with boto3 and tells uploads from expirations by the record: S3 writes a lifecycle
expiration as event structure 2.3 with S3 itself (`s3.amazonaws.com`) as principal and
source, the object's version (or the delete marker lifecycle made) and no size or ETag."""
import json
import uuid
from urllib.parse import unquote_plus

import pytest

from trip_helpers import aws, ok

pytestmark = pytest.mark.local_only          # lifecycle rules act on the lakebox clock

DAY = 24 * 3600
RULES = {"Rules": [{"ID": "staging", "Status": "Enabled", "Filter": {"Prefix": "staging/"},
                    "Expiration": {"Days": 1}, "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}]}


@pytest.fixture
def staging(lakebox_server, client, bucket):
    s3, sqs = client("s3"), client("sqs")
    url = sqs.create_queue(QueueName=f"cleanup-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    ok(aws(lakebox_server, "s3api", "put-bucket-versioning", "--bucket", bucket,
           "--versioning-configuration", "Status=Enabled"))
    ok(aws(lakebox_server, "s3api", "put-bucket-lifecycle-configuration", "--bucket", bucket,
           "--lifecycle-configuration", json.dumps(RULES)))
    ok(aws(lakebox_server, "s3api", "put-bucket-notification-configuration", "--bucket", bucket,
           "--notification-configuration", json.dumps({"QueueConfigurations": [
               {"Id": "uploads", "QueueArn": arn, "Events": ["s3:ObjectCreated:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "staging/"}]}}},
               {"Id": "expirations", "QueueArn": arn, "Events": ["s3:LifecycleExpiration:*"]}]})))
    yield bucket, url
    sqs.delete_queue(QueueUrl=url)
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])


def drain(sqs, url) -> list:
    records = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
        for message in messages:
            records += json.loads(message["Body"]).get("Records", [])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return records


def test_staging_cleanup_heard_on_the_queue(lakebox_server, client, clock, staging):
    bucket, url = staging
    s3, sqs = client("s3"), client("sqs")
    rules = ok(aws(lakebox_server, "s3api", "get-bucket-lifecycle-configuration", "--bucket", bucket))["Rules"]
    assert rules == RULES["Rules"]
    first = s3.put_object(Bucket=bucket, Key="staging/batch 1.csv", Body=b"a,b\n1,2\n")["VersionId"]
    second = s3.put_object(Bucket=bucket, Key="staging/batch 1.csv", Body=b"a,b\n3,4\n")["VersionId"]
    s3.put_object(Bucket=bucket, Key="keep/report.csv", Body=b"kept")

    uploads = drain(sqs, url)
    assert sorted((r["eventName"], r["s3"]["configurationId"], r["s3"]["object"]["key"], r["s3"]["object"]["size"],
                   r["s3"]["object"]["versionId"]) for r in uploads) == sorted([
                       ("ObjectCreated:Put", "uploads", "staging/batch+1.csv", 8, first),
                       ("ObjectCreated:Put", "uploads", "staging/batch+1.csv", 8, second)])
    assert {r["eventVersion"] for r in uploads} == {"2.6"}

    clock(3 * DAY)           # the current version expires (a delete marker), the first version goes
    expired = drain(sqs, url)
    markers = s3.list_object_versions(Bucket=bucket, Prefix="staging/")["DeleteMarkers"]
    assert [(m["Key"], m["IsLatest"]) for m in markers] == [("staging/batch 1.csv", True)]
    assert sorted((r["eventName"], unquote_plus(r["s3"]["object"]["key"]), r["s3"]["object"]["versionId"])
                  for r in expired) == [
        ("LifecycleExpiration:Delete", "staging/batch 1.csv", first),
        ("LifecycleExpiration:DeleteMarkerCreated", "staging/batch 1.csv", markers[0]["VersionId"])]
    for record in expired:
        assert (record["eventVersion"], record["eventSource"], record["awsRegion"]) == ("2.3", "aws:s3", "us-east-1")
        assert record["userIdentity"] == {"principalId": "s3.amazonaws.com"}
        assert record["requestParameters"] == {"sourceIPAddress": "s3.amazonaws.com"}
        assert record["s3"]["configurationId"] == "expirations"
        assert record["s3"]["bucket"]["name"] == bucket
        assert "size" not in record["s3"]["object"] and "eTag" not in record["s3"]["object"]

    clock(3 * DAY)           # the second version, noncurrent since the marker, goes too; so does
    later = drain(sqs, url)  # the marker, left alone and as old as the rule's Days (ManagingDelMarkers)
    assert ("LifecycleExpiration:Delete", second) in [(r["eventName"], r["s3"]["object"]["versionId"]) for r in later]
    assert {(r["eventName"], r["eventVersion"]) for r in later} == {("LifecycleExpiration:Delete", "2.3")}
    listed = s3.list_object_versions(Bucket=bucket)
    assert [(v["Key"], v["IsLatest"]) for v in listed["Versions"]] == [("keep/report.csv", True)]
    assert "DeleteMarkers" not in listed
    assert s3.get_object(Bucket=bucket, Key="keep/report.csv")["Body"].read() == b"kept"
