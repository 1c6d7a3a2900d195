"""A deploy tool writes server access logging settings as raw XML, and S3 answers each
body as it did in us-east-1 (radkawar/stackd testdata/aws/s3/logging_raw_replay.json):
a target in another Region is 403 CrossLocationLoggingProhibitted (S3's spelling) with
TargetBucketLocation, a wrong Content-MD5 is BadDigest echoing the digest as sent, an
element the schema does not have and both key formats at once are MalformedXML (the
enabled setting stays), a root element of another name is read as an empty status
(logging off), and Content-MD5 may be left out unless the SDK names a checksum algorithm
it does not send."""
import base64
import hashlib
import xml.etree.ElementTree as ElementTree

import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from trip_helpers import KEY, REGION, SECRET


def _put(s3, bucket, body, md5=True, **headers):
    url = f"{s3.meta.endpoint_url}/{bucket}?logging"
    data = body.encode()
    if md5:
        headers["Content-MD5"] = base64.b64encode(hashlib.md5(data).digest()).decode()
    request = AWSRequest(method="PUT", url=url, data=data, headers=headers)
    S3SigV4Auth(Credentials(KEY, SECRET), "s3", REGION).add_auth(request)
    answer = requests.put(url, data=data, headers=dict(request.headers.items()), timeout=30)
    fields = {node.tag: node.text for node in ElementTree.fromstring(answer.content)} if answer.content else {}
    return answer.status_code, fields


def _enabled(target, prefix, format_xml=""):
    return (f"<BucketLoggingStatus><LoggingEnabled><TargetBucket>{target}</TargetBucket><TargetPrefix>{prefix}"
            f"</TargetPrefix>{format_xml}</LoggingEnabled></BucketLoggingStatus>")


def test_raw_logging_bodies(client, fresh_bucket):
    s3 = client("s3")
    source, target = fresh_bucket("raw-logs"), fresh_bucket("raw-logs-target")
    west = client("s3", region_name="us-west-2")
    far = f"raw-logs-west-{target[-12:]}"
    west.create_bucket(Bucket=far, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    try:
        simple = {"TargetBucket": target, "TargetPrefix": "simple/", "TargetObjectKeyFormat": {"SimplePrefix": {}}}
        s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={"LoggingEnabled": simple})
        status, error = _put(s3, source, _enabled(far, "rejected/"))
        assert (status, error["Code"], error["TargetBucketLocation"]) == (403, "CrossLocationLoggingProhibitted", "us-west-2")
    finally:
        west.delete_bucket(Bucket=far)

    status, error = _put(s3, source, "<BucketLoggingStatus/>", md5=False, **{"Content-MD5": "AAAAAAAAAAAAAAAAAAAAAA=="})
    assert (status, error["Code"], error["ExpectedDigest"], error["CalculatedDigest"]) == (
        400, "BadDigest", "AAAAAAAAAAAAAAAAAAAAAA==", "uwqklQUo5s36ac3KB3zBiw==")
    status, error = _put(s3, source, "<BucketLoggingStatus><Unrecognized>ignored?</Unrecognized></BucketLoggingStatus>")
    assert (status, error["Code"]) == (400, "MalformedXML")
    both = "<TargetObjectKeyFormat><SimplePrefix/><PartitionedPrefix><PartitionDateSource>EventTime" \
           "</PartitionDateSource></PartitionedPrefix></TargetObjectKeyFormat>"
    assert _put(s3, source, _enabled(target, "x", both))[1]["Code"] == "MalformedXML"
    assert s3.get_bucket_logging(Bucket=source)["LoggingEnabled"] == simple

    assert _put(s3, source, "<Wrong/>")[0] == 200
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=source)
    assert _put(s3, source, _enabled(target, "no-digest/"), md5=False)[0] == 200
    assert s3.get_bucket_logging(Bucket=source)["LoggingEnabled"] == {"TargetBucket": target, "TargetPrefix": "no-digest/"}
    status, error = _put(s3, source, "<BucketLoggingStatus/>", md5=False, **{"x-amz-sdk-checksum-algorithm": "SHA256"})
    assert (status, error["Code"]) == (400, "InvalidRequest")
