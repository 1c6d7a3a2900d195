"""A request answered early (a bad Content-MD5, a signature that cannot be one) whose body
was SENT, in full, right behind its headers, as curl and clients without
`Expect: 100-continue` send it. Either the server reads that body away or it closes the
connection; the next request on the connection must never be read out of the left-over
body (answered "An error occurred when parsing the HTTP request.").

Raw sockets throughout: these tests hold for any HTTP layer under the pipeline."""
import http.client
import socket
import time
import urllib.parse

import pytest
from raw_http import bucket_holding, read_response

pytestmark = pytest.mark.local_only     # hand-made, half-signed requests

BUCKET = "audit8-reuse"
STORED = b"stored before"


def signed(service: str) -> str:
    now = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return (f"Authorization: AWS4-HMAC-SHA256 Credential=test/{now[:8]}/us-east-1/{service}/aws4_request, "
            f"SignedHeaders=host, Signature=0\r\nX-Amz-Date: {now}\r\n")


def bad_md5_put(size: int) -> bytes:
    return (f"PUT /{BUCKET}/refused HTTP/1.1\r\nHost: localhost\r\n{signed('s3')}"
            f"x-amz-content-sha256: UNSIGNED-PAYLOAD\r\nContent-MD5: bad\r\nContent-Length: {size}\r\n\r\n"
            ).encode() + b"k" * size


def good_get() -> bytes:
    return (f"GET /{BUCKET}/stored HTTP/1.1\r\nHost: localhost\r\n{signed('s3')}"
            "x-amz-content-sha256: UNSIGNED-PAYLOAD\r\n\r\n").encode()


@pytest.fixture(scope="module")
def stored(lakebox_server):
    return bucket_holding(lakebox_server, BUCKET, "stored", STORED)


def connect(server):
    address = urllib.parse.urlparse(server.endpoint)
    return socket.create_connection((address.hostname, address.port), timeout=10)


def next_answer_on(sock, request: bytes) -> bytes:
    """The answer to `request` sent on `sock`, or b"" when the server closed it."""
    try:
        sock.sendall(request)
        return read_response(sock)
    except (BrokenPipeError, ConnectionResetError):
        return b""


def assert_kept_or_closed(first: bytes, second: bytes):
    """The refused request said it would close the connection and did, or the next one on
    it was answered as itself."""
    if b"\r\nconnection: close\r\n" in first.lower():
        assert second == b""
    else:
        assert second.startswith(b"HTTP/1.1 200") and second.endswith(STORED)


@pytest.mark.parametrize("size", [5, 70_000])
def test_a_bad_content_md5_with_its_body_sent_then_a_get_on_the_same_socket(stored, size):
    with connect(stored) as sock:
        sock.sendall(bad_md5_put(size))
        first = read_response(sock)
        second = next_answer_on(sock, good_get())
    assert first.startswith(b"HTTP/1.1 400")
    assert b"<Code>InvalidDigest</Code>" in first
    assert b"parsing the HTTP request" not in second
    assert_kept_or_closed(first, second)


def test_a_refused_request_and_the_next_sent_together(stored):
    """Pipelined: the good request is already in the socket behind the refused one's body."""
    with connect(stored) as sock:
        sock.sendall(bad_md5_put(5) + good_get())
        first = read_response(sock)
        second = read_response(sock)
    assert b"<Code>InvalidDigest</Code>" in first
    assert b"parsing the HTTP request" not in second
    assert_kept_or_closed(first, second)


def test_a_json_request_refused_for_its_signature_with_its_body_sent(stored):
    body = b'{"StreamName": "never-read", "ShardCount": 1}'
    refused = (f"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: Kinesis_20131202.CreateStream\r\n"
               f"Content-Type: application/x-amz-json-1.1\r\nAuthorization: X\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    with connect(stored) as sock:
        sock.sendall(refused)
        first = read_response(sock)
        second = next_answer_on(sock, good_get())
    assert first.startswith(b"HTTP/1.1 400") and b"IncompleteSignatureException" in first
    assert b"parsing the HTTP request" not in second
    assert_kept_or_closed(first, second)


def test_a_keep_alive_client_gets_its_next_answer_after_a_refusal(stored):
    """http.client, as requests/urllib3 use it: one connection object, reopened by the
    client when the server said it closes."""
    connection = http.client.HTTPConnection(urllib.parse.urlparse(stored.endpoint).netloc, timeout=10)
    now = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    headers = {"Authorization": f"AWS4-HMAC-SHA256 Credential=test/{now[:8]}/us-east-1/s3/aws4_request, "
                                "SignedHeaders=host, Signature=0",
               "X-Amz-Date": now, "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
    connection.request("PUT", f"/{BUCKET}/refused", body=b"k" * 70_000, headers={**headers, "Content-MD5": "bad"})
    refused = connection.getresponse()
    assert (refused.status, b"<Code>InvalidDigest</Code>" in refused.read()) == (400, True)
    connection.request("GET", f"/{BUCKET}/stored", headers=headers)
    answer = connection.getresponse()
    assert (answer.status, answer.read()) == (200, STORED)
    connection.request("GET", f"/{BUCKET}/refused", headers=headers)
    assert connection.getresponse().status == 404          # the refused PUT stored nothing
