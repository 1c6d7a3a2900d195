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
import atexit
import base64
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET_CALLS = 2_000          # calls/s, Encrypt and Decrypt (issue 13)
PLAINTEXT = os.urandom(1024)
CONTEXT = {"bucket": "reports", "key": "2026/q3.parquet"}
_children, _scratch = [], []


def _cleanup():
    for proc in _children:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)
    for path in _scratch:
        shutil.rmtree(path, ignore_errors=True)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_core(pin):
    cores = sorted(os.sched_getaffinity(0))
    if not pin or len(cores) < 2:
        return None
    os.sched_setaffinity(0, {cores[1]})       # this script: the load side
    return cores[0]


def _spawn(argv, core, env=None):
    def pin():
        if core is not None:
            os.sched_setaffinity(0, {core})
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, preexec_fn=pin, env=env)
    _children.append(proc)
    return proc


def _wait_port(port, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def start_lakebox(core):
    port, data = _free_port(), tempfile.mkdtemp(prefix="kms-bench-")
    _scratch.append(data)
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = _spawn([sys.executable, "-m", "lakebox.cli", "serve", "--port", str(port), "--data-dir", data,
                   "--limits", "off", "--quiet"], core, env)
    return (port, proc) if _wait_port(port, proc) else None


def start_moto(core):
    exe = shutil.which("moto_server")
    if not exe:
        return None
    port = _free_port()
    proc = _spawn([exe, "-p", str(port)], core)
    return (port, proc) if _wait_port(port, proc) else None


def cpu_seconds(pid) -> float:
    """User plus system CPU time of a process and its threads."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    calls, start, cpu = 0, time.perf_counter(), cpu_seconds(pid)
    while time.perf_counter() - start < duration:
        client.send(request)
        calls += 1
    elapsed, used = time.perf_counter() - start, cpu_seconds(pid) - cpu
    return calls / elapsed, calls / used if used else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--no-pin", action="store_true", help="do not pin the server and client to cores")
    args = parser.parse_args()
    atexit.register(_cleanup)
    core = _server_core(not args.no_pin)
    figures = {}
    for name, start in (("lakebox", start_lakebox), ("moto_server", start_moto)):
        started = start(core)
        if started is None:
            print(f"{name}: could not be started, skipped")
            continue
        port, proc = started
        client = Kms(port)
        requests = requests_for(client)
        figures[name] = {op: calls_per_second(client, proc.pid, request, args.duration)
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
