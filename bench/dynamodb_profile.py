#!/usr/bin/env python3
"""Where lakebox's time goes on DynamoDB PutItem, GetItem and BatchWriteItem, with no
network in the way.

    python3 bench/dynamodb_profile.py [put|get|batch] [--requests 5000] [--profile] [--top 30]

Builds lakebox's ASGI app in this process on a fresh data directory (durable, WAL,
`--limits off`, as `bench/dynamodb_bench.py` runs the server), signs the requests that
benchmark sends (200-byte items, distinct keys) beforehand, then drives them straight
through the app: the CPU time per request (and per item for batches) is the app's own
cost, the pipeline's and the action's, without uvicorn and the sockets. With
--profile, cProfile says which functions that cost is made of (cProfile inflates small
Python calls: read it for shares). The per-request log line is off, as under
`lakebox serve --quiet`.
"""
import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

VALUE = "x" * 180                    # with the key and names: a 200-byte item
TABLE = "bench"                      # table names are 3 to 255 characters


def signed(operation, document):
    """(ASGI scope, body) of a request as botocore signs it."""
    body = json.dumps(document).encode()
    request = AWSRequest(method="POST", url="http://127.0.0.1:4566/", data=body, headers={
        "X-Amz-Target": f"DynamoDB_20120810.{operation}", "Content-Type": "application/x-amz-json-1.0"})
    SigV4Auth(Credentials("AKIAIOSFODNN7EXAMPLE", "secret"), "dynamodb", "us-east-1").add_auth(request)
    headers = [(b"host", b"127.0.0.1:4566"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in request.headers.items()]
    scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/", "raw_path": b"/", "query_string": b"",
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 4566)}
    return scope, body


async def drive(app, requests, answers=None):
    for scope, body in requests:
        message = {"type": "http.request", "body": body, "more_body": False}

        async def receive():
            return message

        async def send(event):
            if answers is not None and event["type"] == "http.response.body":
                answers.append(event["body"])
        await app(scope, receive, send)


def _item(key):
    return {"pk": {"S": key}, "v": {"S": VALUE}}


def requests_for(kind, count):
    """(requests to measure, requests to run before them, items per request)."""
    if kind == "batch":
        return [signed("BatchWriteItem", {"RequestItems": {TABLE: [
            {"PutRequest": {"Item": _item(f"p-{i:08d}")}} for i in range(start, start + 25)]}})
            for start in range(0, count * 25, 25)], [], 25
    puts = [signed("PutItem", {"TableName": TABLE, "Item": _item(f"key-{i:07d}")}) for i in range(count)]
    if kind == "put":
        return puts, [], 1
    return [signed("GetItem", {"TableName": TABLE, "Key": {"pk": {"S": f"key-{i:07d}"}}}) for i in range(count)], puts, 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("put", "get", "batch"))
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    from lakebox.config import Config
    from lakebox.server import build

    data = tempfile.mkdtemp(prefix="ddb-profile-")
    try:
        state, app = build(Config(data_dir=data, port=1, log_level="warning", limits="off"))
        state.db.defer_checkpoints()     # as the server's syncer does: no checkpoint (and fsync) in a commit
        loop = asyncio.new_event_loop()
        loop.run_until_complete(drive(app, [signed("CreateTable", {
            "TableName": TABLE, "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST"})]))
        measured, before, per = requests_for(args.kind, args.requests)
        loop.run_until_complete(drive(app, before))
        warm, measured = measured[:100], measured[100:]
        answers = []
        loop.run_until_complete(drive(app, warm, answers))
        if b"__type" in answers[-1]:
            sys.exit(f"lakebox refused the request: {answers[-1][:300]!r}")
        profile = cProfile.Profile() if args.profile else None
        if profile:
            profile.enable()
        cpu, wall = time.process_time(), time.perf_counter()
        loop.run_until_complete(drive(app, measured))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if profile:
            profile.disable()
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats(order).print_stats(args.top)
                print(f"cProfile by {order}:\n" + out.getvalue().split("\n", 4)[-1])
        count = len(measured)
        print(f"{args.kind}: {1e6 * cpu / count:.0f} us of CPU per request ({1e6 * cpu / (count * per):.1f} us "
              f"per item), {1e6 * wall / count:.0f} us wall, {count} requests, load average "
              f"{os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
