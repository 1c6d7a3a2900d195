"""Retention by tag on a versioned reports bucket: writers tag each report with its
retention class when they upload it (or retag it later, or on copy); one lifecycle rule
expires `retention=short` reports after a week and drops noncurrent versions a day
later, another clears `tmp/` and abandoned multipart uploads; an audit queue hears each
lifecycle expiry (S3 sends LifecycleExpiration events, not ObjectRemoved); the operator
reviews versions and delete markers through the ListObjectVersions paginator."""
import json
from urllib.parse import unquote_plus

import pytest

from trip_helpers import error_of, notifying_queue, wait_for

pytestmark = pytest.mark.local_only          # lifecycle rules act on the lakebox clock

DAY = 24 * 3600
RULES = [
    {"ID": "short-reports", "Status": "Enabled",
     "Filter": {"And": {"Prefix": "reports/", "Tags": [{"Key": "retention", "Value": "short"}]}},
     "Expiration": {"Days": 7}, "NoncurrentVersionExpiration": {"NoncurrentDays": 1}},
    {"ID": "scratch", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 1},
     "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}]


@pytest.fixture
def reports(client, bucket):
    s3 = client("s3")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    yield bucket
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])


@pytest.fixture
def audit(client, reports):
    sqs = client("sqs")
    url = notifying_queue(sqs, client("s3"), reports, ["s3:LifecycleExpiration:*", "s3:ObjectRemoved:*"])
    yield url
    sqs.delete_queue(QueueUrl=url)


def all_versions(s3, bucket):
    """(key, is latest, is a delete marker) of every version, in the paginator's order."""
    entries = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, PaginationConfig={"PageSize": 2}):
        listed = [(e["Key"], e["IsLatest"], False, e["LastModified"]) for e in page.get("Versions", [])]
        listed += [(e["Key"], e["IsLatest"], True, e["LastModified"]) for e in page.get("DeleteMarkers", [])]
        entries += sorted(listed, key=lambda e: (e[0], -e[3].timestamp()))
    return [e[:3] for e in entries]


def heard(sqs, url):
    events = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
        for message in messages:
            for record in json.loads(message["Body"]).get("Records", []):
                events.append((record["eventName"], unquote_plus(record["s3"]["object"]["key"])))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return sorted(events)


def test_reports_expire_by_tag_and_the_audit_hears_it(client, clock, reports, audit):
    s3, sqs = client("s3"), client("sqs")
    s3.put_object(Bucket=reports, Key="reports/daily.csv", Body=b"v1", Tagging="retention=short&team=bi")
    s3.put_object(Bucket=reports, Key="reports/daily.csv", Body=b"v2", Tagging="retention=short&team=bi")
    s3.put_object(Bucket=reports, Key="reports/yearly.csv", Body=b"year", Tagging="retention=long")
    s3.put_object(Bucket=reports, Key="reports/adhoc.csv", Body=b"adhoc")
    s3.put_object_tagging(Bucket=reports, Key="reports/adhoc.csv",
                          Tagging={"TagSet": [{"Key": "retention", "Value": "short"}]})
    s3.copy_object(Bucket=reports, Key="reports/yearly-copy.csv", CopySource={"Bucket": reports,
                                                                            "Key": "reports/yearly.csv"},
                   TaggingDirective="REPLACE", Tagging="retention=short")
    s3.put_object(Bucket=reports, Key="tmp/scratch.bin", Body=b"scratch")
    abandoned = s3.create_multipart_upload(Bucket=reports, Key="tmp/big.bin")["UploadId"]
    assert s3.get_object_tagging(Bucket=reports, Key="reports/daily.csv")["TagSet"] == [
        {"Key": "retention", "Value": "short"}, {"Key": "team", "Value": "bi"}]
    assert s3.head_object(Bucket=reports, Key="reports/yearly-copy.csv")["TagCount"] == 1
    assert error_of(s3.put_object_tagging, Bucket=reports, Key="reports/adhoc.csv", Tagging={"TagSet": [
        {"Key": "retention", "Value": "short"}, {"Key": "retention", "Value": "long"}]}) == (
        "InvalidTag", "Cannot provide multiple Tags with the same key")

    s3.put_bucket_lifecycle_configuration(Bucket=reports, LifecycleConfiguration={"Rules": RULES})
    kept = s3.get_bucket_lifecycle_configuration(Bucket=reports)
    assert [r["ID"] for r in kept["Rules"]] == ["short-reports", "scratch"]
    assert kept["Rules"][0]["Filter"] == RULES[0]["Filter"]
    heard(sqs, audit)                                                   # the configuration's test event

    clock(2 * DAY)
    wait_for(lambda: "Contents" not in s3.list_objects_v2(Bucket=reports, Prefix="tmp/"))
    assert s3.list_multipart_uploads(Bucket=reports).get("Uploads", []) == []
    assert heard(sqs, audit) == [("LifecycleExpiration:Delete", "reports/daily.csv"),      # its first version
                                 ("LifecycleExpiration:DeleteMarkerCreated", "tmp/scratch.bin")]
    assert error_of(s3.list_parts, Bucket=reports, Key="tmp/big.bin", UploadId=abandoned)[0] == "NoSuchUpload"

    clock(6 * DAY)
    wait_for(lambda: [o["Key"] for o in s3.list_objects_v2(Bucket=reports).get("Contents", [])] == [
        "reports/yearly.csv"])
    clock(2 * DAY)
    # The reports' expired versions go a day later; `tmp/` has no rule for noncurrent versions.
    assert wait_for(lambda: len(listed := all_versions(s3, reports)) == 6 and listed) == [
        ("reports/adhoc.csv", True, True), ("reports/daily.csv", True, True),
        ("reports/yearly-copy.csv", True, True), ("reports/yearly.csv", True, False),
        ("tmp/scratch.bin", True, True), ("tmp/scratch.bin", False, False)]
    events = heard(sqs, audit)
    assert events == [(name, key) for name in ("LifecycleExpiration:Delete", "LifecycleExpiration:DeleteMarkerCreated")
                      for key in ("reports/adhoc.csv", "reports/daily.csv", "reports/yearly-copy.csv")]
