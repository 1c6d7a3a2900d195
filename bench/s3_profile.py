#!/usr/bin/env python3
"""Where lakebox's time goes on a 1 KiB S3 PutObject and GetObject, with no network in the way.

    python3 bench/s3_profile.py [--requests 5000] [--top 25] [--data-dir] [--sql] [--op PUT|GET]
                                [--sse AES256|aws:kms] [--size BYTES]

Builds lakebox's ASGI app in this process (in memory, or with a fresh data dir:
`--data-dir`), creates a bucket, then drives the requests bench/s3_cpu_bench.py replays
(botocore's headers, signed once) straight through the app: first timed, to give the
app's own cost per request, then under cProfile. `--sql` prints the SQL statements one
request of each kind runs. `--sse` writes the object encrypted at rest (SSE-S3, or
SSE-KMS under the AWS managed key) and `--size` makes it bigger than 1 KiB, for the cost
of decrypting on GET. Nothing listens on a port.
"""
import argparse
import asyncio
import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import s3_cpu_bench as bench  # noqa: E402

PORT = 4566


def make_call(method, path, headers, body):
    raw_path, _, query = path.partition("?")
    raw = [(b"host", f"127.0.0.1:{PORT}".encode())]
    if body:
        raw.append((b"content-length", str(len(body)).encode()))
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
             "method": method, "scheme": "http", "path": raw_path, "raw_path": raw_path.encode(),
             "query_string": query.encode(), "root_path": "", "headers": raw, "client": ("127.0.0.1", 50000),
             "server": ("127.0.0.1", PORT)}
    return scope, {"type": "http.request", "body": body, "more_body": False}


async def drive(app, call, count):
    scope, message = call
    statuses = []

    async def receive():
        return message

    async def send(event):
        if event["type"] == "http.response.start":
            statuses.append(event["status"])

    for _ in range(count):
        await app(scope, receive, send)
    return statuses


def build_app(data_dir):
    from lakebox.config import Config
    from lakebox.server import build

    return build(Config(data_dir=data_dir, port=PORT, log_level="warning"))


def calls(sse=None, size=None):
    made = {}
    data = bench.BODY.encode() if size is None else os.urandom(size)
    written = {"Key": bench.KEY, "Body": data, **({"ServerSideEncryption": sse} if sse else {})}
    for op, name, params, body in (("CREATE", "create_bucket", {}, b""),
                                   ("PUT", "put_object", written, data),
                                   ("GET", "get_object", {"Key": bench.KEY}, b"")):
        method, path, headers = bench.signed_request(PORT, name, Bucket=bench.BUCKET, **params)
        made[op] = make_call(method, path, headers, body)
    return made


def print_sql(state, loop, app, made):
    statements = []
    state.db.conn.set_trace_callback(statements.append)
    for op in ("PUT", "GET"):
        statements.clear()
        loop.run_until_complete(drive(app, made[op], 1))
        print(f"{op}: {len(statements)} SQL statements")
        for sql in statements:
            print("   ", " ".join(sql.split())[:160])
    state.db.conn.set_trace_callback(None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--data-dir", action="store_true", help="a fresh data dir instead of --in-memory")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one PUT and one GET")
    parser.add_argument("--op", choices=["PUT", "GET"], help="profile only this operation")
    parser.add_argument("--repeat", type=int, default=1, help="timed blocks per operation (min and median shown)")
    parser.add_argument("--no-profile", action="store_true", help="time only")
    parser.add_argument("--sse", choices=["AES256", "aws:kms"], help="write the object encrypted at rest")
    parser.add_argument("--size", type=int, help="object size in bytes (default: 1 KiB of text)")
    parser.add_argument("--lakebox", default=os.path.dirname(HERE), metavar="DIR",
                        help="the checkout to load lakebox from (default: this one), for A/B runs")
    parser.add_argument("--scratch", default=bench._default_scratch(), metavar="DIR",
                        help="where the data dir and temp files go (default: the temp dir; see s3_cpu_bench.py)")
    args = parser.parse_args()
    sys.path.insert(0, os.path.abspath(args.lakebox))
    bench.use_scratch(args.scratch)
    data_dir = tempfile.mkdtemp(prefix="lakebox-s3-profile-") if args.data_dir else None
    try:
        state, app = build_app(data_dir)
        made = calls(args.sse, args.size)
        loop = asyncio.new_event_loop()
        for op, count in (("CREATE", 1), ("PUT", 200), ("GET", 200)):      # warm caches
            statuses = loop.run_until_complete(drive(app, made[op], count))
            if set(statuses) != {200}:
                sys.exit(f"{op} answered {sorted(set(statuses))}, not 200")
        if args.sql:
            print_sql(state, loop, app, made)
        for op in [args.op] if args.op else ["PUT", "GET"]:
            blocks = []
            for _ in range(args.repeat):
                started = time.process_time()       # CPU time: other processes on the machine do not count
                loop.run_until_complete(drive(app, made[op], args.requests))
                blocks.append(1e6 * (time.process_time() - started) / args.requests)
            print(f"{op}: {min(blocks):.1f} us of CPU per request in the app alone (min of {args.repeat} blocks of "
                  f"{args.requests}; median {statistics.median(blocks):.1f}), "
                  f"{'data dir' if data_dir else 'in memory'}")
            if args.no_profile:
                continue
            profile = cProfile.Profile(time.process_time)   # CPU time: neighbours do not count
            profile.enable()
            loop.run_until_complete(drive(app, made[op], args.requests))
            profile.disable()
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats(order).print_stats(args.top)
                print(f"\n{op}: cProfile by {order} (cProfile inflates small calls: read shares)")
                print(out.getvalue().split("\n", 4)[-1])
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()
    finally:
        if data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
