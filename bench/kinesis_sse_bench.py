#!/usr/bin/env python3
"""What stream encryption at rest costs Kinesis, per record.

    python3 bench/kinesis_sse_bench.py [--records 200000] [--no-pin]

One lakebox (fresh `--data-dir`, `--limits off`) with two 8-shard streams, one plain and
one with StartStreamEncryption under a customer managed KMS key. Into each, `--records`
records go as PutRecords of 500 x 1 KiB (the request botocore sends, signed once and
replayed), then all are read back with GetRecords (Limit 10000, shard by shard). The
figure is the server's own CPU time (user + system, from /proc) per record, which a
loaded machine distorts far less than records/s; records/s are printed too. The script
prints figures and asserts nothing.
"""
import argparse
import json
import os
import sys
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import kinesis_bench as kb  # noqa: E402
import servers  # noqa: E402


def measure(client, pid, name, records):
    """(put CPU us/record, put records/s, read CPU us/record, read records/s)."""
    before, started = servers.cpu_seconds(pid), time.perf_counter()
    kb.fill(client, name, records)
    put_wall, put_cpu = time.perf_counter() - started, servers.cpu_seconds(pid) - before
    before = servers.cpu_seconds(pid)
    rate = kb.measure_drain(client, name, records)
    read_cpu = servers.cpu_seconds(pid) - before
    return 1e6 * put_cpu / records, records / put_wall, 1e6 * read_cpu / records, rate


def create_key(port) -> str:
    request = AWSRequest(method="POST", url=f"http://127.0.0.1:{port}/", data=b"{}", headers={
        "X-Amz-Target": "TrentService.CreateKey", "Content-Type": "application/x-amz-json-1.1"})
    SigV4Auth(Credentials("AKIAIOSFODNN7EXAMPLE", "secret"), "kms", "us-east-1").add_auth(request)
    return json.loads(kb.Kinesis(port).send((b"{}", dict(request.headers.items()))))["KeyMetadata"]["Arn"]


def wait_active(client, name):
    for _ in range(600):
        summary = client.call("DescribeStreamSummary", {"StreamName": name})["StreamDescriptionSummary"]
        if summary["StreamStatus"] == "ACTIVE":
            return
        time.sleep(0.1)
    raise RuntimeError(f"stream {name} never became ACTIVE")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--no-pin", action="store_true")
    args = parser.parse_args()
    servers.end_at_exit()
    core = servers.pin_load(not args.no_pin)
    lakebox = servers.lakebox(core, "--limits", "off")
    if lakebox is None:
        sys.exit("lakebox did not start")
    port, pid = lakebox.port, lakebox.pid
    client = kb.Kinesis(port)
    for name in ("plain", "sealed"):
        kb.make_stream(client, name)
    client.call("StartStreamEncryption", {"StreamName": "sealed", "EncryptionType": "KMS", "KeyId": create_key(port)})
    wait_active(client, "sealed")
    for name in ("plain", "sealed"):
        put_us, put_rate, read_us, read_rate = measure(client, pid, name, args.records)
        print(f"{name:6}: PutRecords {put_us:.2f} us CPU/record ({put_rate:,.0f} records/s), "
              f"GetRecords {read_us:.2f} us CPU/record ({read_rate:,.0f} records/s); load average "
              f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
