"""A user's pass over the Glue Data Catalog: a crawler over a Hive-partitioned lake, then
the partition calls analysts and engines make (GetPartitions with expressions, segments
and pages, BatchGetPartition), table versions from UpdateTable, and the aws cli."""
import json
import uuid

import pytest
from aws_cli import run_cli
from botocore.exceptions import ClientError
from glue_helpers import parquet_bytes as _parquet
from glue_helpers import run_crawler as _crawl

ROLE = "arn:aws:iam::000000000000:role/glue-crawler"


def _error(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _values(glue, database, table, expression=None, **extra):
    args = {"DatabaseName": database, "TableName": table, **extra}
    if expression is not None:
        args["Expression"] = expression
    pages = glue.get_paginator("get_partitions").paginate(**args)
    return sorted(tuple(p["Values"]) for page in pages for p in page["Partitions"])


@pytest.fixture
def orders(glue, database):
    """A table partitioned by year (string) and month (int), 2 years x 12 months."""
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "orders", "TableType": "EXTERNAL_TABLE",
        "PartitionKeys": [{"Name": "year", "Type": "string"}, {"Name": "month", "Type": "int"}],
        "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "bigint"}], "Location": "s3://lake/orders/"}})
    inputs = [{"Values": [year, str(month)],
               "StorageDescriptor": {"Location": f"s3://lake/orders/year={year}/month={month}/"}}
              for year in ("2023", "2024") for month in range(1, 13)]
    for start in range(0, len(inputs), 100):
        assert glue.batch_create_partition(DatabaseName=database, TableName="orders",
                                           PartitionInputList=inputs[start:start + 100])["Errors"] == []
    return "orders"


def test_crawl_a_partitioned_lake_then_query_its_partitions(glue, s3, database, bucket):
    for year in ("2023", "2024"):
        for month in ("01", "02", "03"):
            s3.put_object(Bucket=bucket, Key=f"sales/year={year}/month={month}/part-0000.parquet",
                          Body=_parquet(order_id=[1, 2], amount=[9.5, 12.25], sku=["a", "b"]))
    s3.put_object(Bucket=bucket, Key="clicks/dt=2024-05-01/clicks.json",
                  Body=b'{"user":"u1","n":1,"tags":["x"]}\n{"user":"u2","n":2,"tags":[]}\n')
    crawler = f"lake-{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=crawler, Role=ROLE, DatabaseName=database, TablePrefix="raw_",
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/sales/"},
                                               {"Path": f"s3://{bucket}/clicks/"}]})
    try:
        finished = _crawl(glue, crawler)
        assert finished["LastCrawl"]["Status"] == "SUCCEEDED"
        metrics = glue.get_crawler_metrics(CrawlerNameList=[crawler])["CrawlerMetricsList"][0]
        assert (metrics["TablesCreated"], metrics["TablesUpdated"], metrics["TablesDeleted"]) == (2, 0, 0)

        sales = glue.get_table(DatabaseName=database, Name="raw_sales")["Table"]
        assert sales["Parameters"]["classification"] == "parquet"
        assert [(c["Name"], c["Type"]) for c in sales["StorageDescriptor"]["Columns"]] == [
            ("order_id", "bigint"), ("amount", "double"), ("sku", "string")]
        assert [(k["Name"], k["Type"]) for k in sales["PartitionKeys"]] == [("year", "string"), ("month", "string")]
        assert sales["StorageDescriptor"]["Location"] == f"s3://{bucket}/sales/"
        clicks = glue.get_table(DatabaseName=database, Name="raw_clicks")["Table"]
        assert [(c["Name"], c["Type"]) for c in clicks["StorageDescriptor"]["Columns"]] == [
            ("user", "string"), ("n", "int"), ("tags", "array<string>")]

        assert _values(glue, database, "raw_sales", "year = '2024' AND month IN ('01', '03')") == [
            ("2024", "01"), ("2024", "03")]
        one = glue.get_partition(DatabaseName=database, TableName="raw_sales",
                                 PartitionValues=["2023", "02"])["Partition"]
        assert one["StorageDescriptor"]["Location"] == f"s3://{bucket}/sales/year=2023/month=02/"
        got = glue.batch_get_partition(DatabaseName=database, TableName="raw_sales", PartitionsToGet=[
            {"Values": ["2023", "01"]}, {"Values": ["2024", "03"]}, {"Values": ["2031", "01"]}])
        assert sorted(tuple(p["Values"]) for p in got["Partitions"]) == [("2023", "01"), ("2024", "03")]
        assert got["UnprocessedKeys"] == []

        crawls = glue.list_crawls(CrawlerName=crawler)["Crawls"]
        assert [c["State"] for c in crawls] == ["COMPLETED"]
    finally:
        glue.delete_crawler(Name=crawler)


