"""A site generator pushes website configurations from templates, and S3 admits or
refuses each one as it did in us-east-1 (radkawar/stackd
testdata/aws/s3/website_admission_replay.json): the refusals name IndexDocument,
ErrorDocument or RedirectAllRequestsTo with the value at fault, an empty host or a
protocol other than http/https is InvalidRequest, a status that is no number is
MalformedXML, an error code must be a 4XX or 5XX status HTTP defines (599 is not), and
hosts S3 does not parse (a URL, a port, a space) are kept; a refusal keeps the previous
configuration."""
import boto3
from botocore.config import Config

from trip_helpers import KEY, REGION, SECRET, error_of

INDEX = {"IndexDocument": {"Suffix": "index.html"}}


def _refused(s3, bucket, config):
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=INDEX)
    code, _message = error_of(s3.put_bucket_website, Bucket=bucket, WebsiteConfiguration=config)[:2]
    kept = s3.get_bucket_website(Bucket=bucket)
    kept.pop("ResponseMetadata")
    assert kept == INDEX
    return code


def _argument(s3, bucket, config):
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=INDEX)
    try:
        s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=config)
    except s3.exceptions.ClientError as error:
        found = error.response["Error"]
        assert "ArgumentValue" in found
        return found["Code"], found.get("ArgumentName"), found["ArgumentValue"] or ""     # boto3 reads <X></X> as None
    raise AssertionError("accepted")


def _rule(redirect, condition=None):
    rule = {"Redirect": redirect, **({"Condition": condition} if condition else {})}
    return {**INDEX, "RoutingRules": [rule]}


def test_website_templates_admitted_as_s3_admits_them(client, bucket):
    s3 = client("s3")
    assert _argument(s3, bucket, {}) == ("InvalidArgument", "IndexDocument", "null")
    assert _argument(s3, bucket, {"ErrorDocument": {"Key": "error.html"}}) == ("InvalidArgument", "IndexDocument", "null")
    assert _argument(s3, bucket, {"IndexDocument": {"Suffix": ""}}) == ("InvalidArgument", "IndexDocument", "")
    assert _argument(s3, bucket, {"IndexDocument": {"Suffix": "dir/index.html"}}) == (
        "InvalidArgument", "IndexDocument", "dir/index.html")
    unchecked = boto3.client("s3", endpoint_url=s3.meta.endpoint_url, region_name=REGION, aws_access_key_id=KEY,
                             aws_secret_access_key=SECRET, config=Config(parameter_validation=False))
    assert _argument(unchecked, bucket, {**INDEX, "ErrorDocument": {"Key": ""}}) == ("InvalidArgument", "ErrorDocument", "")
    assert _argument(s3, bucket, {**INDEX, "RedirectAllRequestsTo": {"HostName": "example.com"}}) == (
        "InvalidArgument", "RedirectAllRequestsTo", "not null")

    assert _refused(s3, bucket, {"RedirectAllRequestsTo": {"HostName": ""}}) == "InvalidRequest"
    for protocol in ("ftp", "HTTPS"):
        assert _refused(s3, bucket, {"RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": protocol}}) == (
            "InvalidRequest")
    assert _refused(s3, bucket, _rule({"Protocol": "ftp"})) == "InvalidRequest"
    assert _refused(s3, bucket, _rule({"ReplaceKeyWith": "dest", "HttpRedirectCode": "abc"})) == "MalformedXML"
    assert _refused(s3, bucket, _rule({"ReplaceKeyWith": "dest"}, {"HttpErrorCodeReturnedEquals": "abc"})) == "MalformedXML"
    for status in ("200", "399", "599", "600"):
        assert _refused(s3, bucket, _rule({"ReplaceKeyWith": "dest"}, {"HttpErrorCodeReturnedEquals": status})) == (
            "InvalidRequest")
    for status in ("400", "403", "404"):
        s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=_rule({"ReplaceKeyWith": "dest"},
                                                                          {"HttpErrorCodeReturnedEquals": status}))

    for host in ("https://example.com/path", "example.com:8080", "bad host", "example.com/path"):
        s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"RedirectAllRequestsTo": {"HostName": host}})
        assert s3.get_bucket_website(Bucket=bucket)["RedirectAllRequestsTo"] == {"HostName": host}
