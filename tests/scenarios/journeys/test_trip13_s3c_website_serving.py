"""A docs team serves a public site from a bucket's website endpoint, as S3 served one in
us-east-1 (radkawar/stackd testdata/aws/s3/website_http_replay.json,
native-anonymous-serving-and-routing): a missing key is 404 NoSuchKey even though the
policy grants no s3:ListBucket, and the error document comes with x-amz-error-code and
x-amz-error-detail-key; a folder's redirect is a 302 "Found" page; an error document
that cannot be read is reported below the error; a signed request is still anonymous;
only GET, HEAD and OPTIONS are allowed (an OPTIONS with no Origin is BadRequest);
RedirectAllRequestsTo and a prefix rule keep the query, a ReplaceKeyWith is sent as
written; a rule's prefix does not match an escaped slash."""
import json

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

pytestmark = pytest.mark.local_only      # the website host is lakebox's own

HTML = "text/html; charset=utf-8"


def _host(server, bucket):
    return f"{bucket}.s3-website.{server.endpoint.split('//', 1)[1].replace('127.0.0.1', 'localhost')}"


def _get(server, bucket, path, method="GET", **headers):
    return requests.request(method, server.endpoint + path, allow_redirects=False, timeout=30,
                            headers={"Host": _host(server, bucket), **headers})


def _site(s3, bucket):
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "BlockPublicPolicy": False, "IgnorePublicAcls": True, "RestrictPublicBuckets": False})
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/private/*",
         "Condition": {"Null": {"aws:PrincipalArn": "true"}}}]}))
    for key, text in {"index.html": "ROOT INDEX\n", "error.html": "CUSTOM ERROR\n", "docs/index.html": "DOCS\n",
                      "a b+%/index.html": "ESCAPED\n", "private/secret.txt": "PRIVATE\n",
                      "private/error.html": "PRIVATE ERROR\n", "old/existing.txt": "OLD\n"}.items():
        s3.put_object(Bucket=bucket, Key=key, Body=text.encode(), ContentType="text/html")


def test_missing_keys_folders_and_error_documents(lakebox_server, client, bucket):
    s3 = client("s3")
    _site(s3, bucket)
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}})
    missing = _get(lakebox_server, bucket, "/missing/")
    assert (missing.status_code, missing.text) == (404, "CUSTOM ERROR\n")
    assert (missing.headers["x-amz-error-code"], missing.headers["x-amz-error-detail-key"]) == (
        "NoSuchKey", "missing/index.html")
    denied = _get(lakebox_server, bucket, "/private/secret.txt", method="HEAD")
    assert (denied.status_code, denied.headers["x-amz-error-code"]) == (403, "AccessDenied")

    folder = _get(lakebox_server, bucket, "/docs?x=1&slash=%2F")
    assert (folder.status_code, folder.headers["Location"], folder.headers["x-amz-error-code"]) == (302, "/docs/", "Found")
    assert folder.headers["Content-Type"] == HTML and "<li>Code: Found</li>" in folder.text
    assert _get(lakebox_server, bucket, "/a%20b%2B%25").headers["Location"] == "/a b+%25/"

    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "not-present-error.html"}})
    page = _get(lakebox_server, bucket, "/missing")
    assert (page.status_code, page.headers["Content-Type"]) == (404, HTML)
    for line in ("<li>Code: NoSuchKey</li>", "<li>Key: missing</li>", "<li>Key: not-present-error.html</li>",
                 "An Error Occurred While Attempting to Retrieve a Custom Error Document"):
        assert line in page.text
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "private/error.html"}})
    page = _get(lakebox_server, bucket, "/missing")
    assert page.status_code == 404 and "<li>Code: AccessDenied</li>" in page.text.split("<h3>")[1]

    signed = AWSRequest("GET", f"http://{_host(lakebox_server, bucket)}/private/secret.txt")
    SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(signed)
    headers = {name: value for name, value in signed.headers.items() if name.lower() != "host"}
    assert _get(lakebox_server, bucket, "/private/secret.txt", **headers).status_code == 403

    for method in ("POST", "PUT", "DELETE", "PATCH"):
        refused = _get(lakebox_server, bucket, "/index.html", method=method)
        assert (refused.status_code, refused.headers["Allow"]) == (405, "GET, HEAD, OPTIONS")
        assert "<li>Code: MethodNotAllowed</li>" in refused.text
    options = _get(lakebox_server, bucket, "/index.html", method="OPTIONS")
    assert options.status_code == 400 and "<li>Code: BadRequest</li>" in options.text


def test_redirects_keep_or_drop_the_query_as_s3_does(lakebox_server, client, bucket):
    s3 = client("s3")
    _site(s3, bucket)
    here = "http://" + _host(lakebox_server, bucket)
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"RedirectAllRequestsTo": {"HostName": "example.com"}})
    moved = _get(lakebox_server, bucket, "/a%20b%2Bc%25?q=%23")
    assert (moved.status_code, moved.headers["Location"]) == (301, "http://example.com/a%20b%2Bc%25?q=%23")

    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}, "RoutingRules": [
        {"Condition": {"KeyPrefixEquals": "old/"}, "Redirect": {"HttpRedirectCode": "302", "ReplaceKeyPrefixWith": "first/"}}]})
    assert _get(lakebox_server, bucket, "/old/existing.txt?x=%2F&x=a+b").headers["Location"] == (
        here + "/first/existing.txt?x=%2F&x=a+b")
    escaped = _get(lakebox_server, bucket, "/old%2Fescaped%3F%23")
    assert escaped.status_code == 404 and "<li>Key: old/escaped?#</li>" in escaped.text

    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}, "RoutingRules": [
        {"Condition": {"HttpErrorCodeReturnedEquals": "404", "KeyPrefixEquals": "old/"},
         "Redirect": {"HttpRedirectCode": "303", "ReplaceKeyPrefixWith": "missing/"}},
        {"Condition": {"HttpErrorCodeReturnedEquals": "403"}, "Redirect": {"HttpRedirectCode": "307", "ReplaceKeyWith": "denied.html"}}]})
    gone = _get(lakebox_server, bucket, "/old/missing?orig=%2F")
    assert (gone.status_code, gone.headers["Location"]) == (303, here + "/missing/missing?orig=%2F")
    denied = _get(lakebox_server, bucket, "/private/secret.txt")
    assert (denied.status_code, denied.headers["Location"]) == (307, here + "/denied.html")

    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}, "RoutingRules": [
        {"Redirect": {"HostName": "example.com", "HttpRedirectCode": "308", "Protocol": "https",
                      "ReplaceKeyWith": "target space+%/a?x=2#frag"}}]})
    written = _get(lakebox_server, bucket, "/docs?orig=%2F")
    assert (written.status_code, written.headers["Location"]) == (308, "https://example.com/target space+%/a?x=2#frag")
