"""Athena's getting-started tutorial driven with the aws cli: a database, a table over
tab-separated CloudFront standard logs (two header lines skipped, `date` escaped as a
reserved word), a GROUP BY over a date range, each statement started with
start-query-execution, polled with get-query-execution and read with get-query-results."""
import time
import uuid

from aws_cli import answer_of, run_cli

HEADER = "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status\n"
LOGS = [("2014-07-05", "GET"), ("2014-07-06", "GET"), ("2014-07-07", "POST"), ("2014-09-01", "GET")]
COLUMNS = ("`date` DATE, time STRING, x_edge_location STRING, sc_bytes BIGINT, c_ip STRING, cs_method STRING, "
           "cs_host STRING, cs_uri_stem STRING, sc_status INT")


def _athena(lakebox_server, sql, output, database=None):
    context = ["--query-execution-context", f"Database={database}"] if database else []
    started = answer_of(run_cli(lakebox_server, "athena", "start-query-execution", "--query-string", sql,
                                "--result-configuration", f"OutputLocation={output}", *context))
    query_id = started["QueryExecutionId"]
    deadline = time.monotonic() + 60
    while True:
        state = run_cli(lakebox_server, "athena", "get-query-execution", "--query-execution-id", query_id,
                        "--query", "QueryExecution.Status.State", output="text")
        assert state.returncode == 0, state.stderr
        if state.stdout.strip() in ("SUCCEEDED", "FAILED", "CANCELLED"):
            assert state.stdout.strip() == "SUCCEEDED"
            return query_id
        assert time.monotonic() < deadline
        time.sleep(0.3)


def test_getting_started_with_the_cli(lakebox_server, s3, bucket):
    lines = "".join(f"{day}\t01:42:39\tDFW3\t4260\t10.0.0.15\t{method}\td111111abcdef8.cloudfront.net\t"
                    f"/view/index.html\t200\tMozilla/5.0\n" for day, method in LOGS)
    s3.put_object(Bucket=bucket, Key="cloudfront/E2EXAMPLE.2014-07-05-01.a1b2c3d4", Body=HEADER + lines)
    output = f"s3://{bucket}/athena-results/"
    database = f"mydatabase_{uuid.uuid4().hex[:8]}"
    try:
        _athena(lakebox_server, f"CREATE DATABASE {database}", output)
        _athena(lakebox_server, f"CREATE EXTERNAL TABLE IF NOT EXISTS cloudfront_standard_logs ({COLUMNS}) "
                                f"ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t' "
                                f"LOCATION 's3://{bucket}/cloudfront/' "
                                f"TBLPROPERTIES ( 'skip.header.line.count'='2' )", output, database)
        query_id = _athena(lakebox_server, "SELECT cs_method, COUNT(*) AS count FROM cloudfront_standard_logs "
                                           "WHERE \"date\" BETWEEN DATE '2014-07-05' AND DATE '2014-08-05' "
                                           "GROUP BY cs_method ORDER BY cs_method", output, database)
        results = answer_of(run_cli(lakebox_server, "athena", "get-query-results", "--query-execution-id", query_id))
        rows = [[cell.get("VarCharValue") for cell in row["Data"]] for row in results["ResultSet"]["Rows"]]
        assert rows == [["cs_method", "count"], ["GET", "2"], ["POST", "1"]]
        types = [c["Type"] for c in results["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]]
        assert types == ["varchar", "bigint"]
    finally:
        _athena(lakebox_server, f"DROP DATABASE IF EXISTS {database} CASCADE", output)
