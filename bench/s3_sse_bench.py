#!/usr/bin/env python3
"""S3 GET throughput of encrypted objects (SSE-KMS, SSE-S3) against plain ones.

    python3 bench/s3_sse_bench.py [--duration 5] [--plain-root /work/main] [--no-pin]

Every object lakebox writes now is encrypted at rest, so the plain figure comes from a
server of the code before encryption at rest (`--plain-root`, a checkout without
`services/s3/encryption.py`); the encrypted ones from this tree. Each GET is a presigned
URL fetched over one keep-alive connection, so the client costs little and the figure is
the server's; each figure also comes per second of the server's own CPU time (from
/proc), which is what to read on a shared machine. Objects of 1 KiB and 8 MiB.

Servers run with a fresh `--data-dir`, `--limits off`, `--quiet`; on two or more cores
the server runs on core 0 and this script on core 1. Prints figures and the target
(an SSE-KMS GET at least 70% of a plain GET, issue 13); asserts nothing.
"""
import argparse
import http.client
import os
import sys
import time
import urllib.parse

import boto3
from botocore.config import Config

import servers

TARGET_RATIO = 0.70
SIZES = {"1 KiB": 1024, "8 MiB": 8 << 20}


def client(port, service):
    return boto3.client(service, endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="secret",
                        config=Config(s3={"addressing_style": "path"}))


def prepared_gets(port, bucket, encryption) -> dict:
    """{size name: presigned GET URL path} of objects written with `encryption` (kwargs)."""
    s3 = client(port, "s3")
    s3.create_bucket(Bucket=bucket)
    paths = {}
    for name, size in SIZES.items():
        key = name.replace(" ", "")
        s3.put_object(Bucket=bucket, Key=key, Body=os.urandom(size), **encryption)
        url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=3600)
        parts = urllib.parse.urlsplit(url)
        paths[name] = f"{parts.path}?{parts.query}"
    return paths


def gets_per_second(port, pid, path, duration):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get():
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{response.status}: {body[:300]!r}")
    for _ in range(20):
        get()
    calls, start, cpu = 0, time.perf_counter(), servers.cpu_seconds(pid)
    while time.perf_counter() - start < duration:
        get()
        calls += 1
    elapsed, used = time.perf_counter() - start, servers.cpu_seconds(pid) - cpu
    return calls / elapsed, calls / used if used else float("nan")


def _started(tree, core):
    server = servers.lakebox(core, "--limits", "off", "--quiet", tree=os.path.abspath(tree))
    if server is None:
        sys.exit(f"the server from {tree} did not start")
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--plain-root", default="/work/main")
    parser.add_argument("--no-pin", action="store_true")
    args = parser.parse_args()
    servers.end_at_exit()
    core = servers.pin_load(not args.no_pin)
    figures = {}
    plain = _started(args.plain_root, core)
    figures["plain"] = {name: gets_per_second(plain.port, plain.pid, path, args.duration)
                        for name, path in prepared_gets(plain.port, "bench-plain", {}).items()}
    server = _started(servers.ROOT, core)
    port = server.port
    key_arn = client(port, "kms").create_key()["KeyMetadata"]["Arn"]
    for label, encryption in (("SSE-S3", {"ServerSideEncryption": "AES256"}),
                              ("SSE-KMS", {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": key_arn})):
        paths = prepared_gets(port, f"bench-{label.lower()}", encryption)
        figures[label] = {name: gets_per_second(port, server.pid, path, args.duration)
                          for name, path in paths.items()}
    print(f"\nS3 GET, one client, {args.duration:g}s per figure: GETs/s (GETs per server CPU-s)")
    print(f"| objects  | {' | '.join(f'{name:>20}' for name in SIZES)} |")
    for label, row in figures.items():
        print(f"| {label:<8} | " + " | ".join(f"{f'{row[n][0]:,.0f} ({row[n][1]:,.0f})':>20}" for n in SIZES) + " |")
    for name in SIZES:
        rate, per_cpu = figures["SSE-KMS"][name]
        plain_rate, plain_cpu = figures["plain"][name]
        print(f"SSE-KMS GET of {name}: {rate / plain_rate:.0%} of plain ({per_cpu / plain_cpu:.0%} per server "
              f"CPU-s), target >= {TARGET_RATIO:.0%}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
