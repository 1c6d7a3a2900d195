"""Table formats beyond Parquet and plain text: Avro tables (crawled, and declared with
STORED AS AVRO) and text tables whose files are compressed, each codec chosen by the
object's name as Hive does (gzip, zstd, bzip2, and snappy in its three framings).
Bytes scanned are the whole compressed files."""
import bz2
import datetime
import decimal
import gzip
import io
import json
import uuid

import cramjam
import fastavro
import pyarrow.orc as orc
import pytest

from athena_helpers import wait_crawled

_AVRO_SCHEMA = {
    "type": "record", "name": "Order", "namespace": "shop",
    "fields": [
        {"name": "orderId", "type": "long"},
        {"name": "customer", "type": ["null", "string"], "default": None},
        {"name": "total", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
        {"name": "placed", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "SHIPPED"]}},
        {"name": "items", "type": {"type": "array", "items": {
            "type": "record", "name": "Item", "fields": [{"name": "sku", "type": "string"},
                                                         {"name": "qty", "type": "int"}]}}},
        {"name": "attrs", "type": {"type": "map", "values": "string"}},
    ]}
_ORDERS = [
    {"orderId": 1, "customer": "ann", "total": decimal.Decimal("12.50"),
     "placed": datetime.datetime(2024, 3, 1, 10, 30, tzinfo=datetime.timezone.utc), "day": datetime.date(2024, 3, 1),
     "status": "NEW", "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-2", "qty": 1}], "attrs": {"Gift": "yes"}},
    {"orderId": 2, "customer": None, "total": decimal.Decimal("3.05"),
     "placed": datetime.datetime(2024, 3, 2, 8, 0, 5, 250000, tzinfo=datetime.timezone.utc),
     "day": datetime.date(2024, 3, 2), "status": "SHIPPED", "items": [], "attrs": {}},
]


def _avro(records, codec="deflate") -> bytes:
    sink = io.BytesIO()
    fastavro.writer(sink, fastavro.parse_schema(_AVRO_SCHEMA), records, codec=codec)
    return sink.getvalue()


@pytest.fixture
def crawl(glue):
    """crawl(bucket, folders) -> the database a crawler filled with their tables."""
    made = []

    def run(bucket, folders):
        name, database = f"crawler-{uuid.uuid4().hex[:8]}", f"formats_{uuid.uuid4().hex[:8]}"
        glue.create_crawler(Name=name, Role="arn:aws:iam::000000000000:role/glue", DatabaseName=database,
                            Targets={"S3Targets": [{"Path": f"s3://{bucket}/{folder}/"} for folder in folders]})
        made.append((name, database))
        glue.start_crawler(Name=name)
        assert wait_crawled(glue, name)["LastCrawl"]["Status"] == "SUCCEEDED"
        return database
    yield run
    for name, database in made:
        for table in glue.get_tables(DatabaseName=database)["TableList"]:
            glue.delete_table(DatabaseName=database, Name=table["Name"])
        glue.delete_database(Name=database)
        glue.delete_crawler(Name=name)


def test_a_crawled_avro_table(query, s3, glue, bucket, crawl):
    first, second = _avro(_ORDERS[:1]), _avro(_ORDERS[1:], codec="snappy")
    s3.put_object(Bucket=bucket, Key="orders/part-0.avro", Body=first)
    s3.put_object(Bucket=bucket, Key="orders/part-1.avro", Body=second)
    database = crawl(bucket, ["orders"])
    table = glue.get_table(DatabaseName=database, Name="orders")["Table"]
    assert table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == \
        "org.apache.hadoop.hive.serde2.avro.AvroSerDe"
    context = {"QueryExecutionContext": {"Database": database}}
    execution, rows, columns = query(
        "SELECT orderid, customer, total, placed, day, status, cardinality(items) AS n, "
        "element_at(items, 1).sku AS sku, element_at(attrs, 'Gift') AS gift FROM orders ORDER BY orderid", **context)
    assert rows == [["orderid", "customer", "total", "placed", "day", "status", "n", "sku", "gift"],
                    ["1", "ann", "12.50", "2024-03-01 10:30:00.000", "2024-03-01", "NEW", "2", "A-1", "yes"],
                    ["2", None, "3.05", "2024-03-02 08:00:05.250", "2024-03-02", "SHIPPED", "0", None, None]]
    assert [c["Type"] for c in columns][:3] == ["bigint", "varchar", "decimal"]
    assert execution["Statistics"]["DataScannedInBytes"] == len(first) + len(second)
    _, rows, _ = query("SELECT sum(i.qty) AS qty FROM orders CROSS JOIN UNNEST(items) AS t(i)", **context)
    assert rows == [["qty"], ["3"]]


