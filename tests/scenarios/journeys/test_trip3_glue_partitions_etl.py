"""A Glue-and-Athena ETL run with boto3 only: a crawler with two S3 targets and an
exclusion catalogs hive-partitioned CSV (with a header) and JSON lines; the next month
lands and `MSCK REPAIR TABLE` registers it; a backfill kept outside the table's folder is
registered with `batch_create_partition`; the job picks partitions with get_partitions
expressions and runs one Athena query per partition; `ALTER TABLE DROP PARTITION`
retires one; a column comment added with update_table makes a new table version."""
import json
import uuid

import pytest

from trip_helpers import athena_execution, athena_rows, wait_crawled

SALES = {("2024", "04"): [("a-1", "north", 3, 9.5), ("a-2", "south", 1, 2.0)],
         ("2024", "05"): [("b-1", "north", 2, 4.0), ("b-2", "north", 5, 12.5), ("b-3", "east", 1, 1.0)]}
HEADER = "order_id,region,qty,price\n"


def csv_body(rows) -> bytes:
    return (HEADER + "".join(f"{o},{r},{q},{p}\n" for o, r, q, p in rows)).encode()


def query(athena, sql, database, bucket) -> list:
    """The rows of a SELECT; other statements are run to their end."""
    if sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return athena_rows(athena, sql, database, f"s3://{bucket}/athena/")
    athena_execution(athena, sql, database, f"s3://{bucket}/athena/")
    return []


@pytest.fixture
def landed(client, bucket, database):
    s3, glue = client("s3"), client("glue")
    for (year, month), rows in SALES.items():
        s3.put_object(Bucket=bucket, Key=f"landing/sales/year={year}/month={month}/sales.csv", Body=csv_body(rows))
    s3.put_object(Bucket=bucket, Key="landing/sales/year=2024/month=05/_tmp_upload.csv", Body=b"garbage,,\n")
    events = [{"event": "login", "user": "u1", "ms": 15}, {"event": "buy", "user": "u2", "ms": 230}]
    s3.put_object(Bucket=bucket, Key="landing/events/dt=2024-05-01/events.json",
                  Body="".join(json.dumps(e) + "\n" for e in events).encode())
    name = f"etl-{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=name, Role="arn:aws:iam::000000000000:role/glue", DatabaseName=database,
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/landing/sales/", "Exclusions": ["**/_*"]},
                                               {"Path": f"s3://{bucket}/landing/events/"}]})
    glue.start_crawler(Name=name)
    wait_crawled(glue, name)
    yield name
    glue.delete_crawler(Name=name)
    for table in glue.get_tables(DatabaseName=database)["TableList"]:
        glue.delete_table(DatabaseName=database, Name=table["Name"])


def partition_values(glue, database, expression=""):
    pages = glue.get_paginator("get_partitions").paginate(DatabaseName=database, TableName="sales",
                                                          Expression=expression)
    return sorted(tuple(p["Values"]) for page in pages for p in page["Partitions"])


