#!/usr/bin/env python3
"""The KMS benchmark, lakebox side by side with moto's server.

    python3 bench/kms_bench.py [--duration 5] [--rounds 2] [--conns 1,8] [--no-moto] [--baseline OTHER_CHECKOUT]

For Encrypt (1 KiB plaintext, with an encryption context), Decrypt of that ciphertext
and GenerateDataKey (AES_256): calls/s, and the server's own CPU time per call. Each
request is the exact one botocore sends, SigV4-signed once and replayed by wrk (one
thread, written in C), so the load generator is never the bottleneck: with one
connection it is one client calling in a loop, with eight it is eight such clients.
The server's CPU time (utime + stime of its process tree, from /proc) is read around
every run; "CPU us/call" is that time over the calls answered, what the server spends
whatever else the machine is doing, and "calls per CPU-s" what one core of its own
would answer.

lakebox runs with a fresh `--data-dir` (durable, WAL), `--limits off` and `--quiet`;
moto (`moto_server`, found on PATH) in memory, as it does by default. Servers run on core
0, wrk and this script on core 1. Rounds interleave the servers; each figure is the best
round (most calls/s, lowest CPU per call). A reference that cannot be started is skipped
with a message. Every child runs in its own session and is ended at exit. The script
prints figures and the target they are read against, and asserts nothing.
"""
import argparse
import base64
import datetime
import http.client
import json
import os
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import foundation_bench as fb  # noqa: E402
import servers  # noqa: E402

TARGET_CALLS = 2_000          # calls/s, Encrypt and Decrypt (issue 13)
PLAINTEXT = os.urandom(1024)
CONTEXT = {"bucket": "reports", "key": "2026/q3.parquet"}
OPERATIONS = ("Encrypt", "Decrypt", "GenerateDataKey")


class Kms:
    """Signed JSON requests to one server (used to set up; wrk replays them)."""

    def __init__(self, port):
        self.port = port

    def signed(self, operation, document):
        body = json.dumps(document).encode()
        request = AWSRequest(method="POST", url=f"http://127.0.0.1:{self.port}/", data=body, headers={
            "X-Amz-Target": f"TrentService.{operation}", "Content-Type": "application/x-amz-json-1.1"})
        SigV4Auth(Credentials("AKIAIOSFODNN7EXAMPLE", "secret"), "kms", "us-east-1").add_auth(request)
        # wrk sets Host and Content-Length itself.
        return body, {name: value for name, value in request.headers.items()
                      if name.lower() not in ("host", "content-length")}

    def send(self, signed):
        body, headers = signed
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("POST", "/", body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
        finally:
            conn.close()
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


class Target:
    """A server under test, its wrk scripts and its runs (keyed by operation and connections)."""

    def __init__(self, name, running, scratch):
        self.name = name
        self.runs = fb.CpuRuns(running)
        self.scripts = {}
        client = Kms(running.port)
        for operation, (body, headers) in requests_for(client).items():
            client.send((body, headers))          # answers 200 before it is replayed
            self.scripts[operation] = fb.write_replay_script(
                os.path.join(scratch, f"{name}-{operation}.lua"), "POST", body.decode(), headers, "/")

    def measure(self, operation, conns, wrk, duration, cores):
        self.runs.measure((operation, conns), wrk, self.scripts[operation], conns, duration, cores)

    def best(self, operation, conns):
        return self.runs.best((operation, conns))


def _cell(rate, cpu_us):
    return f"{rate:,.0f} ({1e6 / cpu_us:,.0f}; {cpu_us:,.0f})" if rate else "-"


def report(targets, conns_list, args):
    print(f"\n### KMS, wrk -t1, {args.duration}s per run, best of {args.rounds} interleaved rounds\n")
    rows = [[target.name, conns] + [_cell(*target.best(op, conns)) for op in OPERATIONS]
            for target in targets for conns in conns_list]
    fb.print_table(["server", "connections"] + [f"{op} calls/s (per CPU-s; CPU us/call)" for op in OPERATIONS],
                   rows)
    lakebox = next((t for t in targets if t.name == "lakebox"), None)
    moto = next((t for t in targets if t.name == "moto_server"), None)
    if lakebox is None:
        return
    print()
    for op in ("Encrypt", "Decrypt"):
        for conns in conns_list:
            rate, cpu = lakebox.best(op, conns)
            if not rate:
                continue
            versus = ""
            if moto and moto.best(op, conns)[0]:
                versus = f"; {rate / moto.best(op, conns)[0]:.0f}x moto's calls/s"
            verdict = "met" if rate >= TARGET_CALLS else "NOT met"
            print(f"{op}, {conns} connection(s): {rate:,.0f} calls/s ({1e6 / cpu:,.0f} per server CPU-s), "
                  f"target >= {TARGET_CALLS:,}: {verdict}{versus}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per measured wrk run (default 5)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds (default 2)")
    parser.add_argument("--conns", default="1,8", help="wrk connection counts (default 1,8)")
    parser.add_argument("--no-moto", action="store_true", help="lakebox only")
    parser.add_argument("--baseline", metavar="DIR", help="also run lakebox from this checkout, in the same rounds")
    parser.add_argument("--no-priority", action="store_true", help="run servers and wrk at normal niceness")
    args = parser.parse_args()
    conns_list = [int(c) for c in args.conns.split(",")]
    servers.end_at_exit()
    cores, wrk = servers.wrk_cores(priority=not args.no_priority)
    print("lakebox KMS benchmark")
    print(f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"- pinning: {cores.describe()}")
    print(f"- other load before the run: {fb._background_load()}")
    sys.stdout.flush()
    scratch = servers.scratch_dir("lakebox-kms-bench-lua-")
    starts = [("lakebox", lambda: servers.lakebox(cores.server, "--limits", "off", "--quiet",
                                                   niceness=cores.niceness))]
    if args.baseline:
        starts.append((f"lakebox ({os.path.basename(os.path.normpath(args.baseline))})",
                       lambda: servers.lakebox(cores.server, "--limits", "off", "--quiet", niceness=cores.niceness,
                                               tree=os.path.abspath(args.baseline))))
    if not args.no_moto:
        starts.append(("moto_server", lambda: servers.moto(cores.server, niceness=cores.niceness)))
    targets = []
    for name, start in starts:
        running = start()
        if running is None:
            print(f"! {name}: could not be started, skipped", file=sys.stderr)
            continue
        targets.append(Target(name, running, scratch))
        for op in OPERATIONS:           # warm-up, discarded
            fb.run_wrk(wrk, targets[-1].scripts[op], running.port, max(conns_list), 1, cores)
    for _ in range(args.rounds):
        for op in OPERATIONS:
            for conns in conns_list:
                for target in targets:
                    target.measure(op, conns, wrk, args.duration, cores)
    print(f"- other load after the run: {fb._background_load()}")
    report(targets, conns_list, args)


if __name__ == "__main__":
    main()
