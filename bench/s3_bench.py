#!/usr/bin/env python3
"""The S3 benchmark: lakebox beside moto's server and ministack, in the same run.

    python3 bench/s3_bench.py [--seconds 5] [--big-count 24] [--huge-gib 2] [--list-keys 100000]
                              [--servers lakebox,lakebox-memory,moto,ministack] [--parts ops,huge,list]

(a) 1 KiB PUT and GET operations per second, one single-threaded boto3 client with its
    default configuration, against each server; and the server's CPU time per operation
    (from /proc), which tells what it would do with a core to itself on a busy machine.
(b) 8 MiB PUT and GET in MB/s (MB = 10^6 bytes), against each server, with boto3's
    default configuration (over http that client SHA256-signs every body and adds a
    CRC32 first: its own ceiling, measured against a server that discards bodies, is
    printed too) and with a client that sends UNSIGNED-PAYLOAD and no extra checksum
    (`payload_signing_enabled=False, request_checksum_calculation="when_required"`),
    which leaves the server as the bottleneck.
(c) lakebox only: the server's RSS (VmRSS from /proc) sampled every 20 ms during a
    single-PUT upload of a 2 GiB object and its download; the growth over the RSS
    before the transfer is reported.
(d) lakebox only: ListObjectsV2 pages of 1,000 keys over a bucket of 100,000 keys, timed
    as boto3 sees them (its XML parsing included) and as bare HTTP requests.

Servers run with their defaults: lakebox with a fresh `--data-dir` (durable: each
object is fsynced before it is acknowledged), and again `--in-memory` (no fsync, as the
references), moto in memory, ministack in memory. For
(a) each server is pinned to core 0 and this client to core 1 (when there are two
cores); for (b)-(d) the server may use every core, since lakebox hashes large bodies on
worker threads. Children run in their own sessions and are ended at exit, also on
Ctrl-C. A reference that cannot be started is skipped with a message. Prints a table;
asserts nothing.
"""
import argparse
import concurrent.futures
import http.client
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse

import boto3
from botocore.config import Config

import servers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KIB, MIB, GIB = 1024, 1024 * 1024, 1024 * 1024 * 1024
CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}
ALL_CORES = os.sched_getaffinity(0)
SERVER_BOUND = Config(s3={"payload_signing_enabled": False}, request_checksum_calculation="when_required")



# --- servers ------------------------------------------------------------------------

