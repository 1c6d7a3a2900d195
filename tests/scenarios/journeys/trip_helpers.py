"""Helpers for cross-service journeys: the aws cli run as a user runs it, the
(code, message) of an error a boto3 call raises, and waiting for work done off the
request path."""
import json
import time

import pytest
from botocore.exceptions import ClientError

from aws_cli import run_cli

KEY, SECRET, REGION = "test", "test", "us-east-1"


def aws(lakebox_server, *args):
    """Runs `aws <args> --output json` against the server; returns the finished process."""
    return run_cli(lakebox_server, *args, access_key=KEY, timeout=120)


def ok(done) -> dict:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


def ran(done) -> str:
    """The output of a cli command that prints text (the `aws s3` commands)."""
    assert done.returncode == 0, done.stderr
    return done.stdout


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def wait_for(condition, timeout=60):
    """The first truthy value of `condition()`, polled until `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)
    return found
