"""A request refused before its body was read must not spoil the connection it came on.

boto3 keeps connections alive and asks for `100-continue` before an upload's body: when
the answer is an error, it never sends the body and sends its next request on the same
connection. A server that still waits for the body would read that request as body.
"""
import io
import socket
import time
import urllib.parse

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from raw_http import read_response

NO_RETRIES = Config(retries={"max_attempts": 0})
SIGNED = ("Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{service}/aws4_request, "
          "SignedHeaders=host, Signature=0\r\nX-Amz-Date: " + time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "\r\n")


def test_boto3_upload_refused_before_its_body_then_the_next_call(lakebox_server):
    s3 = lakebox_server.client("s3", config=NO_RETRIES)
    s3.create_bucket(Bucket="reuse-after-refusal")
    for body in (b"small", io.BytesIO(b"x" * (2 * 1024 * 1024))):      # a file body asks for 100-continue
        with pytest.raises(ClientError) as refused:
            s3.put_object(Bucket="reuse-after-refusal", Key="k", Body=body, ContentMD5="not-an-md5")
        assert refused.value.response["Error"]["Code"] == "InvalidDigest"
        assert s3.list_objects_v2(Bucket="reuse-after-refusal")["KeyCount"] == 0


def _head_then_next(server, head: str, following: str) -> tuple[bytes, bytes]:
    """Send `head` (a request whose body is announced but withheld, as after a refused
    100-continue), read the answer, then send `following` on the same connection."""
    address = urllib.parse.urlparse(server.endpoint)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(head.encode())
        first = read_response(sock)
        try:
            sock.sendall(following.encode())
            second = read_response(sock)
        except (BrokenPipeError, ConnectionResetError):
            second = b""
    return first, second


@pytest.mark.local_only
@pytest.mark.parametrize("service, head", [
    ("s3", "PUT /reuse-raw/k HTTP/1.1\r\nHost: localhost\r\nContent-MD5: bad\r\n"),
    ("kinesis", "POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\n"
                "Content-Type: application/x-amz-json-1.1\r\nAuthorization: X\r\n"),
])
def test_an_early_answer_closes_the_connection_instead_of_misreading_the_next(lakebox_server, service, head):
    first, second = _head_then_next(
        lakebox_server, head + "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n",
        "GET /_lakebox/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 400")
    assert b"\r\nconnection: close\r\n" in first.lower()
    assert b"An error occurred when parsing the HTTP request" not in second


@pytest.mark.local_only
def test_a_fully_read_request_keeps_the_connection(lakebox_server):
    head = ("POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\n"
            "Content-Type: application/x-amz-json-1.1\r\n" + SIGNED.format(service="kinesis") +
            "Content-Length: 2\r\n\r\n{}")
    first, second = _head_then_next(lakebox_server, head, "GET /_lakebox/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 200") and b"connection: close" not in first.lower()
    assert second.startswith(b"HTTP/1.1 200")
