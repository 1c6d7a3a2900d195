"""Access keys declared with `lakebox serve --credentials FILE` (or LAKEBOX_CREDENTIALS):
a JSON list of `{"AccessKeyId": ..., "SecretAccessKey": ..., "Account": "123456789012"}`,
each with an optional `"UserName"`: the key is then that IAM user's (its caller ARN is
`arn:aws:iam::<Account>:user/<UserName>`, which policies name and `${aws:username}` reads).

A declared key acts for its account, and its requests must be signed with its secret
(`aws/signing.verify`); keys not declared keep lakebox's default (a 12-digit key is that
account, any other key account 000000000000, any secret works).
"""
import functools
import json
import re
from dataclasses import dataclass

ACCOUNT = re.compile(r"^\d{12}$")
USER_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")        # IAM's user name characters and length


class BadCredentialsFile(Exception):
    pass


@dataclass(frozen=True)
class Declared:
    secret: str
    account: str
    user_name: str | None = None        # the key is this IAM user's: its ARN, `${aws:username}`

    @property
    def arn(self) -> str:
        if self.user_name:
            return f"arn:aws:iam::{self.account}:user/{self.user_name}"
        return f"arn:aws:iam::{self.account}:root"


@functools.lru_cache(maxsize=4)
def load(path: str | None) -> dict:
    """access key -> Declared, read once per path; BadCredentialsFile when unreadable."""
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            entries = json.load(f)
    except (OSError, ValueError) as error:
        raise BadCredentialsFile(f"cannot read credentials file {path}: {error}") from None
    if not isinstance(entries, list):
        raise BadCredentialsFile(f"{path}: expected a JSON list of {{AccessKeyId, SecretAccessKey, Account}}")
    declared = {}
    for entry in entries:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) and entry[k]
                                                  for k in ("AccessKeyId", "SecretAccessKey", "Account")):
            raise BadCredentialsFile(f"{path}: each entry needs AccessKeyId, SecretAccessKey and Account")
        if not ACCOUNT.match(entry["Account"]):
            raise BadCredentialsFile(f"{path}: account {entry['Account']!r} is not 12 digits")
        user_name = entry.get("UserName")
        if user_name is not None and not (isinstance(user_name, str) and USER_NAME.match(user_name)):
            raise BadCredentialsFile(f"{path}: user name {user_name!r} is not an IAM user name")
        declared[entry["AccessKeyId"]] = Declared(entry["SecretAccessKey"], entry["Account"], user_name)
    return declared
