"""Helpers of the client-journey scenarios: the aws cli run as a user runs it, test data,
key listings."""
import json
import os
import time

import pandas as pd

from aws_cli import run_cli

KEY, SECRET, REGION = "test", "test", "us-east-1"
# Key names that need escaping somewhere: in URLs, XML, shells, file systems.
ODD_NAMES = ["with space.txt", "plus+sign.txt", "percent%20.txt", "unicodé/ümlaut.txt", "eq=1/a&b.txt",
             "tilde~/x.txt", "quote'.txt", "hash#.txt", "brackets[1].txt", "star*.txt", "colon:time.txt",
             "semi;colon.txt", "dollar$.txt", "comma,.txt", "at@.txt", "question?.txt", "caret^.txt",
             "emoji😀.txt", "dots/../x.txt", "back\\slash.txt", "newline\nkey.txt"]


def aws(lakebox_server, *args, check=True, input=None):
    done = run_cli(lakebox_server, *args, access_key=KEY, output=None, text=False, input=input, timeout=180)
    if check:
        assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    return done


def out(done) -> str:
    return done.stdout.decode()


def api(lakebox_server, *args):
    return json.loads(out(aws(lakebox_server, "s3api", *args, "--output", "json")) or "{}")


def sales(n=200) -> pd.DataFrame:
    return pd.DataFrame({
        "order_id": range(1, n + 1),
        "region": (["eu", "us", "apac", "us"] * (n // 4 + 1))[:n],
        "amount": [round(1.5 * i, 2) for i in range(n)],
    })


def keys(s3, bucket, prefix=""):
    found = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        found += [item["Key"] for item in page.get("Contents", [])]
    return sorted(found)


def old(path):
    os.utime(path, (time.time() - 120, time.time() - 120))
