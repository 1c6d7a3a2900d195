"""The HTTP/1.1 layer every service rides on, driven over real sockets and real clients:
pipelining, 100-continue, chunked request bodies, HTTP/1.0, a client that leaves a long
poll, a large GET to a reader slower than the server."""
import hashlib
import socket
import time
import urllib.parse
import uuid

import pytest
from botocore.config import Config
from botocore.exceptions import ReadTimeoutError

pytestmark = pytest.mark.local_only     # raw requests aimed at lakebox's own endpoints and fake signatures
SIGNED = ("Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/kinesis/aws4_request, "
          "SignedHeaders=host, Signature=0\r\nX-Amz-Date: {date}\r\n")
LIST_STREAMS = ("POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\n"
                "Content-Type: application/x-amz-json-1.1\r\n")


def connect(server) -> socket.socket:
    address = urllib.parse.urlparse(server.endpoint)
    return socket.create_connection((address.hostname, address.port), timeout=10)


def signed() -> str:
    return SIGNED.format(date=time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))


def read_response(sock, pending=b"") -> tuple[bytes, bytes, bytes]:
    """(head, body, bytes after it) of one response framed by Content-Length."""
    data = pending
    while b"\r\n\r\n" not in data:
        data += _recv(sock)
    head, _, rest = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    while len(rest) < length:
        rest += _recv(sock)
    return head, rest[:length], rest[length:]


def _recv(sock) -> bytes:
    chunk = sock.recv(65536)
    if not chunk:
        raise ConnectionError("the server closed the connection")
    return chunk


def test_pipelined_requests_are_answered_in_order(lakebox_server):
    with connect(lakebox_server) as sock:
        sock.sendall(b"GET /_lakebox/health HTTP/1.1\r\nHost: localhost\r\n\r\n"
                     + (LIST_STREAMS + signed() + "Content-Length: 2\r\n\r\n{}").encode()
                     + b"GET /_lakebox/clock HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        health, body1, rest = read_response(sock)
        streams, body2, rest = read_response(sock, rest)
        clock, body3, rest = read_response(sock, rest)
        assert sock.recv(10) == b"" and rest == b""                       # closed, as asked
    assert health.startswith(b"HTTP/1.1 200") and b'"status": "ok"' in body1
    assert streams.startswith(b"HTTP/1.1 200") and b'"StreamNames"' in body2
    assert clock.startswith(b"HTTP/1.1 200") and b'"offset"' in body3 and b"connection: close" in clock


def test_100_continue_comes_before_the_body_and_the_connection_goes_on(lakebox_server):
    with connect(lakebox_server) as sock:
        sock.sendall((LIST_STREAMS + signed() + "Content-Length: 2\r\nExpect: 100-continue\r\n\r\n").encode())
        interim = b""
        while b"\r\n\r\n" not in interim:
            interim += _recv(sock)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"{}")
        head, body, _ = read_response(sock)
        assert head.startswith(b"HTTP/1.1 200") and b'"StreamNames"' in body
        sock.sendall(b"GET /_lakebox/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert read_response(sock)[0].startswith(b"HTTP/1.1 200")


def test_boto3_uploads_an_empty_body_then_another_on_the_same_connection(client, fresh_bucket):
    """Both ask for 100-continue; the empty one must get its 100 too, or botocore reads
    the next upload's answer with the first one's status line and waits forever."""
    s3 = client("s3", read_timeout=10)
    bucket = fresh_bucket("empty-then-full")
    s3.put_object(Bucket=bucket, Key="folder/", Body=b"")
    s3.put_object(Bucket=bucket, Key="folder/other/", Body=b"")
    s3.put_object(Bucket=bucket, Key="folder/file.csv", Body=b"a,b\n")
    assert s3.get_object(Bucket=bucket, Key="folder/file.csv")["Body"].read() == b"a,b\n"


def test_a_chunked_request_body_is_read(lakebox_server):
    with connect(lakebox_server) as sock:
        sock.sendall((LIST_STREAMS + signed() + "Transfer-Encoding: chunked\r\n\r\n").encode())
        sock.sendall(b"8\r\n{\"Limit\"\r\n")
        time.sleep(0.05)                    # the rest arrives later, as from a streaming client
        sock.sendall(b"3\r\n: 5\r\n1\r\n}\r\n0\r\n\r\n")
        head, body, _ = read_response(sock)
    assert head.startswith(b"HTTP/1.1 200") and b'"StreamNames"' in body


def test_an_http_1_0_client_is_answered_and_the_connection_closed(lakebox_server):
    with connect(lakebox_server) as sock:
        sock.sendall(b"GET /_lakebox/health HTTP/1.0\r\n\r\n")
        head, body, _ = read_response(sock)
        assert sock.recv(10) == b""
    assert head.startswith(b"HTTP/1.1 200") and b'"status": "ok"' in body


def test_a_receive_whose_client_left_takes_no_message(client, lakebox_server):
    """A long poll whose client timed out and hung up must not take the next message:
    its answer could reach no one, and the message would stay invisible to every
    other receiver for its visibility timeout."""
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=f"left-poll-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    try:
        impatient = lakebox_server.client("sqs", config=Config(read_timeout=1, retries={"total_max_attempts": 1}))
        with pytest.raises(ReadTimeoutError):
            impatient.receive_message(QueueUrl=url, WaitTimeSeconds=20)
        time.sleep(0.5)                     # the server sees the connection close
        sqs.send_message(QueueUrl=url, MessageBody="for whoever is still there")
        received = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5).get("Messages", [])
        assert [m["Body"] for m in received] == ["for whoever is still there"]
    finally:
        sqs.delete_queue(QueueUrl=url)


def test_a_large_get_reaches_a_slow_reader_whole_while_others_are_served(client, lakebox_server, fresh_bucket):
    s3 = client("s3")
    bucket = fresh_bucket("slow-reader")
    data = uuid.uuid4().bytes * (8 * 1024 * 1024 // 16)
    s3.put_object(Bucket=bucket, Key="big", Body=data)
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "big"})
    path = url.split(lakebox_server.endpoint, 1)[1]
    with connect(lakebox_server) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {urllib.parse.urlparse(url).netloc}\r\n\r\n".encode())
        received = sock.recv(64 * 1024)
        time.sleep(0.3)                     # the server's writes back up: it must wait, not buffer 8 MiB
        assert s3.head_object(Bucket=bucket, Key="big")["ContentLength"] == len(data)   # the loop is free
        while len(received) < len(data) + 200 and b"\r\n\r\n" in received:
            head, _, body = received.partition(b"\r\n\r\n")
            if len(body) >= len(data):
                break
            received += _recv(sock)
            time.sleep(0.0005)
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert hashlib.md5(body).hexdigest() == hashlib.md5(data).hexdigest()
