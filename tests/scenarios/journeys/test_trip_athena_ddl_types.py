"""Athena as an analyst uses it day to day: hand-written DDL over raw files (OpenCSV with
a header, JSON SerDe, Hive partitions added with MSCK REPAIR and ALTER TABLE), typed
results (dates, timestamps, decimals, arrays, maps) through awswrangler and pyathena,
execution parameters, a workgroup with its own output location, named queries."""
import json
import uuid
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pytest

from trip_helpers import KEY, REGION, SECRET


def run(athena, sql, database, bucket, **args):
    import time
    args.setdefault("ResultConfiguration", {"OutputLocation": f"s3://{bucket}/results/"})
    query_id = athena.start_query_execution(QueryString=sql, QueryExecutionContext={"Database": database},
                                            **args)["QueryExecutionId"]
    for _ in range(600):
        execution = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        if execution["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        time.sleep(0.05)
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    rows = []
    for page in athena.get_paginator("get_query_results").paginate(QueryExecutionId=query_id):
        rows += [[cell.get("VarCharValue") for cell in row["Data"]] for row in page["ResultSet"]["Rows"]]
    return rows


def test_ddl_over_raw_files(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    s3.put_object(Bucket=bucket, Key="csv/people.csv",
                  Body=b'"id","name","city"\n"1","Ana, Maria","Lisbon"\n"2","Ben","Berlin"\n')
    for dt, rows in (("2024-01-01", [{"id": 1, "amount": 5.5}]), ("2024-01-02", [{"id": 2, "amount": 7.25},
                                                                                 {"id": 1, "amount": 1.0}])):
        s3.put_object(Bucket=bucket, Key=f"json/dt={dt}/data.json",
                      Body="\n".join(json.dumps(r) for r in rows).encode())
    run(athena, f"""CREATE EXTERNAL TABLE people (id int, name string, city string)
        ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
        WITH SERDEPROPERTIES ('separatorChar' = ',', 'quoteChar' = '"')
        LOCATION 's3://{bucket}/csv/' TBLPROPERTIES ('skip.header.line.count' = '1')""", database, bucket)
    run(athena, f"""CREATE EXTERNAL TABLE payments (id int, amount double) PARTITIONED BY (dt string)
        ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://{bucket}/json/'""", database, bucket)
    assert run(athena, "SELECT count(*) FROM payments", database, bucket) == [["_col0"], ["0"]]
    run(athena, "MSCK REPAIR TABLE payments", database, bucket)
    rows = run(athena, "SELECT p.name, sum(y.amount) AS total FROM people p JOIN payments y ON p.id = y.id "
                       "GROUP BY p.name ORDER BY p.name", database, bucket)
    assert rows == [["name", "total"], ["Ana, Maria", "6.5"], ["Ben", "7.25"]]
    s3.put_object(Bucket=bucket, Key="late/data.json", Body=b'{"id": 2, "amount": 100}\n')
    run(athena, f"ALTER TABLE payments ADD IF NOT EXISTS PARTITION (dt = '2024-01-03') LOCATION 's3://{bucket}/late/'",
        database, bucket)
    rows = run(athena, "SELECT dt, sum(amount) FROM payments GROUP BY dt ORDER BY dt", database, bucket)
    assert rows == [["dt", "_col1"], ["2024-01-01", "5.5"], ["2024-01-02", "8.25"], ["2024-01-03", "100.0"]]
    shown = run(athena, "SHOW PARTITIONS payments", database, bucket)
    assert [r[0] for r in shown] == ["dt=2024-01-01", "dt=2024-01-02", "dt=2024-01-03"]
    run(athena, "ALTER TABLE payments DROP PARTITION (dt = '2024-01-01')", database, bucket)
    rows = run(athena, "SELECT count(*) FROM payments", database, bucket)
    assert rows == [["_col0"], ["3"]]
    run(athena, "DROP TABLE payments", database, bucket)
    run(athena, "DROP TABLE IF EXISTS people", database, bucket)


def test_typed_results_through_wrangler_and_pyathena(wr, session, bucket, database):
    frame = pd.DataFrame({"id": [1, 2], "day": [date(2024, 3, 1), date(2024, 3, 2)],
                          "at": [datetime(2024, 3, 1, 12, 30), datetime(2024, 3, 2, 8, 0)],
                          "price": [Decimal("10.50"), Decimal("3.25")], "ok": [True, False]})
    wr.s3.to_parquet(frame, f"s3://{bucket}/typed/", dataset=True, database=database, table="typed",
                     dtype={"price": "decimal(10,2)"}, boto3_session=session)
    sql = ("SELECT id, day, at, price, ok, ARRAY[id, id * 2] AS pair, MAP(ARRAY['k'], ARRAY[id]) AS m, "
           "day + INTERVAL '1' DAY AS next_day FROM typed ORDER BY id")
    for ctas in (False, True):
        got = wr.athena.read_sql_query(sql, database=database, ctas_approach=ctas, boto3_session=session,
                                       s3_output=f"s3://{bucket}/athena/")
        assert got["id"].tolist() == [1, 2]
        assert got["day"].tolist() == [date(2024, 3, 1), date(2024, 3, 2)]
        assert got["next_day"].tolist() == [date(2024, 3, 2), date(2024, 3, 3)]
        assert got["at"].tolist() == [pd.Timestamp("2024-03-01 12:30"), pd.Timestamp("2024-03-02 08:00")]
        assert got["price"].tolist() == [Decimal("10.50"), Decimal("3.25")]
        assert got["ok"].tolist() == [True, False]
        if ctas:
            assert [list(v) for v in got["pair"]] == [[1, 2], [2, 4]]
        else:     # the CSV result holds an array as Athena prints it
            assert got["pair"].tolist() == ["[1, 2]", "[2, 4]"]

    from pyathena import connect
    cursor = connect(s3_staging_dir=f"s3://{bucket}/pyathena/", region_name=REGION, schema_name=database,
                     aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                     endpoint_url=wr.config.athena_endpoint_url).cursor()
    cursor.execute("SELECT id, day, at, price, ok FROM typed WHERE day >= %(since)s ORDER BY id",
                   {"since": date(2024, 3, 2)})
    assert cursor.fetchall() == [(2, date(2024, 3, 2), datetime(2024, 3, 2, 8, 0), Decimal("3.25"), False)]
    assert [d[1] for d in cursor.description] == ["integer", "date", "timestamp", "decimal", "boolean"] or \
        [d[1] for d in cursor.description] == ["bigint", "date", "timestamp", "decimal", "boolean"]


def test_parameters_workgroup_and_named_queries(client, bucket, database):
    athena = client("athena")
    group = f"analysts-{uuid.uuid4().hex[:6]}"
    athena.create_work_group(Name=group, Configuration={
        "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/wg/"}, "EnforceWorkGroupConfiguration": True})
    try:
        rows = run(athena, "SELECT ? + 1 AS n, ? AS word", database, bucket, WorkGroup=group,
                   ResultConfiguration={}, ExecutionParameters=["41", "'hi'"])
        assert rows == [["n", "word"], ["42", "hi"]]
        executions = athena.list_query_executions(WorkGroup=group)["QueryExecutionIds"]
        execution = athena.get_query_execution(QueryExecutionId=executions[0])["QueryExecution"]
        assert execution["ResultConfiguration"]["OutputLocation"].startswith(f"s3://{bucket}/wg/")
        assert execution["WorkGroup"] == group
        named = athena.create_named_query(Name="top", Database=database, QueryString="SELECT 1", WorkGroup=group)
        listed = athena.list_named_queries(WorkGroup=group)["NamedQueryIds"]
        assert listed == [named["NamedQueryId"]]
        got = athena.batch_get_named_query(NamedQueryIds=listed)["NamedQueries"][0]
        assert got["QueryString"] == "SELECT 1" and got["Database"] == database
        athena.delete_named_query(NamedQueryId=named["NamedQueryId"])
    finally:
        athena.delete_work_group(WorkGroup=group, RecursiveDeleteOption=True)
