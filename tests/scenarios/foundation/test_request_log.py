"""`lakebox serve` says what happens: one line per request (service, operation, status,
milliseconds) at its default level; `--quiet` keeps it silent."""
import re
import socket
import subprocess
import sys
import time
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.local_only     # starts its own server to read its log


def serve_and_call(*flags) -> str:
    """Start `lakebox serve` with `flags`, make two calls, stop it; its log."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "lakebox.cli", "serve", "--in-memory", "--port", str(port),
                               *flags], stderr=subprocess.PIPE, text=True)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        _wait_healthy(endpoint)
        kinesis = boto3.client("kinesis", endpoint_url=endpoint, region_name="us-east-1",
                               aws_access_key_id="test", aws_secret_access_key="test")
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
