"""An analytics engineer inherits a landing bucket where each source writes its own
format: an ORC export with nested columns, gzip-compressed Parquet, deflate Avro, a
bzip2 CSV and a gzipped TSV. One crawler of the bucket's `landing/` folder makes one
table per source with the right SerDe and classification, the crawler's metrics and
last crawl say what it did, and Athena reads every table back, nested values included."""
import bz2
import gzip
import io

import fastavro
import pyarrow as pa
import pyarrow.orc as orc
import pyarrow.parquet as pq

from trip_helpers import athena_rows, crawl_once

ROLE = "arn:aws:iam::000000000000:role/GlueCrawlerRole-trip9"
AVRO_SCHEMA = {"type": "record", "name": "signup", "fields": [
    {"name": "id", "type": "long"}, {"name": "email", "type": ["null", "string"]},
    {"name": "plan", "type": {"type": "enum", "name": "plan", "symbols": ["FREE", "PRO"]}}]}


def nested_table():
    return pa.table({"id": pa.array([1, 2], pa.int64()), "name": ["ana", "ben"], "price": [1.5, 2.25],
                     "tags": [["x"], ["y", "z"]], "addr": [{"city": "Oslo", "zip": 1}, {"city": "Lima", "zip": 2}]})


def test_one_crawl_of_a_mixed_landing_bucket(client, bucket, database):
    glue, s3, athena = client("glue"), client("s3"), client("athena")
    body = io.BytesIO()
    orc.write_table(nested_table(), body)
    s3.put_object(Bucket=bucket, Key="landing/erp_orders/2024-06.orc", Body=body.getvalue())
    body = io.BytesIO()
    pq.write_table(nested_table(), body, compression="gzip")
    s3.put_object(Bucket=bucket, Key="landing/shop_orders/2024-06.parquet", Body=body.getvalue())
    body = io.BytesIO()
    fastavro.writer(body, AVRO_SCHEMA, [{"id": 7, "email": "a@x.org", "plan": "PRO"},
                                        {"id": 8, "email": None, "plan": "FREE"}], codec="deflate")
    s3.put_object(Bucket=bucket, Key="landing/signups/part-0.avro", Body=body.getvalue())
    s3.put_object(Bucket=bucket, Key="landing/payments/2024-06.csv.bz2",
                  Body=bz2.compress(b"id,amount,refunded\n1,2.50,true\n2,3.75,false\n"))
    s3.put_object(Bucket=bucket, Key="landing/search_terms/2024-06.tsv.gz",
                  Body=gzip.compress(b"id\tterm\n1\tred shoes\n2\tblue hat\n"))

    name = crawl_once(glue, ROLE, database, f"s3://{bucket}/landing/")
    try:
        crawler = glue.get_crawler(Name=name)["Crawler"]
        metrics = glue.get_crawler_metrics(CrawlerNameList=[name])["CrawlerMetricsList"]
        crawls = glue.list_crawls(CrawlerName=name)["Crawls"]
    finally:
        glue.delete_crawler(Name=name)
    last = crawler["LastCrawl"]
    assert (last["Status"], last["LogGroup"], last["LogStream"]) == ("SUCCEEDED", "/aws-glue/crawlers", name)
    assert "ErrorMessage" not in last
    assert [(m["CrawlerName"], m["TablesCreated"], m["TablesUpdated"], m["TablesDeleted"], m["StillEstimating"])
            for m in metrics] == [(name, 5, 0, 0, False)]
    assert [(c["CrawlId"], c["State"]) for c in crawls] == [(last["MessagePrefix"], "COMPLETED")]

    tables = {t["Name"]: t for t in glue.get_tables(DatabaseName=database)["TableList"]}
    assert sorted(tables) == ["erp_orders", "payments", "search_terms", "shop_orders", "signups"]

    def described(table):
        sd = tables[table]["StorageDescriptor"]
        return ([(c["Name"], c["Type"]) for c in sd["Columns"]], sd["SerdeInfo"]["SerializationLibrary"],
                tables[table]["Parameters"]["classification"], tables[table]["Parameters"]["compressionType"])

    nested = [("id", "bigint"), ("name", "string"), ("price", "double"), ("tags", "array<string>"),
              ("addr", "struct<city:string,zip:bigint>")]
    assert described("erp_orders") == (nested, "org.apache.hadoop.hive.ql.io.orc.OrcSerde", "orc", "none")
    assert described("shop_orders") == (
        nested, "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", "parquet", "none")
    assert described("signups") == ([("id", "bigint"), ("email", "string"), ("plan", "string")],
                                     "org.apache.hadoop.hive.serde2.avro.AvroSerDe", "avro", "none")
    assert described("payments") == ([("id", "bigint"), ("amount", "double"), ("refunded", "boolean")],
                                     "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", "csv", "bzip2")
    assert described("search_terms") == ([("id", "bigint"), ("term", "string")],
                                         "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", "csv", "gzip")
    assert tables["search_terms"]["Parameters"]["delimiter"] == "\t"

    output = f"s3://{bucket}/athena/"
    for table in ("erp_orders", "shop_orders"):
        assert athena_rows(athena, f"SELECT id, name, element_at(tags, 2), addr.city FROM {table} ORDER BY id",
                           database, output) == [["1", "ana", None, "Oslo"], ["2", "ben", "z", "Lima"]]
    assert athena_rows(athena, "SELECT id, email, plan FROM signups ORDER BY id", database, output) == [
        ["7", "a@x.org", "PRO"], ["8", None, "FREE"]]
    assert athena_rows(athena, "SELECT sum(amount), count_if(refunded) FROM payments", database, output) == [
        ["6.25", "1"]]
    assert athena_rows(athena, "SELECT term FROM search_terms ORDER BY id", database, output) == [
        ["red shoes"], ["blue hat"]]
