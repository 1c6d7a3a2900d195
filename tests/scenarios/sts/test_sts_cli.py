"""STS with the aws cli, run as a user runs it."""
import json
import os
import subprocess
import sys



def aws(lakebox_server, *args):
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "123456789012", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": ""}
    env.pop("AWS_PROFILE", None)
    command = [sys.executable, "-m", "awscli", *args, "--output", "json"]
    if lakebox_server.endpoint:
        command += ["--endpoint-url", lakebox_server.endpoint]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    return done


def test_cli_get_caller_identity(lakebox_server):
    done = aws(lakebox_server, "sts", "get-caller-identity")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Account"] == "123456789012"


def test_cli_assume_role(lakebox_server):
    done = aws(lakebox_server, "sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/cli",
               "--role-session-name", "from-cli")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/cli/from-cli"


def test_cli_reports_the_server_error(lakebox_server):
    done = aws(lakebox_server, "sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/cli",
               "--role-session-name", "x" * 65)
    assert done.returncode != 0
    assert "ValidationError" in done.stderr
    assert "Member must have length less than or equal to 64" in done.stderr
