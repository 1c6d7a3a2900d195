#!/usr/bin/env python3
"""The foundation benchmark: how fast lakebox starts, and how fast it answers.

    python3 bench/foundation_bench.py [--duration 5] [--rounds 2] [--runs 5]

(a) Startup: time from launching `python3 -m lakebox.cli serve` to the first 200 from
    `GET /_lakebox/health`, median of several runs, `--in-memory` and with a fresh
    `--data-dir`. A bare uvicorn hello-world is timed the same way as the floor.
(b) Throughput and latency of STS GetCallerIdentity (query protocol, the exact request
    botocore sends, SigV4-signed once and replayed) at 50 and at 4 connections, driven
    by wrk. moto's server and a bare ASGI hello-world on lakebox's own stack
    (bench/foundation_hello.py) run side by side in the same run.

On a machine with two or more cores each server under test is pinned to core 0 and wrk
(one thread) and this script to core 1, so the load generator never competes with the
server for its core; wrk's and the server's CPU use are printed to show which side is
the bottleneck. Traffic goes only to 127.0.0.1. Every child process is started in a
session of its own and is ended at exit, also on Ctrl-C. A reference that cannot be
started (moto not installed, a server that never answers) is skipped with a message.
The script prints figures and the targets they are read against; it asserts nothing
and exits 0.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

import servers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELLO = os.path.join(ROOT, "bench", "foundation_hello.py")

STS_BODY = "Action=GetCallerIdentity&Version=2011-06-15"
STS_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

HIGH_CONNECTIONS = 50
LOW_CONNECTIONS = 4
TARGET_VS_MOTO = 20.0          # lakebox req/s >= 20x moto's
TARGET_VS_HELLO = 0.15         # lakebox req/s >= 15% of the hello-world's
TARGET_P99_MS = 5.0            # lakebox p99 at 4 connections < 5 ms

READY_TIMEOUT = 30.0
POLL_INTERVAL = 0.002


# --- cores ----------------------------------------------------------------------------

def _core_times(core):
    """(busy, total) jiffies of one core, from /proc/stat; None where there is none."""
    try:
        with open("/proc/stat") as f:
            for line in f:
                if line.startswith(f"cpu{core} "):
                    values = [int(v) for v in line.split()[1:]]
                    idle = values[3] + (values[4] if len(values) > 4 else 0)
                    return sum(values[:8]) - idle, sum(values[:8])
    except (OSError, ValueError):
        pass
    return None


def _core_busy(before, after):
    if before is None or after is None or after[1] == before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


# --- the request -----------------------------------------------------------------------

class _Captured(Exception):
    pass


def sts_request_headers():
    """The headers botocore sends for sts.get_caller_identity(), SigV4-signed once.

    The request is built by a real botocore client (user agent, invocation id, x-amz-date,
    Authorization with scope .../us-east-1/sts/aws4_request) and caught just before it
    would be sent. Host and Content-Length are left to wrk, which sets them per target.
    """
    import botocore.session
    from botocore.config import Config

    session = botocore.session.get_session()
    client = session.create_client(
        "sts", region_name="us-east-1", endpoint_url="http://127.0.0.1:1",
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"max_attempts": 0}))
    captured = {}

    def before_send(request, **_):
        captured["request"] = request
        raise _Captured()

    client.meta.events.register("before-send.sts.GetCallerIdentity", before_send)
    try:
        client.get_caller_identity()
    except _Captured:
        pass
    request = captured["request"]
    body = request.body.decode() if isinstance(request.body, bytes) else request.body
    if body != STS_BODY or request.method != "POST":
        raise RuntimeError(f"botocore built an unexpected request: {request.method} {body!r}")
    headers = {}
    for name, value in request.headers.items():
        value = value.decode() if isinstance(value, bytes) else value
        if name.lower() not in ("host", "content-length"):
            headers[name] = value
    if "/us-east-1/sts/aws4_request" not in headers.get("Authorization", ""):
        raise RuntimeError("botocore's Authorization header has no sts credential scope")
    if headers.get("Content-Type") != STS_CONTENT_TYPE:
        raise RuntimeError(f"unexpected Content-Type {headers.get('Content-Type')!r}")
    return headers


def _lua_string(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


# wrk's summary as one JSON line, which run_wrk reads: shared by every replay script.
WRK_SUMMARY_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "FOUNDATION_JSON {\\"requests\\":%d,\\"duration_us\\":%d,\\"bytes\\":%d," ..
    "\\"connect\\":%d,\\"read\\":%d,\\"write\\":%d,\\"status\\":%d,\\"timeout\\":%d," ..
    "\\"p50\\":%d,\\"p90\\":%d,\\"p99\\":%d,\\"p999\\":%d,\\"max\\":%d,\\"mean\\":%.1f}\\n",
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean))
end
"""


