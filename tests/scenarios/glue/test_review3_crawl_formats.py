"""A data engineer's crawls, as written against AWS Glue: delimited files with and
without a header, TSV and pipe files, JSON lines, Parquet whose schema grows between
runs under UPDATE_IN_DATABASE and LOG, plain-folder partitions, the partition index a
crawler makes by default, and a crawl of an empty prefix."""
import json
import uuid

import pytest
from glue_helpers import parquet_bytes as _parquet
from glue_helpers import run_crawler as _run

ROLE = "arn:aws:iam::000000000000:role/service-role/AWSGlueServiceRole-lake"


@pytest.fixture
def make_crawler(glue):
    made = []

    def make(database, path, **settings):
        name = f"review3-{uuid.uuid4().hex[:8]}"
        glue.create_crawler(Name=name, Role=ROLE, DatabaseName=database,
                            Targets={"S3Targets": [{"Path": path}]}, **settings)
        made.append(name)
        return name

    yield make
    for name in made:
        glue.delete_crawler(Name=name)


def _columns(table):
    return [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]


def test_csv_with_and_without_a_header(glue, s3, bucket, database, make_crawler):
    s3.put_object(Bucket=bucket, Key="raw/people/p.csv", Body=b"name,age,city\nann,31,Oslo\nbob,42,Rome\n")
    s3.put_object(Bucket=bucket, Key="raw/readings/r.csv", Body=b"sensor-1,12.5,2024-01-01\nsensor-2,13.0,2024-01-02\n")
    crawler = _run(glue, make_crawler(database, f"s3://{bucket}/raw/"))
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED"
    people = glue.get_table(DatabaseName=database, Name="people")["Table"]
    assert _columns(people) == [("name", "string"), ("age", "bigint"), ("city", "string")]
    assert people["Parameters"]["classification"] == "csv"
    assert people["Parameters"]["skip.header.line.count"] == "1"
    serde = people["StorageDescriptor"]["SerdeInfo"]
    assert serde["SerializationLibrary"] == "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
    assert serde["Parameters"]["field.delim"] == ","
    assert people["StorageDescriptor"]["InputFormat"] == "org.apache.hadoop.mapred.TextInputFormat"
    readings = glue.get_table(DatabaseName=database, Name="readings")["Table"]
    assert _columns(readings) == [("col0", "string"), ("col1", "double"), ("col2", "string")]
    assert "skip.header.line.count" not in readings["Parameters"]


def test_tab_and_pipe_delimited_files(glue, s3, bucket, database, make_crawler):
    s3.put_object(Bucket=bucket, Key="raw/tabs/t.tsv", Body=b"id\tname\n1\tann\n2\tbob\n")
    s3.put_object(Bucket=bucket, Key="raw/pipes/p.txt", Body=b"id|name|score\n1|ann|3.5\n2|bob|4.0\n")
    _run(glue, make_crawler(database, f"s3://{bucket}/raw/"))
    tabs = glue.get_table(DatabaseName=database, Name="tabs")["Table"]
    assert tabs["StorageDescriptor"]["SerdeInfo"]["Parameters"]["field.delim"] == "\t"
    assert _columns(tabs) == [("id", "bigint"), ("name", "string")]
    pipes = glue.get_table(DatabaseName=database, Name="pipes")["Table"]
    assert pipes["StorageDescriptor"]["SerdeInfo"]["Parameters"]["field.delim"] == "|"
    assert _columns(pipes) == [("id", "bigint"), ("name", "string"), ("score", "double")]


def test_json_lines(glue, s3, bucket, database, make_crawler):
    lines = [{"id": 1, "user": {"name": "ann", "tags": ["a"]}, "amount": 2.5, "ok": True, "ms": 1},
             {"id": 2, "user": {"name": "bob", "tags": []}, "amount": 3, "ok": False, "ms": 1717171717171}]
    s3.put_object(Bucket=bucket, Key="events/e.json", Body="\n".join(json.dumps(x) for x in lines).encode())
    _run(glue, make_crawler(database, f"s3://{bucket}/events/"))
    table = glue.get_table(DatabaseName=database, Name="events")["Table"]
    assert table["Parameters"]["classification"] == "json"
    # an integer is int until a value needs 64 bits (a crawled githubarchive table has
    # repo struct<id:int,...>; Athena's HIVE_BAD_DATA on ids past 2^31 comes from it)
    assert _columns(table) == [("id", "int"), ("user", "struct<name:string,tags:array<string>>"),
                               ("amount", "double"), ("ok", "boolean"), ("ms", "bigint")]
    assert table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"