def test_a_crawler_refuses_a_second_start_and_a_stop_when_idle(glue, database, bucket):
    crawler = f"busy-{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=crawler, Role=ROLE, DatabaseName=database,
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/nothing/"}]})
    try:
        _crawl(glue, crawler)
        assert _error(glue.stop_crawler, Name=crawler) == (
            "CrawlerNotRunningException", f"Crawler with name {crawler} is not running")
        assert _error(glue.get_crawler, Name="no-such-crawler") == (
            "EntityNotFoundException", "Crawler entry with name no-such-crawler does not exist")
    finally:
        glue.delete_crawler(Name=crawler)


@pytest.mark.parametrize("expression, expected", [
    ("year = '2024' AND month > 10", [("2024", "11"), ("2024", "12")]),
    ("year = '2023' and month between 3 and 5", [("2023", "3"), ("2023", "4"), ("2023", "5")]),
    ("month in (1, 2) and year = '2024'", [("2024", "1"), ("2024", "2")]),
    ("(year = '2023' OR year = '2024') AND month = 6", [("2023", "6"), ("2024", "6")]),
    ("year LIKE '202%' AND month = 12", [("2023", "12"), ("2024", "12")]),
    ("NOT year = '2024' AND month < 3", [("2023", "1"), ("2023", "2")]),
    ("month <> 1 AND month >= 11 AND year = '2023'", [("2023", "11"), ("2023", "12")]),
])
def test_get_partitions_expressions(glue, database, orders, expression, expected):
    assert _values(glue, database, orders, expression) == expected


def test_get_partitions_pages_and_segments_cover_every_partition_once(glue, database, orders):
    every = _values(glue, database, orders)
    assert len(every) == 24
    first = glue.get_partitions(DatabaseName=database, TableName=orders, MaxResults=5)
    assert len(first["Partitions"]) == 5 and first["NextToken"]
    assert _values(glue, database, orders, PaginationConfig={"PageSize": 7}) == every
    segments = [_values(glue, database, orders, Segment={"SegmentNumber": n, "TotalSegments": 3}) for n in range(3)]
    assert sorted(v for segment in segments for v in segment) == every


def test_bad_expressions_and_unknown_names(glue, database, orders):
    assert _error(glue.get_partitions, DatabaseName=database, TableName=orders, Expression="yr = '2024'") == (
        "InvalidInputException", "Invalid partition expression!")
    assert _error(glue.get_partitions, DatabaseName=database, TableName="nope") == (
        "EntityNotFoundException", "Table nope not found.")
    assert _error(glue.get_table, DatabaseName="no_such_db", Name=orders) == (
        "EntityNotFoundException", "Database no_such_db not found.")
    assert _error(glue.get_partition, DatabaseName=database, TableName=orders, PartitionValues=["2099", "1"]) == (
        "EntityNotFoundException", "Cannot find partition.")
    assert _error(glue.create_partition, DatabaseName=database, TableName=orders,
                  PartitionInput={"Values": ["2024"]}) == (
        "InvalidInputException", "The number of partition keys do not match the number of partition values")
    assert _error(glue.create_partition, DatabaseName=database, TableName=orders,
                  PartitionInput={"Values": ["2024", "1"]}) == ("AlreadyExistsException", "Partition already exists.")