class Server:
    """A server this benchmark starts, stops and starts again (pinned, then not)."""

    def __init__(self, name, argv, env=None, health="/", lakebox=False):
        self.name, self.argv, self.env, self.health, self.lakebox = name, argv, env, health, lakebox
        self.port = servers.free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self, core=None):
        argv = [a.format(port=self.port) for a in self.argv]
        extra = {k: v.format(port=self.port) for k, v in (self.env or {}).items()}
        env = servers.child_env(extra=extra) if self.lakebox else {**os.environ, **extra}
        log_path = os.path.join(tempfile.gettempdir(), f"s3-bench-{self.name}.log")
        self.proc = servers.spawn(argv, core, env, log_path, cwd=servers.scratch_dir("s3-bench-cwd-"))
        if servers.wait_for(self.proc, self.port, "GET", self.health, any_status=True) is None:
            raise RuntimeError(f"{self.name} did not answer: {servers.tail(log_path, 3)!r}")
        return self

    def stop(self):
        if self.proc is not None:
            servers.stop(self.proc)
            self.proc = None

    def rss_bytes(self) -> int:
        with open(f"/proc/{_leaf_pid(self.proc.pid)}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process (all its threads), from /proc."""
        with open(f"/proc/{_leaf_pid(self.proc.pid)}/stat") as f:
            fields = f.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def client(self, config=None):
        return boto3.client("s3", endpoint_url=self.endpoint, config=config, **CREDENTIALS)


def lakebox_server(data_dir):
    return Server("lakebox", servers.lakebox_argv("{port}", data_dir=data_dir), health="/_lakebox/health",
                  lakebox=True)


def lakebox_memory_server():
    """lakebox --in-memory: no fsync, like the references, which keep objects in memory."""
    return Server("lakebox --in-memory", servers.lakebox_argv("{port}"), health="/_lakebox/health", lakebox=True)


def moto_server():
    moto = shutil.which("moto_server")
    return Server("moto", [moto, "-p", "{port}"]) if moto else None


def ministack_server():
    ministack = shutil.which("ministack")
    return Server("ministack", [ministack], env={"GATEWAY_PORT": "{port}"}, health="/_ministack/health") \
        if ministack else None


def discard_server():
    """A bare ASGI app on lakebox's stack that reads and drops bodies: the client's ceiling."""
    return Server("discard", [sys.executable, os.path.join(ROOT, "bench", "s3_discard.py"), "{port}"])


def _leaf_pid(pid: int) -> int:
    """The process doing the work: taskset execs, but a wrapper may have one child."""
    try:
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()
    except OSError:
        return pid
    return _leaf_pid(int(children[0])) if children else pid


# --- measurements -----------------------------------------------------------------

def small_ops(server, seconds: float) -> tuple[float, float, float, float]:
    """1 KiB objects, one client, one thread: (PUT ops/s, GET ops/s, server CPU ms per
    PUT, server CPU ms per GET). CPU time per op shows what the server would do with a
    core of its own, which the wall-clock rate hides on a busy machine."""
    s3 = server.client()
    bucket = "bench-small"
    s3.create_bucket(Bucket=bucket)
    body = os.urandom(KIB)
    s3.put_object(Bucket=bucket, Key="warm", Body=body)
    s3.get_object(Bucket=bucket, Key="warm")["Body"].read()
    puts, put_seconds, put_cpu = _for_seconds(
        server, seconds, lambda i: s3.put_object(Bucket=bucket, Key=f"k{i % 1000}", Body=body))
    gets, get_seconds, get_cpu = _for_seconds(
        server, seconds, lambda i: s3.get_object(Bucket=bucket, Key=f"k{i % min(puts, 1000)}")["Body"].read())
    return puts / put_seconds, gets / get_seconds, put_cpu / puts * 1000, get_cpu / gets * 1000


def _for_seconds(server, seconds, op):
    """(operations done, wall seconds, server CPU seconds) of running `op` for `seconds`."""
    count, cpu, start = 0, server.cpu_seconds(), time.perf_counter()
    while time.perf_counter() - start < seconds:
        op(count)
        count += 1
    return count, time.perf_counter() - start, server.cpu_seconds() - cpu


def big_objects(server, count: int, config=None) -> tuple[float, float]:
    """(PUT MB/s, GET MB/s) of 8 MiB objects."""
    s3 = server.client(config)
    bucket = "bench-big"
    try:
        s3.create_bucket(Bucket=bucket)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    body = os.urandom(8 * MIB)
    s3.put_object(Bucket=bucket, Key="warm", Body=body)
    start = time.perf_counter()
    for i in range(count):
        s3.put_object(Bucket=bucket, Key=f"big{i}", Body=body)
    put_rate = count * len(body) / (time.perf_counter() - start) / 1e6
    if server.name == "discard":
        return put_rate, None
    start = time.perf_counter()
    for i in range(count):
        stream = s3.get_object(Bucket=bucket, Key=f"big{i}")["Body"]
        while stream.read(MIB):
            pass
    get_rate = count * len(body) / (time.perf_counter() - start) / 1e6
    return put_rate, get_rate


class RssSampler:
    def __init__(self, server, interval=0.02):
        self.server, self.interval = server, interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.server.rss_bytes())
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


class RepeatingFile:
    """A readable, seekable file of `size` bytes (one random MiB, repeated) that lives
    nowhere: the client's memory stays flat too, so only the server's RSS moves."""

    def __init__(self, size: int):
        self.size, self.position = size, 0
        self.block = os.urandom(MIB)

    def read(self, amount=-1):
        amount = self.size - self.position if amount is None or amount < 0 else min(amount, self.size - self.position)
        whole, rest = divmod(amount, MIB)
        data = self.block * whole + self.block[:rest]
        self.position += amount
        return data

    def seek(self, offset, whence=0):
        self.position = {0: offset, 1: self.position + offset, 2: self.size + offset}[whence]
        return self.position

    def tell(self):
        return self.position

    def __len__(self):
        return self.size


