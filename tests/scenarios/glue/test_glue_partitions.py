"""Partitions through boto3: single and batch create/get/update/delete, GetPartitions
with Glue's Expression language, pages and Segments, and partition indexes."""
import pytest
from botocore.exceptions import ClientError

from glue_helpers import parquet_table, partition

KEYS = [("year", "int"), ("month", "string")]


@pytest.fixture
def table(glue, database):
    glue.create_table(DatabaseName=database, TableInput=parquet_table("events", [("id", "bigint")], KEYS))
    inputs = [partition((str(year), f"{month:02d}")) for year in (2022, 2023, 2024) for month in (1, 2, 10, 11)]
    assert glue.batch_create_partition(DatabaseName=database, TableName="events",
                                       PartitionInputList=inputs)["Errors"] == []
    return database, "events"


def values_of(glue, table, **kwargs):
    database, name = table
    pages = glue.get_paginator("get_partitions").paginate(DatabaseName=database, TableName=name, **kwargs)
    return sorted(tuple(p["Values"]) for page in pages for p in page["Partitions"])


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


@pytest.mark.parametrize("expression, expected", [
    ("year = 2023 AND month = '10'", [("2023", "10")]),
    ("year > 2022 AND month >= '10'", [("2023", "10"), ("2023", "11"), ("2024", "10"), ("2024", "11")]),
    ("year BETWEEN 2023 AND 2024 AND month IN ('01', '11')",
     [("2023", "01"), ("2023", "11"), ("2024", "01"), ("2024", "11")]),
    ("month LIKE '1%' AND NOT year <> 2022", [("2022", "10"), ("2022", "11")]),
    ("(year = 2022 OR year = 2024) AND month = '02'", [("2022", "02"), ("2024", "02")]),
    ("year != 2023 AND month NOT IN ('01', '02', '10')", [("2022", "11"), ("2024", "11")]),
    ("year NOT BETWEEN 2022 AND 2023 AND month < '02'", [("2024", "01")]),
    ("month = '1'", []),
])
def test_expression_filter(glue, table, expression, expected):
    assert values_of(glue, table, Expression=expression) == expected


def test_numeric_keys_compare_as_numbers(glue, database):
    glue.create_table(DatabaseName=database, TableInput=parquet_table("n", [], [("hour", "int")]))
    glue.batch_create_partition(DatabaseName=database, TableName="n",
                                PartitionInputList=[partition((str(h),)) for h in (2, 9, 10, 23)])
    assert values_of(glue, (database, "n"), Expression="hour > 9") == [("10",), ("23",)]


def test_pages_and_segments(glue, table):
    database, name = table
    first = glue.get_partitions(DatabaseName=database, TableName=name, MaxResults=5)
    assert len(first["Partitions"]) == 5
    assert "NextToken" in first
    assert len(values_of(glue, table)) == 12
    segments = [values_of(glue, table, Segment={"SegmentNumber": n, "TotalSegments": 3}) for n in range(3)]
    assert sorted(v for part in segments for v in part) == values_of(glue, table)


def test_bad_expressions(glue, table):
    database, name = table
    assert error_of(glue.get_partitions, DatabaseName=database, TableName=name, Expression="day = 1") == (
        "InvalidInputException", "Invalid partition expression!")
    for bad in ("year = ", "year = 2023 AND", "(year = 2023", "year === 1", "year BETWEEN 1"):
        assert error_of(glue.get_partitions, DatabaseName=database, TableName=name,
                        Expression=bad)[0] == "InvalidInputException", bad
    assert len(values_of(glue, table, Expression="  ")) == 12


def test_single_partition_operations(glue, table):
    database, name = table
    got = glue.get_partition(DatabaseName=database, TableName=name, PartitionValues=["2023", "01"])["Partition"]
    assert got["Values"] == ["2023", "01"]
    assert got["DatabaseName"] == database and got["TableName"] == name
    assert got["StorageDescriptor"]["Location"] == "s3://bucket/data/2023/01/"

    assert error_of(glue.create_partition, DatabaseName=database, TableName=name,
                    PartitionInput=partition(("2023", "01"))) == ("AlreadyExistsException",
                                                                  "Partition already exists.")
    assert error_of(glue.create_partition, DatabaseName=database, TableName=name,
                    PartitionInput=partition(("2023",))) == (
        "InvalidInputException", "The number of partition keys do not match the number of partition values")

    glue.update_partition(DatabaseName=database, TableName=name, PartitionValueList=["2023", "01"],
                          PartitionInput=partition(("2023", "01"), "s3://elsewhere/"))
    got = glue.get_partition(DatabaseName=database, TableName=name, PartitionValues=["2023", "01"])["Partition"]
    assert got["StorageDescriptor"]["Location"] == "s3://elsewhere/"

    glue.delete_partition(DatabaseName=database, TableName=name, PartitionValues=["2023", "01"])
    assert error_of(glue.get_partition, DatabaseName=database, TableName=name,
                    PartitionValues=["2023", "01"]) == ("EntityNotFoundException", "Cannot find partition.")


