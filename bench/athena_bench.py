#!/usr/bin/env python3
"""The Athena benchmark: TPC-H through lakebox's Athena API beside DuckDB alone.

    python3 bench/athena_bench.py [--scale 1] [--data /tmp/tpch-sf1] [--runs 1]

(a) TPC-H at `--scale` as Parquet (made with `tpchgen-cli`, from the bench extra),
    uploaded into lakebox's S3 and declared with CREATE EXTERNAL TABLE through Athena;
    the 22 queries in Trino syntax (`bench/tpch_queries.py`) are run one after another
    through StartQueryExecution / GetQueryExecution / GetQueryResults (the whole result
    read back). Beside it, DuckDB alone runs the same queries (translated by sqlglot) on
    the same files, in this process. Each answer through Athena is compared with
    DuckDB's (numbers to 1e-6 relative): the two must agree row for row.
(b) `SELECT 1` from StartQueryExecution to SUCCEEDED: median and max of 50.
(c) 20 concurrent queries (a small aggregate each), all must end SUCCEEDED.
(d) `SELECT 1` and TPC-H Q6 through pyathena's cursor, which polls as pyathena does (once
    at once, then every second; awswrangler and dbt-athena poll alike): median of 10.
The timed loop of (a) and (b) polls GetQueryExecution every 5 ms, far more often than
those clients; it counts the calls it makes.
Beside wall time, the CPU used: lakebox's server process (all its threads) against this
process's while DuckDB alone runs (the shared machine's load moves wall time far more).

lakebox runs as a subprocess with a fresh `--data-dir`. The script prints figures and
the targets they are read against; it asserts only that answers agree and nothing failed.
"""
import argparse
import concurrent.futures
import decimal
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import duckdb
import pyarrow.parquet as pq
import sqlglot

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tpch_queries import QUERIES  # noqa: E402

from lakebox.testing import LakeboxServer  # noqa: E402

TABLES = ["lineitem", "orders", "customer", "part", "partsupp", "supplier", "nation", "region"]
BUCKET = "tpch"


def generate(scale: float, directory: str):
    if all(os.path.exists(os.path.join(directory, f"{table}.parquet")) for table in TABLES):
        return
    binary = shutil.which("tpchgen-cli") or os.path.join(os.path.dirname(sys.executable), "tpchgen-cli")
    subprocess.run([binary, "parquet", "-s", str(scale), f"--output-dir={directory}"], check=True)


def hive_type(arrow_type) -> str:
    text = str(arrow_type)
    if text.startswith("decimal128"):
        return text.replace("decimal128", "decimal").replace(" ", "")
    return {"int64": "bigint", "int32": "int", "string": "string", "string_view": "string", "large_string": "string",
            "date32[day]": "date", "double": "double"}[text]


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system, all threads) a process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


POLLS = [0]          # GetQueryExecution calls made by `wait`


def wait(athena, query_id):
    while True:
        POLLS[0] += 1
        status = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
        if status["State"] not in ("QUEUED", "RUNNING"):
            return status
        time.sleep(0.005)


def athena_rows(athena, query_id):
    rows, token = [], None
    while True:
        page = athena.get_query_results(QueryExecutionId=query_id, MaxResults=1000,
                                        **({"NextToken": token} if token else {}))
        rows += [[cell.get("VarCharValue") for cell in row["Data"]] for row in page["ResultSet"]["Rows"]]
        token = page.get("NextToken")
        if not token:
            return rows[1:]


def run_athena(athena, sql):
    query_id = athena.start_query_execution(QueryString=sql, QueryExecutionContext={"Database": "tpch"},
                                            ResultConfiguration={"OutputLocation": f"s3://{BUCKET}/results/"})[
        "QueryExecutionId"]
    status = wait(athena, query_id)
    if status["State"] != "SUCCEEDED":
        raise RuntimeError(status)
    return athena_rows(athena, query_id)


def same(athena_row, duck_row) -> bool:
    for text, value in zip(athena_row, duck_row):
        if value is None or text is None:
            if (value is None) != (text is None):
                return False
        elif isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
            # Trino keeps decimals decimal (avg of decimal(15,2) is rounded to 2 places) where
            # DuckDB answers a double: compare at the places lakebox's answer shows.
            places = len(text.split(".")[1]) if "." in text and "E" not in text else None
            expected = round(float(value), places) if places is not None else float(value)
            if abs(float(text) - expected) > 1e-6 * max(1.0, abs(expected)):
                return False
        elif str(value) != text:
            return False
    return True