def test_parquet_new_column_updates_the_table_under_update_in_database(glue, s3, bucket, database,
                                                                      make_crawler):
    s3.put_object(Bucket=bucket, Key="sales/part-0.parquet", Body=_parquet(id=[1, 2], amount=[1.5, 2.5]))
    name = make_crawler(database, f"s3://{bucket}/sales/")
    _run(glue, name)
    first = glue.get_table(DatabaseName=database, Name="sales")["Table"]
    assert _columns(first) == [("id", "bigint"), ("amount", "double")]
    assert first["LastAccessTime"] == first["CreateTime"]
    s3.put_object(Bucket=bucket, Key="sales/part-1.parquet",
                  Body=_parquet(id=[3], amount=[4.0], currency=["EUR"]))
    _run(glue, name)
    second = glue.get_table(DatabaseName=database, Name="sales")["Table"]
    assert _columns(second) == [("id", "bigint"), ("amount", "double"), ("currency", "string")]
    assert second["LastAccessTime"] == first["LastAccessTime"]
    versions = glue.get_table_versions(DatabaseName=database, TableName="sales")["TableVersions"]
    assert sorted(v["VersionId"] for v in versions) == ["0", "1"]
    metrics = glue.get_crawler_metrics(CrawlerNameList=[name])["CrawlerMetricsList"][0]
    assert metrics["TablesUpdated"] == 1


def test_parquet_new_column_is_only_logged_under_log(glue, s3, bucket, database, make_crawler):
    s3.put_object(Bucket=bucket, Key="sales/part-0.parquet", Body=_parquet(id=[1, 2]))
    name = make_crawler(database, f"s3://{bucket}/sales/",
                        SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"})
    _run(glue, name)
    s3.put_object(Bucket=bucket, Key="sales/part-1.parquet", Body=_parquet(id=[3], note=["x"]))
    _run(glue, name)
    table = glue.get_table(DatabaseName=database, Name="sales")["Table"]
    assert _columns(table) == [("id", "bigint")]
    assert len(glue.get_table_versions(DatabaseName=database, TableName="sales")["TableVersions"]) == 1


def test_plain_folders_become_partition_n_keys(glue, s3, bucket, database, make_crawler):
    for year, month in (("2024", "01"), ("2024", "02"), ("2025", "01")):
        s3.put_object(Bucket=bucket, Key=f"logs/{year}/{month}/data.parquet", Body=_parquet(msg=["hi"]))
    _run(glue, make_crawler(database, f"s3://{bucket}/logs/"))
    table = glue.get_table(DatabaseName=database, Name="logs")["Table"]
    assert table["PartitionKeys"] == [{"Name": "partition_0", "Type": "string"},
                                      {"Name": "partition_1", "Type": "string"}]
    found = glue.get_partitions(DatabaseName=database, TableName="logs",
                                Expression="partition_0 = '2024'")["Partitions"]
    assert sorted(p["Values"] for p in found) == [["2024", "01"], ["2024", "02"]]


def test_a_crawler_indexes_the_partitions_it_makes_unless_told_not_to(glue, s3, bucket, database, make_crawler):
    for dt in ("2024-01-01", "2024-01-02"):
        s3.put_object(Bucket=bucket, Key=f"clicks/dt={dt}/a.parquet", Body=_parquet(url=["/"]))
        s3.put_object(Bucket=bucket, Key=f"views/dt={dt}/a.parquet", Body=_parquet(url=["/"]))
    _run(glue, make_crawler(database, f"s3://{bucket}/clicks/"))
    indexes = glue.get_partition_indexes(DatabaseName=database, TableName="clicks")["PartitionIndexDescriptorList"]
    assert [(i["IndexName"], i["Keys"], i["IndexStatus"]) for i in indexes] == [
        ("crawler_partition_index", [{"Name": "dt", "Type": "string"}], "ACTIVE")]
    _run(glue, make_crawler(database, f"s3://{bucket}/views/",
                            Configuration=json.dumps({"Version": 1.0, "CreatePartitionIndex": False})))
    assert glue.get_partition_indexes(DatabaseName=database, TableName="views")["PartitionIndexDescriptorList"] == []


def test_table_level_configuration_counts_levels_from_the_bucket(glue, s3, bucket, database, make_crawler):
    for source in ("web", "app"):
        for dt in ("2024-01-01", "2024-01-02"):
            s3.put_object(Bucket=bucket, Key=f"lake/events/{source}/dt={dt}/a.json",
                          Body=json.dumps({"source": source, "n": 1}).encode())
    _run(glue, make_crawler(database, f"s3://{bucket}/lake/",
                            Configuration=json.dumps({"Version": 1.0, "Grouping": {"TableLevelConfiguration": 4}})))
    names = [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]]
    assert names == ["app", "web"]
    web = glue.get_table(DatabaseName=database, Name="web")["Table"]
    assert web["StorageDescriptor"]["Location"] == f"s3://{bucket}/lake/events/web/"
    assert web["PartitionKeys"] == [{"Name": "dt", "Type": "string"}]


