"""A nightly shell script with the aws cli: `aws s3 sync` pushes a local folder of daily
gzipped CSV extracts (dt=YYYY-MM-DD/), `aws glue create-database`, an Athena table with
partition projection (no partitions to register), `aws athena start-query-execution`
polled with get-query-execution, and the result file copied back with `aws s3 cp`."""
import csv
import gzip
import io
import json
import time
import uuid

from trip_helpers import aws, ok, ran

DAYS = {"2024-03-01": [("north", 5, 10.0), ("south", 2, 4.5)],
        "2024-03-02": [("north", 1, 3.0)],
        "2024-03-03": [("south", 7, 21.0), ("east", 3, 6.0)]}


def athena(lakebox_server, sql, database, output) -> dict:
    started = ok(aws(lakebox_server, "athena", "start-query-execution", "--query-string", sql,
                     "--query-execution-context", f"Database={database}",
                     "--result-configuration", f"OutputLocation={output}"))
    deadline = time.monotonic() + 60
    while True:
        execution = ok(aws(lakebox_server, "athena", "get-query-execution", "--query-execution-id",
                           started["QueryExecutionId"]))["QueryExecution"]
        if execution["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
            return execution
        assert time.monotonic() < deadline
        time.sleep(0.3)


def test_sync_extracts_then_query_with_projection(lakebox_server, client, bucket, tmp_path):
    for day, rows in DAYS.items():
        folder = tmp_path / "extracts" / f"dt={day}"
        folder.mkdir(parents=True)
        text = "".join(f"{region},{units},{revenue}\n" for region, units, revenue in rows)
        (folder / "part-0.csv.gz").write_bytes(gzip.compress(text.encode()))
    synced = ran(aws(lakebox_server, "s3", "sync", str(tmp_path / "extracts"), f"s3://{bucket}/extracts/"))
    assert synced.count("upload:") == 3
    listing = ran(aws(lakebox_server, "s3", "ls", f"s3://{bucket}/extracts/", "--recursive"))
    assert sorted(line.split()[-1] for line in listing.splitlines()) == [
        f"extracts/dt={day}/part-0.csv.gz" for day in sorted(DAYS)]

    database = f"nightly_{uuid.uuid4().hex[:8]}"
    ok(aws(lakebox_server, "glue", "create-database", "--database-input", json.dumps({"Name": database})))
    output = f"s3://{bucket}/results/"
    try:
        athena(lakebox_server, f"""
            CREATE EXTERNAL TABLE sales (region string, units int, revenue double)
            PARTITIONED BY (dt string)
            ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
            LOCATION 's3://{bucket}/extracts/'
            TBLPROPERTIES ('projection.enabled'='true', 'projection.dt.type'='date',
                           'projection.dt.format'='yyyy-MM-dd', 'projection.dt.range'='2024-03-01,NOW',
                           'storage.location.template'='s3://{bucket}/extracts/dt=${{dt}}/')""",
               database, output)
        assert ok(aws(lakebox_server, "glue", "get-partitions", "--database-name", database,
                      "--table-name", "sales"))["Partitions"] == []

        execution = athena(lakebox_server, "SELECT dt, sum(units) AS units, sum(revenue) AS revenue FROM sales "
                                           "WHERE dt BETWEEN '2024-03-02' AND '2024-03-03' GROUP BY dt ORDER BY dt",
                           database, output)
        results = ok(aws(lakebox_server, "athena", "get-query-results", "--query-execution-id",
                         execution["QueryExecutionId"]))
        rows = [[cell.get("VarCharValue") for cell in row["Data"]] for row in results["ResultSet"]["Rows"]]
        assert rows == [["dt", "units", "revenue"], ["2024-03-02", "1", "3.0"], ["2024-03-03", "10", "27.0"]]

        location = execution["ResultConfiguration"]["OutputLocation"]
        assert location == f"{output}{execution['QueryExecutionId']}.csv"
        local = tmp_path / "result.csv"
        ran(aws(lakebox_server, "s3", "cp", location, str(local)))
        assert list(csv.reader(io.StringIO(local.read_text()))) == rows
    finally:
        for page in client("glue").get_paginator("get_tables").paginate(DatabaseName=database):
            for table in page["TableList"]:
                client("glue").delete_table(DatabaseName=database, Name=table["Name"])
        client("glue").delete_database(Name=database)
