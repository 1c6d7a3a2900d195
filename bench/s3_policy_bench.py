#!/usr/bin/env python3
"""What a bucket policy costs S3's PUT and GET: server CPU per 1 KiB PUT and GET on a
bucket without a policy and on one with a 20-statement policy.

    PYTHONPATH=$PWD python3 bench/s3_policy_bench.py [--ops 400] [--rounds 3]

The policy is the worst case for the bucket's own account: 19 Allow statements for
other accounts' roles on their prefixes, each with a condition, and one Deny with a
condition (an address allow-list, `aws:SourceIp`) over the whole bucket, so every request walks
the statements (a policy with no Deny costs the owner nothing: only a Deny can stop it).
A second measurement calls from another account granted by the last Allow. The server's
own CPU time (utime + stime from /proc) over the requests answered is the figure, robust
on a shared machine; boto3's own cost is the client's, not counted. Rounds alternate
the buckets and the best round of each is reported.
"""
import argparse
import json
import os

import boto3
from botocore.config import Config

from lakebox.testing import LakeboxServer

OTHER = "111122223333"


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def policy(bucket: str) -> str:
    statements = [{"Sid": f"Team{i}", "Effect": "Allow",
                   "Principal": {"AWS": f"arn:aws:iam::{OTHER}:role/team{i}"},
                   "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::{bucket}/team{i}/*",
                   "Condition": {"StringEquals": {"s3:x-amz-server-side-encryption": "AES256"}}}
                  for i in range(18)]
    statements.append({"Sid": "Other", "Effect": "Allow", "Principal": {"AWS": OTHER},
                       "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::{bucket}/*"})
    statements.append({"Sid": "LocalOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                       "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                       "Condition": {"NotIpAddress": {"aws:SourceIp": ["127.0.0.0/8", "::1/128"]}}})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def per_op_ms(server, client, bucket, ops) -> float:
    body = b"x" * 1024
    before = cpu_seconds(server.process.pid)
    for _ in range(ops):
        client.put_object(Bucket=bucket, Key="k", Body=body)
        client.get_object(Bucket=bucket, Key="k")["Body"].read()
    return (cpu_seconds(server.process.pid) - before) * 1000 / (2 * ops)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    config = Config(retries={"max_attempts": 0}, s3={"payload_signing_enabled": False})
    with LakeboxServer(limits="off") as server:
        owner = server.client("s3", config=config)
        other = server.client("s3", aws_access_key_id=OTHER, aws_secret_access_key="x", config=config)
        owner.create_bucket(Bucket="plain")
        owner.create_bucket(Bucket="guarded")
        owner.put_bucket_policy(Bucket="guarded", Policy=policy("guarded"))
        per_op_ms(server, owner, "plain", 50)
        per_op_ms(server, owner, "guarded", 50)
        results = {"no policy": [], "20 statements, owner": [], "20 statements, other account": []}
        for _ in range(args.rounds):
            results["no policy"].append(per_op_ms(server, owner, "plain", args.ops))
            results["20 statements, owner"].append(per_op_ms(server, owner, "guarded", args.ops))
            results["20 statements, other account"].append(per_op_ms(server, other, "guarded", args.ops))
    base = min(results["no policy"])
    for name, figures in results.items():
        best = min(figures)
        print(f"{name:32} {best:.3f} ms server CPU per op  ({(best / base - 1) * 100:+.1f}%)")


if __name__ == "__main__":
    main()