def write_replay_script(path, method, body, headers, request_path="/"):
    """A wrk Lua script that sends one fixed request over and over, then prints its summary."""
    lines = [f"wrk.method = {_lua_string(method)}", f"wrk.path = {_lua_string(request_path)}"]
    if body:            # no body, no Content-Length (wrk adds one for any body string)
        lines.append(f"wrk.body = {_lua_string(body)}")
    for name, value in headers.items():
        lines.append(f"wrk.headers[{_lua_string(name)}] = {_lua_string(value)}")
    lines.append(WRK_SUMMARY_LUA)
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path


def write_wrk_script(directory, headers):
    return write_replay_script(os.path.join(directory, "foundation_sts.lua"), "POST", STS_BODY, headers)


# --- (a) startup -------------------------------------------------------------------------

def lakebox_argv(port, data_dir):
    argv = [sys.executable, "-m", "lakebox.cli", "serve", "--port", str(port), "--log-level", "warning"]
    return argv + (["--data-dir", data_dir] if data_dir else ["--in-memory"])


def hello_argv(port):
    return [sys.executable, HELLO, str(port)]


def time_startup(make_argv, path, cores, cwd, env):
    """Seconds from Popen to the first 200 on `path`, or None if it never came."""
    port = servers.free_port()
    argv = make_argv(port)
    log_path = os.path.join(cwd, f"startup-{port}.log")
    started = time.perf_counter()
    proc = cores.spawn(argv, cores.server, log_path=log_path, cwd=cwd, env=env)
    answer = servers.wait_for(proc, port, "GET", path, timeout=READY_TIMEOUT, interval=POLL_INTERVAL)
    elapsed = time.perf_counter() - started
    servers.stop(proc)
    if answer is None:
        print(f"  ! {' '.join(argv[1:4])}... gave no 200 on {path}: {servers.tail(log_path)}", file=sys.stderr)
        return None
    return elapsed


def run_startup(runs, cores, env):
    cwd = servers.scratch_dir("lakebox-bench-startup-")
    data_root = os.path.join(cwd, "data")
    os.makedirs(data_root)
    counter = iter(range(10 ** 6))

    def fresh_dir(port):
        return lakebox_argv(port, os.path.join(data_root, f"fresh-{next(counter)}"))

    cases = [
        ("lakebox serve --in-memory", lambda port: lakebox_argv(port, None), "/_lakebox/health"),
        ("lakebox serve --data-dir (fresh dir)", fresh_dir, "/_lakebox/health"),
        ("hello-world, same stack (floor)", hello_argv, "/"),
    ]
    # One untimed launch of each first, so compiled bytecode and the page cache are warm
    # for every timed run alike.
    for _, make_argv, path in cases:
        time_startup(make_argv, path, cores, cwd, env)
    # Interleaved, so a burst of other work on the machine lands on every case alike.
    times = {label: [] for label, _, _ in cases}
    for _ in range(runs):
        for label, make_argv, path in cases:
            elapsed = time_startup(make_argv, path, cores, cwd, env)
            if elapsed is not None:
                times[label].append(elapsed)
    return list(times.items())


# --- (b) throughput -----------------------------------------------------------------------

class Target:
    def __init__(self, key, name, argv, expect, note="", install=""):
        self.key, self.name, self.argv, self.expect, self.note = key, name, argv, expect, note
        self.install = install
        self.skipped = None
        self.proc = self.port = self.log_path = None
        self.rounds = {}        # connections -> [result of each round]
        self.runs = {}          # connections -> the best round's result


