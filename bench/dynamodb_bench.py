#!/usr/bin/env python3
"""The DynamoDB benchmark, lakebox side by side with moto's server and dynalite.

    python3 bench/dynamodb_bench.py [--ops 3000] [--big 1000000] [--dynalite PATH] [--skip-big] [--no-pin]

(a) PutItem then GetItem of 200-byte items with distinct keys, one request at a time:
    ops/s, twice: with requests signed beforehand and replayed over one keep-alive
    connection (the server's figure), and with a boto3 client (what a user's
    single-threaded code sees; the client's own cost is part of it).
(b) BatchWriteItem of 25 x 200-byte items: items/s (replayed requests).
(c) Query of a 1,000-item partition and a 1,000-item Scan page (Limit 1000) when the
    table holds 10^4 items and, lakebox only, `--big` (10^6): median ms per call. Flat
    figures show that a read costs what it returns, not what the table holds.

lakebox runs with a fresh `--data-dir` (durable, WAL) and `--limits off`; moto
(`moto_server`) and dynalite (`--dynalite`, default: `dynalite` on PATH or in
/tmp/dynalite-ref) run in memory, as they do by default. On two or more cores each
server runs on core 0 and this script on core 1. A reference that cannot be started is
skipped with a message. Every child runs in its own session and is ended at exit. The
script prints figures and the targets they are read against, and asserts nothing.
"""
import argparse
import http.client
import json
import os
import statistics
import time

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

import servers

VALUE = "x" * 180                    # with the key and names: a 200-byte item
TARGET_VS_MOTO = 5.0
TARGET_BATCH = 10_000                # items/s


# --- the wire --------------------------------------------------------------------------

class DynamoDB:
    """Signed JSON requests over one keep-alive connection."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def signed(self, operation, document):
        body = json.dumps(document).encode()
        request = AWSRequest(method="POST", url=f"http://127.0.0.1:{self.port}/", data=body, headers={
            "X-Amz-Target": f"DynamoDB_20120810.{operation}", "Content-Type": "application/x-amz-json-1.0"})
        SigV4Auth(Credentials("AKIAIOSFODNN7EXAMPLE", "secret"), "dynamodb", "us-east-1").add_auth(request)
        return body, dict(request.headers.items())

    def send(self, signed):
        body, headers = signed
        try:
            self.conn.request("POST", "/", body=body, headers=headers)
            response = self.conn.getresponse()
        except (ConnectionError, http.client.HTTPException):
            # a server that closed the idle keep-alive connection (dynalite after a pause)
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            self.conn.request("POST", "/", body=body, headers=headers)
            response = self.conn.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"{response.status}: {payload[:300]!r}")
        return payload

    def call(self, operation, document):
        return json.loads(self.send(self.signed(operation, document)) or b"{}")


def make_table(client, name, sort=False):
    keys = [{"AttributeName": "pk", "KeyType": "HASH"}]
    definitions = [{"AttributeName": "pk", "AttributeType": "S"}]
    if sort:
        keys.append({"AttributeName": "sk", "KeyType": "RANGE"})
        definitions.append({"AttributeName": "sk", "AttributeType": "N"})
    client.call("CreateTable", {"TableName": name, "KeySchema": keys, "AttributeDefinitions": definitions,
                                "BillingMode": "PAY_PER_REQUEST"})
    for _ in range(600):
        if client.call("DescribeTable", {"TableName": name})["Table"]["TableStatus"] == "ACTIVE":
            return
        time.sleep(0.1)
    raise RuntimeError("table never became ACTIVE")


def _item(pk, sk=None):
    item = {"pk": {"S": pk}, "v": {"S": VALUE}}
    if sk is not None:
        item["sk"] = {"N": str(sk)}
    return item


# --- the measurements --------------------------------------------------------------------

def _cpu_seconds(pid) -> float:
    """User + system CPU of a process and its children so far (a server's own work,
    whatever else the machine runs)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def measure_single(client, ops, pid):
    """(PutItem/s, GetItem/s, server CPU ms per PutItem, per GetItem)."""
    make_table(client, "single")
    puts = [client.signed("PutItem", {"TableName": "single", "Item": _item(f"key-{i:07d}")}) for i in range(ops)]
    gets = [client.signed("GetItem", {"TableName": "single", "Key": {"pk": {"S": f"key-{i:07d}"}}})
            for i in range(ops)]
    figures = []
    for requests in (puts, gets):
        cpu, start = _cpu_seconds(pid), time.perf_counter()
        for request in requests:
            client.send(request)
        figures.append((ops / (time.perf_counter() - start), 1000 * (_cpu_seconds(pid) - cpu) / ops))
    return figures[0][0], figures[1][0], figures[0][1], figures[1][1]


def measure_boto3(port, ops):
    ddb = boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                       aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="secret",
                       config=Config(retries={"total_max_attempts": 1}))
    ops = ops // 2
    start = time.perf_counter()
    for i in range(ops):
        ddb.put_item(TableName="single", Item=_item(f"boto-{i:07d}"))
    put_rate = ops / (time.perf_counter() - start)
    start = time.perf_counter()
    for i in range(ops):
        ddb.get_item(TableName="single", Key={"pk": {"S": f"boto-{i:07d}"}})
    return put_rate, ops / (time.perf_counter() - start)


