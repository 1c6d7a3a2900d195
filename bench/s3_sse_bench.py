#!/usr/bin/env python3
"""S3 GET throughput of encrypted objects (SSE-KMS, SSE-S3) against plain ones.

    python3 bench/s3_sse_bench.py [--duration 5] [--rounds 3] [--conns 1] [--baseline OTHER_CHECKOUT]

One server of this tree holds three buckets: one without an encryption configuration
(its objects are stored as sent: the plain figure), one written with SSE-S3 and one with
SSE-KMS under a customer managed key; each holds a 1 KiB and an 8 MiB object. wrk
replays each object's presigned GET URL (so the load generator costs the server nothing
and is never the bottleneck), one connection by default, and each server's own CPU time
(utime + stime, from /proc) is read around every run: "CPU us/GET" is that time over the
GETs answered, the figure to read on a shared machine; GETs/s is what it answered pinned
to core 0 (wrk and this script on core 1), which other work on the machine lowers.

Rounds interleave the kinds, so a burst of other work lands on one round of each; each
figure is the best round (most GETs/s; lowest CPU per GET). `--baseline DIR` also runs a
server from another checkout in the same rounds (an A/B run of two builds). Servers run
with a fresh `--data-dir`, `--limits off`, `--quiet`. Prints figures and the target (an
SSE-KMS GET at least 70% of a plain GET, issue 13); asserts nothing.
"""
import argparse
import datetime
import os
import sys
import urllib.parse

import boto3
from botocore.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import foundation_bench as fb  # noqa: E402
import servers  # noqa: E402

TARGET_RATIO = 0.70
SIZES = {"1 KiB": 1024, "8 MiB": 8 << 20}
KINDS = ("plain", "SSE-S3", "SSE-KMS")


def client(port, service):
    return boto3.client(service, endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="secret",
                        config=Config(s3={"addressing_style": "path"}))


class Server:
    """A lakebox under test, the wrk script of each (kind, size name) and its runs."""

    def __init__(self, name, tree):
        self.name, self.tree = name, tree
        self.runs = None            # fb.CpuRuns, keyed by (kind, size name)
        self.scripts = {}

    def start(self, cores, scratch):
        running = servers.lakebox(cores.server, "--limits", "off", "--quiet", tree=os.path.abspath(self.tree),
                                  niceness=cores.niceness)
        if running is None:
            sys.exit(f"the server from {self.tree} did not start")
        self.runs = fb.CpuRuns(running)
        port = running.port
        key_arn = client(port, "kms").create_key()["KeyMetadata"]["Arn"]
        encryption = {"plain": {}, "SSE-S3": {"ServerSideEncryption": "AES256"},
                      "SSE-KMS": {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": key_arn}}
        s3 = client(port, "s3")
        for kind in KINDS:
            bucket = f"bench-{kind.lower()}"
            s3.create_bucket(Bucket=bucket)
            for size_name, size in SIZES.items():
                key, body = size_name.replace(" ", ""), os.urandom(size)
                s3.put_object(Bucket=bucket, Key=key, Body=body, **encryption[kind])
                if s3.get_object(Bucket=bucket, Key=key)["Body"].read() != body:
                    sys.exit(f"{self.name}: {kind} {size_name} did not read back")
                url = urllib.parse.urlsplit(s3.generate_presigned_url(
                    "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=3600))
                script = os.path.join(scratch, f"{self.name}-{kind}-{key}.lua")
                self.scripts[(kind, size_name)] = fb.write_replay_script(
                    script, "GET", None, {}, f"{url.path}?{url.query}")

    def measure(self, kind, size_name, wrk, conns, duration, cores):
        self.runs.measure((kind, size_name), wrk, self.scripts[(kind, size_name)], conns, duration, cores)

    def best(self, kind, size_name):
        return self.runs.best((kind, size_name))


def _cells(server, kind, size_name):
    rate, cpu = server.best(kind, size_name)
    each = " / ".join(f"{cpu_us:,.0f}" for cpu_us in server.runs.each((kind, size_name)))
    return [f"{rate:,.0f}" if rate else "-", f"{cpu:,.0f} ({each})" if cpu else "-"]


def report(chosen, args):
    print(f"\n### S3 GET, wrk -t1 -c{args.conns}, {args.duration}s per run, best of {args.rounds} interleaved rounds\n")
    header = ["server", "objects"] + [f"{n} {figure}" for n in SIZES for figure in ("GETs/s", "CPU us/GET (each round)")]
    fb.print_table(header, [[server.name, kind] + [cell for size_name in SIZES for cell in _cells(server, kind, size_name)]
                            for server in chosen for kind in KINDS])
    print()
    for server in chosen:
        for size_name in SIZES:
            rate, cpu = server.best("SSE-KMS", size_name)
            plain_rate, plain_cpu = server.best("plain", size_name)
            s3_rate, s3_cpu = server.best("SSE-S3", size_name)
            if not (rate and plain_rate and s3_rate):
                continue
            verdict = "met" if plain_cpu / cpu >= TARGET_RATIO else "NOT met"
            print(f"{server.name}, {size_name}: SSE-KMS GET {plain_cpu / cpu:.0%} of plain per server CPU-s "
                  f"({rate / plain_rate:.0%} in GETs/s), SSE-S3 {plain_cpu / s3_cpu:.0%} ({s3_rate / plain_rate:.0%}); "
                  f"target >= {TARGET_RATIO:.0%}: {verdict}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per measured wrk run (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--conns", type=int, default=1, help="wrk connections (default 1: one client)")
    parser.add_argument("--baseline", metavar="DIR", help="also run lakebox from this checkout, in the same rounds")
    parser.add_argument("--no-priority", action="store_true", help="run servers and wrk at normal niceness")
    args = parser.parse_args()
    servers.end_at_exit()
    cores, wrk = servers.wrk_cores(priority=not args.no_priority)
    print("lakebox S3 GET of encrypted objects")
    print(f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"- pinning: {cores.describe()}")
    print(f"- other load before the run: {fb._background_load()}")
    sys.stdout.flush()
    scratch = servers.scratch_dir("lakebox-sse-bench-lua-")
    chosen = [Server("this tree", servers.ROOT)]
    if args.baseline:
        chosen.append(Server(os.path.basename(os.path.normpath(args.baseline)), args.baseline))
    for server in chosen:
        server.start(cores, scratch)
        for kind in KINDS:                  # warm-up, discarded
            for size_name in SIZES:
                fb.run_wrk(wrk, server.scripts[(kind, size_name)], server.runs.running.port, args.conns, 1, cores)
    for _ in range(args.rounds):
        for size_name in SIZES:
            for kind in KINDS:
                for server in chosen:
                    server.measure(kind, size_name, wrk, args.conns, args.duration, cores)
    print(f"- other load after the run: {fb._background_load()}")
    print(f"- load average at the end: {os.getloadavg()[0]:.2f}")
    report(chosen, args)


if __name__ == "__main__":
    main()
