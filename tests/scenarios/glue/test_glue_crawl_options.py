"""Crawl options: exclusions, sample size, catalog targets, new-folders-only recrawls,
table grouping from the crawler's Configuration, single-file include paths."""
import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError


def wait_ready(glue, name, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        crawler = glue.get_crawler(Name=name)["Crawler"]
        if crawler["State"] == "READY" and "LastCrawl" in crawler:
            return crawler
        time.sleep(0.1)
    raise AssertionError(f"crawler {name} did not finish")


def crawl(glue, targets, **settings):
    name = f"crawler-{uuid.uuid4().hex[:8]}"
    database = settings.pop("DatabaseName", f"db_{uuid.uuid4().hex[:8]}")
    glue.create_crawler(Name=name, Role="r", DatabaseName=database, Targets=targets, **settings)
    glue.start_crawler(Name=name)
    wait_ready(glue, name)
    return name, database


def tables(glue, database):
    return {t["Name"]: t for t in glue.get_tables(DatabaseName=database)["TableList"]}


def test_exclusions_and_sample_size(glue, s3, bucket):
    for i in range(6):
        s3.put_object(Bucket=bucket, Key=f"data/part-{i}.json", Body=json.dumps({"id": i, "v": "x" * i}) + "\n")
    s3.put_object(Bucket=bucket, Key="data/notes.txt", Body="not data at all, just words")
    s3.put_object(Bucket=bucket, Key="data/tmp/scratch.json", Body='{"other": true}\n')
    _, database = crawl(glue, {"S3Targets": [{"Path": f"s3://{bucket}/data/", "SampleSize": 2,
                                              "Exclusions": ["*.txt", "tmp/**"]}]})
    table = tables(glue, database)["data"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["id", "v"]
    assert table["Parameters"]["objectCount"] == "6"
    assert table["PartitionKeys"] == []


def test_single_file_include_path(glue, s3, bucket):
    s3.put_object(Bucket=bucket, Key="one/people.csv", Body="name,age\nann,31\nbob,42\n")
    _, database = crawl(glue, {"S3Targets": [{"Path": f"s3://{bucket}/one/people.csv"}]})
    table = tables(glue, database)["people_csv"]
    assert table["StorageDescriptor"]["Location"] == f"s3://{bucket}/one/"
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        ("name", "string"), ("age", "bigint")]


def test_catalog_target_updates_a_table_in_place(glue, s3, bucket, database):
    s3.put_object(Bucket=bucket, Key="managed/a.json", Body='{"id": 1, "extra": "x"}\n')
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "managed", "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "int"}],
                                                 "Location": f"s3://{bucket}/managed/"}})
    crawl(glue, {"CatalogTargets": [{"DatabaseName": database, "Tables": ["managed"]}]},
          DatabaseName=database, SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE",
                                                     "DeleteBehavior": "LOG"})
    table = glue.get_table(DatabaseName=database, Name="managed")["Table"]
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        ("id", "int"), ("extra", "string")]
    assert table["Parameters"]["classification"] == "json"
    assert [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]] == ["managed"]


