#!/usr/bin/env python3
"""The Firehose benchmark.

    python3 bench/firehose_bench.py [--duration 8] [--convert 1000000] [--no-pin]

(a) PutRecordBatch of 500 x 1 KiB records into a DirectPut stream (5 MiB buffers, so
    delivery to S3 runs all along) for `--duration` seconds: records/s. The request is
    the exact one botocore sends, SigV4-signed once and replayed over one keep-alive
    connection. Afterwards the clock is moved past the interval so the rest flushes, and
    the objects in the bucket are counted and their bytes summed: every byte sent must be
    there exactly once. The server's own CPU time (user + system, from /proc) over the
    put phase is divided by the records sent: CPU per record, the figure a loaded
    machine does not distort the way it distorts records/s.
(b) JSON to Parquet conversion of `--convert` small records (5 columns, SNAPPY), in this
    process: lakebox's converter (the code a delivery runs, Glue types to Arrow, key
    mapping, casts) against pyarrow converting the same records directly (read_json,
    write_table), in the same run.

lakebox runs with a fresh `--data-dir` (durable, WAL) and `--limits off`; on two or more
cores the server runs on core 0 and this script on core 1. The script prints figures
and the targets they are read against, and asserts nothing.
"""
import argparse
import base64
import http.client
import io
import json
import os
import sys
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import servers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
BATCH = 500
RECORD = 1024
TARGET_PUT = 30_000           # records/s while delivery runs
TARGET_CONVERT = 2.0          # at most this many times pyarrow's own time


class Client:
    """Signed requests over one keep-alive connection."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def signed(self, service, target, document):
        body = json.dumps(document).encode()
        request = AWSRequest(method="POST", url=f"http://127.0.0.1:{self.port}/", data=body, headers={
            "X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"})
        SigV4Auth(Credentials("AKIAIOSFODNN7EXAMPLE", "secret"), service, "us-east-1").add_auth(request)
        return body, dict(request.headers.items())

    def send(self, signed, method="POST", path="/"):
        body, headers = signed
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"{response.status}: {payload[:300]!r}")
        return payload

    def firehose(self, operation, document):
        return json.loads(self.send(self.signed("firehose", f"Firehose_20150804.{operation}", document)) or b"{}")


def measure_put(port, pid, duration):
    import boto3
    s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                      aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="secret")
    s3.create_bucket(Bucket="bench")
    client = Client(port)
    client.firehose("CreateDeliveryStream", {"DeliveryStreamName": "bench", "ExtendedS3DestinationConfiguration": {
        "RoleARN": "arn:aws:iam::000000000000:role/firehose", "BucketARN": "arn:aws:s3:::bench",
        "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 60}}})
    data = base64.b64encode(os.urandom(RECORD)).decode()
    request = client.signed("firehose", "Firehose_20150804.PutRecordBatch",
                            {"DeliveryStreamName": "bench", "Records": [{"Data": data}] * BATCH})
    sent, start, cpu_start = 0, time.perf_counter(), servers.cpu_seconds(pid)
    while time.perf_counter() - start < duration:
        client.send(request)
        sent += BATCH
    rate = sent / (time.perf_counter() - start)
    cpu_per_record = (servers.cpu_seconds(pid) - cpu_start) / sent
    clock = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    clock.request("POST", "/_lakebox/clock", body=json.dumps({"advance": 61}))
    clock.getresponse().read()
    count, total = 0, 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        count, total = 0, 0
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket="bench"):
            for item in page.get("Contents", []):
                count, total = count + 1, total + item["Size"]
        if total >= sent * RECORD:
            break
        time.sleep(0.5)
    return rate, cpu_per_record, sent, count, total


def measure_convert(count):
    import pyarrow as pa
    import pyarrow.json as pa_json
    import pyarrow.parquet as pq
    from lakebox.services.firehose import convert
    records = [json.dumps({"id": i, "name": f"user-{i % 1000}", "price": i * 0.25, "ok": i % 2 == 0,
                           "ts": 1_700_000_000 + i}).encode() for i in range(count)]
    table = {"StorageDescriptor": {"Columns": [
        {"Name": "id", "Type": "bigint"}, {"Name": "name", "Type": "string"}, {"Name": "price", "Type": "double"},
        {"Name": "ok", "Type": "boolean"}, {"Name": "ts", "Type": "bigint"}]}}
    schema = pa.schema([("id", pa.int64()), ("name", pa.string()), ("price", pa.float64()), ("ok", pa.bool_()),
                        ("ts", pa.int64())])
    scratch = servers.scratch_dir("firehose-convert-")

    def reference():
        body = b"\n".join(records)
        read = pa_json.read_json(io.BytesIO(body), read_options=pa_json.ReadOptions(block_size=len(body)),
                                 parse_options=pa_json.ParseOptions(explicit_schema=schema))
        pq.write_table(read, os.path.join(scratch, "reference.parquet"), compression="snappy")
        return read.num_rows

    def lakebox():
        converted, failed = convert.convert(records, convert.schema_of(table), convert.Deserializer({}))
        convert.write(converted, {"ParquetSerDe": {"Compression": "SNAPPY"}}, os.path.join(scratch, "lakebox.parquet"))
        return converted.num_rows + len(failed)

    times = {}
    for name, run in (("pyarrow", reference), ("lakebox", lakebox), ("pyarrow", reference), ("lakebox", lakebox)):
        start = time.perf_counter()
        rows = run()
        elapsed = time.perf_counter() - start
        assert rows == count
        times[name] = min(times.get(name, elapsed), elapsed)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=8)
    parser.add_argument("--convert", type=int, default=1_000_000)
    parser.add_argument("--no-pin", action="store_true")
    args = parser.parse_args()
    servers.end_at_exit()
    core = servers.pin_load(not args.no_pin)
    lakebox = servers.lakebox(core, "--quiet", "--limits", "off")
    if lakebox is None:
        sys.exit("lakebox did not start")
    rate, cpu, sent, count, total = measure_put(lakebox.port, lakebox.pid, args.duration)
    print(f"(a) PutRecordBatch 500 x 1 KiB: {rate:,.0f} records/s (target >= {TARGET_PUT:,}); server CPU "
          f"{cpu * 1e6:.1f} us/record ({1 / cpu:,.0f} records per CPU second); {sent:,} records sent, "
          f"{count} objects holding {total:,} bytes (expected {sent * RECORD:,}); load average "
          f"{os.getloadavg()[0]:.1f}")
    if not args.convert:
        return
    times = measure_convert(args.convert)
    ratio = times["lakebox"] / times["pyarrow"]
    print(f"(b) JSON -> Parquet, {args.convert:,} records: lakebox {times['lakebox']:.2f} s, "
          f"pyarrow {times['pyarrow']:.2f} s: {ratio:.2f}x (target <= {TARGET_CONVERT}x)")


if __name__ == "__main__":
    main()
