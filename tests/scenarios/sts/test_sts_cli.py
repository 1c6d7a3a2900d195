"""STS with the aws cli, run as a user runs it."""
import json

from aws_cli import run_cli


def aws(lakebox_server, *args):
    return run_cli(lakebox_server, *args, access_key="123456789012")


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