def test_batch_partition_calls_report_each_failure(glue, database, orders):
    created = glue.batch_create_partition(DatabaseName=database, TableName=orders, PartitionInputList=[
        {"Values": ["2025", "1"]}, {"Values": ["2024", "1"]}])
    assert created["Errors"] == [{"PartitionValues": ["2024", "1"], "ErrorDetail": {
        "ErrorCode": "AlreadyExistsException", "ErrorMessage": "Partition already exists."}}]
    deleted = glue.batch_delete_partition(DatabaseName=database, TableName=orders, PartitionsToDelete=[
        {"Values": ["2025", "1"]}, {"Values": ["2099", "1"]}])
    assert deleted["Errors"] == [{"PartitionValues": ["2099", "1"], "ErrorDetail": {
        "ErrorCode": "EntityNotFoundException", "ErrorMessage": "Partition not found"}}]
    assert ("2025", "1") not in _values(glue, database, orders)


def test_update_table_keeps_versions(glue, database, orders):
    table = glue.get_table(DatabaseName=database, Name=orders)["Table"]
    assert table["VersionId"] == "0"
    base = {k: table[k] for k in ("Name", "PartitionKeys", "StorageDescriptor", "TableType")}
    glue.update_table(DatabaseName=database, TableInput={**base, "Parameters": {"rev": "1"}})
    glue.update_table(DatabaseName=database, TableInput={**base, "Parameters": {"rev": "2"}}, SkipArchive=True)
    glue.update_table(DatabaseName=database, TableInput={**base, "Parameters": {"rev": "3"}})
    current = glue.get_table(DatabaseName=database, Name=orders)["Table"]
    assert (current["VersionId"], current["Parameters"]) == ("3", {"rev": "3"})
    versions = glue.get_table_versions(DatabaseName=database, TableName=orders)["TableVersions"]
    # SkipArchive: the version it replaced (1) is not kept
    assert [(v["VersionId"], v["Table"].get("Parameters", {}).get("rev")) for v in versions] == [
        ("3", "3"), ("2", "2"), ("0", None)]
    old = glue.get_table_version(DatabaseName=database, TableName=orders, VersionId="2")["TableVersion"]
    assert old["Table"]["Parameters"] == {"rev": "2"}
    glue.delete_table_version(DatabaseName=database, TableName=orders, VersionId="2")
    assert [v["VersionId"] for v in glue.get_table_versions(DatabaseName=database, TableName=orders)[
        "TableVersions"]] == ["3", "0"]
    # an update that names a stale version is refused and changes nothing
    code, _ = _error(glue.update_table, DatabaseName=database, TableInput={**base, "Parameters": {"rev": "x"}},
                     VersionId="0")
    assert code == "ConcurrentModificationException"
    assert glue.get_table(DatabaseName=database, Name=orders)["Table"]["Parameters"] == {"rev": "3"}


def test_cli_get_partitions_with_an_expression(lakebox_server, database, orders):
    done = run_cli(lakebox_server, "glue", "get-partitions", "--database-name", database, "--table-name", orders,
                "--expression", "year='2024' AND month<=2", "--query", "Partitions[].Values")
    assert done.returncode == 0, done.stderr
    assert sorted(map(tuple, json.loads(done.stdout))) == [("2024", "1"), ("2024", "2")]
    missing = run_cli(lakebox_server, "glue", "get-table", "--database-name", database, "--name", "nope")
    assert missing.returncode != 0
    assert "An error occurred (EntityNotFoundException) when calling the GetTable operation: Entity Not Found" \
        in missing.stderr


def test_partition_keys_take_no_column_parameters(glue, database):
    """As a client logged Glue's reply (apache/incubator-xtable#697); nothing is created."""
    table = {"Name": "keyed", "PartitionKeys": [{"Name": "dt", "Type": "string", "Parameters": {"origin": "x"}}],
             "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "bigint", "Parameters": {"origin": "x"}}]}}
    assert _error(glue.create_table, DatabaseName=database, TableInput=table) == (
        "InvalidInputException", "Parameters not supported for partition columns")
    assert _error(glue.get_table, DatabaseName=database, Name="keyed")[0] == "EntityNotFoundException"
    glue.create_table(DatabaseName=database, TableInput={**table, "PartitionKeys": [{"Name": "dt", "Type": "string"}]})
    assert _error(glue.update_table, DatabaseName=database, TableInput=table) == (
        "InvalidInputException", "Parameters not supported for partition columns")
    assert glue.get_table(DatabaseName=database, Name="keyed")["Table"]["VersionId"] == "0"
