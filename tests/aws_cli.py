"""The aws cli as scenario tests run it: a subprocess of the installed `awscli`, aimed at
the server under test, with plain keys or with a session's three credentials (as a user
exports them after `aws sts assume-role`). Shared by every scenario folder that runs it."""
import json
import os
import re
import subprocess
import sys


def run_cli(lakebox_server, *args, access_key="test", credentials=None, output="json", cwd=None,
            max_attempts=None, text=True, input=None, timeout=60):
    """`aws <args> [--output <output>] --endpoint-url <server>`; returns the finished
    process. `output` None leaves the format to the args; `max_attempts` sets
    AWS_MAX_ATTEMPTS (1: an error shows at once); `text` False keeps stdout and stderr
    as bytes (and `input` is bytes then); `cwd` is where `file://` paths resolve."""
    keys = {"AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": "test"}
    if credentials:
        keys = {"AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
                "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
                "AWS_SESSION_TOKEN": credentials["SessionToken"]}
    if max_attempts is not None:
        keys["AWS_MAX_ATTEMPTS"] = str(max_attempts)
    unset = ("AWS_PROFILE", "AWS_SESSION_TOKEN")
    env = {**{k: v for k, v in os.environ.items() if k not in unset},
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "", **keys}
    formats = ["--output", output] if output else []
    endpoint = ["--endpoint-url", lakebox_server.endpoint] if lakebox_server.endpoint else []
    return subprocess.run([sys.executable, "-m", "awscli", *args, *formats, *endpoint], env=env,
                          capture_output=True, text=text, input=input, timeout=timeout, cwd=cwd)


def answer_of(done) -> dict:
    """The JSON a successful cli run printed ({} when it printed nothing); a failed run
    fails the test with the cli's stderr."""
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


def printed_by(done) -> str:
    """The text a successful cli run printed; a failed run fails the test with its stderr."""
    assert done.returncode == 0, done.stderr
    return done.stdout


def printed_numbers(stdout: str, name: str) -> list[str]:
    """The numbers the cli printed (`--output json`) as the values of the members whose
    names match `name` (a regular expression), as written: `1602730539.0` stays so."""
    return re.findall(rf'"(?:{name})": ([0-9.]+)', stdout)
