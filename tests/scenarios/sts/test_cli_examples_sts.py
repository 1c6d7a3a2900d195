"""The aws cli reference's STS examples (awscli/examples/sts), run as printed and compared
with the output they show: the credentials' Expiration is written in whole seconds,
`"Expiration": "2016-03-15T00:05:07Z"` (assume-role) and `"2019-11-01T20:26:47Z"`, with no
fraction, as the aws cli v1 prints STS's own text."""
import json
import re

from aws_cli import run_cli


def sts(lakebox_server, *args) -> dict:
    done = run_cli(lakebox_server, "sts", *args, access_key="123456789012")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_assume_role_and_get_session_token_print_expiration_in_whole_seconds(lakebox_server):
    assumed = sts(lakebox_server, "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/xaccounts3access",
                  "--role-session-name", "s3-access-example")
    session = sts(lakebox_server, "get-session-token", "--duration-seconds", "900")
    for credentials in (assumed["Credentials"], session["Credentials"]):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", credentials["Expiration"]), credentials["Expiration"]