def run_wrk(wrk, script, port, connections, duration, cores):
    """One wrk run; its summary, plus wrk's and the server's CPU use."""
    out_dir = servers.scratch_dir("lakebox-bench-wrk-")
    out_path = os.path.join(out_dir, "wrk.out")
    argv = [wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "-s", script,
            f"http://127.0.0.1:{port}/"]
    proc = cores.spawn(argv, cores.load, log_path=out_path)
    started = time.perf_counter()
    deadline = started + duration + 15
    status, usage = None, None
    while time.perf_counter() < deadline:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            break
        time.sleep(0.05)
    wall = time.perf_counter() - started
    if proc.returncode is None:
        servers.stop(proc)
        return None
    servers.stop(proc)              # reaped above: only forgotten
    with open(out_path, encoding="utf-8", errors="replace") as f:
        output = f.read()
    for line in output.splitlines():
        if line.startswith("FOUNDATION_JSON "):
            result = json.loads(line.partition(" ")[2])
            result["wrk_cpu"] = (usage.ru_utime + usage.ru_stime) / wall if usage else None
            return result
    print(f"  ! wrk gave no summary (exit {proc.returncode}): {output[-400:]}", file=sys.stderr)
    return None


class CpuRuns:
    """wrk runs against one server, each read as (requests/s, server CPU us per request):
    the server's CPU time (its process tree, from /proc) around the run, over the
    requests answered. A run with errors is reported and left out."""

    def __init__(self, running):
        self.running = running          # a servers.Running
        self.runs = {}                  # key -> [(requests/s, CPU us per request)]

    def measure(self, key, wrk, script, connections, duration, cores):
        pid = self.running.pid
        before = servers.tree_cpu_seconds(pid)
        result = run_wrk(wrk, script, self.running.port, connections, duration, cores)
        used = servers.tree_cpu_seconds(pid) - before
        if result is None or not result["requests"] or result["status"] or result["read"] or result["timeout"]:
            print(f"  ! {self.running.name} {key}: {result}", file=sys.stderr)
            return
        self.runs.setdefault(key, []).append(
            (result["requests"] / (result["duration_us"] / 1e6), 1e6 * used / result["requests"]))

    def best(self, key):
        """(most requests/s, lowest CPU us per request) over the runs: other work on the
        machine only ever worsens either; (None, None) without runs."""
        runs = self.runs.get(key, [])
        return (max(r[0] for r in runs), min(r[1] for r in runs)) if runs else (None, None)

    def each(self, key):
        return [r[1] for r in self.runs.get(key, [])]


def start_target(target, headers, warmup, wrk, script, cores, env):
    """Launch a server under test and check its answer; sets target.skipped if it can't."""
    port = servers.free_port()
    argv = target.argv(port)
    if argv is None:
        target.skipped = f"not installed ({target.install})" if target.install else "not installed"
        return
    log_dir = servers.scratch_dir(f"lakebox-bench-{target.key}-")
    log_path = os.path.join(log_dir, "server.log")
    target.proc = cores.spawn(argv, cores.server, log_path=log_path, cwd=log_dir, env=env)
    target.port, target.log_path = port, log_path
    answer = servers.wait_for(target.proc, port, "POST", "/", STS_BODY.encode(), headers, timeout=READY_TIMEOUT,
                              interval=POLL_INTERVAL)
    if answer is None and target.proc.poll() is not None:
        target.skipped = f"exited with code {target.proc.returncode}: {servers.tail(log_path, 3)!r}"
    elif answer is None:
        target.skipped = f"did not answer 200 within {READY_TIMEOUT:.0f}s: {servers.tail(log_path, 3)!r}"
    elif target.expect not in answer[1]:
        target.skipped = f"answered without {target.expect!r}: {answer[1][:200]!r}"
    else:
        run_wrk(wrk, script, port, HIGH_CONNECTIONS, warmup, cores)          # warm-up, discarded
    if target.skipped:
        servers.stop(target.proc)


def measure_round(target, wrk, script, duration, cores):
    """One wrk run at each connection count, with the server's and its core's CPU use."""
    proc = target.proc
    for connections in (HIGH_CONNECTIONS, LOW_CONNECTIONS):
        cpu_before, core_before = servers.cpu_seconds(proc.pid), _core_times(cores.server or 0)
        result = run_wrk(wrk, script, target.port, connections, duration, cores)
        cpu_after, core_after = servers.cpu_seconds(proc.pid), _core_times(cores.server or 0)
        if result is None:
            continue
        if cpu_before is not None and cpu_after is not None:
            result["server_cpu"] = (cpu_after - cpu_before) / (result["duration_us"] / 1e6)
            busy = _core_busy(core_before, core_after)
            if busy is not None and cores.pinned:
                # What else ran on the server's core: other processes, and softirq work.
                result["other_cpu"] = max(0.0, busy - result["server_cpu"])
        target.rounds.setdefault(connections, []).append(result)
    if proc.poll() is not None:
        target.skipped = f"exited during the run: {servers.tail(target.log_path, 3)!r}"
        servers.stop(proc)