def test_an_avro_table_declared_in_ddl(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="declared/a.avro", Body=_avro(_ORDERS))
    query(f"""CREATE EXTERNAL TABLE declared (orderid bigint, customer string, missing int)
              STORED AS AVRO LOCATION 's3://{bucket}/declared/'
              TBLPROPERTIES ('avro.schema.literal'='{json.dumps(_AVRO_SCHEMA)}')""")
    _, rows, _ = query("SELECT orderid, customer, missing FROM declared ORDER BY orderid")
    assert rows == [["orderid", "customer", "missing"], ["1", "ann", None], ["2", None, None]]


def _hadoop_snappy(data: bytes, block: int = 16) -> bytes:
    """Hadoop's block format, small blocks so that a file holds several."""
    out = b""
    for start in range(0, len(data), block):
        piece = data[start:start + block]
        packed = bytes(cramjam.snappy.compress_raw(piece))
        out += len(piece).to_bytes(4, "big") + len(packed).to_bytes(4, "big") + packed
    return out


_CODECS = {
    "plain.csv": lambda data: data,
    "a.csv.gz": gzip.compress,
    "b.csv.zst": lambda data: bytes(cramjam.zstd.compress(data)),
    "c.csv.bz2": bz2.compress,
    "d.csv.snappy": lambda data: bytes(cramjam.snappy.compress(data)),          # framing format
    "e.csv.snappy": _hadoop_snappy,
    "f.csv.snappy": lambda data: bytes(cramjam.snappy.compress_raw(data)),      # one raw block
}


def test_compressed_csv_files_in_one_table(query, s3, bucket):
    sizes = 0
    for number, (name, compress) in enumerate(_CODECS.items()):
        body = compress(f"{number},{name}\n{number + 100},{name}\n".encode())
        sizes += len(body)
        s3.put_object(Bucket=bucket, Key=f"mixed/{name}", Body=body)
    query(f"""CREATE EXTERNAL TABLE mixed (n int, file string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
              LOCATION 's3://{bucket}/mixed/'""")
    execution, rows, _ = query("SELECT n, file FROM mixed ORDER BY n")
    expected = [[str(number + offset), name] for offset in (0, 100) for number, name in enumerate(_CODECS)]
    assert rows == [["n", "file"]] + expected
    assert execution["Statistics"]["DataScannedInBytes"] == sizes
    _, rows, _ = query('SELECT count(*) AS c FROM mixed WHERE "$path" LIKE \'%.snappy\'')
    assert rows == [["c"], ["6"]]


def test_a_crawled_snappy_json_stream(query, s3, bucket, crawl):
    """What Firehose delivers with HADOOP_SNAPPY (`.hsnappy`) and Snappy (`.snappy`)."""
    lines = b"".join(json.dumps({"event": f"e{i}", "value": i}).encode() + b"\n" for i in range(40))
    s3.put_object(Bucket=bucket, Key="stream/2024/01/01/a.hsnappy", Body=_hadoop_snappy(lines, 256))
    s3.put_object(Bucket=bucket, Key="stream/2024/01/02/b.snappy", Body=bytes(cramjam.snappy.compress(lines)))
    database = crawl(bucket, ["stream"])
    _, rows, _ = query("SELECT count(*) AS n, sum(value) AS total, max(event) AS top FROM stream",
                       QueryExecutionContext={"Database": database})
    assert rows == [["n", "total", "top"], ["80", "1560", "e9"]]


