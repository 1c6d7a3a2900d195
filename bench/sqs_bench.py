#!/usr/bin/env python3
"""The SQS benchmark, lakebox side by side with moto's server.

    python3 bench/sqs_bench.py [--duration 5] [--deep 100000] [--moto-deep 5000] [--no-pin] [--no-priority] [--no-moto]

(a) SendMessageBatch of 10 x 256-byte messages for `--duration` seconds: messages/s.
(b) ReceiveMessage (10) + DeleteMessageBatch of what came back, draining the queue
    (a) filled, for `--duration` seconds: messages/s.
(c) The median cost of one SendMessageBatch and of one Receive+DeleteMessageBatch
    round when the queue holds 1,000 messages and when it holds `--deep` (100,000):
    a flat figure shows that a call's cost does not grow with the queue. moto is
    measured at 1,000 and `--moto-deep` (filling it to 100,000 takes too long to wait for).

One client thread, as the issue's targets say: each request is built and SigV4-signed
with botocore's signer and sent over one keep-alive connection. Next to each rate, the
messages per second of the server's own CPU time (read from /proc: its threads
included), which says what the server does with a core of its own on a busy machine. lakebox runs with a
fresh `--data-dir` (durable, WAL) and `--limits off`; moto (`moto_server`) in memory, as
it does by default. On two or more cores each server runs on core 0 and this script on
core 1, both at nice -10 where allowed (`--no-priority`: not). A reference that cannot
be started is skipped with a message. The script prints figures and the targets they
are read against, and asserts nothing.
"""
import argparse
import http.client
import json
import os
import statistics
import sys
import functools
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import servers

BODY = "x" * 256
TARGET_MSGS = 2_000           # messages/s, each of (a) and (b)
TARGET_FLAT = 1.5             # deep-queue cost / shallow-queue cost, at most
print = functools.partial(print, flush=True)      # figures as they come, also through a pipe


# --- the wire ----------------------------------------------------------------------------

