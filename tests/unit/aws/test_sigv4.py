"""Our SigV4 computation agrees with botocore's signer, for S3 (path as sent, payload hash
header) and for other services (path encoded again, body hashed), header and query."""
from urllib.parse import urlsplit

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from lakebox.aws import sigv4
from lakebox.aws.asgi import _parse_query
from lakebox.aws.context import HttpRequest

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def _ours(prepared, body=b"") -> HttpRequest:
    url = urlsplit(prepared.url)
    headers = {name.lower(): value.decode() if isinstance(value, bytes) else value
               for name, value in prepared.headers.items()}
    headers.setdefault("host", url.netloc)
    return HttpRequest(prepared.method, url.path or "/", _parse_query(url.query), headers, body, url.netloc)


def _check(req, s3, secret=SECRET):
    signed = sigv4.from_request(req)
    text = sigv4.string_to_sign(signed, sigv4.canonical_request(req, signed, s3))
    return sigv4.signature(secret, signed, text) == signed.signature


def test_s3_header_signatures_agree_with_botocore():
    request = AWSRequest(method="PUT", url="http://localhost:4566/bucket/a%20b/%C3%BC.txt?tagging=&versionId=x%2By",
                         data=b"body", headers={"Content-Type": "text/plain", "x-amz-meta-k": "a  b"})
    S3SigV4Auth(Credentials("AKID", SECRET), "s3", "us-east-1").add_auth(request)
    req = _ours(request.prepare(), b"body")
    assert _check(req, s3=True)
    assert not _check(req, s3=True, secret="other")


def test_s3_presigned_urls_agree_with_botocore():
    request = AWSRequest(method="GET", url="http://localhost:4566/bucket/key.txt?response-content-type=text%2Fplain")
    S3SigV4QueryAuth(Credentials("AKID", SECRET, "token"), "s3", "us-east-1", expires=600).add_auth(request)
    assert _check(_ours(request.prepare()), s3=True)


def test_json_service_signatures_hash_the_body():
    body = b'{"StreamName": "s"}'
    request = AWSRequest(method="POST", url="http://localhost:4566/", data=body,
                         headers={"X-Amz-Target": "Kinesis_20131202.DescribeStream",
                                  "Content-Type": "application/x-amz-json-1.1"})
    SigV4Auth(Credentials("AKID", SECRET), "kinesis", "us-east-1").add_auth(request)
    req = _ours(request.prepare(), body)
    assert _check(req, s3=False)
    req.body = b'{"StreamName": "t"}'
    assert not _check(req, s3=False)

