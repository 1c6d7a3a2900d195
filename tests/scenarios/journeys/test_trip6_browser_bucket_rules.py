"""A bucket that a web dashboard reads from the browser and the security team locks
down: CORS rules for the dashboard's origin (a preflight from it is allowed, one from
elsewhere or for a method not listed is refused with S3's words), a bucket policy that
denies uploads not encrypted with KMS (a plain upload is refused, an SSE-KMS one
passes), and a clean-up with delete_objects in quiet mode that reports only what
failed (a key that is not there is no error); an empty list of keys, or more than
1,000, is MalformedXML."""
import json

import requests

from trip_helpers import error_of

ORIGIN = "https://dashboard.example.com"


def preflight(endpoint, bucket, key, origin, method, headers=None):
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        sent["Access-Control-Request-Headers"] = headers
    return requests.options(f"{endpoint}/{bucket}/{key}", headers=sent, timeout=30)


def test_cors_policy_and_quiet_cleanup(lakebox_server, client, bucket):
    s3 = client("s3")
    assert preflight(lakebox_server.endpoint, bucket, "charts/a.json", ORIGIN, "GET").status_code == 403
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": [ORIGIN], "AllowedMethods": ["GET", "HEAD"], "AllowedHeaders": ["Authorization"],
        "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600}]})
    allowed = preflight(lakebox_server.endpoint, bucket, "charts/a.json", ORIGIN, "GET", "authorization")
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert allowed.headers["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert allowed.headers["Access-Control-Allow-Headers"] == "authorization"
    assert allowed.headers["Access-Control-Max-Age"] == "600"
    assert allowed.headers["Access-Control-Expose-Headers"] == "ETag"
    refused = preflight(lakebox_server.endpoint, bucket, "charts/a.json", "https://evil.example.com", "GET")
    assert refused.status_code == 403
    assert b"This CORS request is not allowed" in refused.content
    assert preflight(lakebox_server.endpoint, bucket, "charts/a.json", ORIGIN, "DELETE").status_code == 403

    s3.put_object(Bucket=bucket, Key="charts/a.json", Body=b'{"points": [1, 2]}')
    read = requests.get(s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "charts/a.json"}),
                        headers={"Origin": ORIGIN}, timeout=30)
    assert read.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert read.headers["Access-Control-Expose-Headers"] == "ETag"
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"][0]["AllowedMethods"] == ["GET", "HEAD"]

    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyUnencryptedUploads", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
        "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}}]}))
    code, message = error_of(s3.put_object, Bucket=bucket, Key="charts/b.json", Body=b"{}")
    assert code == "AccessDenied"
    assert message == (f'User: arn:aws:iam::000000000000:root is not authorized to perform: s3:PutObject on '
                       f'resource: "arn:aws:s3:::{bucket}/charts/b.json" with an explicit deny in a '
                       f'resource-based policy')
    encrypted = s3.put_object(Bucket=bucket, Key="charts/b.json", Body=b"{}", ServerSideEncryption="aws:kms")
    assert encrypted["ServerSideEncryption"] == "aws:kms"
    assert "SSEKMSKeyId" in encrypted

    quiet = s3.delete_objects(Bucket=bucket, Delete={"Quiet": True, "Objects": [
        {"Key": "charts/a.json"}, {"Key": "charts/b.json"}, {"Key": "charts/never-there.json"}]})
    assert "Deleted" not in quiet and quiet.get("Errors", []) == []
    loud = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "charts/a.json"}]})
    assert loud["Deleted"] == [{"Key": "charts/a.json"}]
    assert error_of(s3.delete_objects, Bucket=bucket, Delete={"Objects": []}) == (
        "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
    assert error_of(s3.delete_objects, Bucket=bucket, Delete={"Objects": [{"Key": f"k{i}"} for i in range(1001)]}) == (
        "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
    s3.delete_bucket_policy(Bucket=bucket)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