def pyathena_figures(server, duck, q6_translated: str):
    """(d): what a pyathena user waits for, beside DuckDB alone on Q6."""
    import pyathena
    cursor = pyathena.connect(s3_staging_dir=f"s3://{BUCKET}/pyathena/", schema_name="tpch",
                              region_name="us-east-1", endpoint_url=server.endpoint,
                              aws_access_key_id="test", aws_secret_access_key="test").cursor()
    figures = {}
    for name, sql in (("SELECT 1", "SELECT 1"), ("TPC-H Q6", QUERIES[6])):
        latencies = []
        for _ in range(10):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            latencies.append((time.perf_counter() - started) * 1000)
        figures[name] = statistics.median(latencies)
    duck_q6 = []
    for _ in range(10):
        started = time.perf_counter()
        duck.execute(q6_translated).fetchall()
        duck_q6.append((time.perf_counter() - started) * 1000)
    print(f"pyathena cursor (polls at once, then every 1 s), median of 10: SELECT 1 {figures['SELECT 1']:.1f} ms; "
          f"TPC-H Q6 {figures['TPC-H Q6']:.1f} ms (DuckDB alone {statistics.median(duck_q6):.1f} ms)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--data", default=None)
    args = parser.parse_args()
    data = args.data or f"/tmp/tpch-sf{args.scale:g}"
    os.makedirs(data, exist_ok=True)
    generate(args.scale, data)
    data_dir = tempfile.mkdtemp(prefix="lakebox-athena-bench-")
    with LakeboxServer(data_dir=data_dir) as server:
        s3, athena, glue = server.client("s3"), server.client("athena"), server.client("glue")
        s3.create_bucket(Bucket=BUCKET)
        glue.create_database(DatabaseInput={"Name": "tpch"})
        for table in TABLES:
            path = os.path.join(data, f"{table}.parquet")
            s3.upload_file(path, BUCKET, f"{table}/{table}.parquet")
            columns = ", ".join(f"{field.name} {hive_type(field.type)}" for field in pq.read_schema(path))
            run_athena(athena, f"CREATE EXTERNAL TABLE {table} ({columns}) STORED AS PARQUET "
                               f"LOCATION 's3://{BUCKET}/{table}/'")
        duck = duckdb.connect()
        for table in TABLES:
            duck.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{os.path.join(data, table)}.parquet')")
        translated = {n: sqlglot.transpile(sql, read="trino", write="duckdb")[0] for n, sql in QUERIES.items()}
        for number in QUERIES:                # warm both: file caches, DuckDB's catalog
            duck.execute(translated[number]).fetchall()
        run_athena(athena, QUERIES[6])
        lake_times, duck_times, mismatches = {}, {}, []
        lake_cpu = duck_cpu = 0.0
        POLLS[0] = 0
        for number, sql in QUERIES.items():
            started, cpu = time.perf_counter(), process_cpu(server.process.pid)
            lake = run_athena(athena, sql)
            lake_times[number] = time.perf_counter() - started
            lake_cpu += process_cpu(server.process.pid) - cpu
            started, cpu = time.perf_counter(), time.process_time()
            expected = duck.execute(translated[number]).fetchall()
            duck_times[number] = time.perf_counter() - started
            duck_cpu += time.process_time() - cpu
            if len(lake) != len(expected) or not all(same(a, d) for a, d in zip(lake, expected)):
                mismatches.append(number)
        print(f"TPC-H SF{args.scale:g}, 22 queries, one after another")
        print("query  lakebox-athena(s)  duckdb(s)")
        for number in QUERIES:
            print(f"Q{number:<5} {lake_times[number]:17.3f}  {duck_times[number]:9.3f}")
        lake_total, duck_total = sum(lake_times.values()), sum(duck_times.values())
        print(f"total  {lake_total:17.3f}  {duck_total:9.3f}   ratio {lake_total / duck_total:.2f} (target <= 1.3)")
        print(f"CPU    {lake_cpu:17.3f}  {duck_cpu:9.3f}   ratio {lake_cpu / duck_cpu:.2f} (lakebox's server process; "
              f"DuckDB in this process)")
        print("answers differing from DuckDB's:", mismatches or "none")
        print(f"GetQueryExecution calls per query: {POLLS[0] / len(QUERIES):.1f}")

        latencies, cpu = [], process_cpu(server.process.pid)
        for _ in range(50):
            started = time.perf_counter()
            run_athena(athena, "SELECT 1")
            latencies.append((time.perf_counter() - started) * 1000)
        cpu = (process_cpu(server.process.pid) - cpu) / 50 * 1000
        print(f"SELECT 1, start to SUCCEEDED and results read: median {statistics.median(latencies):.1f} ms, "
              f"max {max(latencies):.1f} ms (target < 50 ms); server CPU {cpu:.1f} ms per query")

        def one(index):
            try:
                run_athena(athena, f"SELECT count(*), sum(n_nationkey + {index}) FROM nation")
                return "SUCCEEDED"
            except RuntimeError as error:
                return str(error)
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            outcomes = list(pool.map(one, range(20)))
        print(f"20 concurrent queries: {outcomes.count('SUCCEEDED')} succeeded in "
              f"{(time.perf_counter() - started) * 1000:.0f} ms")
        pyathena_figures(server, duck, translated[6])
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