def test_a_corrupt_snappy_file_fails_the_query(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="broken/x.csv.snappy", Body=b"\xff\x06\x00\x00sNaPpY\x00\x05\x00\x00junk!")
    query(f"CREATE EXTERNAL TABLE broken (a string) LOCATION 's3://{bucket}/broken/'")
    execution, _, _ = query("SELECT * FROM broken", expect="FAILED")
    reason = execution["Status"]["StateChangeReason"]
    assert reason.startswith(f"HIVE_CURSOR_ERROR: Error reading compressed file s3://{bucket}/broken/x.csv.snappy")
    assert execution["Status"]["AthenaError"]["ErrorCategory"] == 2


@pytest.mark.parametrize("file_format", ["TEXTFILE", "JSON"])
def test_ctas_writes_snappy_text_as_hive_does(query, s3, bucket, file_format):
    name = f"snappy_{file_format.lower()}"
    query(f"CREATE TABLE {name} WITH (format = '{file_format}', write_compression = 'SNAPPY', "
          f"external_location = 's3://{bucket}/{name}/') AS SELECT x, 'v' || CAST(x AS varchar) AS v "
          f"FROM UNNEST(sequence(1, 50)) AS t(x)")
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix=f"{name}/")["Contents"]]
    assert keys and all(key.endswith(".snappy") for key in keys)
    body = s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read()
    plain = _hadoop_unsnappy(body)
    assert plain.count(b"\n") == 50 and b"v50" in plain
    _, rows, _ = query(f"SELECT count(*) AS n, sum(x) AS total FROM {name}")
    assert rows == [["n", "total"], ["50", "1275"]]


def test_ctas_insert_and_unload_write_orc(query, s3, glue, bucket, database):
    query(f"CREATE TABLE orc_sales WITH (format = 'ORC', external_location = 's3://{bucket}/orc_sales/', "
          f"partitioned_by = ARRAY['region']) AS SELECT x AS id, ARRAY[x, x * 2] AS pair, "
          f"DATE '2024-01-01' + x * INTERVAL '1' DAY AS day, IF(x % 2 = 0, 'north', 'south') AS region "
          f"FROM UNNEST(sequence(1, 6)) AS t(x)")
    query("INSERT INTO orc_sales SELECT 7, ARRAY[7, 14], DATE '2024-02-01', 'west'")
    keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix="orc_sales/")["Contents"])
    assert [key.split("/")[1] for key in keys] == ["region=north", "region=south", "region=west"]
    files = [orc.ORCFile(io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read())) for key in keys]
    assert {f.compression for f in files} == {"ZLIB"}           # Athena's default for ORC
    assert files[0].schema.names == ["id", "pair", "day"]
    table = glue.get_table(DatabaseName=database, Name="orc_sales")["Table"]
    assert table["Parameters"]["classification"] == "orc"
    serde = table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"]
    assert serde == "org.apache.hadoop.hive.ql.io.orc.OrcSerde"
    _, rows, _ = query("SELECT region, count(*), sum(pair[2]), max(day) FROM orc_sales GROUP BY region ORDER BY region")
    assert rows[1:] == [["north", "3", "24", "2024-01-07"], ["south", "3", "18", "2024-01-06"],
                        ["west", "1", "14", "2024-02-01"]]

    query(f"UNLOAD (SELECT id, day FROM orc_sales WHERE region = 'north') TO 's3://{bucket}/unloaded/' "
          f"WITH (format = 'ORC', compression = 'SNAPPY')")
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix="unloaded/")["Contents"]]
    unloaded = orc.ORCFile(io.BytesIO(s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read()))
    assert unloaded.compression == "SNAPPY"
    assert sorted(unloaded.read().column("id").to_pylist()) == [2, 4, 6]


def _hadoop_unsnappy(data: bytes) -> bytes:
    """Hadoop's block format read back: block length, then chunk length and chunk."""
    out, position = b"", 0
    while position < len(data):
        expected = int.from_bytes(data[position:position + 4], "big")
        length = int.from_bytes(data[position + 4:position + 8], "big")
        chunk = bytes(cramjam.snappy.decompress_raw(data[position + 8:position + 8 + length]))
        assert len(chunk) == expected
        out += chunk
        position += 8 + length
    return out