def pick_best(target):
    """Per connection count, the round with the most req/s: other work on the machine only
    ever lowers throughput and lengthens the tail, so the best round is the cleanest."""
    for connections, results in target.rounds.items():
        target.runs[connections] = max(results, key=_rps)


# --- report ----------------------------------------------------------------------------

def _rps(result):
    return result["requests"] / (result["duration_us"] / 1e6)


def _rps_per_core(result):
    """Requests per second of server CPU: the rate if the server had its core to itself."""
    cpu = result.get("server_cpu")
    return _rps(result) / cpu if cpu else None


def _errors(result):
    return sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))


def _ms(us):
    return f"{us / 1000:.2f}"


def _pct(value):
    return "-" if value is None else f"{100 * value:.0f}%"


def print_table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))


def report(startup, targets, args):
    print()
    if startup:
        print(f"### Startup: launch to first 200 from GET /_lakebox/health "
              f"(`/` for the hello-world), median of {args.runs}")
        print()
        rows = []
        for label, times in startup:
            if times:
                rows.append([label, f"{1000 * statistics.median(times):.0f} ms",
                             f"{1000 * min(times):.0f}-{1000 * max(times):.0f} ms", len(times)])
            else:
                rows.append([label, "failed", "-", 0])
        print_table(["server", "median", "range", "runs"], rows)
        print()
    if not targets:
        return
    print(f"### STS GetCallerIdentity, wrk -t1, {args.duration}s per run, best of {args.rounds} "
          f"interleaved rounds (by req/s), after a {args.warmup}s warm-up")
    print()
    rows = []
    for target in targets:
        if target.skipped:
            rows.append([target.name, "-", "skipped"] + [""] * 9)
            continue
        for connections in (HIGH_CONNECTIONS, LOW_CONNECTIONS):
            r = target.runs.get(connections)
            if r is None:
                rows.append([target.name, connections, "failed"] + [""] * 9)
                continue
            per_core = _rps_per_core(r)
            every = " / ".join(f"{_rps(x):,.0f}" for x in target.rounds.get(connections, []))
            rows.append([target.name, connections, f"{_rps(r):,.0f}", every,
                         f"{per_core:,.0f}" if per_core else "-", _ms(r["p50"]), _ms(r["p90"]),
                         _ms(r["p99"]), _errors(r), _pct(r.get("server_cpu")), _pct(r.get("other_cpu")),
                         _pct(r.get("wrk_cpu"))])
    print_table(["server", "conns", "req/s", "each round", "req/CPU-s", "p50 ms", "p90 ms", "p99 ms", "errors",
                 "server CPU", "other on its core", "wrk CPU"], rows)
    print()
    for target in targets:
        if target.skipped:
            print(f"- {target.name}: SKIPPED, {target.skipped}")
        elif target.note:
            print(f"- {target.name}: {target.note}")
    print()
    by_name = {t.key: t for t in targets}
    lake = by_name.get("lakebox")
    lake_high = lake.runs.get(HIGH_CONNECTIONS) if lake and not lake.skipped else None
    lake_low = lake.runs.get(LOW_CONNECTIONS) if lake and not lake.skipped else None
    print("### Targets")
    print()
    rows = []
    for key, label, goal, fmt, ok in (
            ("moto", "lakebox / moto, req/s at 50 conns", f">= {TARGET_VS_MOTO:.0f}x",
             lambda v: f"{v:.1f}x", lambda v: v >= TARGET_VS_MOTO),
            ("hello", "lakebox / hello-world, req/s at 50 conns", f">= {100 * TARGET_VS_HELLO:.0f}%",
             lambda v: f"{100 * v:.1f}%", lambda v: v >= TARGET_VS_HELLO)):
        ref = by_name.get(key)
        ref_high = ref.runs.get(HIGH_CONNECTIONS) if ref and not ref.skipped else None
        if lake_high and ref_high:
            value = _rps(lake_high) / _rps(ref_high)
            a, b = _rps_per_core(lake_high), _rps_per_core(ref_high)
            per_core = fmt(a / b) if a and b else "-"
            rows.append([label, fmt(value), per_core, goal, "met" if ok(value) else "MISSED"])
        else:
            rows.append([label, "n/a (a side was skipped)", "-", goal, "-"])
    if lake_low:
        p99 = lake_low["p99"] / 1000
        rows.append(["lakebox p99 at 4 conns", f"{p99:.2f} ms", "-", f"< {TARGET_P99_MS:.0f} ms",
                     "met" if p99 < TARGET_P99_MS else "MISSED"])
    else:
        rows.append(["lakebox p99 at 4 conns", "n/a", "-", f"< {TARGET_P99_MS:.0f} ms", "-"])
    print_table(["figure", "value", "per server CPU-s", "target", "verdict"], rows)
    print("The verdict reads the measured req/s; the per-CPU-second ratio is what it would be"
          " if nothing else ran on the server's core.")
    print()


