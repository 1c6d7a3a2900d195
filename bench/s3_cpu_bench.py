#!/usr/bin/env python3
"""S3's per-request cost: server CPU per 1 KiB PUT and GET, lakebox beside moto and ministack.

    python3 bench/s3_cpu_bench.py [--duration 5] [--rounds 2] [--conns 1,8]
                                  [--servers lakebox,lakebox-memory,lakebox-fsync,floor,moto,ministack]
                                  [--scratch DIR] [--baseline OTHER_CHECKOUT]

One boto3 client spends about a millisecond per call itself, so it cannot show a
server's speed. Here wrk replays the exact requests botocore sends for
`put_object(Bucket, Key, Body=<1 KiB>)` and `get_object` of that key (SigV4-signed once
per server, so with a fixed X-Amz-Date: none of the servers checks signing time), and
each server's own CPU time (utime + stime of its process tree, from /proc) is read
before and after every run. "CPU ms per op" is that time over the requests answered:
what the server spends per request whatever else the machine is doing, the robust
figure on a shared machine. requests/s is what it answered pinned to core 0 (wrk and
this script on core 1, as in bench/foundation_bench.py); other processes on the machine
share that core, and the "server CPU" column says how much of it the server got.

Every PUT writes the same key, so each one also replaces (and deletes) the previous
object. botocore's `Expect: 100-continue` is left out (wrk cannot answer an interim
100; it is not signed). lakebox runs with a fresh `--data-dir` (its default durability
mode), `--in-memory`, and `--fsync always` where the CLI has that flag; moto's server
and ministack keep objects in memory. "floor" is lakebox's stack (uvicorn's server,
lakebox's HTTP protocol on httptools, uvloop) answering with lakebox's headers and doing
no work (bench/s3_floor.py; "floor-uvicorn", run only when named, is the same on
uvicorn's own httptools protocol): what a request costs before any S3 work. moto_server and ministack are found on PATH (for
instance `python3 -m venv /tmp/benchvenv && /tmp/benchvenv/bin/pip install
'moto[server]' ministack`, then `PATH=/tmp/benchvenv/bin:$PATH`); a server that cannot
start is skipped with a message. The script prints figures and reads them against the
targets; it asserts nothing.
"""
import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import foundation_bench as fb  # noqa: E402
import servers  # noqa: E402

BUCKET, KEY = "lakebox-cpu-bench", "object-1k"
QUIET = ("--log-level", "warning")
BODY = (os.urandom(512).hex())            # 1 KiB of text: wrk's Lua script carries it as a string
TARGET_GET_RPS = 5000
TARGET_PUT_RPS = 3000
TARGET_VS_MOTO = 10.0                     # CPU per op at most 1/10 of moto's ...
TARGET_VS_MINISTACK = 3.0                 # ... and at most 1/3 of ministack's
TARGET_FSYNC_SCALING = 3.0                # --fsync always: PUT/s at 8 conns >= 3x at 1 conn


class Server:
    def __init__(self, key, name, argv, health, env=None, lakebox=False):
        self.key, self.name, self.argv, self.health = key, name, argv, health
        self.env, self.lakebox = env or {}, lakebox
        self.proc = self.port = None
        self.skipped = None
        self.scripts = {}              # "PUT"/"GET" -> wrk script path
        self.rounds = {}               # (op, conns) -> [result of each round]