def huge_transfer(server, gib: int) -> tuple[float, float, float, float]:
    """(upload MB/s, upload RSS growth MB, download MB/s, download RSS growth MB)."""
    s3 = server.client(SERVER_BOUND)
    s3.create_bucket(Bucket="bench-huge")
    size = gib * GIB
    baseline = server.rss_bytes()
    with RssSampler(server) as sampler:
        start = time.perf_counter()
        s3.put_object(Bucket="bench-huge", Key="huge", Body=RepeatingFile(size), ContentLength=size)
        up = size / (time.perf_counter() - start) / 1e6
    up_growth = (sampler.peak - baseline) / 1e6
    baseline = server.rss_bytes()
    with RssSampler(server) as sampler:
        start = time.perf_counter()
        stream = s3.get_object(Bucket="bench-huge", Key="huge")["Body"]
        received = 0
        while chunk := stream.read(4 * MIB):
            received += len(chunk)
        down = received / (time.perf_counter() - start) / 1e6
    assert received == size, f"downloaded {received} of {size} bytes"
    s3.delete_object(Bucket="bench-huge", Key="huge")
    return up, up_growth, down, (sampler.peak - baseline) / 1e6


def list_pages(server, keys: int) -> tuple[list[float], list[float]]:
    """Milliseconds per ListObjectsV2 page of 1,000 over `keys` keys: (as boto3 sees it,
    parsing included; the HTTP request alone, which is the server's part)."""
    s3 = server.client(Config(max_pool_connections=16))
    s3.create_bucket(Bucket="bench-list")
    names = [f"events/2026/{i % 97:02d}/part-{i:07d}.parquet" for i in range(keys)]
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda key: s3.put_object(Bucket="bench-list", Key=key, Body=b"x"), names))
    with_client, token = [], None
    while True:
        kwargs = {"ContinuationToken": token} if token else {}
        start = time.perf_counter()
        page = s3.list_objects_v2(Bucket="bench-list", MaxKeys=1000, **kwargs)
        with_client.append((time.perf_counter() - start) * 1000)
        if not page.get("IsTruncated"):
            break
        token = page["NextContinuationToken"]
    return with_client, _raw_list_pages(server, "bench-list")


