"""Crawls of the formats a lake holds beside CSV and Parquet, as written against AWS
Glue: ORC and Avro files (schema from the file, Hive classes of the format), CSV
compressed with bzip2 and JSON lines compressed with zstd (classified by content,
`compressionType` set), and each table's record counts."""
import bz2
import io
import json

import fastavro
import pyarrow as pa
import pyarrow.orc as orc
import zstandard
from glue_helpers import parquet_bytes




def _columns(table):
    return [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]


def _orc_bytes():
    out = io.BytesIO()
    orc.write_table(pa.table({"id": pa.array([1, 2], pa.int64()), "name": ["a", "b"],
                              "score": pa.array([1.5, 2.5], pa.float64()),
                              "ok": [True, False]}), out)
    return out.getvalue()


def _avro_bytes():
    schema = {"type": "record", "name": "click", "fields": [
        {"name": "id", "type": "long"}, {"name": "page", "type": "string"},
        {"name": "ms", "type": "int"}, {"name": "ref", "type": ["null", "string"]}]}
    out = io.BytesIO()
    fastavro.writer(out, schema, [{"id": 1, "page": "/", "ms": 3, "ref": None},
                                  {"id": 2, "page": "/a", "ms": 4, "ref": "x"}])
    return out.getvalue()


def test_orc_files(glue, s3, bucket, database, crawl):
    s3.put_object(Bucket=bucket, Key="orcdata/part-0.orc", Body=_orc_bytes())
    assert crawl(database, f"s3://{bucket}/orcdata/")["LastCrawl"]["Status"] == "SUCCEEDED"
    table = glue.get_table(DatabaseName=database, Name="orcdata")["Table"]
    assert table["Parameters"]["classification"] == "orc"
    assert _columns(table) == [("id", "bigint"), ("name", "string"), ("score", "double"), ("ok", "boolean")]
    sd = table["StorageDescriptor"]
    assert sd["InputFormat"] == "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat"
    assert sd["OutputFormat"] == "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat"
    assert sd["SerdeInfo"]["SerializationLibrary"] == "org.apache.hadoop.hive.ql.io.orc.OrcSerde"
    assert (table["Parameters"]["compressionType"], sd["Compressed"]) == ("none", False)     # zlib inside


def test_snappy_parquet_is_not_a_compressed_file(glue, s3, bucket, database, crawl):
    # AWS ("How crawlers work"): compression internal to a Parquet file is not the
    # table's compressionType; SHOW CREATE TABLE of crawled Parquet tables shows 'none'
    s3.put_object(Bucket=bucket, Key="sales/part-0.snappy.parquet", Body=parquet_bytes(id=[1, 2], total=[1.5, 2.0]))
    crawl(database, f"s3://{bucket}/sales/")
    table = glue.get_table(DatabaseName=database, Name="sales")["Table"]
    assert table["Parameters"]["classification"] == "parquet"
    assert table["Parameters"]["compressionType"] == "none"
    assert table["StorageDescriptor"]["Compressed"] is False
    assert table["Parameters"]["recordCount"] == "2"


def test_avro_files(glue, s3, bucket, database, crawl):
    s3.put_object(Bucket=bucket, Key="clicks/c.avro", Body=_avro_bytes())
    crawl(database, f"s3://{bucket}/clicks/")
    table = glue.get_table(DatabaseName=database, Name="clicks")["Table"]
    assert table["Parameters"]["classification"] == "avro"
    assert _columns(table) == [("id", "bigint"), ("page", "string"), ("ms", "int"), ("ref", "string")]
    sd = table["StorageDescriptor"]
    assert sd["InputFormat"] == "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat"
    assert sd["OutputFormat"] == "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat"
    assert sd["SerdeInfo"]["SerializationLibrary"] == "org.apache.hadoop.hive.serde2.avro.AvroSerDe"


def test_bzip2_csv_and_zstd_json_lines(glue, s3, bucket, database, crawl):
    s3.put_object(Bucket=bucket, Key="raw/orders/o.csv.bz2",
                  Body=bz2.compress(b"order_id,amount,country\n1,9.5,NO\n2,12.25,IT\n3,1.0,FR\n"))
    lines = "\n".join(json.dumps({"id": i, "tags": ["x"], "at": "2024-01-02"}) for i in range(3))
    s3.put_object(Bucket=bucket, Key="raw/events/e.json.zst",
                  Body=zstandard.ZstdCompressor().compress(lines.encode()))
    crawl(database, f"s3://{bucket}/raw/")
    orders = glue.get_table(DatabaseName=database, Name="orders")["Table"]
    assert orders["Parameters"]["classification"] == "csv"
    assert orders["Parameters"]["compressionType"] == "bzip2"
    assert _columns(orders) == [("order_id", "bigint"), ("amount", "double"), ("country", "string")]
    assert orders["Parameters"]["recordCount"] == "3"
    events = glue.get_table(DatabaseName=database, Name="events")["Table"]
    assert events["Parameters"]["classification"] == "json"
    assert events["Parameters"]["compressionType"] == "zstd"
    assert _columns(events) == [("id", "int"), ("tags", "array<string>"), ("at", "string")]