def test_a_crawl_of_an_empty_prefix_succeeds_and_makes_nothing(glue, bucket, database, make_crawler):
    name = make_crawler(database, f"s3://{bucket}/nothing-here/")
    crawler = _run(glue, name)
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED"
    assert glue.get_tables(DatabaseName=database)["TableList"] == []
    metrics = glue.get_crawler_metrics(CrawlerNameList=[name])["CrawlerMetricsList"]
    assert [(m["CrawlerName"], m["TablesCreated"], m["TablesUpdated"], m["TablesDeleted"]) for m in metrics] == [
        (name, 0, 0, 0)]
    crawls = glue.list_crawls(CrawlerName=name)["Crawls"]
    assert [c["State"] for c in crawls] == ["COMPLETED"]


def test_a_crawl_of_a_whole_bucket_names_tables_after_its_folders(glue, s3, bucket, database, make_crawler):
    s3.put_object(Bucket=bucket, Key="orders/a.csv", Body=b"id,total\n1,2.5\n2,3.5\n")
    for month in ("1", "2"):
        s3.put_object(Bucket=bucket, Key=f"clicks/year=2024/month={month}/a.json", Body=b'{"id": 1}\n')
    _run(glue, make_crawler(database, f"s3://{bucket}/"))
    tables = {t["Name"]: t for t in glue.get_tables(DatabaseName=database)["TableList"]}
    assert sorted(tables) == ["clicks", "orders"]
    assert tables["orders"]["StorageDescriptor"]["Location"] == f"s3://{bucket}/orders/"
    assert tables["clicks"]["PartitionKeys"] == [{"Name": "year", "Type": "string"},
                                                 {"Name": "month", "Type": "string"}]
    found = glue.get_partitions(DatabaseName=database, TableName="clicks")["Partitions"]
    assert sorted(p["StorageDescriptor"]["Location"] for p in found) == [
        f"s3://{bucket}/clicks/year=2024/month=1/", f"s3://{bucket}/clicks/year=2024/month=2/"]


def test_a_crawl_of_one_file_at_a_buckets_root(glue, s3, bucket, database, make_crawler):
    s3.put_object(Bucket=bucket, Key="people.csv", Body=b"name,age\nann,31\nbob,42\n")
    _run(glue, make_crawler(database, f"s3://{bucket}/people.csv"))
    table = glue.get_table(DatabaseName=database, Name="people_csv")["Table"]
    assert table["StorageDescriptor"]["Location"] == f"s3://{bucket}/"
    assert _columns(table) == [("name", "string"), ("age", "bigint")]
