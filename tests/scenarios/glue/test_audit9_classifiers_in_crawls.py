"""Custom XML (row tag) and JSON (JSON path) classifiers met by a crawl, the built-in
log classifiers (combined Apache, syslog), quoted CSV read with OpenCSVSerde, and a
folder holding a corrupt Parquet file beside a good one (logged, the rest catalogued),
the types the CSV classifier gives cells (no header when all are strings), and a
table deprecated when its folder goes."""
import json
import uuid

import pytest
from glue_helpers import parquet_bytes, run_crawler

COMBINED = (b'127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 '
            b'"http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"\n')


@pytest.fixture
def classifiers(glue):
    names = []

    def make(**kind):
        (spec,) = kind.values()
        spec["Name"] = f"audit9-{uuid.uuid4().hex[:8]}"
        glue.create_classifier(**kind)
        names.append(spec["Name"])
        return spec["Name"]

    yield make
    for name in names:
        glue.delete_classifier(Name=name)



def _columns(table):
    return [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]


def test_xml_row_tag_and_json_path_classifiers(glue, s3, bucket, database, classifiers, crawl):
    xml = classifiers(XMLClassifier={"Classification": "xml", "RowTag": "item"})
    array = classifiers(JsonClassifier={"JsonPath": "$[*]"})
    s3.put_object(Bucket=bucket, Key="in/items/a.xml",
                  Body=b"<root><item><id>1</id><name>a</name></item><item><id>2</id><name>b</name></item></root>")
    s3.put_object(Bucket=bucket, Key="in/people/a.json",
                  Body=json.dumps([{"id": 1, "n": "a"}, {"id": 2, "n": "b"}]).encode())
    crawled = crawl(database, f"s3://{bucket}/in/", Classifiers=[xml, array])
    assert crawled["Classifiers"] == [xml, array]
    items = glue.get_table(DatabaseName=database, Name="items")["Table"]
    assert (items["Parameters"]["classification"], items["Parameters"]["rowTag"]) == ("xml", "item")
    assert _columns(items) == [("id", "bigint"), ("name", "string")]
    assert items["Parameters"]["recordCount"] == "2"
    people = glue.get_table(DatabaseName=database, Name="people")["Table"]
    assert (people["Parameters"]["classification"], people["Parameters"]["jsonPath"]) == ("json", "$[*]")
    assert _columns(people) == [("id", "int"), ("n", "string")]
    assert people["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"


def test_built_in_log_classifiers(glue, s3, bucket, database, crawl):
    s3.put_object(Bucket=bucket, Key="logs/access/access.log", Body=COMBINED * 3)
    s3.put_object(Bucket=bucket, Key="logs/system/messages",
                  Body=b"Jan 12 06:30:00 myhost sshd[123]: Accepted password for bob\n"
                       b"Jan 12 06:31:00 myhost cron[44]: job ran\n")
    crawl(database, f"s3://{bucket}/logs/")
    access = glue.get_table(DatabaseName=database, Name="access")["Table"]
    assert access["Parameters"]["classification"] == "combined_apache"
    assert access["Parameters"]["grokPattern"] == "%{COMBINEDAPACHELOG}"
    assert [name for name, _ in _columns(access)] == [
        "clientip", "ident", "auth", "timestamp", "verb", "request", "httpversion", "rawrequest",
        "response", "bytes", "referrer", "agent"]
    assert access["StorageDescriptor"]["SerdeInfo"] == {
        "SerializationLibrary": "com.amazonaws.glue.serde.GrokSerDe",
        "Parameters": {"input.format": "%{COMBINEDAPACHELOG}"}}
    system = glue.get_table(DatabaseName=database, Name="system")["Table"]
    assert system["Parameters"]["classification"] == "syslog"
    assert system["Parameters"]["recordCount"] == "2"


def test_quoted_csv_is_read_with_open_csv_serde(glue, s3, bucket, database, crawl):
    s3.put_object(Bucket=bucket, Key="quoted/q.csv", Body=b'"id","name","note"\n"1","ann","a, b"\n"2","bob","c"\n')
    crawl(database, f"s3://{bucket}/quoted/")
    table = glue.get_table(DatabaseName=database, Name="quoted")["Table"]
    assert table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == "org.apache.hadoop.hive.serde2.OpenCSVSerde"
    assert table["StorageDescriptor"]["SerdeInfo"]["Parameters"]["separatorChar"] == ","
    assert table["Parameters"]["skip.header.line.count"] == "1"
    assert [name for name, _ in _columns(table)] == ["id", "name", "note"]


def test_a_corrupt_file_does_not_stop_the_crawl(glue, s3, bucket, database, crawl):
    s3.put_object(Bucket=bucket, Key="mixed/good.parquet", Body=parquet_bytes(a=[1, 2]))
    s3.put_object(Bucket=bucket, Key="mixed/bad.parquet", Body=b"PAR1 not really parquet PAR1")
    crawled = crawl(database, f"s3://{bucket}/mixed/")
    assert crawled["LastCrawl"]["Status"] == "SUCCEEDED"
    table = glue.get_table(DatabaseName=database, Name="mixed")["Table"]
    assert _columns(table) == [("a", "bigint")]
    assert table["Parameters"]["objectCount"] == "1"
    metrics = glue.get_crawler_metrics(CrawlerNameList=[crawled["Name"]])["CrawlerMetricsList"][0]
    assert (metrics["TablesCreated"], metrics["TablesUpdated"], metrics["TablesDeleted"]) == (1, 0, 0)


def test_csv_cell_types_as_the_crawler_detects_them(glue, s3, bucket, database, crawl):
    # measured on Glue (a table of values and detected types published by a Glue user):
    # dates and timestamps in CSV stay strings, any integer is bigint, decimals double
    s3.put_object(Bucket=bucket, Key="types/t.csv",
                  Body=b"n,small,price,flag,day,at,empty\n"
                       b"10000000,1,1.0,TRUE,2020-01-15,2020-01-15 03:44:40,\n"
                       b"32768,10,1000.0,false,2020-01-16,2020-01-16 10:00:00,\n")
    crawl(database, f"s3://{bucket}/types/")
    table = glue.get_table(DatabaseName=database, Name="types")["Table"]
    assert _columns(table) == [("n", "bigint"), ("small", "bigint"), ("price", "double"), ("flag", "boolean"),
                               ("day", "string"), ("at", "string"), ("empty", "string")]
    assert table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == \
        "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"


def test_a_vanished_folder_is_deprecated_by_default(glue, s3, bucket, database, crawl):
    s3.put_object(Bucket=bucket, Key="lake/orders/o.csv", Body=b"id,total\n1,2.5\n2,3.5\n")
    s3.put_object(Bucket=bucket, Key="lake/items/i.csv", Body=b"sku,label,qty\nA,pen,3\nB,cup,4\n")
    s3.put_object(Bucket=bucket, Key="lake/users/u.json", Body=b'{"id": 1, "name": "ann"}\n')
    crawled = crawl(database, f"s3://{bucket}/lake/")
    assert crawled["SchemaChangePolicy"]["DeleteBehavior"] == "DEPRECATE_IN_DATABASE"
    s3.delete_object(Bucket=bucket, Key="lake/users/u.json")
    run_crawler(glue, crawled["Name"])
    users = glue.get_table(DatabaseName=database, Name="users")["Table"]      # kept, marked
    # a recorded deprecated table carries the time in epoch milliseconds ("1758729127916")
    assert users["Parameters"]["DEPRECATED_BY_CRAWLER"].isdigit()
    assert int(users["Parameters"]["DEPRECATED_BY_CRAWLER"]) > 10 ** 12
    assert sorted((t["Name"], "DEPRECATED_BY_CRAWLER" in t["Parameters"])
                  for t in glue.get_tables(DatabaseName=database)["TableList"]) == [
        ("items", False), ("orders", False), ("users", True)]
    metrics = glue.get_crawler_metrics(CrawlerNameList=[crawled["Name"]])["CrawlerMetricsList"][0]
    assert metrics["TablesDeleted"] == 1


def test_an_all_string_csv_has_no_header(glue, s3, bucket, database, crawl):
    # AWS: when every column is a string the first row is not different enough from the
    # others to be a header; the columns are col0, col1, ... and the first row is data
    s3.put_object(Bucket=bucket, Key="cities/c.csv", Body=b"name,city\nann,paris\nbob,rome\n")
    crawl(database, f"s3://{bucket}/cities/")
    table = glue.get_table(DatabaseName=database, Name="cities")["Table"]
    assert _columns(table) == [("col0", "string"), ("col1", "string")]
    assert "skip.header.line.count" not in table["Parameters"]
    assert table["Parameters"]["recordCount"] == "3"