def test_new_folders_only_adds_partitions_and_keeps_the_schema(glue, s3, bucket):
    s3.put_object(Bucket=bucket, Key="clicks/dt=1/a.json", Body='{"id": 1}\n')
    name, database = crawl(glue, {"S3Targets": [{"Path": f"s3://{bucket}/clicks/"}]},
                           RecrawlPolicy={"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"},
                           SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"})
    s3.put_object(Bucket=bucket, Key="clicks/dt=2/a.json", Body='{"id": 2, "new": "col"}\n')
    glue.start_crawler(Name=name)
    wait_ready(glue, name)
    table = tables(glue, database)["clicks"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["id"]
    values = sorted(p["Values"] for p in glue.get_partitions(DatabaseName=database, TableName="clicks")["Partitions"])
    assert values == [["1"], ["2"]]


def test_new_folders_only_needs_log_policies(glue):
    with pytest.raises(ClientError) as caught:
        glue.create_crawler(Name=f"c-{uuid.uuid4().hex[:6]}", Role="r", DatabaseName="d",
                            Targets={"S3Targets": [{"Path": "s3://b/x/"}]},
                            RecrawlPolicy={"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"})
    assert caught.value.response["Error"]["Code"] == "InvalidInputException"


def test_grouping_configuration(glue, s3, bucket):
    s3.put_object(Bucket=bucket, Key="group/a/x.json", Body='{"id": 1, "a1": 1, "a2": 2}\n')
    s3.put_object(Bucket=bucket, Key="group/b/x.json", Body='{"id": 2, "b1": 1, "b2": 2}\n')
    _, separate = crawl(glue, {"S3Targets": [{"Path": f"s3://{bucket}/group/"}]})
    assert sorted(tables(glue, separate)) == ["a", "b"]
    config = json.dumps({"Version": 1.0, "Grouping": {"TableGroupingPolicy": "CombineCompatibleSchemas"}})
    _, combined = crawl(glue, {"S3Targets": [{"Path": f"s3://{bucket}/group/"}]}, Configuration=config)
    table = tables(glue, combined)["group"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["id", "a1", "a2", "b1", "b2"]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["partition_0"]
    config = json.dumps({"Version": 1.0, "Grouping": {"TableLevelConfiguration": 3}})
    _, levelled = crawl(glue, {"S3Targets": [{"Path": f"s3://{bucket}/group/"}]}, Configuration=config)
    assert sorted(tables(glue, levelled)) == ["a", "b"]


def test_partitions_keep_their_own_schema_unless_they_inherit(glue, s3, bucket):
    s3.put_object(Bucket=bucket, Key="evolving/dt=1/a.json", Body='{"id": 1}\n')
    s3.put_object(Bucket=bucket, Key="evolving/dt=2/a.json", Body='{"id": 2, "added": "x"}\n')
    columns = lambda doc: [c["Name"] for c in doc["StorageDescriptor"]["Columns"]]
    _, database = crawl(glue, {"S3Targets": [{"Path": f"s3://{bucket}/evolving/"}]})
    parts = {p["Values"][0]: columns(p) for p in glue.get_partitions(DatabaseName=database,
                                                                      TableName="evolving")["Partitions"]}
    assert parts == {"1": ["id"], "2": ["id", "added"]}
    assert columns(tables(glue, database)["evolving"]) == ["id", "added"]
    config = json.dumps({"Version": 1.0, "CrawlerOutput": {"Partitions": {"AddOrUpdateBehavior": "InheritFromTable"}}})
    _, inherited = crawl(glue, {"S3Targets": [{"Path": f"s3://{bucket}/evolving/"}]}, Configuration=config)
    parts = {p["Values"][0]: columns(p) for p in glue.get_partitions(DatabaseName=inherited,
                                                                      TableName="evolving")["Partitions"]}
    assert parts == {"1": ["id", "added"], "2": ["id", "added"]}


def test_a_catalog_target_crawler_needs_no_database(glue, s3, bucket, database):
    s3.put_object(Bucket=bucket, Key="solo/a.json", Body='{"id": 1}\n')
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "solo", "StorageDescriptor": {"Location": f"s3://{bucket}/solo/"}})
    name = f"crawler-{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=name, Role="r", Targets={"CatalogTargets": [{"DatabaseName": database,
                                                                          "Tables": ["solo"]}]},
                        SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "LOG"})
    glue.start_crawler(Name=name)
    assert wait_ready(glue, name)["LastCrawl"]["Status"] == "SUCCEEDED"
    table = glue.get_table(DatabaseName=database, Name="solo")["Table"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["id"]
    with pytest.raises(ClientError) as caught:
        glue.create_crawler(Name=f"{name}-2", Role="r", Targets={"S3Targets": [{"Path": f"s3://{bucket}/solo/"}]})
    assert caught.value.response["Error"]["Code"] == "InvalidInputException"
