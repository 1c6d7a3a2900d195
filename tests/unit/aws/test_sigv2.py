"""Our S3 SigV2 string to sign agrees with botocore's HmacV1 signers: header and
presigned, path-style and virtual-hosted, with sub-resources and x-amz headers."""
from urllib.parse import urlsplit

import pytest
from botocore.auth import HmacV1Auth, HmacV1QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from lakebox.aws import sigv2
from lakebox.aws.asgi import _parse_query
from lakebox.aws.context import HttpRequest

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def _ours(prepared) -> HttpRequest:
    url = urlsplit(prepared.url)
    headers = {name.lower(): value.decode() if isinstance(value, bytes) else value
               for name, value in prepared.headers.items()}
    headers.setdefault("host", url.netloc)
    return HttpRequest(prepared.method, url.path or "/", _parse_query(url.query), headers, b"", url.netloc)


def _verifies(req, bucket, secret=SECRET) -> bool:
    signed = sigv2.from_request(req)
    return any(sigv2.signature(secret, text) == signed.signature
               for text in sigv2.strings_to_sign(req, signed, bucket))


@pytest.mark.parametrize("url, auth_path", [
    ("http://localhost:4566/bucket/a%20b/%C3%BC.txt?tagging&versionId=x%2By", None),
    ("http://bucket.s3.localhost:4566/key.txt?acl", "/bucket/key.txt"),
    ("http://localhost:4566/bucket?uploads", "/bucket/"),
    ("http://localhost:4566/bucket/k?partNumber=2&uploadId=abc&x-id=UploadPart", None),
])
def test_header_signatures_agree_with_botocore(url, auth_path):
    request = AWSRequest(method="PUT", url=url, data=b"body", headers={
        "Content-Type": "text/plain", "Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg==", "x-amz-meta-k": " a, b "})
    request.auth_path = auth_path
    HmacV1Auth(Credentials("AKID", SECRET)).add_auth(request)
    req = _ours(request.prepare())
    assert _verifies(req, "bucket")
    assert not _verifies(req, "bucket", secret="other")


def test_presigned_urls_agree_with_botocore():
    request = AWSRequest(method="GET", url="http://localhost:4566/bucket/key.txt?response-content-type=text%2Fplain",
                         headers={"x-amz-security-token": "token"})
    HmacV1QueryAuth(Credentials("AKID", SECRET), expires=300).add_auth(request)
    prepared = request.prepare()
    req = _ours(prepared)
    req.headers.pop("x-amz-security-token", None)        # a presigned URL carries its x-amz headers in its query
    assert "Signature=" in prepared.url and _verifies(req, "bucket")
    assert not _verifies(req, "bucket", secret="other")
