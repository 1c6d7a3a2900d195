"""A crawler over a realistic lake: CSV with headers in Hive-style year=/month=/day=
partitions, JSON lines, Parquet (with nested types), gzip CSV, a folder whose
subfolders have incompatible schemas, and a corrupt file. The resulting tables,
columns, types, storage descriptors and partitions are asserted in full."""
import gzip
import io
import json
import time
import uuid

import pyarrow as pa
import pyarrow.parquet as pq
import pytest


def wait_ready(glue, name, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        crawler = glue.get_crawler(Name=name)["Crawler"]
        if crawler["State"] == "READY" and "LastCrawl" in crawler:
            return crawler
        time.sleep(0.1)
    raise AssertionError(f"crawler {name} did not finish")


def parquet_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


@pytest.fixture
def lake(s3, bucket):
    put = lambda key, body: s3.put_object(Bucket=bucket, Key=key, Body=body)
    for day in ("01", "02"):
        for month in ("01", "02"):
            rows = "\n".join(f"{i},{i * 1.25},item-{i}" for i in range(5))
            put(f"sales/year=2024/month={month}/day={day}/part-0.csv", f"id,amount,item\n{rows}\n")
    events = [{"user": "u1", "clicks": 3, "ok": True, "tags": ["a"]},
              {"user": "u2", "clicks": 5, "ok": False, "tags": [], "geo": {"lat": 1.5, "lon": 2}}]
    for dt in ("2024-01-01", "2024-01-02"):
        put(f"events/dt={dt}/events.json", "\n".join(json.dumps(e) for e in events) + "\n")
    metrics = pa.table({"id": pa.array([1, 2], pa.int64()), "value": pa.array([0.5, 1.5]),
                        "ts": pa.array([1, 2], pa.timestamp("ms")),
                        "tags": pa.array([["x"], []], pa.list_(pa.string())),
                        "attrs": pa.array([{"a": 1, "b": "q"}, {"a": 2, "b": "r"}],
                                          pa.struct([("a", pa.int64()), ("b", pa.string())]))})
    put("metrics/m1.parquet", parquet_bytes(metrics))
    put("metrics/m2.parquet", parquet_bytes(metrics))
    put("metrics/broken.parquet", b"PAR1 this is not really parquet PAR1")
    put("logs_gz/2024/01/log.csv.gz", gzip.compress(b"host,status,bytes\nweb1,200,512\nweb2,404,0\n"))
    put("logs_gz/2024/02/log.csv.gz", gzip.compress(b"host,status,bytes\nweb3,500,12\n"))
    put("mixed/orders/o.csv", "order_id,total\n1,9.5\n2,3.25\n")
    put("mixed/users/u.json", '{"name": "ann", "age": 31}\n')
    put("mixed/weblogs/access.log", '10.0.0.1 - - [10/Oct/2024:13:55:36 +0000] "GET /index.html HTTP/1.1" 200 2326 '
                                    '"http://example.com/" "Mozilla/5.0"\n'
                                    '10.0.0.2 - bob [10/Oct/2024:13:55:37 +0000] "POST /api HTTP/1.1" 201 17 '
                                    '"-" "curl/8.0"\n')
    put("sales/_SUCCESS", "")
    return bucket


def test_crawl_builds_the_catalog(glue, lake):
    name = f"crawler-{uuid.uuid4().hex[:8]}"
    database = f"crawled_{uuid.uuid4().hex[:8]}"
    paths = [f"s3://{lake}/{folder}/" for folder in ("sales", "events", "metrics", "logs_gz", "mixed")]
    glue.create_crawler(Name=name, Role="arn:aws:iam::000000000000:role/glue", DatabaseName=database,
                        Targets={"S3Targets": [{"Path": p} for p in paths]})
    glue.start_crawler(Name=name)
    crawler = wait_ready(glue, name)
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED"

    tables = {t["Name"]: t for t in glue.get_tables(DatabaseName=database)["TableList"]}
    assert sorted(tables) == ["events", "logs_gz", "metrics", "orders", "sales", "users", "weblogs"]

    columns = lambda t: [(c["Name"], c["Type"]) for c in tables[t]["StorageDescriptor"]["Columns"]]
    keys = lambda t: [(c["Name"], c["Type"]) for c in tables[t]["PartitionKeys"]]

    assert columns("sales") == [("id", "bigint"), ("amount", "double"), ("item", "string")]
    assert keys("sales") == [("year", "string"), ("month", "string"), ("day", "string")]
    sales = tables["sales"]
    assert sales["TableType"] == "EXTERNAL_TABLE"
    assert sales["StorageDescriptor"]["Location"] == f"s3://{lake}/sales/"
    assert sales["StorageDescriptor"]["InputFormat"] == "org.apache.hadoop.mapred.TextInputFormat"
    assert sales["StorageDescriptor"]["OutputFormat"] == \
        "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
    assert sales["StorageDescriptor"]["SerdeInfo"] == {
        "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
        "Parameters": {"field.delim": ","}}
    params = sales["Parameters"]
    assert {k: params[k] for k in ("classification", "delimiter", "skip.header.line.count", "compressionType",
                                   "recordCount", "objectCount", "typeOfData", "UPDATED_BY_CRAWLER")} == {
        "classification": "csv", "delimiter": ",", "skip.header.line.count": "1", "compressionType": "none",
        "recordCount": "20", "objectCount": "4", "typeOfData": "file", "UPDATED_BY_CRAWLER": name}
    assert int(params["sizeKey"]) > 0 and int(params["averageRecordSize"]) > 0
    partitions = glue.get_partitions(DatabaseName=database, TableName="sales")["Partitions"]
    assert sorted(p["Values"] for p in partitions) == [
        ["2024", "01", "01"], ["2024", "01", "02"], ["2024", "02", "01"], ["2024", "02", "02"]]
    one = [p for p in partitions if p["Values"] == ["2024", "02", "01"]][0]
    assert one["StorageDescriptor"]["Location"] == f"s3://{lake}/sales/year=2024/month=02/day=01/"
    assert one["Parameters"]["recordCount"] == "5"

    assert columns("events") == [("user", "string"), ("clicks", "int"), ("ok", "boolean"),
                                 ("tags", "array<string>"), ("geo", "struct<lat:double,lon:int>")]
    assert keys("events") == [("dt", "string")]
    assert tables["events"]["Parameters"]["classification"] == "json"
    assert tables["events"]["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == \
        "org.openx.data.jsonserde.JsonSerDe"

    assert columns("metrics") == [("id", "bigint"), ("value", "double"), ("ts", "timestamp"),
                                  ("tags", "array<string>"), ("attrs", "struct<a:bigint,b:string>")]
    assert keys("metrics") == []
    metrics = tables["metrics"]
    assert metrics["Parameters"]["classification"] == "parquet"
    assert metrics["Parameters"]["recordCount"] == "4"
    assert metrics["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == \
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    assert metrics["StorageDescriptor"]["InputFormat"] == \
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"

    assert columns("logs_gz") == [("host", "string"), ("status", "bigint"), ("bytes", "bigint")]
    assert keys("logs_gz") == [("partition_0", "string"), ("partition_1", "string")]
    assert tables["logs_gz"]["Parameters"]["compressionType"] == "gzip"
    assert tables["logs_gz"]["StorageDescriptor"]["Compressed"] is True
    logs = glue.get_partitions(DatabaseName=database, TableName="logs_gz")["Partitions"]
    assert sorted(p["Values"] for p in logs) == [["2024", "01"], ["2024", "02"]]

    assert columns("orders") == [("order_id", "bigint"), ("total", "double")]
    assert tables["orders"]["StorageDescriptor"]["Location"] == f"s3://{lake}/mixed/orders/"
    assert columns("users") == [("name", "string"), ("age", "int")]
    weblogs = tables["weblogs"]
    assert weblogs["Parameters"]["classification"] == "combined_apache"
    assert weblogs["StorageDescriptor"]["SerdeInfo"] == {
        "SerializationLibrary": "com.amazonaws.glue.serde.GrokSerDe",
        "Parameters": {"input.format": "%{COMBINEDAPACHELOG}"}}
    assert [c for c, _ in columns("weblogs")] == ["clientip", "ident", "auth", "timestamp", "verb", "request",
                                                   "httpversion", "rawrequest", "response", "bytes", "referrer",
                                                   "agent"]

    metrics_list = glue.get_crawler_metrics(CrawlerNameList=[name])["CrawlerMetricsList"]
    assert metrics_list[0]["TablesCreated"] == 7
    assert metrics_list[0]["TablesUpdated"] == 0
    crawls = glue.list_crawls(CrawlerName=name)["Crawls"]
    assert len(crawls) == 1 and crawls[0]["State"] == "COMPLETED"
    assert json.loads(crawls[0]["Summary"])["TABLE"]["ADD"]["Count"] == 7


def test_recrawl_updates_adds_and_deprecates(glue, s3, lake):
    name = f"crawler-{uuid.uuid4().hex[:8]}"
    database = f"crawled_{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=name, Role="r", DatabaseName=database, TablePrefix="raw_",
                        Targets={"S3Targets": [{"Path": f"s3://{lake}/sales/"},
                                               {"Path": f"s3://{lake}/mixed/"}]},
                        SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE",
                                            "DeleteBehavior": "DELETE_FROM_DATABASE"})
    glue.start_crawler(Name=name)
    wait_ready(glue, name)
    assert [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]] == [
        "raw_orders", "raw_sales", "raw_users", "raw_weblogs"]

    s3.put_object(Bucket=lake, Key="sales/year=2025/month=01/day=01/part-0.csv",
                  Body="id,amount,item,channel\n1,2.5,x,web\n")
    s3.delete_object(Bucket=lake, Key="mixed/users/u.json")
    glue.start_crawler(Name=name)
    wait_ready(glue, name)

    assert [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]] == [
        "raw_orders", "raw_sales", "raw_weblogs"]
    sales = glue.get_table(DatabaseName=database, Name="raw_sales")["Table"]
    assert [c["Name"] for c in sales["StorageDescriptor"]["Columns"]] == ["id", "amount", "item", "channel"]
    assert sales["VersionId"] == "1"
    values = sorted(p["Values"] for p in glue.get_partitions(DatabaseName=database,
                                                             TableName="raw_sales")["Partitions"])
    assert values[-1] == ["2025", "01", "01"] and len(values) == 5
    metrics = glue.get_crawler_metrics(CrawlerNameList=[name])["CrawlerMetricsList"][0]
    # the second crawl's own changes: the console shows them as "Tables changes from last run"
    assert (metrics["TablesCreated"], metrics["TablesUpdated"], metrics["TablesDeleted"]) == (0, 1, 1)
    assert [c["State"] for c in glue.list_crawls(CrawlerName=name)["Crawls"]] == ["COMPLETED", "COMPLETED"]
