"""Catalog calls as analysts and pipelines write them: GetPartitions over date, string
and integer keys (BETWEEN, IN, LIKE, AND/OR), GetTables with an Expression and pages,
table versions (UpdateTable, SkipArchive, GetTableVersion, DeleteTableVersion), and the
errors those calls answer with."""
import pytest
from botocore.exceptions import ClientError
from glue_helpers import parquet_table


def _error(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _values(glue, database, table, expression):
    pages = glue.get_paginator("get_partitions").paginate(DatabaseName=database, TableName=table,
                                                          Expression=expression)
    return sorted(tuple(p["Values"]) for page in pages for p in page["Partitions"])


@pytest.fixture
def daily(glue, database):
    """`daily`: partitioned by dt (date), 2023-12-30 .. 2024-02-02."""
    glue.create_table(DatabaseName=database, TableInput=parquet_table(
        "daily", [("v", "bigint")], [("dt", "date")], "s3://lake/daily/"))
    days = [f"2023-12-{d}" for d in (30, 31)] + [f"2024-01-{d:02d}" for d in range(1, 32)] + \
        ["2024-02-01", "2024-02-02"]
    glue.batch_create_partition(DatabaseName=database, TableName="daily", PartitionInputList=[
        {"Values": [day], "StorageDescriptor": {"Location": f"s3://lake/daily/dt={day}/"}} for day in days])
    return "daily"


@pytest.fixture
def monthly(glue, database):
    """`monthly`: year (string), month (string, zero-padded), region (string)."""
    glue.create_table(DatabaseName=database, TableInput=parquet_table(
        "monthly", [("v", "bigint")], [("year", "string"), ("month", "string"), ("region", "string")],
        "s3://lake/monthly/"))
    glue.batch_create_partition(DatabaseName=database, TableName="monthly", PartitionInputList=[
        {"Values": [y, m, r]} for y in ("2023", "2024") for m in ("01", "02", "03") for r in ("eu", "us")])
    return "monthly"


def test_a_date_key_between_two_days(glue, database, daily):
    found = _values(glue, database, daily, "dt between '2024-01-01' and '2024-01-31'")
    assert found == [(f"2024-01-{d:02d}",) for d in range(1, 32)]
    assert _values(glue, database, daily, "dt >= '2024-02-01'") == [("2024-02-01",), ("2024-02-02",)]
    assert _values(glue, database, daily, "dt < '2024-01-01' OR dt = '2024-02-02'") == [
        ("2023-12-30",), ("2023-12-31",), ("2024-02-02",)]
    assert _values(glue, database, daily, "dt in ('2024-01-05', '2024-03-01')") == [("2024-01-05",)]


def test_string_keys_with_and_in_like_and_not(glue, database, monthly):
    assert _values(glue, database, monthly, "year = '2024' and month in ('01','02')") == [
        ("2024", "01", "eu"), ("2024", "01", "us"), ("2024", "02", "eu"), ("2024", "02", "us")]
    assert _values(glue, database, monthly, "year = '2023' AND month = '03' AND region <> 'eu'") == [
        ("2023", "03", "us")]
    assert _values(glue, database, monthly, "region LIKE 'e%' AND month NOT IN ('01', '02') AND year = '2024'") == [
        ("2024", "03", "eu")]
    assert _values(glue, database, monthly, "(year = '2023' OR month = '01') AND region = 'us'") == [
        ("2023", "01", "us"), ("2023", "02", "us"), ("2023", "03", "us"), ("2024", "01", "us")]


def test_batch_get_partition_returns_found_ones_and_skips_missing(glue, database, monthly):
    found = glue.batch_get_partition(DatabaseName=database, TableName=monthly, PartitionsToGet=[
        {"Values": ["2024", "01", "eu"]}, {"Values": ["1999", "01", "eu"]}, {"Values": ["2023", "03", "us"]}])
    assert sorted(p["Values"] for p in found["Partitions"]) == [["2023", "03", "us"], ["2024", "01", "eu"]]
    assert found["UnprocessedKeys"] == []


def test_get_tables_expression_and_pages(glue, database):
    for name in ("orders_raw", "orders_clean", "customers", "order_items"):
        glue.create_table(DatabaseName=database, TableInput=parquet_table(name, [("id", "bigint")]))
    def names(**kwargs):
        pages = glue.get_paginator("get_tables").paginate(DatabaseName=database, **kwargs)
        return [t["Name"] for page in pages for t in page["TableList"]]
    assert names() == ["customers", "order_items", "orders_clean", "orders_raw"]
    assert names(Expression="orders*") == ["orders_clean", "orders_raw"]
    assert names(Expression="*raw|customers") == ["customers", "orders_raw"]
    assert names(PaginationConfig={"PageSize": 1}) == ["customers", "order_items", "orders_clean", "orders_raw"]
    first = glue.get_tables(DatabaseName=database, MaxResults=3)
    assert len(first["TableList"]) == 3 and "NextToken" in first
    rest = glue.get_tables(DatabaseName=database, MaxResults=3, NextToken=first["NextToken"])
    assert [t["Name"] for t in rest["TableList"]] == ["orders_raw"] and "NextToken" not in rest


def test_update_table_versions_skip_archive_and_delete_version(glue, database):
    table = parquet_table("events", [("id", "bigint")])
    glue.create_table(DatabaseName=database, TableInput=table)
    table["StorageDescriptor"]["Columns"].append({"Name": "kind", "Type": "string"})
    glue.update_table(DatabaseName=database, TableInput=table)
    table["Parameters"]["note"] = "no archive"
    glue.update_table(DatabaseName=database, TableInput=table, SkipArchive=True)
    current = glue.get_table(DatabaseName=database, Name="events")["Table"]
    assert current["VersionId"] == "2"
    assert current["Parameters"]["note"] == "no archive"
    versions = glue.get_table_versions(DatabaseName=database, TableName="events")["TableVersions"]
    assert sorted(v["VersionId"] for v in versions) == ["0", "2"]
    old = glue.get_table_version(DatabaseName=database, TableName="events", VersionId="0")["TableVersion"]
    assert [c["Name"] for c in old["Table"]["StorageDescriptor"]["Columns"]] == ["id"]

    glue.delete_table_version(DatabaseName=database, TableName="events", VersionId="0")
    versions = glue.get_table_versions(DatabaseName=database, TableName="events")["TableVersions"]
    assert [v["VersionId"] for v in versions] == ["2"]
    assert _error(glue.get_table_version, DatabaseName=database, TableName="events", VersionId="0")[0] == \
        "EntityNotFoundException"
    assert _error(glue.delete_table_version, DatabaseName=database, TableName="events", VersionId="9")[0] == \
        "EntityNotFoundException"
    assert _error(glue.get_table_version, DatabaseName=database, TableName="events", VersionId="x1")[0] == \
        "InvalidInputException"


def test_a_stale_version_id_is_a_concurrent_modification(glue, database):
    table = parquet_table("events", [("id", "bigint")])
    glue.create_table(DatabaseName=database, TableInput=table)
    glue.update_table(DatabaseName=database, TableInput=table, VersionId="0")
    # the words of AWS's reply as a Spark job on Glue logged it
    assert _error(glue.update_table, DatabaseName=database, TableInput=table, VersionId="0") == (
        "ConcurrentModificationException", "Update table failed due to concurrent modifications.")


def test_the_errors_pipelines_hit(glue, database, monthly):
    assert _error(glue.create_table, DatabaseName="no_such_db", TableInput=parquet_table("t", [("a", "int")])) == (
        "EntityNotFoundException", "Database no_such_db not found.")
    assert _error(glue.update_table, DatabaseName=database, TableInput=parquet_table("nope", [("a", "int")])) == (
        "EntityNotFoundException", "Table nope not found.")
    assert _error(glue.delete_table, DatabaseName=database, Name="nope") == (
        "EntityNotFoundException", "Table nope not found.")
    assert _error(glue.get_partitions, DatabaseName=database, TableName="nope")[0] == "EntityNotFoundException"
    assert _error(glue.create_partition, DatabaseName=database, TableName="nope",
                  PartitionInput={"Values": ["1"]}) == ("EntityNotFoundException", "Table nope not found.")
    for bad in ("year = ", "year == '2024'", "year = '2024' and", "nope = '1'"):
        assert _error(glue.get_partitions, DatabaseName=database, TableName=monthly, Expression=bad)[0] == \
            "InvalidInputException", bad
    assert _error(glue.create_database, DatabaseInput={"Name": database}) == (
        "AlreadyExistsException", "Database already exists.")


def test_search_tables_name_filter_matches_tokens_and_quotes_match_whole_values(glue, database):
    # API reference (SearchTables Filters): Key=Name, Value=link finds customer-link and
    # xx-link-yy but not xxlinkyy; SearchText in quotes is an exact match.
    for name in ("customer-link", "xx-link-yy", "xxlinkyy", "link"):
        glue.create_table(DatabaseName=database, TableInput=parquet_table(name, [("id", "bigint")]))

    def names(**kwargs):
        found, page = [], {"NextToken": None}
        while "NextToken" in page:
            token = {"NextToken": page["NextToken"]} if page["NextToken"] else {}
            page = glue.search_tables(**kwargs, **token)
            found += [t["Name"] for t in page["TableList"] if t["DatabaseName"] == database]
        return sorted(found)
    assert names(Filters=[{"Key": "Name", "Value": "link"}]) == ["customer-link", "link", "xx-link-yy"]
    assert names(Filters=[{"Key": "Name", "Value": "xxlinkyy"}]) == ["xxlinkyy"]
    assert names(SearchText="link") == ["customer-link", "link", "xx-link-yy", "xxlinkyy"]
    assert names(SearchText='"link"') == ["link"]
