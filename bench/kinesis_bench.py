#!/usr/bin/env python3
"""The Kinesis benchmark, lakebox side by side with moto's server and kinesalite.

    python3 bench/kinesis_bench.py [--duration 8] [--drain 100000] [--stored 1000000]
                                   [--kinesalite PATH] [--skip-growth] [--no-pin]

(a) PutRecords of 500 x 1 KiB records into an 8-shard stream for `--duration` seconds:
    records/s. The request is the exact one botocore sends, SigV4-signed once and
    replayed over one keep-alive connection, so the client costs almost nothing.
(b) GetRecords draining `--drain` records (Limit 10000, shard by shard): records/s.
(c) lakebox only: the median PutRecords latency when the stream holds 10^4 and
    `--stored` (10^6) records: a flat figure shows that a write's cost does not grow
    with the data already stored.

lakebox runs with a fresh `--data-dir` (durable, WAL) and `--limits off`; moto
(`moto_server`) and kinesalite (`--kinesalite`, default: `kinesalite` on PATH or in
/tmp/kinesalite-ref) run in memory, as they do by default. On two or more cores each
server runs on core 0 and this script on core 1. A reference that cannot be started is
skipped with a message. Every child runs in its own session and is ended at exit. The
script prints figures and the targets they are read against, and asserts nothing.
"""
import argparse
import base64
import http.client
import json
import os
import re
import statistics
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import servers

SHARDS = 8
BATCH = 500
RECORD = 1024
TARGET_PUT = 50_000           # records/s, limits off
TARGET_VS_MOTO = 5.0
TARGET_DRAIN = 100_000        # records/s
NEXT_ITERATOR = re.compile(rb'"NextShardIterator"\s*:\s*"([^"]*)"')


# --- the wire --------------------------------------------------------------------------

class Kinesis:
    """Signed JSON requests over one keep-alive connection."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def signed(self, operation, document):
        body = json.dumps(document).encode()
        request = AWSRequest(method="POST", url=f"http://127.0.0.1:{self.port}/", data=body, headers={
            "X-Amz-Target": f"Kinesis_20131202.{operation}", "Content-Type": "application/x-amz-json-1.1"})
        SigV4Auth(Credentials("AKIAIOSFODNN7EXAMPLE", "secret"), "kinesis", "us-east-1").add_auth(request)
        return body, dict(request.headers.items())

    def send(self, signed):
        body, headers = signed
        self.conn.request("POST", "/", body=body, headers=headers)
        response = self.conn.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"{response.status}: {payload[:300]!r}")
        return payload

    def call(self, operation, document):
        return json.loads(self.send(self.signed(operation, document)) or b"{}")


def make_stream(client, name):
    client.call("CreateStream", {"StreamName": name, "ShardCount": SHARDS})
    for _ in range(600):
        summary = client.call("DescribeStreamSummary", {"StreamName": name})["StreamDescriptionSummary"]
        if summary["StreamStatus"] == "ACTIVE":
            return
        time.sleep(0.1)
    raise RuntimeError("stream never became ACTIVE")


def put_batch_request(client, name, salt=0):
    data = base64.b64encode(os.urandom(RECORD)).decode()
    return client.signed("PutRecords", {"StreamName": name, "Records": [
        {"Data": data, "PartitionKey": f"key-{salt}-{i}"} for i in range(BATCH)]})


# --- the measurements --------------------------------------------------------------------

def measure_put(client, name, duration):
    request = put_batch_request(client, name)
    client.send(request)
    sent, start = 0, time.perf_counter()
    while time.perf_counter() - start < duration:
        client.send(request)
        sent += BATCH
    return sent / (time.perf_counter() - start)


def fill(client, name, count):
    request = put_batch_request(client, name, salt=count)
    for _ in range(count // BATCH):
        client.send(request)


def _records_and_next(payload: bytes):
    """Count the records of a GetRecords answer and find NextShardIterator without
    decoding 10 MiB of JSON in this (single-threaded) client: the figure is the
    server's, and every server is read the same way."""
    at = payload.rfind(b'"NextShardIterator"')
    found = NEXT_ITERATOR.match(payload, at) if at >= 0 else None
    return payload.count(b'"SequenceNumber"'), found.group(1).decode() if found else None


