#!/usr/bin/env python3
"""The Iceberg benchmark (issue 14's Performance section).

    python3 bench/iceberg_bench.py [--rows 1000000] [--changes 10000] [--runs 3]

(a) MERGE of `--changes` rows (half updates of existing ids, half new ids) into an
    Iceberg table of `--rows` rows, through Athena (merge-on-read: position deletes and
    the new rows), next to pyiceberg's own `Table.upsert` of the same rows on a copy of
    the same table, in the same run and through the same lakebox (pyiceberg's Glue
    catalog and S3 pointed at it). Both tables are made by the same CTAS from the same
    Parquet file. Each side is run `--runs` times on fresh copies; the median counts.
(b) Time travel: the table gets 100 more snapshots (one-row INSERTs); then the same
    aggregate is run on the current snapshot, and `FOR VERSION AS OF` the snapshots
    1, 50 and 100 commits back (`--runs` times each, median).

Times are wall clock from StartQueryExecution to SUCCEEDED (pyiceberg: the `upsert`
call), and lakebox's own CPU seconds over the same span (from /proc: the server's
user+system time), since wall clock on a loaded machine says little. The script prints
figures and the targets they are read against; it asserts only that answers agree.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

import boto3
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lakebox.testing import LakeboxServer

BUCKET = "iceberg-bench"
DATABASE = "bench"


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Measured:
    """Wall and server CPU seconds of the block."""

    def __init__(self, pid):
        self.pid = pid

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), cpu_seconds(self.pid)
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = cpu_seconds(self.pid) - self.cpu


def run(athena, sql):
    query_id = athena.start_query_execution(
        QueryString=sql, QueryExecutionContext={"Database": DATABASE},
        ResultConfiguration={"OutputLocation": f"s3://{BUCKET}/results/"})["QueryExecutionId"]
    while True:
        execution = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        state = execution["Status"]["State"]
        if state in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        time.sleep(0.005)
    if state != "SUCCEEDED":
        raise RuntimeError(f"{sql[:80]}: {execution['Status']}")
    return query_id


def rows_of(athena, query_id):
    found = athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]["Rows"][1:]
    return [[cell.get("VarCharValue") for cell in row["Data"]] for row in found]


def make_files(directory: str, rows: int, changes: int):
    rng = np.random.default_rng(14)
    table = pa.table({"id": pa.array(np.arange(rows, dtype=np.int64)),
                      "name": pa.array([f"name-{i % 9973}" for i in range(rows)]),
                      "qty": pa.array(rng.integers(0, 1000, rows, dtype=np.int32)),
                      "price": pa.array(rng.random(rows))})
    half = changes // 2
    ids = np.concatenate([rng.choice(rows, half, replace=False), np.arange(rows, rows + changes - half)])
    changed = pa.table({"id": pa.array(ids.astype(np.int64)), "name": pa.array([f"changed-{i}" for i in ids]),
                        "qty": pa.array(np.full(changes, 7, dtype=np.int32)),
                        "price": pa.array(np.full(changes, 1.5))})
    pq.write_table(table, os.path.join(directory, "base.parquet"))
    pq.write_table(changed, os.path.join(directory, "changes.parquet"))
    return changed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="iceberg-bench-")
    changed = make_files(work, args.rows, args.changes)
    with LakeboxServer(data_dir=os.path.join(work, "data")) as server:
        session = boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
        s3, glue = (session.client(name, endpoint_url=server.endpoint) for name in ("s3", "glue"))
        athena = session.client("athena", endpoint_url=server.endpoint)
        pid = server.process.pid
        s3.create_bucket(Bucket=BUCKET)
        glue.create_database(DatabaseInput={"Name": DATABASE})
        for name in ("base", "changes"):
            s3.upload_file(os.path.join(work, f"{name}.parquet"), BUCKET, f"{name}/{name}.parquet")
            run(athena, f"CREATE EXTERNAL TABLE {name} (id bigint, name string, qty int, price double) "
                        f"STORED AS PARQUET LOCATION 's3://{BUCKET}/{name}/'")
        merge_figures(athena, server, pid, changed, args)
        travel_figures(athena, pid, args)


def copy_table(athena, name: str):
    run(athena, f"CREATE TABLE {name} WITH (table_type = 'ICEBERG', location = 's3://{BUCKET}/iceberg/{name}/', "
                f"is_external = false) AS SELECT * FROM base")


def merge_figures(athena, server, pid, changed, args):
    from pyiceberg.catalog import load_catalog
    catalog = load_catalog("bench", **{
        "type": "glue", "glue.region": "us-east-1", "glue.endpoint": server.endpoint, "glue.access-key-id": "test",
        "glue.secret-access-key": "test", "s3.endpoint": server.endpoint, "s3.access-key-id": "test",
        "s3.secret-access-key": "test", "s3.region": "us-east-1"})
    merge = ("MERGE INTO {t} t USING changes c ON t.id = c.id "
             "WHEN MATCHED THEN UPDATE SET name = c.name, qty = c.qty, price = c.price "
             "WHEN NOT MATCHED THEN INSERT VALUES (c.id, c.name, c.qty, c.price)")
    check = "SELECT count(*), sum(qty), count_if(name LIKE 'changed-%') FROM {t}"
    athena_runs, pyiceberg_runs, answers = [], [], []
    for number in range(args.runs):
        copy_table(athena, f"m{number}")
        with Measured(pid) as measured:
            run(athena, merge.format(t=f"m{number}"))
        athena_runs.append(measured)
        answers.append(rows_of(athena, run(athena, check.format(t=f"m{number}"))))
        copy_table(athena, f"p{number}")
        table = catalog.load_table(f"{DATABASE}.p{number}")
        with Measured(pid) as measured:
            table.upsert(changed, join_cols=["id"])
        pyiceberg_runs.append(measured)
        answers.append(rows_of(athena, run(athena, check.format(t=f"p{number}"))))
    if any(answer != answers[0] for answer in answers):
        raise SystemExit(f"answers differ: {answers}")
    lakebox_wall = statistics.median(m.wall for m in athena_runs)
    pyiceberg_wall = statistics.median(m.wall for m in pyiceberg_runs)
    print(f"(a) MERGE of {args.changes:,} rows into {args.rows:,} (answers equal: {answers[0]})")
    print(f"    lakebox Athena MERGE : {lakebox_wall:.2f} s wall, {statistics.median(m.cpu for m in athena_runs):.2f} "
          f"s server CPU  (runs: {', '.join(f'{m.wall:.2f}' for m in athena_runs)})")
    print(f"    pyiceberg upsert     : {pyiceberg_wall:.2f} s wall, "
          f"{statistics.median(m.cpu for m in pyiceberg_runs):.2f} s server CPU  "
          f"(runs: {', '.join(f'{m.wall:.2f}' for m in pyiceberg_runs)})")
    print(f"    ratio {lakebox_wall / pyiceberg_wall:.2f} (target: within 2x)")


def travel_figures(athena, pid, args):
    copy_table(athena, "travel")
    for number in range(100):
        run(athena, f"INSERT INTO travel VALUES ({args.rows + 100_000 + number}, 'late', 1, 0.0)")
    query_id = run(athena, 'SELECT snapshot_id FROM "travel$snapshots" ORDER BY committed_at')
    snapshots = [row[0] for row in rows_of(athena, query_id)]
    aggregate = "SELECT count(*), sum(qty), max(price) FROM travel"
    cases = [("current snapshot", aggregate)] + [
        (f"{back} commits back", f"{aggregate} FOR VERSION AS OF {snapshots[-1 - back]}") for back in (1, 50, 100)]
    print(f"(b) time travel on a table of {args.rows:,} rows and {len(snapshots)} snapshots")
    for label, sql in cases:
        runs = []
        for _ in range(args.runs):
            with Measured(pid) as measured:
                run(athena, sql)
            runs.append(measured)
        print(f"    {label:18}: {statistics.median(m.wall for m in runs) * 1000:7.1f} ms wall, "
              f"{statistics.median(m.cpu for m in runs) * 1000:7.1f} ms server CPU")
    print("    target: a time-travel query costs no more than the current snapshot's")


if __name__ == "__main__":
    sys.exit(main())
