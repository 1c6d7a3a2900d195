#!/usr/bin/env python3
"""Where lakebox's time goes on one STS GetCallerIdentity, with no network in the way.

    python3 bench/foundation_profile.py [--requests 20000] [--top 25] [--py-spy SECONDS]

Builds lakebox's ASGI app in this process (in memory), then drives the same request
bench/foundation_bench.py sends (botocore's headers, SigV4-signed once) straight through
the app with an in-process receive/send: first timed, to give the app's own cost per
request, then under cProfile, to say which functions that cost is made of.

With --py-spy SECONDS it instead starts `lakebox serve --in-memory` on core 0, loads it
with wrk on core 1 and records the server with py-spy for that long (a flame graph SVG
and a top-functions table, server code and uvicorn alike). Traffic goes only to
127.0.0.1; every child is ended at exit.
"""
import argparse
import asyncio
import cProfile
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, ROOT)

import foundation_bench as fb  # noqa: E402
import servers  # noqa: E402


def make_scope(headers):
    raw = [(b"host", b"127.0.0.1:4566"), (b"content-length", str(len(fb.STS_BODY)).encode())]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    return {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
            "method": "POST", "scheme": "http", "path": "/", "raw_path": b"/", "query_string": b"",
            "root_path": "", "headers": raw, "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 4566)}


async def drive(app, scope, count):
    body = {"type": "http.request", "body": fb.STS_BODY.encode(), "more_body": False}
    statuses = []

    async def receive():
        return body

    async def send(message):
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    for _ in range(count):
        await app(scope, receive, send)
    return statuses


async def drive_timed(app, scope, count):
    body = {"type": "http.request", "body": fb.STS_BODY.encode(), "more_body": False}

    async def receive():
        return body

    async def send(message):
        pass

    clock, timings = time.perf_counter, []
    for _ in range(count):
        started = clock()
        await app(scope, receive, send)
        timings.append(clock() - started)
    return timings


def in_process(requests, top):
    from lakebox.config import Config
    from lakebox.server import build

    state, app = build(Config(data_dir=None, port=1, log_level="warning"))
    scope = make_scope(fb.sts_request_headers())
    loop = asyncio.new_event_loop()
    statuses = loop.run_until_complete(drive(app, scope, 200))          # warm caches
    if set(statuses) != {200}:
        sys.exit(f"lakebox answered {sorted(set(statuses))}, not 200")
    started = time.perf_counter()
    loop.run_until_complete(drive(app, scope, requests))
    elapsed = time.perf_counter() - started
    print(f"lakebox app alone (no HTTP server): {1e6 * elapsed / requests:.1f} us per "
          f"GetCallerIdentity, {requests / elapsed:,.0f} req/s on one core, {requests} requests")

    timings = loop.run_until_complete(drive_timed(app, scope, requests))
    timings.sort()
    pick = lambda q: 1e6 * timings[min(len(timings) - 1, int(q * len(timings)))]  # noqa: E731
    print(f"per-request app time: p50 {pick(0.50):.1f} us, p99 {pick(0.99):.1f} us, "
          f"p99.9 {pick(0.999):.1f} us, max {1e6 * timings[-1]:.1f} us")

    profile = cProfile.Profile()
    profile.enable()
    loop.run_until_complete(drive(app, scope, requests))
    profile.disable()
    loop.close()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    print(f"\ncProfile, sorted by own time, per {requests} requests "
          "(cProfile inflates small calls; read it for shares, not absolutes):")
    print(out.getvalue().split("\n", 4)[-1])
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(top)
    print("cProfile, sorted by cumulative time:")
    print(out.getvalue().split("\n", 4)[-1])


def with_py_spy(seconds, out_dir):
    py_spy, wrk = shutil.which("py-spy"), shutil.which("wrk")
    if not py_spy or not wrk:
        sys.exit("needs py-spy (pip install py-spy) and wrk (apt-get install -y wrk)")
    servers.end_at_exit()
    cores = servers.Cores()
    if cores.pinned:
        os.sched_setaffinity(0, {int(cores.load)})
    scratch = servers.scratch_dir("lakebox-profile-")
    script = fb.write_wrk_script(scratch, fb.sts_request_headers())
    port = servers.free_port()
    server = cores.spawn(fb.lakebox_argv(port, None), cores.server, cwd=scratch, env=servers.child_env())
    if servers.wait_for(server, port, "GET", "/_lakebox/health") is None:
        sys.exit("lakebox did not start")
    load = cores.spawn([wrk, "-t1", "-c50", f"-d{seconds + 4}s", "-s", script, f"http://127.0.0.1:{port}/"],
                       cores.load)
    time.sleep(1)
    os.makedirs(out_dir, exist_ok=True)
    svg = os.path.join(out_dir, "foundation_pyspy.svg")
    raw = os.path.join(out_dir, "foundation_pyspy.txt")
    subprocess.run([py_spy, "record", "-p", str(server.pid), "-d", str(seconds), "-r", "500",
                    "-f", "flamegraph", "-o", svg], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    servers.stop(load)
    load = cores.spawn([wrk, "-t1", "-c50", f"-d{seconds + 4}s", "-s", script, f"http://127.0.0.1:{port}/"],
                       cores.load)
    time.sleep(1)
    subprocess.run([py_spy, "record", "-p", str(server.pid), "-d", str(seconds), "-r", "500",
                    "-f", "raw", "-o", raw], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    servers.stop(load)
    servers.stop(server)
    print(f"flame graph: {svg}\nfolded stacks: {raw}")
    summarize_folded(raw)


def summarize_folded(path, top=30):
    """Own and inclusive sample shares per function, from py-spy's folded stacks."""
    own, inclusive, total = {}, {}, 0
    with open(path) as f:
        for line in f:
            stack, _, count = line.rstrip().rpartition(" ")
            if not count.isdigit():
                continue
            count = int(count)
            total += count
            frames = stack.split(";")
            for frame in set(frames):
                inclusive[frame] = inclusive.get(frame, 0) + count
            own[frames[-1]] = own.get(frames[-1], 0) + count
    if not total:
        print("py-spy recorded no samples")
        return
    print(f"\npy-spy: {total} samples; top by own time")
    for frame, count in sorted(own.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {100 * count / total:5.1f}%  {frame}")
    print("\npy-spy: top by inclusive time")
    for frame, count in sorted(inclusive.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {100 * count / total:5.1f}%  {frame}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--py-spy", type=int, default=0, metavar="SECONDS",
                        help="profile a live server under wrk load instead")
    parser.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "lakebox-foundation-profile"))
    args = parser.parse_args()
    if args.py_spy:
        with_py_spy(args.py_spy, args.out)
    else:
        in_process(args.requests, args.top)


if __name__ == "__main__":
    main()