def batch_requests(client, table, first, count, partition=None, sort=False):
    """Signed BatchWriteItem requests for items first..first+count (25 a request)."""
    requests = []
    for start in range(first, first + count, 25):
        items = [_item(partition or f"p-{i // 4 if sort else i:08d}", i if sort else None)
                 for i in range(start, start + 25)]
        requests.append(client.signed("BatchWriteItem", {"RequestItems": {table: [
            {"PutRequest": {"Item": item}} for item in items]}}))
    return requests


def measure_batch(client, count, pid):
    """(items/s, server CPU ms per 1,000 items)."""
    make_table(client, "batch")
    requests = batch_requests(client, "batch", 0, count)
    cpu, start = _cpu_seconds(pid), time.perf_counter()
    for request in requests:
        client.send(request)
    return count / (time.perf_counter() - start), 1_000_000 * (_cpu_seconds(pid) - cpu) / count


def fill_reads_table(client, total, have):
    """The read table: one 1,000-item partition 'hot' and the rest in small partitions."""
    if have == 0:
        make_table(client, "reads", sort=True)
        for request in batch_requests(client, "reads", 0, 1000, partition="hot", sort=True):
            client.send(request)
        have = 1000
    chunk = 25_000
    while have < total:
        for request in batch_requests(client, "reads", have, min(chunk, total - have), sort=True):
            client.send(request)
        have += min(chunk, total - have)
    return have


def measure_reads(client, rounds=15):
    query = client.signed("Query", {"TableName": "reads", "KeyConditionExpression": "pk = :p",
                                    "ExpressionAttributeValues": {":p": {"S": "hot"}}})
    scan = client.signed("Scan", {"TableName": "reads", "Limit": 1000})
    query_ms, scan_ms = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        client.send(query)
        query_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        client.send(scan)
        scan_ms.append((time.perf_counter() - start) * 1000)
    return statistics.median(query_ms), statistics.median(scan_ms)


# --- the run ---------------------------------------------------------------------------------

def run_server(name, port, pid, args, big):
    client = DynamoDB(port)
    figures = {}
    figures["put"], figures["get"], figures["put_cpu_ms"], figures["get_cpu_ms"] = measure_single(client, args.ops, pid)
    figures["boto_put"], figures["boto_get"] = measure_boto3(port, args.ops)
    figures["batch"], figures["batch_cpu_ms"] = measure_batch(client, 25_000, pid)
    have = fill_reads_table(client, 10_000, 0)
    figures["query_small"], figures["scan_small"] = measure_reads(client)
    if big:
        start = time.perf_counter()
        fill_reads_table(client, args.big, have)
        figures["fill_big_s"] = time.perf_counter() - start
        figures["query_big"], figures["scan_big"] = measure_reads(client)
    print(f"{name}: " + ", ".join(f"{k}={v:,.1f}" for k, v in figures.items()), flush=True)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=3000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--dynalite")
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--no-pin", action="store_true")
    args = parser.parse_args()
    servers.end_at_exit()
    core = servers.pin_load(not args.no_pin)
    results = {}
    for name, start in (("lakebox", lambda: servers.lakebox(core, "--limits", "off")),
                        ("moto", lambda: servers.moto(core)),
                        ("dynalite", lambda: servers.dynalite(core, args.dynalite))):
        server = start()
        if server is None:
            print(f"{name}: could not be started, skipped", flush=True)
            continue
        results[name] = run_server(name, server.port, server.pid, args,
                                   big=name == "lakebox" and not args.skip_big)
    _report(results, args)


def _report(results, args):
    lake = results.get("lakebox")
    if not lake:
        return
    print("\n| server | PutItem ops/s (replayed) | GetItem ops/s (replayed) | server CPU ms per Put / Get | "
          "PutItem ops/s (boto3) | GetItem ops/s (boto3) | BatchWriteItem items/s | Query 1,000 items ms (10^4) | "
          "Scan page ms (10^4) | server CPU ms per 1,000 batched items |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, f in results.items():
        print(f"| {name} | {f['put']:,.0f} | {f['get']:,.0f} | {f['put_cpu_ms']:.2f} / {f['get_cpu_ms']:.2f} | "
              f"{f['boto_put']:,.0f} | {f['boto_get']:,.0f} | {f['batch']:,.0f} | {f['query_small']:.1f} | "
              f"{f['scan_small']:.1f} | {f['batch_cpu_ms']:.0f} |")
    if "query_big" in lake:
        print(f"\nlakebox at {args.big:,} items: Query 1,000 items {lake['query_big']:.1f} ms "
              f"(at 10^4: {lake['query_small']:.1f}), Scan page {lake['scan_big']:.1f} ms "
              f"(at 10^4: {lake['scan_small']:.1f}); filling took {lake['fill_big_s']:.0f} s")
    moto = results.get("moto")
    if moto:
        for kind in ("put", "get", "boto_put", "boto_get"):
            ratio = lake[kind] / moto[kind]
            print(f"{kind} vs moto: {ratio:.1f}x (target >= {TARGET_VS_MOTO:.0f}x: "
                  f"{'met' if ratio >= TARGET_VS_MOTO else 'not met'})")
        for kind in ("put_cpu_ms", "get_cpu_ms"):
            print(f"{kind}: moto needs {moto[kind] / lake[kind]:.1f}x lakebox's server CPU per request")
    print(f"BatchWriteItem: {lake['batch']:,.0f} items/s (target >= {TARGET_BATCH:,}: "
          f"{'met' if lake['batch'] >= TARGET_BATCH else 'not met'}); on one free core: "
          f"{1_000_000 / lake['batch_cpu_ms']:,.0f} items/s by server CPU")


if __name__ == "__main__":
    main()