def chosen_servers(wanted, baseline=None):
    health = "/_lakebox/health"
    known = {
        "lakebox": lambda: Server("lakebox", "lakebox --data-dir", lambda port: servers.lakebox_argv(
            port, *QUIET, data_dir=servers.scratch_dir("lakebox-cpu-bench-data-")), health, lakebox=True),
        "lakebox-memory": lambda: Server("lakebox-memory", "lakebox --in-memory", lambda port: servers.lakebox_argv(
            port, *QUIET), health, lakebox=True),
        "lakebox-fsync": lambda: Server("lakebox-fsync", "lakebox --fsync always", lambda port: servers.lakebox_argv(
            port, *QUIET, "--fsync", "always", data_dir=servers.scratch_dir("lakebox-cpu-bench-data-")),
            health, lakebox=True) if _has_fsync_flag() else None,
        "floor": lambda: Server("floor", "floor: same stack, no work", lambda port: [
            sys.executable, os.path.join(HERE, "s3_floor.py"), str(port)], "/"),
        "floor-uvicorn": lambda: Server("floor-uvicorn", "floor on uvicorn's own protocol", lambda port: [
            sys.executable, os.path.join(HERE, "s3_floor.py"), str(port), "uvicorn"], "/"),
        "moto": lambda: Server("moto", "moto_server", servers.moto_argv, "/"),
        "ministack": lambda: Server("ministack", "ministack", servers.ministack_argv, servers.MINISTACK_HEALTH),
    }
    if baseline:
        # The same lakebox variants from another checkout (an A/B run of two builds).
        for key in ("lakebox", "lakebox-memory", "lakebox-fsync"):
            if key in wanted:
                known[key + "@base"] = _from_tree(known[key], baseline)
                wanted = wanted + [key + "@base"]
    chosen = []
    for key in wanted:
        server = known[key]()
        if server is None:
            print(f"! {key}: skipped, this lakebox has no `serve --fsync` flag yet", file=sys.stderr)
        else:
            chosen.append(server)
    return chosen


def _from_tree(make, tree):
    def made():
        server = make()
        if server is None:
            return None
        server.key += "@base"
        server.name += f" ({os.path.basename(os.path.normpath(tree))})"
        server.env = {**server.env, "PYTHONPATH": os.path.abspath(tree)}
        return server
    return made


def _has_fsync_flag() -> bool:
    help_text = subprocess.run([sys.executable, "-m", "lakebox.cli", "serve", "--help"], capture_output=True,
                               text=True, env=servers.child_env()).stdout
    return "--fsync" in help_text


# --- the requests ------------------------------------------------------------------

class _Captured(Exception):
    pass


def signed_request(port, operation, **params):
    """(method, path, headers) botocore sends for one S3 call to 127.0.0.1:port, signed."""
    import botocore.session
    from botocore.config import Config

    client = botocore.session.get_session().create_client(
        "s3", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id=fb.ACCESS_KEY, aws_secret_access_key=fb.SECRET_KEY,
        config=Config(retries={"max_attempts": 0}, s3={"addressing_style": "path"}))
    captured = {}

    def before_send(request, **_):
        captured["request"] = request
        raise _Captured()

    client.meta.events.register("before-send.s3", before_send)
    try:
        getattr(client, operation)(**params)
    except _Captured:
        pass
    request = captured["request"]
    path = request.url.split(f"127.0.0.1:{port}", 1)[1]
    # wrk sets Host (the signed value, from the URL) and Content-Length itself.
    headers = {name: value.decode() if isinstance(value, bytes) else value
               for name, value in request.headers.items()
               if name.lower() not in ("host", "content-length", "expect")}
    return request.method, path, headers


def prepare(server, scratch):
    """Create the bucket, check that the replayed PUT and GET answer 200, write the scripts."""
    port = server.port
    method, path, headers = signed_request(port, "create_bucket", Bucket=BUCKET)
    created = servers.request(port, method, path, b"", headers)
    if created is None or created[0] not in (200, 409):
        return f"CreateBucket answered {created and created[0]}: {created and created[1][:200]!r}"
    for op, call, params in (("PUT", "put_object", {"Body": BODY.encode()}), ("GET", "get_object", {})):
        method, path, headers = signed_request(port, call, Bucket=BUCKET, Key=KEY, **params)
        body = BODY if op == "PUT" else None
        answer = servers.request(port, method, path, body.encode() if body else None, headers)
        if answer is None or answer[0] != 200:
            return f"{op} answered {answer and answer[0]}: {answer and answer[1][:200]!r}"
        if op == "GET" and answer[1] != BODY.encode():
            return f"GET answered {len(answer[1])} bytes, not the {len(BODY)} just written"
        server.scripts[op] = fb.write_replay_script(
            os.path.join(scratch, f"{server.key}-{op}.lua"), method, body, headers, path)
    return None