def _background_load(seconds=1.0):
    """How busy the machine is before we start: other sessions skew every figure."""
    cpus = list(range(os.cpu_count() or 1))
    before = [_core_times(c) for c in cpus]
    time.sleep(seconds)
    after = [_core_times(c) for c in cpus]
    busy = [_core_busy(b, a) for b, a in zip(before, after)]
    if any(b is None for b in busy):
        return "unknown"
    text = ", ".join(f"core {c} {100 * b:.0f}% busy" for c, b in zip(cpus, busy))
    try:
        text += f"; load average {os.getloadavg()[0]:.2f}"
    except OSError:
        pass
    if max(busy) > 0.10:
        text += " (WARNING: other processes are running; figures will be lower and noisier)"
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per measured wrk run (default 5)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="interleaved rounds over the servers; the best is reported (default 2)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of discarded load first (default 2)")
    parser.add_argument("--runs", type=int, default=5, help="startup runs per case (default 5)")
    parser.add_argument("--skip-startup", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--no-priority", action="store_true",
                        help="run servers and wrk at normal niceness (default: nice -10 where allowed)")
    args = parser.parse_args()

    servers.end_at_exit()

    cores = servers.Cores(priority=not args.no_priority)
    if cores.pinned:
        os.sched_setaffinity(0, {int(cores.load)})
    env = servers.child_env()
    wrk = shutil.which("wrk")
    wrk_version = ""
    if wrk:
        probe = subprocess.run([wrk, "-v"], capture_output=True, text=True)
        wrk_version = (probe.stdout + probe.stderr).split("[")[0].strip()

    print("lakebox foundation benchmark")
    print(f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"- machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
          f"Linux {platform.release()}, Python {platform.python_version()}")
    print(f"- pinning: {cores.describe()}")
    print(f"- load generator: {wrk_version or 'wrk NOT FOUND'}")
    print(f"- other load before the run: {_background_load()}")
    sys.stdout.flush()

    startup = [] if args.skip_startup else run_startup(args.runs, cores, env)

    targets = []
    if args.skip_load:
        pass
    elif not wrk:
        print("\n! wrk is not installed (Debian: apt-get install -y wrk): throughput skipped.")
    else:
        headers = sts_request_headers()
        script_dir = servers.scratch_dir("lakebox-bench-lua-")
        script = write_wrk_script(script_dir, headers)
        print(f"- request: POST / {STS_BODY}, headers as botocore sends them: {', '.join(headers)}")
        sys.stdout.flush()
        targets = [
            Target("lakebox", "lakebox serve --in-memory", lambda port: lakebox_argv(port, None),
                   b"<GetCallerIdentityResult>"),
            Target("moto", "moto_server", servers.moto_argv, b"<GetCallerIdentityResult>",
                   install="pip install -c constraints.txt 'moto[server]'",
                   note="moto's server is Werkzeug (threaded, answers `Connection: close`), "
                        "so wrk opens a new connection per request, as any client of it must."),
            Target("hello", "hello-world (same stack)", hello_argv, b"hello",
                   note="bench/foundation_hello.py: uvicorn + httptools + uvloop, 1 worker, "
                        "access log off; answers without reading the body."),
        ]
        for target in targets:
            start_target(target, headers, args.warmup, wrk, script, cores, env)
            if target.skipped:
                print(f"! {target.name}: skipped, {target.skipped}", file=sys.stderr)
        # Rounds interleave the servers, so a burst of other work on the machine hits one
        # round of each rather than all of one server's runs.
        for _ in range(args.rounds):
            for target in targets:
                if not target.skipped:
                    measure_round(target, wrk, script, args.duration, cores)
        for target in targets:
            if target.proc is not None:
                servers.stop(target.proc)
            pick_best(target)
    report(startup, targets, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
