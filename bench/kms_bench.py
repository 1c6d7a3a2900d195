#!/usr/bin/env python3
"""The KMS benchmark, lakebox side by side with moto's server.

    python3 bench/kms_bench.py [--duration 5] [--no-pin]

For Encrypt (1 KiB plaintext, with an encryption context), Decrypt of that ciphertext
and GenerateDataKey (AES_256): calls/s from one single-threaded client. Each request is
the exact one botocore sends, SigV4-signed once and replayed over one keep-alive
connection (moto's server closes each connection; the client reconnects), so the
client costs almost nothing and the figure is the server's. Each figure also comes per
second of the server's own CPU time (read from /proc), which says what the server would
do on a core of its own when the machine is shared.

lakebox runs with a fresh `--data-dir` (durable, WAL), `--limits off` and `--quiet`;
moto (`moto_server`) in memory, as it does by default. On two or more cores each server
runs on core 0 and this script on core 1. A reference that cannot be started is skipped
with a message. Every child runs in its own session and is ended at exit. The script
prints figures and the target they are read against, and asserts nothing.
"""
import argparse
import base64
import http.client
import json
import os
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import servers

TARGET_CALLS = 2_000          # calls/s, Encrypt and Decrypt (issue 13)
PLAINTEXT = os.urandom(1024)
CONTEXT = {"bucket": "reports", "key": "2026/q3.parquet"}


class Kms:
    """Signed JSON requests over one keep-alive connection."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def signed(self, operation, document):
        body = json.dumps(document).encode()
        request = AWSRequest(method="POST", url=f"http://127.0.0.1:{self.port}/", data=body, headers={
            "X-Amz-Target": f"TrentService.{operation}", "Content-Type": "application/x-amz-json-1.1"})
        SigV4Auth(Credentials("AKIAIOSFODNN7EXAMPLE", "secret"), "kms", "us-east-1").add_auth(request)
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


def requests_for(client):
    key_id = client.call("CreateKey", {"Description": "bench"})["KeyMetadata"]["KeyId"]
    plaintext = base64.b64encode(PLAINTEXT).decode()
    encrypt = client.signed("Encrypt", {"KeyId": key_id, "Plaintext": plaintext, "EncryptionContext": CONTEXT})
    blob = json.loads(client.send(encrypt))["CiphertextBlob"]
    decrypt = client.signed("Decrypt", {"CiphertextBlob": blob, "EncryptionContext": CONTEXT})
    data_key = client.signed("GenerateDataKey", {"KeyId": key_id, "KeySpec": "AES_256"})
    return {"Encrypt": encrypt, "Decrypt": decrypt, "GenerateDataKey": data_key}


def calls_per_second(client, pid, request, duration):
    """(calls per second, calls per second of server CPU time)."""
    for _ in range(50):
        client.send(request)
    calls, start, cpu = 0, time.perf_counter(), servers.cpu_seconds(pid)
    while time.perf_counter() - start < duration:
        client.send(request)
        calls += 1
    elapsed, used = time.perf_counter() - start, servers.cpu_seconds(pid) - cpu
    return calls / elapsed, calls / used if used else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--no-pin", action="store_true", help="do not pin the server and client to cores")
    args = parser.parse_args()
    servers.end_at_exit()
    core = servers.pin_load(not args.no_pin)
    figures = {}
    for name, start in (("lakebox", lambda: servers.lakebox(core, "--limits", "off", "--quiet")),
                        ("moto_server", lambda: servers.moto(core))):
        server = start()
        if server is None:
            print(f"{name}: could not be started, skipped")
            continue
        client = Kms(server.port)
        requests = requests_for(client)
        figures[name] = {op: calls_per_second(client, server.pid, request, args.duration)
                         for op, request in requests.items()}
    operations = ("Encrypt", "Decrypt", "GenerateDataKey")
    print(f"\nKMS, one client, {args.duration:g}s per figure: calls/s (calls per server CPU-s)")
    print(f"| server      | {' | '.join(f'{op:>22}' for op in operations)} |")
    for name, row in figures.items():
        cells = " | ".join(f"{f'{row[op][0]:,.0f} ({row[op][1]:,.0f})':>22}" for op in operations)
        print(f"| {name:<11} | {cells} |")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    if "lakebox" in figures:
        lakebox = figures["lakebox"]
        for op in ("Encrypt", "Decrypt"):
            rate, per_cpu = lakebox[op]
            verdict = "met" if rate >= TARGET_CALLS else "NOT met"
            ratio = f", {rate / figures['moto_server'][op][0]:.1f}x moto" if "moto_server" in figures else ""
            print(f"{op}: {rate:,.0f} calls/s ({per_cpu:,.0f} per server CPU-s), target >= {TARGET_CALLS:,}: "
                  f"{verdict}{ratio}")


if __name__ == "__main__":
    main()
