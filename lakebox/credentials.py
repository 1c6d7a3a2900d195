"""Access keys declared with `lakebox serve --credentials FILE` (or LAKEBOX_CREDENTIALS):
a JSON list of `{"AccessKeyId": ..., "SecretAccessKey": ..., "Account": "123456789012"}`.

A declared key acts for its account, and its requests must be signed with its secret
(`aws/signing.verify`); keys not declared keep lakebox's default (a 12-digit key is that
account, any other key account 000000000000, any secret works).
"""
import functools
import json
import re
from dataclasses import dataclass

ACCOUNT = re.compile(r"^\d{12}$")


class BadCredentialsFile(Exception):
    pass


@dataclass(frozen=True)
class Declared:
    secret: str
    account: str


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
        declared[entry["AccessKeyId"]] = Declared(entry["SecretAccessKey"], entry["Account"])
    return declared