def test_batches(glue, table):
    database, name = table
    errors = glue.batch_create_partition(DatabaseName=database, TableName=name, PartitionInputList=[
        partition(("2025", "01")), partition(("2022", "01"))])["Errors"]
    assert errors == [{"PartitionValues": ["2022", "01"],
                       "ErrorDetail": {"ErrorCode": "AlreadyExistsException",
                                       "ErrorMessage": "Partition already exists."}}]
    got = glue.batch_get_partition(DatabaseName=database, TableName=name, PartitionsToGet=[
        {"Values": ["2025", "01"]}, {"Values": ["1999", "01"]}])
    assert [p["Values"] for p in got["Partitions"]] == [["2025", "01"]]

    errors = glue.batch_update_partition(DatabaseName=database, TableName=name, Entries=[
        {"PartitionValueList": ["2025", "01"], "PartitionInput": partition(("2025", "01"), "s3://x/")},
        {"PartitionValueList": ["1999", "01"], "PartitionInput": partition(("1999", "01"))}])["Errors"]
    assert [e["PartitionValueList"] for e in errors] == [["1999", "01"]]
    assert errors[0]["ErrorDetail"]["ErrorCode"] == "EntityNotFoundException"

    errors = glue.batch_delete_partition(DatabaseName=database, TableName=name, PartitionsToDelete=[
        {"Values": ["2025", "01"]}, {"Values": ["1999", "01"]}])["Errors"]
    assert [e["PartitionValues"] for e in errors] == [["1999", "01"]]
    assert len(values_of(glue, table)) == 12


def test_partitions_go_with_their_table(glue, table):
    database, name = table
    glue.delete_table(DatabaseName=database, Name=name)
    glue.create_table(DatabaseName=database, TableInput=parquet_table(name, [("id", "bigint")], KEYS))
    assert values_of(glue, table) == []


def test_partition_indexes(glue, table):
    database, name = table
    glue.create_partition_index(DatabaseName=database, TableName=name,
                                PartitionIndex={"Keys": ["year"], "IndexName": "by_year"})
    described = glue.get_partition_indexes(DatabaseName=database, TableName=name)["PartitionIndexDescriptorList"]
    assert described == [{"IndexName": "by_year", "Keys": [{"Name": "year", "Type": "int"}],
                          "IndexStatus": "ACTIVE"}]
    assert error_of(glue.create_partition_index, DatabaseName=database, TableName=name,
                    PartitionIndex={"Keys": ["day"], "IndexName": "by_day"})[0] == "InvalidInputException"
    glue.delete_partition_index(DatabaseName=database, TableName=name, IndexName="by_year")
    assert glue.get_partition_indexes(DatabaseName=database,
                                      TableName=name)["PartitionIndexDescriptorList"] == []


def test_equality_on_leading_string_keys_pages(glue, database):
    glue.create_table(DatabaseName=database, TableInput=parquet_table(
        "logs", [], [("region", "string"), ("day", "string")]))
    inputs = [partition((region, f"d{d}")) for region in ("eu", "eu-west", "us") for d in range(5)]
    glue.batch_create_partition(DatabaseName=database, TableName="logs", PartitionInputList=inputs)
    pages = glue.get_paginator("get_partitions").paginate(
        DatabaseName=database, TableName="logs", Expression="region = 'eu' AND day <> 'd3'",
        PaginationConfig={"PageSize": 2})
    assert [p["Values"] for page in pages for p in page["Partitions"]] == [
        ["eu", "d0"], ["eu", "d1"], ["eu", "d2"], ["eu", "d4"]]
    assert values_of(glue, (database, "logs"), Expression="region = 'eu' AND day = 'd4'") == [("eu", "d4")]


def test_malformed_input_is_refused_not_a_500(glue, table):
    database, name = table
    deep = "(" * 1000 + "year = 2022" + ")" * 1000
    assert error_of(glue.get_partitions, DatabaseName=database, TableName=name,
                    Expression=deep)[0] == "InvalidInputException"
    for token in ("not-a-token", "InRoaXMi", "eyJhIjogMX0="):
        assert error_of(glue.get_partitions, DatabaseName=database, TableName=name,
                        NextToken=token)[0] == "InvalidInputException"
        assert error_of(glue.get_table_versions, DatabaseName=database, TableName=name,
                        NextToken=token)[0] == "InvalidInputException"


def test_partition_input_without_values(glue, table):
    """`Values` is optional in the model: a create without it has too few values, an
    update without it keeps the partition's values (they cannot be changed anyway)."""
    database, name = table
    bare = {"StorageDescriptor": {"Location": "s3://bucket/data/bare/"}}
    assert error_of(glue.create_partition, DatabaseName=database, TableName=name, PartitionInput=bare) == (
        "InvalidInputException", "The number of partition keys do not match the number of partition values")
    # one entry without its values fails the whole batch: nothing is created (as Glue answers)
    assert error_of(glue.batch_create_partition, DatabaseName=database, TableName=name,
                    PartitionInputList=[bare, partition(("2030", "01"))]) == (
        "InvalidInputException", "The number of partition keys do not match the number of partition values")
    assert error_of(glue.get_partition, DatabaseName=database, TableName=name, PartitionValues=["2030", "01"])[0] == (
        "EntityNotFoundException")
    glue.batch_create_partition(DatabaseName=database, TableName=name, PartitionInputList=[partition(("2030", "01"))])
    glue.update_partition(DatabaseName=database, TableName=name, PartitionValueList=["2030", "01"],
                          PartitionInput=bare)
    got = glue.get_partition(DatabaseName=database, TableName=name, PartitionValues=["2030", "01"])["Partition"]
    assert (got["Values"], got["StorageDescriptor"]["Location"]) == (["2030", "01"], "s3://bucket/data/bare/")