def start(server, scratch, cores, warmup, wrk):
    server.port = servers.free_port()
    argv = server.argv(server.port)
    if argv is None:
        server.skipped = "not installed"
        return
    log_dir = servers.scratch_dir(f"lakebox-cpu-bench-{server.key}-")
    log_path = os.path.join(log_dir, "server.log")
    env = {**servers.child_env(), **servers.ministack_env(server.port), **server.env}
    server.proc = cores.spawn(argv, cores.server, log_path=log_path, cwd=log_dir, env=env)
    if servers.wait_for(server.proc, server.port, "GET", server.health) is None:
        server.skipped = f"did not start: {servers.tail(log_path, 3)!r}"
    else:
        server.skipped = prepare(server, scratch)
    if server.skipped:
        servers.stop(server.proc)
        return
    for op in ("PUT", "GET"):
        fb.run_wrk(wrk, server.scripts[op], server.port, 8, warmup, cores)       # warm-up, discarded


# --- measuring -----------------------------------------------------------------------

def measure(server, op, conns, duration, wrk, cores):
    before = servers.tree_cpu_seconds(server.proc.pid)
    result = fb.run_wrk(wrk, server.scripts[op], server.port, conns, duration, cores)
    after = servers.tree_cpu_seconds(server.proc.pid)
    if result is None:
        return
    seconds = result["duration_us"] / 1e6
    result["server_cpu"] = (after - before) / seconds
    result["cpu_ms_per_op"] = 1000 * (after - before) / result["requests"] if result["requests"] else None
    server.rounds.setdefault((op, conns), []).append(result)


def best(server, op, conns):
    """The round with the most requests/s: other work on the machine only ever lowers it."""
    results = server.rounds.get((op, conns))
    return max(results, key=fb._rps) if results else None


def cheapest_cpu(server, op):
    """CPU ms per op of a server for `op`: the lowest over rounds and connection counts."""
    values = [r["cpu_ms_per_op"] for (o, _), rs in server.rounds.items() if o == op for r in rs
              if r.get("cpu_ms_per_op")]
    return min(values) if values else None


# --- report ---------------------------------------------------------------------------

def report(chosen, conns_list, args):
    print(f"\n### 1 KiB PUT and GET, wrk -t1, {args.duration}s per run, best of {args.rounds} "
          f"interleaved rounds (by req/s), after a {args.warmup}s warm-up\n")
    rows = []
    for server in chosen:
        if server.skipped:
            rows.append([server.name, "-", "-", "skipped"] + [""] * 9)
            continue
        for op in ("PUT", "GET"):
            for conns in conns_list:
                r = best(server, op, conns)
                if r is None:
                    rows.append([server.name, op, conns, "failed"] + [""] * 9)
                    continue
                each = " / ".join(f"{x['cpu_ms_per_op']:.3f}" for x in server.rounds[(op, conns)]
                                  if x.get("cpu_ms_per_op"))
                rows.append([server.name, op, conns, f"{fb._rps(r):,.0f}", f"{1000 / r['cpu_ms_per_op']:,.0f}",
                             f"{r['cpu_ms_per_op']:.3f}", each,
                             fb._pct(r.get("server_cpu")), fb._ms(r["p50"]), fb._ms(r["p99"]), fb._errors(r),
                             fb._pct(r.get("wrk_cpu")), f"{r['requests']:,}"])
    fb.print_table(["server", "op", "conns", "req/s", "req/CPU-s", "CPU ms/op", "CPU ms/op each round", "server CPU",
                    "p50 ms", "p99 ms", "errors", "wrk CPU", "requests"], rows)
    for server in chosen:
        if server.skipped:
            print(f"- {server.name}: SKIPPED, {server.skipped}")
    print_targets(chosen, conns_list)