def test_crawled_then_repaired_backfilled_and_queried(client, bucket, database, landed):
    glue, s3, athena = client("glue"), client("s3"), client("athena")
    tables = {t["Name"]: t for t in glue.get_tables(DatabaseName=database)["TableList"]}
    assert sorted(tables) == ["events", "sales"]
    sales = tables["sales"]
    assert [(c["Name"], c["Type"]) for c in sales["StorageDescriptor"]["Columns"]] == [
        ("order_id", "string"), ("region", "string"), ("qty", "bigint"), ("price", "double")]
    assert sales["PartitionKeys"] == [{"Name": "year", "Type": "string"}, {"Name": "month", "Type": "string"}]
    assert sales["Parameters"]["classification"] == "csv"
    assert sales["StorageDescriptor"]["SerdeInfo"]["Parameters"]["field.delim"] == ","
    assert sales["Parameters"]["skip.header.line.count"] == "1"
    assert tables["events"]["Parameters"]["classification"] == "json"
    assert partition_values(glue, database) == [("2024", "04"), ("2024", "05")]

    # The next month lands; MSCK REPAIR TABLE finds it.
    s3.put_object(Bucket=bucket, Key="landing/sales/year=2024/month=06/sales.csv",
                  Body=csv_body([("c-1", "south", 4, 3.0)]))
    query(athena, "MSCK REPAIR TABLE sales", database, bucket)
    assert partition_values(glue, database) == [("2024", "04"), ("2024", "05"), ("2024", "06")]

    # A backfill lives elsewhere, so it is registered by hand.
    s3.put_object(Bucket=bucket, Key="backfill/2023-12/sales.csv", Body=csv_body([("z-1", "east", 10, 1.5)]))
    descriptor = {**sales["StorageDescriptor"], "Location": f"s3://{bucket}/backfill/2023-12/"}
    answer = glue.batch_create_partition(DatabaseName=database, TableName="sales", PartitionInputList=[
        {"Values": ["2023", "12"], "StorageDescriptor": descriptor}])
    assert answer.get("Errors", []) == []

    assert partition_values(glue, database, "year = '2024' AND month > '04'") == [("2024", "05"), ("2024", "06")]
    assert partition_values(glue, database, "year < '2024' OR month = '04'") == [("2023", "12"), ("2024", "04")]
    assert partition_values(glue, database, "month IN ('05', '12')") == [("2023", "12"), ("2024", "05")]

    totals = {}
    for year, month in partition_values(glue, database):
        rows = query(athena, f"SELECT count(*), sum(qty * price) FROM sales WHERE year = '{year}' AND month = '{month}'",
                     database, bucket)
        totals[(year, month)] = (int(rows[0][0]), float(rows[0][1]))
    assert totals == {("2023", "12"): (1, 15.0), ("2024", "04"): (2, 30.5), ("2024", "05"): (3, 71.5),
                      ("2024", "06"): (1, 12.0)}
    assert query(athena, "SELECT event, user FROM events WHERE ms > 100", database, bucket) == [["buy", "u2"]]

    query(athena, "ALTER TABLE sales DROP PARTITION (year = '2024', month = '04')", database, bucket)
    assert partition_values(glue, database) == [("2023", "12"), ("2024", "05"), ("2024", "06")]
    assert query(athena, "SELECT count(*) FROM sales", database, bucket) == [["5"]]
    assert s3.get_object(Bucket=bucket, Key="landing/sales/year=2024/month=04/sales.csv")["Body"].read() \
        == csv_body(SALES[("2024", "04")])            # dropping a partition leaves its files


def test_update_table_keeps_versions_and_partitions(client, bucket, database, landed):
    glue = client("glue")
    table = glue.get_table(DatabaseName=database, Name="sales")["Table"]
    columns = [{**c, "Comment": "order total = qty * price"} if c["Name"] == "price" else c
               for c in table["StorageDescriptor"]["Columns"]]
    table_input = {key: table[key] for key in ("Name", "TableType", "Parameters", "PartitionKeys")}
    table_input["StorageDescriptor"] = {**table["StorageDescriptor"], "Columns": columns}
    glue.update_table(DatabaseName=database, TableInput=table_input)

    versions = glue.get_table_versions(DatabaseName=database, TableName="sales")["TableVersions"]
    assert sorted(v["VersionId"] for v in versions) == ["0", "1"]
    newest = glue.get_table(DatabaseName=database, Name="sales")["Table"]
    assert newest["VersionId"] == "1"
    assert [c.get("Comment") for c in newest["StorageDescriptor"]["Columns"]] == [
        None, None, None, "order total = qty * price"]
    old = glue.get_table_version(DatabaseName=database, TableName="sales", VersionId="0")["TableVersion"]
    assert "Comment" not in old["Table"]["StorageDescriptor"]["Columns"][3]
    assert partition_values(glue, database) == [("2024", "04"), ("2024", "05")]
