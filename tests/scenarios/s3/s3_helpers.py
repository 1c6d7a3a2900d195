"""Helpers shared by the S3 scenarios."""
import json
import socket
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlsplit

import pytest
from botocore import UNSIGNED
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

MIB = 1024 * 1024
EXPECTED_BODY_SIZE = 8 * MIB       # what expect_continue_answer announces and never sends


def create_bucket(s3, prefix, digits=16, **args):
    """A new bucket named `{prefix}-{random hex}`; returns its name."""
    name = f"{prefix}-{uuid.uuid4().hex[:digits]}"
    s3.create_bucket(Bucket=name, **args)
    return name


def filled_bucket(s3, make_bucket, prefix, keys):
    """A new bucket (from the `make_bucket` fixture) holding `keys`, each with b"bytes"."""
    name = make_bucket(prefix)
    for key in keys:
        s3.put_object(Bucket=name, Key=key, Body=b"bytes")
    return name


def put_policy(s3, name, *statements):
    """Sets the bucket policy made of `statements`."""
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))


def remove_bucket(s3, name, **delete_args):
    """Aborts the bucket's unfinished uploads, deletes every version and delete marker
    (`delete_args` go to each DeleteObject), then the bucket."""
    for upload in s3.list_multipart_uploads(Bucket=name).get("Uploads", []):
        s3.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
        for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=name, Key=item["Key"], VersionId=item["VersionId"], **delete_args)
    s3.delete_bucket(Bucket=name)


def error_response(call, *args, **kwargs):
    """The error response of a call that must fail with a ClientError."""
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    return raised.value.response


def error_of(call, *args, **kwargs):
    """(error code, HTTP status, whole response) of a call that must fail."""
    response = error_response(call, *args, **kwargs)
    return response["Error"].get("Code"), response["ResponseMetadata"]["HTTPStatusCode"], response


def http(url, method="GET", data=None, headers=None):
    """(status, headers with lower-case names, body) of one plain HTTP request; error statuses too."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def signed_headers(url, method="GET", body=b"", headers=None, region="us-east-1", credentials=None):
    """`headers` plus a SigV4 signature of `credentials` (default: the `test` key), as an
    SDK sends them: a raw request that acts for the default account must be signed
    (unsigned ones are anonymous)."""
    request = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    S3SigV4Auth(credentials or Credentials("test", "test"), "s3", region).add_auth(request)
    return dict(request.headers.items())


def account_client(server, account: str, service: str = "s3"):
    """A client acting for `account` (a 12-digit key is that account), without retries."""
    return server.client(service, aws_access_key_id=account, aws_secret_access_key="x",
                         config=Config(retries={"max_attempts": 0}))


def anonymous_client(server):
    """An S3 client that signs nothing: an anonymous caller."""
    return server.client("s3", config=Config(signature_version=UNSIGNED, retries={"max_attempts": 0}))


def expect_continue_answer(endpoint: str, path: str, headers: dict, length: int = EXPECTED_BODY_SIZE) -> bytes:
    """Send only the head of a PUT announcing `length` bytes and read what the server
    answers before any body byte."""
    url = urlsplit(endpoint)
    lines = [f"PUT {path} HTTP/1.1", f"Host: {url.netloc}", f"Content-Length: {length}",
             "Expect: 100-continue", *(f"{name}: {value}" for name, value in headers.items()), "", ""]
    with socket.create_connection((url.hostname, url.port), timeout=30) as conn:
        conn.sendall("\r\n".join(lines).encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
        if answer.startswith(b"HTTP/1.1 100"):
            return answer
        # the error body follows its head
        conn.settimeout(5)
        try:
            while chunk := conn.recv(65536):
                answer += chunk
        except socket.timeout:
            pass
        return answer


def resolve_localhost(monkeypatch):
    """Resolves every name under .localhost to the loopback address for the test, as a
    machine with a wildcard DNS entry would (virtual-host addressing needs it)."""
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def admit_customer_keys(s3, bucket):
    """Let `bucket` take SSE-C writes: since April 2026 S3 blocks them on new buckets until
    the default encryption names BlockedEncryptionTypes NONE (S3 User Guide, "Blocking or
    unblocking SSE-C for a general purpose bucket")."""
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
        "BlockedEncryptionTypes": {"EncryptionType": ["NONE"]}}]})
