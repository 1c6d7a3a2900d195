#!/usr/bin/env python3
"""The Glue benchmark: a crawl of a lake, and GetPartitions with an Expression.

    python3 bench/glue_bench.py [--partitions 1000] [--files-per-partition 10] [--catalog 100000]

(a) A crawl of `--partitions` x `--files-per-partition` objects (10,000 in 1,000
    partitions by default): half the partitions hold Parquet files, half CSV files, so
    the crawl writes two partitioned tables. Reported: the crawl's wall time (StartCrawler
    to READY) and the bytes it read against the bytes stored. The reference in the same
    run is reading every byte of those objects back with GetObject, which is what a
    crawler that opens whole files would at least have to do.
(b) GetPartitions over a table of `--catalog` (100,000) partitions: the median time of an
    Expression that selects one day (24 partitions), and of one that selects a month
    (about 720), against the reference of paging through all partitions and filtering
    in the client, which is what a catalog without the filter language makes callers do.

lakebox runs as a subprocess with a fresh `--data-dir` and `--limits off`. The crawl's
bytes read are taken from its crawl record in the data dir's SQLite file. The script
prints figures and the targets they are read against, and asserts nothing.
"""
import argparse
import io
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from botocore.config import Config  # noqa: E402

from lakebox.testing import LakeboxServer  # noqa: E402

TARGET_CRAWL_S = 30.0
TARGET_GET_PARTITIONS_MS = 200.0
CONFIG = Config(retries={"total_max_attempts": 1}, max_pool_connections=16)


def _parquet(rows: int, seed: int) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"id": list(range(seed, seed + rows)), "price": [i * 0.5 for i in range(rows)],
                      "name": [f"item-{i}" for i in range(rows)]})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def _csv(rows: int, seed: int) -> bytes:
    body = "\n".join(f"{seed + i},{i * 0.5},item-{i}" for i in range(rows))
    return f"id,price,name\n{body}\n".encode()


def build_lake(s3, bucket: str, partitions: int, per_partition: int) -> int:
    def put(index):
        part, file = divmod(index, per_partition)
        fmt = "parquet" if part % 2 == 0 else "csv"
        body = _parquet(200, index) if fmt == "parquet" else _csv(200, index)
        day = part // 2
        key = f"{fmt}/dt=2024-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}/hour={day // 336}/part-{file}.{fmt}"
        s3.put_object(Bucket=bucket, Key=key, Body=body)
        return len(body)

    with ThreadPoolExecutor(16) as pool:
        return sum(pool.map(put, range(partitions * per_partition)))


def bench_crawl(server, data_dir, partitions, per_partition):
    s3, glue = server.client("s3", config=CONFIG), server.client("glue", config=CONFIG)
    s3.create_bucket(Bucket="bench-lake")
    started = time.perf_counter()
    stored = build_lake(s3, "bench-lake", partitions, per_partition)
    print(f"lake: {partitions * per_partition} objects, {stored / 1e6:.1f} MB, uploaded in "
          f"{time.perf_counter() - started:.1f} s")
    glue.create_crawler(Name="bench", Role="r", DatabaseName="bench",
                        Targets={"S3Targets": [{"Path": "s3://bench-lake/parquet/"},
                                               {"Path": "s3://bench-lake/csv/"}]})
    started = time.perf_counter()
    glue.start_crawler(Name="bench")
    while glue.get_crawler(Name="bench")["Crawler"]["State"] != "READY":
        time.sleep(0.05)
    crawl_s = time.perf_counter() - started
    tables = glue.get_tables(DatabaseName="bench")["TableList"]
    parts = {t["Name"]: sum(len(p["Partitions"]) for p in glue.get_paginator("get_partitions").paginate(
        DatabaseName="bench", TableName=t["Name"])) for t in tables}
    with sqlite3.connect(os.path.join(data_dir, "lakebox.db")) as db:
        record = json.loads(db.execute("SELECT doc FROM glue_crawls WHERE crawler='bench'").fetchone()[0])

    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket="bench-lake")
                for o in page["Contents"]]
        list(pool.map(lambda k: s3.get_object(Bucket="bench-lake", Key=k)["Body"].read(), keys))
    read_all_s = time.perf_counter() - started
    print(f"crawl: {crawl_s:.2f} s (target < {TARGET_CRAWL_S:.0f} s); tables {parts}; bytes read "
          f"{record['_bytes_read'] / 1e6:.2f} MB of {record['_bytes_stored'] / 1e6:.2f} MB stored "
          f"({100 * record['_bytes_read'] / max(record['_bytes_stored'], 1):.1f}%)")
    print(f"reference, GetObject of every byte: {read_all_s:.2f} s")


def bench_get_partitions(server, count):
    glue = server.client("glue", config=CONFIG)
    glue.create_database(DatabaseInput={"Name": "bench_parts"})
    glue.create_table(DatabaseName="bench_parts", TableInput={
        "Name": "events", "PartitionKeys": [{"Name": "day", "Type": "string"}, {"Name": "hour", "Type": "int"}],
        "StorageDescriptor": {"Columns": [{"Name": "x", "Type": "bigint"}], "Location": "s3://b/events/"}})
    days = [f"day{d:05d}" for d in range(count // 24)]
    batches = [[{"Values": [day, str(h)], "StorageDescriptor": {"Location": f"s3://b/events/{day}/{h}/"}}
                for day in days[i:i + 4] for h in range(24)] for i in range(0, len(days), 4)]
    started = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda b: glue.batch_create_partition(DatabaseName="bench_parts", TableName="events",
                                                            PartitionInputList=b), batches))
    print(f"catalog: {len(days) * 24} partitions created in {time.perf_counter() - started:.1f} s")

    def timed(call, runs=15):
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            found = call()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times), found

    one_day = f"day = '{days[len(days) // 2]}'"
    month = f"day BETWEEN '{days[100]}' AND '{days[129]}' AND hour >= 0"
    pages = lambda expression: [p for page in glue.get_paginator("get_partitions").paginate(
        DatabaseName="bench_parts", TableName="events", **({"Expression": expression} if expression else {}))
        for p in page["Partitions"]]
    ms, found = timed(lambda: pages(one_day))
    print(f"GetPartitions, one day ({len(found)} partitions): {ms:.1f} ms median "
          f"(target < {TARGET_GET_PARTITIONS_MS:.0f} ms)")
    ms, found = timed(lambda: pages(month))
    print(f"GetPartitions, a month ({len(found)} partitions): {ms:.1f} ms median")
    wanted = days[len(days) // 2]
    ms, found = timed(lambda: [p for p in pages(None) if p["Values"][0] == wanted], runs=3)
    print(f"reference, every partition paged and filtered in the client ({len(found)} kept): {ms:.1f} ms median")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partitions", type=int, default=1000)
    parser.add_argument("--files-per-partition", type=int, default=10)
    parser.add_argument("--catalog", type=int, default=100_000)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="lakebox-glue-bench-")
    with LakeboxServer(data_dir=data_dir, limits="off") as server:
        bench_crawl(server, data_dir, args.partitions, args.files_per_partition)
        bench_get_partitions(server, args.catalog)


if __name__ == "__main__":
    main()