def measure_drain(client, name, expected):
    shards = [s["ShardId"] for s in client.call("ListShards", {"StreamName": name})["Shards"]]
    read, start = 0, time.perf_counter()
    for shard in shards:
        iterator = client.call("GetShardIterator", {"StreamName": name, "ShardId": shard,
                                                    "ShardIteratorType": "TRIM_HORIZON"})["ShardIterator"]
        while iterator:
            count, iterator = _records_and_next(client.send(client.signed(
                "GetRecords", {"ShardIterator": iterator, "Limit": 10000})))
            read += count
            if not count:
                break
    elapsed = time.perf_counter() - start
    if read != expected:
        print(f"    (read {read} records, expected {expected})")
    return read / elapsed


def put_latency_ms(client, name, calls=100, rounds=3):
    """Median PutRecords latency, the best of a few rounds. Dirty pages of the fill
    are flushed first, so the kernel's writeback does not land in one measurement
    and not the other."""
    os.sync()
    time.sleep(2)
    request = put_batch_request(client, name, salt=-1)
    medians = []
    for _ in range(rounds):
        times = []
        for _ in range(calls):
            start = time.perf_counter()
            client.send(request)
            times.append((time.perf_counter() - start) * 1000)
        medians.append(statistics.median(times))
    return min(medians)


def run_server(label, port, args, figures):
    client = Kinesis(port)
    print(f"\n{label} (port {port})")
    make_stream(client, "bench-put")
    figures[label] = {"put": measure_put(client, "bench-put", args.duration)}
    print(f"  PutRecords 500 x 1 KiB: {figures[label]['put']:,.0f} records/s")
    drain = args.drain if label == "lakebox" else min(args.drain, args.reference_drain)
    make_stream(client, "bench-drain")
    fill(client, "bench-drain", drain)
    figures[label]["drain"] = measure_drain(client, "bench-drain", drain)
    print(f"  GetRecords drain of {drain:,} records: {figures[label]['drain']:,.0f} records/s")


def run_growth(port, stored):
    client = Kinesis(port)
    make_stream(client, "bench-growth")
    fill(client, "bench-growth", 10_000)
    small = put_latency_ms(client, "bench-growth")
    start = time.perf_counter()
    fill(client, "bench-growth", stored - 10_000 - 100 * BATCH)
    print(f"  (filled to {stored:,} records in {time.perf_counter() - start:.0f} s)")
    large = put_latency_ms(client, "bench-growth")
    print(f"  median PutRecords latency at 10^4 stored records: {small:.2f} ms; "
          f"at {stored:,}: {large:.2f} ms (ratio {large / small:.2f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--drain", type=int, default=100_000)
    parser.add_argument("--reference-drain", type=int, default=20_000,
                        help="records drained from moto and kinesalite (they are slow to fill)")
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--kinesalite")
    parser.add_argument("--skip-growth", action="store_true")
    parser.add_argument("--no-pin", action="store_true",
                        help="let the OS place servers and load (on a busy shared box pinning one core hurts)")
    args = parser.parse_args()
    servers.end_at_exit()
    core = servers.pin_load(not args.no_pin)
    print(f"servers on core {core}, load on the other" if core is not None else "not pinned (one core)")
    figures = {}
    for label, start in (("lakebox", lambda: servers.lakebox(core, "--limits", "off")),
                         ("moto", lambda: servers.moto(core)),
                         ("kinesalite", lambda: servers.kinesalite(core, args.kinesalite))):
        server = start()
        if server is None:
            print(f"\n{label}: could not be started, skipped")
            continue
        run_server(label, server.port, args, figures)
        if label == "lakebox" and not args.skip_growth:
            run_growth(server.port, args.stored)
    lake = figures.get("lakebox", {})
    print("\ntargets")
    if lake:
        print(f"  PutRecords >= {TARGET_PUT:,}/s: {lake['put']:,.0f}")
        print(f"  GetRecords drain >= {TARGET_DRAIN:,}/s: {lake['drain']:,.0f}")
    if lake and "moto" in figures:
        print(f"  PutRecords >= {TARGET_VS_MOTO}x moto: {lake['put'] / figures['moto']['put']:.1f}x")
    if lake and "kinesalite" in figures:
        print(f"  vs kinesalite: PutRecords {lake['put'] / figures['kinesalite']['put']:.1f}x, "
              f"drain {lake['drain'] / figures['kinesalite']['drain']:.1f}x")


if __name__ == "__main__":
    main()