def _raw_list_pages(server, bucket) -> list[float]:
    """The same pages fetched over one kept-alive HTTP connection, without parsing."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port)
    auth = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, "
            "SignedHeaders=host, Signature=0")
    times, token = [], None
    while True:
        query = "list-type=2&max-keys=1000" + (f"&continuation-token={urllib.parse.quote(token, safe='')}"
                                               if token else "")
        start = time.perf_counter()
        connection.request("GET", f"/{bucket}?{query}", headers={"Authorization": auth})
        body = connection.getresponse().read()
        times.append((time.perf_counter() - start) * 1000)
        found = re.search(rb"<NextContinuationToken>([^<]+)</NextContinuationToken>", body)
        if not found:
            break
        token = found.group(1).decode()
    connection.close()
    return times


# --- the run --------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each 1 KiB test")
    parser.add_argument("--big-count", type=int, default=24, help="8 MiB objects per PUT/GET test")
    parser.add_argument("--huge-gib", type=int, default=2)
    parser.add_argument("--list-keys", type=int, default=100_000)
    parser.add_argument("--servers", default="lakebox,lakebox-memory,moto,ministack", help="for the ops part")
    parser.add_argument("--parts", default="ops,huge,list")
    args = parser.parse_args()
    servers.end_at_exit()

    cores = sorted(os.sched_getaffinity(0))
    server_core, client_core = (cores[0], cores[1]) if len(cores) >= 2 else (None, None)
    data_dir = servers.scratch_dir("s3-bench-")
    makers = {"lakebox": lambda: lakebox_server(data_dir), "lakebox-memory": lakebox_memory_server,
              "moto": moto_server, "ministack": ministack_server}
    wanted = [name for name in args.servers.split(",") if name in makers]
    parts = args.parts.split(",")
    print(f"# S3 benchmark: python {sys.version.split()[0]}, boto3 {boto3.__version__}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")

    if "ops" in parts:
        _ops(wanted, makers, args, server_core, client_core)
    if "huge" in parts:
        _huge(data_dir, args.huge_gib)
    if "list" in parts:
        _listing(data_dir, args.list_keys)


def _ops(wanted, makers, args, server_core, client_core):
    rows = {}
    for name in wanted:
        server = makers[name]()
        if server is None:
            print(f"{name}: not installed, skipped")
            continue
        rows[name] = _measure(server, args, server_core, client_core)
    discard = discard_server().start()
    ceiling = big_objects(discard, args.big_count)[0]
    discard.stop()
    _print_table(rows, ceiling)


def _measure(server, args, server_core, client_core) -> dict:
    row = {}
    try:
        server.start(core=server_core)
        if client_core is not None:
            os.sched_setaffinity(0, {client_core})
        row["small"] = small_ops(server, args.seconds)
        os.sched_setaffinity(0, ALL_CORES)
        server.stop()
        server.start()                   # unpinned: large bodies are hashed on worker threads
        row["big_default"] = big_objects(server, args.big_count)
        row["big_unsigned"] = big_objects(server, args.big_count, SERVER_BOUND)
    except Exception as error:        # a reference that fails is reported, not fatal
        print(f"{server.name}: {type(error).__name__}: {error}")
    finally:
        server.stop()
        os.sched_setaffinity(0, ALL_CORES)
    return row


def _print_table(rows, ceiling):
    def cell(row, key, index, fmt):
        value = row.get(key, (None, None))[index]
        return fmt.format(value) if value is not None else "-"
    print()
    print("| server | 1 KiB PUT ops/s | 1 KiB GET ops/s | server CPU ms per PUT / GET | "
          "8 MiB PUT MB/s (default client) | 8 MiB GET MB/s | 8 MiB PUT MB/s (unsigned client) | "
          "8 MiB GET MB/s (unsigned client) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, row in rows.items():
        print(f"| {name} | {cell(row, 'small', 0, '{:.0f}')} | {cell(row, 'small', 1, '{:.0f}')} | "
              f"{cell(row, 'small', 2, '{:.2f}')} / {cell(row, 'small', 3, '{:.2f}')} | "
              f"{cell(row, 'big_default', 0, '{:.0f}')} | {cell(row, 'big_default', 1, '{:.0f}')} | "
              f"{cell(row, 'big_unsigned', 0, '{:.0f}')} | {cell(row, 'big_unsigned', 1, '{:.0f}')} |")
    print(f"\nThe default client's own ceiling for 8 MiB PUT (a server that drops bodies): {ceiling:.0f} MB/s")
    theirs = rows.get("moto", {}).get("small")
    for name in ("lakebox", "lakebox-memory"):
        ours = rows.get(name, {}).get("small")
        if ours and theirs:
            print(f"{name} / moto, 1 KiB: PUT {ours[0] / theirs[0]:.1f}x, GET {ours[1] / theirs[1]:.1f}x in ops/s; "
                  f"PUT {theirs[2] / ours[2]:.1f}x, GET {theirs[3] / ours[3]:.1f}x in server CPU per op (target 4x)")


def _huge(data_dir, gib):
    server = lakebox_server(data_dir).start()
    try:
        up, up_growth, down, down_growth = huge_transfer(server, gib)
        print(f"\n{gib} GiB single PUT: server RSS growth {up_growth:.1f} MB ({up:.0f} MB/s, bound by "
              f"http.client sending a file object in 8 KiB reads); GET: RSS growth {down_growth:.1f} MB "
              f"({down:.0f} MB/s). Target: growth < 100 MB")
    finally:
        server.stop()


def _listing(data_dir, keys):
    server = lakebox_server(data_dir).start()
    try:
        with_client, raw = list_pages(server, keys)
        print(f"\nListObjectsV2 over {keys:,} keys, pages of 1,000 (target < 50 ms each):")
        for label, times in (("HTTP request alone", raw), ("boto3 call, XML parsing included", with_client)):
            ordered = sorted(times)
            print(f"  {label}: {len(times)} pages, median {statistics.median(times):.1f} ms, "
                  f"p95 {ordered[int(len(ordered) * 0.95) - 1]:.1f} ms, max {ordered[-1]:.1f} ms")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
