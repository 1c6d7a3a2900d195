"""The aws cli as scenario tests run it: a subprocess of the installed `awscli`, aimed at
the server under test, with plain keys or with a session's three credentials (as a user
exports them after `aws sts assume-role`). Shared by the folders' `test_review_*` files."""
import json
import os
import subprocess
import sys


def run_cli(lakebox_server, *args, access_key="test", credentials=None):
    keys = {"AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": "test"}
    if credentials:
        keys = {"AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
                "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
                "AWS_SESSION_TOKEN": credentials["SessionToken"]}
    unset = ("AWS_PROFILE", "AWS_SESSION_TOKEN")
    env = {**{k: v for k, v in os.environ.items() if k not in unset},
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "", **keys}
    endpoint = ["--endpoint-url", lakebox_server.endpoint] if lakebox_server.endpoint else []
    return subprocess.run([sys.executable, "-m", "awscli", *args, "--output", "json", *endpoint],
                          env=env, capture_output=True, text=True, timeout=60)


def answer_of(done) -> dict:
    """The JSON a successful cli run printed ({} when it printed nothing); a failed run
    fails the test with the cli's stderr."""
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}
