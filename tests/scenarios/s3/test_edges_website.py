"""The static website endpoint of a bucket: `<bucket>.s3-website.localhost:<port>` here,
`<bucket>.s3-website-<region>.amazonaws.com` on AWS.

Sources: S3 User Guide, "Hosting a static website using Amazon S3": "Configuring an index
document" (`/` and `/folder/` serve the index; `/folder` is redirected to `/folder/` when
only its index exists), "Configuring a custom error document" (served for 4xx errors,
with their status), "Setting permissions for website access" (requests are anonymous:
the bucket must grant public read; a missing key is nonetheless 404 NoSuchKey there
without s3:ListBucket, as S3 answered in radkawar/stackd
testdata/aws/s3/website_http_replay.json, base GET /missing), "Configuring a webpage
redirect" (x-amz-website-redirect-location: 301),
"Configuring redirects" (routing rules; RedirectAllRequestsTo), "Key differences between
a website endpoint and a REST API endpoint" (GET and HEAD only; HTML error documents).
"""
import json

import pytest
import requests

pytestmark = pytest.mark.local_only      # the website host is lakebox's own


@pytest.fixture
def site(s3, make_bucket):
    name = make_bucket("site", digits=12)
    s3.put_object(Bucket=name, Key="index.html", Body=b"<h1>home</h1>", ContentType="text/html")
    s3.put_object(Bucket=name, Key="docs/index.html", Body=b"<h1>docs</h1>", ContentType="text/html")
    s3.put_object(Bucket=name, Key="error.html", Body=b"<h1>oops</h1>", ContentType="text/html")
    s3.put_bucket_website(Bucket=name, WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"},
        "RoutingRules": [{"Condition": {"KeyPrefixEquals": "old/"}, "Redirect": {"ReplaceKeyPrefixWith": "new/"}},
                         {"Condition": {"HttpErrorCodeReturnedEquals": "404"},
                          "Redirect": {"HostName": "example.com", "ReplaceKeyWith": "gone.html"}}]})
    return name


def _public(s3, name):
    s3.delete_public_access_block(Bucket=name)
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}]}))


def _get(server, bucket, path, method="GET", **headers):
    host = server.endpoint.split("//", 1)[1]
    return requests.request(method, server.endpoint + path, allow_redirects=False, timeout=30,
                            headers={"Host": f"{bucket}.s3-website.{host.replace('127.0.0.1', 'localhost')}",
                                     **headers})


def test_a_private_bucket_answers_403_as_an_html_page(lakebox_server, site):
    answer = _get(lakebox_server, site, "/")
    assert answer.status_code == 403 and answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>403 Forbidden</h1>" in answer.text and "<li>Code: AccessDenied</li>" in answer.text


def test_index_documents_and_folder_redirects(lakebox_server, s3, site):
    _public(s3, site)
    home = _get(lakebox_server, site, "/")
    assert (home.status_code, home.text, home.headers["Content-Type"]) == (200, "<h1>home</h1>", "text/html")
    assert _get(lakebox_server, site, "/docs/").text == "<h1>docs</h1>"
    folder = _get(lakebox_server, site, "/docs")
    assert (folder.status_code, folder.headers["Location"]) == (302, "/docs/")
    assert _get(lakebox_server, site, "/index.html", Range="bytes=0-3").text == "<h1>"


def test_the_error_document_comes_with_the_errors_status(lakebox_server, s3, site):
    _public(s3, site)
    s3.put_bucket_website(Bucket=site, WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}})
    missing = _get(lakebox_server, site, "/missing.html")      # no s3:ListBucket, still 404 (recorded)
    assert (missing.status_code, missing.text) == (404, "<h1>oops</h1>")


def test_routing_rules_and_object_redirects(lakebox_server, s3, site):
    _public(s3, site)
    s3.put_bucket_policy(Bucket=site, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [f"arn:aws:s3:::{site}/*", f"arn:aws:s3:::{site}"]}]}))
    moved = _get(lakebox_server, site, "/old/page.html")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/new/page.html")
    gone = _get(lakebox_server, site, "/nowhere.html")           # a 404 now, which a rule redirects
    assert (gone.status_code, gone.headers["Location"]) == (301, "http://example.com/gone.html")
    s3.put_object(Bucket=site, Key="short", Body=b"", WebsiteRedirectLocation="/docs/")
    short = _get(lakebox_server, site, "/short")
    assert (short.status_code, short.headers["Location"]) == (301, "/docs/")


def test_redirect_all_requests(lakebox_server, s3, make_bucket):
    name = make_bucket("site-move", digits=12)
    s3.put_bucket_website(Bucket=name, WebsiteConfiguration={
        "RedirectAllRequestsTo": {"HostName": "www.example.com", "Protocol": "https"}})
    answer = _get(lakebox_server, name, "/a/b.html")
    assert (answer.status_code, answer.headers["Location"]) == (301, "https://www.example.com/a/b.html")


def test_only_get_and_head_and_only_configured_buckets(lakebox_server, s3, site, make_bucket):
    _public(s3, site)
    put = _get(lakebox_server, site, "/x", method="PUT")
    assert put.status_code == 405 and "<li>Code: MethodNotAllowed</li>" in put.text
    assert _get(lakebox_server, site, "/", method="HEAD").status_code == 200
    plain = make_bucket("site-none", digits=12)
    answer = _get(lakebox_server, plain, "/")
    assert answer.status_code == 404 and "<li>Code: NoSuchWebsiteConfiguration</li>" in answer.text
    assert f"<li>BucketName: {plain}</li>" in answer.text
    nobody = _get(lakebox_server, "no-such-site-bucket-0000", "/")
    assert nobody.status_code == 404 and "<li>Code: NoSuchBucket</li>" in nobody.text
