"""`lakebox serve` says what happens: one line per request (service, operation, status,
milliseconds) at its default level; `--quiet` keeps it silent."""
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.local_only     # starts its own server to read its log


def start(*flags):
    """(`lakebox serve` with `flags` on a free port, its endpoint), once healthy."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "lakebox.cli", "serve", "--in-memory", "--port", str(port),
                               *flags], stderr=subprocess.PIPE, text=True)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(endpoint)
    except OSError:
        server.kill()
        raise
    return server, endpoint


def kinesis_at(endpoint):
    return boto3.client("kinesis", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def serve_and_call(*flags) -> str:
    """Start `lakebox serve` with `flags`, make two calls, stop it; its log."""
    server, endpoint = start(*flags)
    try:
        kinesis = kinesis_at(endpoint)
        kinesis.list_streams()
        with pytest.raises(ClientError):
            kinesis.describe_stream(StreamName="not-there")
    finally:
        server.terminate()
        _, log = server.communicate(timeout=15)
    return log


def _wait_healthy(endpoint):
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(endpoint + "/_lakebox/health", timeout=2).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_each_request_is_logged_once():
    log = serve_and_call()
    assert len(re.findall(r"kinesis ListStreams 200 \d+\.\dms", log)) == 1
    assert len(re.findall(r"kinesis DescribeStream 400 \d+\.\dms", log)) == 1


def test_quiet_logs_no_requests():
    log = serve_and_call("--quiet")
    assert "ListStreams" not in log and "DescribeStream" not in log
    assert "listening on" in log


def test_a_burst_of_requests_is_logged_while_the_server_runs():
    server, endpoint = start()
    lines = []
    threading.Thread(target=_read_lines, args=(server.stderr, lines), daemon=True).start()
    try:
        kinesis = kinesis_at(endpoint)
        for _ in range(200):
            kinesis.list_streams()
        deadline = time.monotonic() + 5
        while sum("kinesis ListStreams 200" in line for line in lines) < 200 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert sum("kinesis ListStreams 200" in line for line in lines) == 200
    finally:
        server.terminate()
        server.wait(timeout=15)


def _read_lines(stream, lines):
    for line in stream:
        lines.append(line)