def print_targets(chosen, conns_list):
    by_key = {s.key: s for s in chosen if not s.skipped}
    top = max(conns_list)
    print("\n### Targets (lowest CPU ms/op over rounds and connection counts; req/s at "
          f"{top} connections)\n")
    rows = []
    for server in (s for s in chosen if s.lakebox and not s.skipped):
        for op, goal in (("GET", TARGET_GET_RPS), ("PUT", TARGET_PUT_RPS)):
            r = best(server, op, top)
            if r is not None:
                rps = fb._rps(r)
                rows.append([server.name, f"{op} req/s", f"{rps:,.0f}", f">= {goal:,}", _verdict(rps >= goal)])
            mine = cheapest_cpu(server, op)
            if mine:
                # What one core would answer: requests per second of the server's own CPU.
                rows.append([server.name, f"{op} req/CPU-s", f"{1000 / mine:,.0f}", f">= {goal:,}",
                             _verdict(1000 / mine >= goal)])
            for ref_key, factor in (("moto", TARGET_VS_MOTO), ("ministack", TARGET_VS_MINISTACK)):
                ref = by_key.get(ref_key)
                theirs = cheapest_cpu(ref, op) if ref else None
                if mine and theirs:
                    rows.append([server.name, f"{op} CPU/op vs {ref_key}", f"1/{theirs / mine:.1f}",
                                 f"<= 1/{factor:.0f}", _verdict(theirs / mine >= factor)])
    fsync = by_key.get("lakebox-fsync")
    if fsync and 1 in conns_list and 8 in conns_list:
        one, eight = best(fsync, "PUT", 1), best(fsync, "PUT", 8)
        if one and eight:
            scale = fb._rps(eight) / fb._rps(one)
            rows.append([fsync.name, "PUT req/s, 8 conns / 1 conn", f"{scale:.1f}x",
                         f">= {TARGET_FSYNC_SCALING:.0f}x", _verdict(scale >= TARGET_FSYNC_SCALING)])
    fb.print_table(["server", "figure", "value", "target", "verdict"], rows)


def _default_scratch():
    return tempfile.gettempdir()


def use_scratch(directory):
    """Put data dirs, temp files and `--in-memory`'s temp root (TMPDIR) in `directory`.

    Each 1 KiB PUT creates, renames and deletes a file. On a disk shared with other
    sessions' test runs a file create cost anywhere from 10 to 650 us of kernel CPU,
    varying minute to minute; `--scratch /dev/shm` (tmpfs) takes the disk's neighbours
    out of the figure and leaves the server's own work.
    """
    os.environ["TMPDIR"] = directory
    tempfile.tempdir = directory


def _verdict(ok):
    return "met" if ok else "MISSED"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per measured wrk run (default 5)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds over the servers (default 2)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of discarded load per op first")
    parser.add_argument("--conns", default="1,8", help="wrk connection counts (default 1,8)")
    parser.add_argument("--servers", default="lakebox,lakebox-memory,lakebox-fsync,floor,moto,ministack")
    parser.add_argument("--baseline", metavar="DIR",
                        help="also run lakebox from this checkout (an A/B run of two builds)")
    parser.add_argument("--scratch", default=_default_scratch(), metavar="DIR",
                        help="where lakebox's data dirs and temp files go (default: the temp dir)")
    parser.add_argument("--no-priority", action="store_true", help="run servers and wrk at normal niceness")
    args = parser.parse_args()
    conns_list = [int(c) for c in args.conns.split(",")]
    use_scratch(args.scratch)

    servers.end_at_exit()
    cores = servers.Cores(priority=not args.no_priority)
    if cores.pinned:
        os.sched_setaffinity(0, {int(cores.load)})
    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("wrk is not installed (Debian: apt-get install -y wrk)")
    scratch = servers.scratch_dir("lakebox-cpu-bench-lua-")
    print("lakebox S3 per-request CPU benchmark")
    print(f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"- pinning: {cores.describe()}")
    print(f"- data dirs and temp files under: {args.scratch}")
    print(f"- other load before the run: {fb._background_load()}")
    sys.stdout.flush()

    chosen = chosen_servers(args.servers.split(","), args.baseline)
    for server in chosen:
        start(server, scratch, cores, args.warmup, wrk)
        if server.skipped:
            print(f"! {server.name}: skipped, {server.skipped}", file=sys.stderr)
    # Rounds interleave the servers, so a burst of other work lands on one round of each.
    for _ in range(args.rounds):
        for server in chosen:
            if server.skipped:
                continue
            for op in ("PUT", "GET"):
                for conns in conns_list:
                    measure(server, op, conns, args.duration, wrk, cores)
    for server in chosen:
        if server.proc is not None:
            servers.stop(server.proc)
    print(f"- other load after the run: {fb._background_load()}")
    report(chosen, conns_list, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