class Sqs:
    """Signed JSON requests (as boto3 sends them) over one keep-alive connection."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.credentials = Credentials("AKIAIOSFODNN7EXAMPLE", "secret")

    def call(self, operation, document):
        body = json.dumps(document).encode()
        request = AWSRequest(method="POST", url=f"http://127.0.0.1:{self.port}/", data=body, headers={
            "X-Amz-Target": f"AmazonSQS.{operation}", "Content-Type": "application/x-amz-json-1.0"})
        SigV4Auth(self.credentials, "sqs", "us-east-1").add_auth(request)
        self.conn.request("POST", "/", body=body, headers=dict(request.headers.items()))
        response = self.conn.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"{operation} {response.status}: {payload[:300]!r}")
        return json.loads(payload or b"{}")


def send_batch(client, url):
    client.call("SendMessageBatch", {"QueueUrl": url, "Entries": [
        {"Id": str(i), "MessageBody": BODY} for i in range(10)]})


def receive_and_delete(client, url) -> int:
    messages = client.call("ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 10}).get("Messages", [])
    if messages:
        client.call("DeleteMessageBatch", {"QueueUrl": url, "Entries": [
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]})
    return len(messages)


def measure_send(client, pid, url, duration):
    """(messages/s, messages per server CPU-s, messages sent)."""
    sent, started, cpu = 0, time.perf_counter(), servers.cpu_seconds(pid)
    while time.perf_counter() - started < duration:
        send_batch(client, url)
        sent += 10
    return sent / (time.perf_counter() - started), sent / max(servers.cpu_seconds(pid) - cpu, 1e-9), sent


def measure_drain(client, pid, url, duration, available):
    """(messages/s, messages per server CPU-s)."""
    got, started, cpu = 0, time.perf_counter(), servers.cpu_seconds(pid)
    while time.perf_counter() - started < duration and got < available:
        received = receive_and_delete(client, url)
        if not received:
            break
        got += received
    return got / (time.perf_counter() - started), got / max(servers.cpu_seconds(pid) - cpu, 1e-9)


def fill(client, url, count):
    for _ in range(count // 10):
        send_batch(client, url)


def median_ms(fn, pid, calls=200, budget_s=30, at_least=5):
    """(median wall ms, server CPU ms per call) of `calls` calls, or of those `budget_s`
    allows (at least `at_least`): moto's calls at depth take seconds each. The CPU figure
    is the one to read on a busy machine, where a call's wall time includes waiting for
    a core."""
    times, started, cpu = [], time.perf_counter(), servers.cpu_seconds(pid)
    while len(times) < calls and (len(times) < at_least or time.perf_counter() - started < budget_s):
        begun = time.perf_counter()
        fn()
        times.append((time.perf_counter() - begun) * 1000)
    return statistics.median(times), 1000 * (servers.cpu_seconds(pid) - cpu) / len(times)


def depth_costs(client, pid, url, depths):
    """(depth, ((send ms, CPU ms), (receive+delete ms, CPU ms))) as the queue is filled to each depth."""
    held = 0
    for depth in depths:
        fill(client, url, depth - held)
        held = depth
        send = median_ms(lambda: send_batch(client, url), pid)
        drain = median_ms(lambda: receive_and_delete(client, url), pid)   # takes back what `send` added
        yield depth, (send, drain)


def run(label, server, duration, depths):
    port, pid = server
    client = Sqs(port)
    url = client.call("CreateQueue", {"QueueName": "bench"})["QueueUrl"]
    send_rate, send_cpu, sent = measure_send(client, pid, url, duration)
    drain_rate, drain_cpu = measure_drain(client, pid, url, duration, sent)
    print(f"{label:8} send {send_rate:9,.0f} msg/s ({send_cpu:,.0f} per server CPU-s)   "
          f"receive+delete {drain_rate:9,.0f} msg/s ({drain_cpu:,.0f} per server CPU-s)")
    client.call("PurgeQueue", {"QueueUrl": url})
    deep = client.call("CreateQueue", {"QueueName": "bench-depth"})["QueueUrl"]
    costs = {}
    for depth, (send, drain) in depth_costs(client, pid, deep, depths):
        print(f"{'':8} depth {depth:>7,}: SendMessageBatch {send[0]:6.2f} ms ({send[1]:.2f} ms server CPU), "
              f"Receive+DeleteMessageBatch {drain[0]:6.2f} ms ({drain[1]:.2f} ms server CPU)")
        costs[depth] = (send, drain)
    return send_rate, drain_rate, costs, send_cpu, drain_cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--deep", type=int, default=100_000)
    parser.add_argument("--moto-deep", type=int, default=5_000)
    parser.add_argument("--no-pin", action="store_true")
    parser.add_argument("--no-moto", action="store_true", help="lakebox only")
    parser.add_argument("--no-priority", action="store_true", help="run the servers and this client at normal niceness")
    args = parser.parse_args()
    servers.end_at_exit()
    core = servers.pin_load(not args.no_pin)
    # Other sessions' work on a shared machine stretches every round trip; where we may,
    # the servers and this client run at nice -10, as the wrk benchmarks do.
    niceness = -10 if not args.no_priority and servers.may_raise_priority() else 0
    if niceness:
        os.setpriority(os.PRIO_PROCESS, 0, niceness)
    print(f"- niceness of the servers and the client: {niceness}; load average {os.getloadavg()[0]:.2f}")
    results = {}
    lakebox = servers.lakebox(core, "--limits", "off", "--quiet", niceness=niceness)
    if lakebox is None:
        sys.exit("lakebox did not start")
    results["lakebox"] = run("lakebox", (lakebox.port, lakebox.pid), args.duration, [1_000, args.deep])
    moto = None if args.no_moto else servers.moto(core, niceness=niceness)
    if moto is not None:
        results["moto"] = run("moto", (moto.port, moto.pid), args.duration, [1_000, args.moto_deep])
    elif not args.no_moto:
        print("moto_server not found: install moto[server] (the bench extra) to compare")
    send, drain, costs, send_cpu, drain_cpu = results["lakebox"]
    shallow, deep = costs[1_000], costs[args.deep]
    print("\ntargets (lakebox):")
    for name, rate, per_cpu in (("SendMessageBatch", send, send_cpu), ("Receive+DeleteBatch", drain, drain_cpu)):
        print(f"  {name:22} {rate:9,.0f} msg/s ({per_cpu:,.0f} per server CPU-s)  >= {TARGET_MSGS:,}: "
              f"{'met' if rate >= TARGET_MSGS else 'NOT met'} (per server CPU-s: "
              f"{'met' if per_cpu >= TARGET_MSGS else 'NOT met'})")
    for i, name in enumerate(("SendMessageBatch", "Receive+DeleteBatch")):
        ratio, cpu_ratio = deep[i][0] / shallow[i][0], deep[i][1] / shallow[i][1]
        print(f"  {name:22} cost at {args.deep:,} / at 1,000: {ratio:4.2f}x median wall, {cpu_ratio:4.2f}x "
              f"server CPU  <= {TARGET_FLAT}x: {'met' if ratio <= TARGET_FLAT else 'NOT met'} (server CPU: "
              f"{'met' if cpu_ratio <= TARGET_FLAT else 'NOT met'})")
    if "moto" in results:
        print(f"  vs moto: send {send / results['moto'][0]:.1f}x, receive+delete {drain / results['moto'][1]:.1f}x")
    print(f"- load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
