"""S3 as browsers and plain HTTP clients reach it: presigned URLs, CORS preflight, and
lifecycle expiry on the lakebox clock."""
import time

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from s3_helpers import http


def eventually_missing(s3, bucket, key, seconds=5.0) -> bool:
    """The scheduler runs due jobs right after the clock moves, beside this request."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            s3.head_object(Bucket=bucket, Key=key)
        except ClientError as error:
            return error.response["Error"]["Code"] == "404"
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def s3v4(lakebox_server):
    """Presigns with SigV4 query auth (boto3 presigns S3 URLs with SigV2 by default)."""
    return lakebox_server.client("s3", config=Config(signature_version="s3v4"))


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("web", digits=12)


@pytest.fixture
def clock(lakebox_server):
    """Moves the lakebox clock, and puts it back afterwards."""
    start = lakebox_server._call("GET", "/_lakebox/clock")["offset"]
    yield lakebox_server
    lakebox_server._call("POST", "/_lakebox/clock", {"offset": start})


def test_presigned_put_then_get(s3v4, bucket):
    s3 = s3v4
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "up.txt"}, ExpiresIn=300)
    status, _, body = http(put_url, "PUT", data=b"sent by a browser")
    assert status == 200, body
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "up.txt"}, ExpiresIn=300)
    status, _, body = http(get_url)
    assert status == 200 and body == b"sent by a browser"


def test_presigned_sigv2_get(lakebox_server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="v2.txt", Body=b"old style")
    v2 = lakebox_server.client("s3", config=Config(signature_version="s3"))
    url = v2.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "v2.txt"})
    assert "AWSAccessKeyId=" in url and "Signature=" in url
    status, _, body = http(url)
    assert status == 200 and body == b"old style"


@pytest.mark.local_only
def test_presigned_url_expires(clock, s3v4, bucket):
    s3 = s3v4
    s3.put_object(Bucket=bucket, Key="soon.txt", Body=b"x")
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "soon.txt"}, ExpiresIn=60)
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "soon.txt"}, ExpiresIn=60)
    clock.advance_clock(3600)
    for url, method, data in [(get_url, "GET", None), (put_url, "PUT", b"late")]:
        status, _, body = http(url, method, data)
        assert status == 403
        assert b"<Code>AccessDenied</Code>" in body
        assert b"<Message>Request has expired</Message>" in body
        assert b"<X-Amz-Expires>60</X-Amz-Expires>" in body
        assert b"<ServerTime>" in body


@pytest.mark.local_only
def test_presigned_sigv2_url_expires(clock, lakebox_server, s3, bucket):
    v2 = lakebox_server.client("s3", config=Config(signature_version="s3"))
    url = v2.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60)
    clock.advance_clock(3600)
    status, _, body = http(url)
    assert status == 403
    assert b"<Message>Request has expired</Message><Expires>" in body


def test_presigned_expiry_longer_than_a_week(s3v4, bucket):
    url = s3v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=604801)
    status, _, body = http(url)
    assert status == 400
    assert b"<Code>AuthorizationQueryParametersError</Code>" in body


def test_cors_preflight_and_actual_request(lakebox_server, s3, bucket):
    if lakebox_server.endpoint is None:
        pytest.skip("raw OPTIONS to the lakebox endpoint")
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET", "PUT"],
        "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600}]})
    s3.put_object(Bucket=bucket, Key="page.html", Body=b"<p>hi</p>")
    url = f"{lakebox_server.endpoint}/{bucket}/page.html"
    status, headers, _ = http(url, "OPTIONS", headers={
        "Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type, x-amz-date"})
    assert status == 200
    assert headers["access-control-allow-origin"] == "https://app.example.com"
    assert "PUT" in headers["access-control-allow-methods"]
    assert headers["access-control-max-age"] == "600"

    status, _, body = http(url, "OPTIONS", headers={
        "Origin": "https://evil.example.net", "Access-Control-Request-Method": "GET"})
    assert status == 403
    assert b"<Code>AccessForbidden</Code>" in body
    assert b"CORSResponse: This CORS request is not allowed." in body

    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "page.html"})
    status, headers, body = http(get_url, headers={"Origin": "https://app.example.com"})
    assert status == 200 and body == b"<p>hi</p>"
    assert headers["access-control-allow-origin"] == "https://app.example.com"
    assert headers["access-control-expose-headers"] == "ETag"


@pytest.mark.local_only
def test_lifecycle_expires_objects_on_the_lakebox_clock(clock, s3, bucket):
    s3.put_object(Bucket=bucket, Key="tmp/scratch.csv", Body=b"a,b\n")
    s3.put_object(Bucket=bucket, Key="keep/report.csv", Body=b"a,b\n")
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
        "ID": "scratch", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 1}}]})
    head = s3.head_object(Bucket=bucket, Key="tmp/scratch.csv")
    assert head["Expiration"].endswith('00:00:00 GMT", rule-id="scratch"')   # due at a midnight UTC
    clock.advance_clock(2 * 86400)
    assert eventually_missing(s3, bucket, "tmp/scratch.csv")
    assert s3.head_object(Bucket=bucket, Key="keep/report.csv")["ContentLength"] == 4
