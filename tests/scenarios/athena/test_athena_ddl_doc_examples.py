"""The worked DDL and DML statements of Athena's user guide, replayed over small files in
each example's format (only buckets and locations adapted): CREATE EXTERNAL TABLE for
CSV (LazySimpleSerDe, OpenCSVSerDe), TSV, JSON (OpenX, Hive), regex and Grok SerDes;
partitions added, listed, relocated, repaired and dropped; `"t$partitions"`; projection;
CTAS (Avro too), INSERT INTO, UNLOAD; views; SHOW ... LIKE patterns."""
import datetime
import decimal
import io
import json

import fastavro
import pytest


def _lake(s3, bucket, files: dict):
    for key, body in files.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body.encode())


_WEB_LOG = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326\n'

# (name, files, CREATE statement ({b} is the bucket), SELECT, rows it answers (header first))
_TABLES = [
    ("lazy_simple_csv", {"csv/a.csv": "1,ann,2.5\n2,bob,3.5\n"},
     "CREATE EXTERNAL TABLE t (id int, name string, v double) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
     "ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' LOCATION 's3://{b}/csv/'",
     "SELECT * FROM t ORDER BY id", [["id", "name", "v"], ["1", "ann", "2.5"], ["2", "bob", "3.5"]]),
    ("open_csv_serde", {"ocsv/a.csv": '"id","name"\n"1","a, b"\n"2","c \\"q\\""\n'},
     "CREATE EXTERNAL TABLE t (id string, name string) ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde' "
     "WITH SERDEPROPERTIES ('separatorChar' = ',', 'quoteChar' = '\"', 'escapeChar' = '\\\\') STORED AS TEXTFILE "
     "LOCATION 's3://{b}/ocsv/' TBLPROPERTIES ('skip.header.line.count'='1')",
     "SELECT * FROM t ORDER BY id", [["id", "name"], ["1", "a, b"], ["2", 'c "q"']]),
    ("tsv", {"tsv/a.tsv": "1\tx\n2\ty\n"},
     "CREATE EXTERNAL TABLE t (id int, s string) ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t' "
     "LOCATION 's3://{b}/tsv/'",
     "SELECT * FROM t ORDER BY id", [["id", "s"], ["1", "x"], ["2", "y"]]),
    ("openx_json", {"json/a.json": '{"Id":1,"Name":"a","ts":"2020-01-01 00:00:00"}\n'},
     "CREATE EXTERNAL TABLE t (id int, name string, ts timestamp) ROW FORMAT SERDE "
     "'org.openx.data.jsonserde.JsonSerDe' WITH SERDEPROPERTIES ('ignore.malformed.json'='true', "
     "'case.insensitive'='true') LOCATION 's3://{b}/json/'",
     "SELECT * FROM t", [["id", "name", "ts"], ["1", "a", "2020-01-01 00:00:00.000"]]),
    ("openx_json_mapping_reserved_word", {"jsonmap/a.json": '{"timestamp":"2020-01-01 10:00:00","userId":"U1"}\n'},
     "CREATE EXTERNAL TABLE t (ts string, userid string) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
     "WITH SERDEPROPERTIES (\"mapping.ts\" = \"timestamp\") LOCATION 's3://{b}/jsonmap/'",
     "SELECT * FROM t", [["ts", "userid"], ["2020-01-01 10:00:00", "U1"]]),
    ("openx_json_case_sensitive_mapping", {"jsonmap/a.json": '{"timestamp":"2020-01-01 10:00:00","userId":"U1"}\n'},
     "CREATE EXTERNAL TABLE t (userid string, ts string) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
     "WITH SERDEPROPERTIES (\"case.insensitive\" = \"FALSE\", \"mapping.userid\" = \"userId\", "
     "\"mapping.ts\" = \"timestamp\") LOCATION 's3://{b}/jsonmap/'",
     "SELECT * FROM t", [["userid", "ts"], ["U1", "2020-01-01 10:00:00"]]),
    ("grok_custom_pattern_syslog",
     {"syslog/a.log": "Feb  9 07:15:00 m4eastmail postfix/smtpd[19305]: B88C4120838: "
                      "connect from unknown[192.168.55.4]\n"},
     "CREATE EXTERNAL TABLE t (syslogbase string, queue_id string, syslog_message string) ROW FORMAT SERDE "
     "'com.amazonaws.glue.serde.GrokSerDe' WITH SERDEPROPERTIES ("
     "'input.grokCustomPatterns' = 'POSTFIX_QUEUEID [0-9A-F]{{7,12}}', "
     "'input.format'='%{{SYSLOGBASE}} %{{POSTFIX_QUEUEID:queue_id}}: %{{GREEDYDATA:syslog_message}}') "
     "STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat' OUTPUTFORMAT "
     "'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat' LOCATION 's3://{b}/syslog/'",
     "SELECT * FROM t", [["syslogbase", "queue_id", "syslog_message"],
                         ["Feb  9 07:15:00 m4eastmail postfix/smtpd[19305]:", "B88C4120838",
                          "connect from unknown[192.168.55.4]"]]),
    ("delimited_collections", {"coll/a.csv": "1,a|b|c,k1:v1|k2:v2,x|1\n2,\\N,k:1,y\n"},
     "CREATE EXTERNAL TABLE t (id int, tags array<string>, attrs map<string,string>, s struct<n:string, c:int>) "
     "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' COLLECTION ITEMS TERMINATED BY '|' "
     "MAP KEYS TERMINATED BY ':' LOCATION 's3://{b}/coll/'",
     "SELECT id, tags, element_at(attrs, 'k2') AS k2, s.n, s.c FROM t ORDER BY id",
     [["id", "tags", "k2", "n", "c"], ["1", "[a, b, c]", "v2", "x", "1"], ["2", None, None, "y", None]]),
    ("default_collection_delimiters", {"coll2/a.txt": "1\x011\x022\x02x\x01k\x03v\n"},
     "CREATE EXTERNAL TABLE t (id int, nums array<int>, attrs map<string,string>) LOCATION 's3://{b}/coll2/'",
     "SELECT * FROM t", [["id", "nums", "attrs"], ["1", "[1, 2, null]", "{k=v}"]]),
    ("hive_json", {"hjson/a.json": '{"id":1,"name":"a"}\n{"id":2,"name":"b"}\n'},
     "CREATE EXTERNAL TABLE t (id int, name string) ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe' "
     "LOCATION 's3://{b}/hjson/'",
     "SELECT * FROM t ORDER BY id", [["id", "name"], ["1", "a"], ["2", "b"]]),
    ("regex_web_log", {"logs/a.log": _WEB_LOG},
     "CREATE EXTERNAL TABLE t (host STRING, identity STRING, usr STRING, time STRING, request STRING, "
     "status STRING, size STRING) ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe' "
     "WITH SERDEPROPERTIES (\"input.regex\" = \"([^ ]*) ([^ ]*) ([^ ]*) (-|\\\\[[^\\\\]]*\\\\]) "
     "\\\"([^\\\"]*)\\\" (-|[0-9]*) (-|[0-9]*)\") LOCATION 's3://{b}/logs/'",
     "SELECT host, usr, request, status FROM t", [["host", "usr", "request", "status"],
                                                  ["127.0.0.1", "frank", "GET /apache_pb.gif HTTP/1.0", "200"]]),
    ("grok", {"glogs/a.log": _WEB_LOG},
     "CREATE EXTERNAL TABLE t (host string, rest string) ROW FORMAT SERDE 'com.amazonaws.glue.serde.GrokSerDe' "
     "WITH SERDEPROPERTIES ('input.format'='%{{IP:host}} %{{GREEDYDATA:rest}}') STORED AS INPUTFORMAT "
     "'org.apache.hadoop.mapred.TextInputFormat' OUTPUTFORMAT "
     "'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat' LOCATION 's3://{b}/glogs/'",
     "SELECT host FROM t", [["host"], ["127.0.0.1"]]),
]


@pytest.mark.parametrize("files,create,select,rows", [case[1:] for case in _TABLES], ids=[c[0] for c in _TABLES])
def test_create_external_table_examples(query, s3, bucket, files, create, select, rows):
    _lake(s3, bucket, files)
    query(create.format(b=bucket))
    assert query(select)[1] == rows


@pytest.fixture
def impressions(query, s3, bucket):
    """The guide's partitioned table: Hive-style folders, loaded by MSCK REPAIR TABLE."""
    _lake(s3, bucket, {"imp/year=2020/month=01/a.csv": "1,a\n", "imp/year=2021/month=02/a.csv": "2,b\n",
                       "moved/a.csv": "7,m\n"})
    query(f"CREATE EXTERNAL TABLE impressions (id int, s string) PARTITIONED BY (year int, month string) "
          f"ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/imp/'")
    query("MSCK REPAIR TABLE impressions")
    return "impressions"


def test_partitions_added_listed_and_dropped(query, impressions):
    query("ALTER TABLE impressions ADD IF NOT EXISTS PARTITION (year=2022, month='03') "
          "PARTITION (year=2022, month='04')")
    assert query("SHOW PARTITIONS impressions")[1] == [
        ["year=2020/month=01"], ["year=2021/month=02"], ["year=2022/month=03"], ["year=2022/month=04"]]
    query("ALTER TABLE impressions DROP IF EXISTS PARTITION (year=2022, month='03'), PARTITION (year=2022, month='04')")
    assert query("SHOW PARTITIONS impressions")[1] == [["year=2020/month=01"], ["year=2021/month=02"]]
    failed = query("ALTER TABLE impressions ADD PARTITION (year=2020, month='01')", expect="FAILED")[0]
    assert failed["Status"]["StateChangeReason"] == "FAILED: AlreadyExistsException Partition already exists."


def test_partitions_metadata_table(query, impressions):
    """SHOW PARTITIONS' guide: `SELECT * FROM "db"."t$partitions"`, one typed column per key."""
    _, rows, columns = query(f'SELECT * FROM "{impressions}$partitions" ORDER BY year DESC')
    assert rows == [["year", "month"], ["2021", "02"], ["2020", "01"]]
    assert [(c["Name"], c["Type"]) for c in columns] == [("year", "integer"), ("month", "varchar")]
    assert query(f'SELECT month FROM "{impressions}$partitions" WHERE year = 2020')[1] == [["month"], ["01"]]


def test_partitions_metadata_table_of_unpartitioned_table(query, s3, bucket, database):
    query(f"CREATE EXTERNAL TABLE flat (id int) LOCATION 's3://{bucket}/flat/'")
    execution = query('SELECT * FROM "flat$partitions"', expect="FAILED")[0]
    assert execution["Status"]["StateChangeReason"] == (
        f"TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.{database}.flat$partitions' does not exist")


def test_partition_set_location(query, glue, bucket, database, impressions):
    """ALTER TABLE ... PARTITION (...) SET LOCATION: the partition reads the new folder."""
    query(f"ALTER TABLE impressions PARTITION (year=2020, month='01') SET LOCATION 's3://{bucket}/moved/'")
    assert query("SELECT * FROM impressions ORDER BY id")[1] == [
        ["id", "s", "year", "month"], ["2", "b", "2021", "02"], ["7", "m", "2020", "01"]]
    partition = glue.get_partition(DatabaseName=database, TableName="impressions",
                                   PartitionValues=["2020", "01"])["Partition"]
    assert partition["StorageDescriptor"]["Location"] == f"s3://{bucket}/moved/"
    failed = query(f"ALTER TABLE impressions PARTITION (year=2029, month='01') SET LOCATION 's3://{bucket}/x/'",
                   expect="FAILED")[0]
    assert failed["Status"]["StateChangeReason"] == "FAILED: SemanticException [Error 10006]: Partition not found"


def test_partition_projection_examples(query, s3, bucket):
    _lake(s3, bucket, {"proj/dt=2021-01-01/a.csv": "1\n", "proj/dt=2021-01-03/a.csv": "3\n",
                       "proji/2021/x/a.csv": "5\n"})
    query(f"CREATE EXTERNAL TABLE projd (v int) PARTITIONED BY (dt string) LOCATION 's3://{bucket}/proj/' "
          "TBLPROPERTIES ('projection.enabled'='true', 'projection.dt.type'='date', "
          "'projection.dt.range'='2021-01-01,NOW', 'projection.dt.format'='yyyy-MM-dd')")
    assert query("SELECT * FROM projd ORDER BY v")[1] == [["v", "dt"], ["1", "2021-01-01"], ["3", "2021-01-03"]]
    query(f"CREATE EXTERNAL TABLE proji (v int) PARTITIONED BY (yr int, cat string) LOCATION 's3://{bucket}/proji/' "
          "TBLPROPERTIES ('projection.enabled'='true', 'projection.yr.type'='integer', "
          "'projection.yr.range'='2020,2022', 'projection.cat.type'='enum', 'projection.cat.values'='x,y', "
          f"'storage.location.template'='s3://{bucket}/proji/${{yr}}/${{cat}}')")
    assert query("SELECT * FROM proji")[1] == [["v", "yr", "cat"], ["5", "2021", "x"]]
    query(f"CREATE EXTERNAL TABLE projinj (v int) PARTITIONED BY (dev string) LOCATION 's3://{bucket}/proji/' "
          "TBLPROPERTIES ('projection.enabled'='true', 'projection.dev.type'='injected', "
          f"'storage.location.template'='s3://{bucket}/proji/2021/${{dev}}')")
    assert query("SELECT * FROM projinj WHERE dev = 'x'")[1] == [["v", "dev"], ["5", "x"]]
    failed = query("SELECT * FROM projinj", expect="FAILED")[0]
    assert failed["Status"]["StateChangeReason"] == (
        "CONSTRAINT_VIOLATION: For the injected projected partition column dev, the WHERE clause must contain "
        "only static equality conditions, and at least one such condition must be present.")


def test_change_column_moves_it(query, s3, bucket):
    """CHANGE COLUMN ... AFTER / FIRST reorders the catalog's columns; a text file's
    fields are read in the new order (Hive's metadata change: nothing in the files moves)."""
    _lake(s3, bucket, {"moved_cols/a.csv": "1,98101,x\n"})
    query(f"CREATE EXTERNAL TABLE example_table (id int, area int, name string) ROW FORMAT DELIMITED "
          f"FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/moved_cols/'")
    query("ALTER TABLE example_table CHANGE COLUMN area zip int AFTER name")
    assert query("SELECT * FROM example_table")[1] == [["id", "name", "zip"], ["1", "98101", None]]
    query("ALTER TABLE example_table CHANGE COLUMN zip zip int FIRST")
    assert query("SELECT * FROM example_table")[1] == [["zip", "id", "name"], ["1", "98101", "x"]]
    failed = query("ALTER TABLE example_table CHANGE COLUMN zip zip int AFTER nope", expect="FAILED")[0]
    assert failed["Status"]["StateChangeReason"] == "FAILED: SemanticException Invalid column reference nope"


def test_avro_table_with_schema_literal(query, s3, bucket):
    """The Avro SerDe page's table: `avro.schema.literal`, STORED AS AVRO, partitioned."""
    schema = {"type": "record", "name": "flights_avro_subset", "namespace": "default", "fields": [
        {"name": "yr", "type": ["null", "int"], "default": None},
        {"name": "flightdate", "type": ["null", "string"], "default": None},
        {"name": "uniquecarrier", "type": ["null", "string"], "default": None}]}
    body = io.BytesIO()
    fastavro.writer(body, fastavro.parse_schema(schema),
                    [{"yr": 2000, "flightdate": "2000-01-01", "uniquecarrier": "AA"}])
    s3.put_object(Bucket=bucket, Key="flights/year=2000/a.avro", Body=body.getvalue())
    query("CREATE EXTERNAL TABLE flights_avro_example (yr INT, flightdate STRING, uniquecarrier STRING) "
          "PARTITIONED BY (year STRING) ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.avro.AvroSerDe' "
          f"WITH SERDEPROPERTIES ('avro.schema.literal'='{json.dumps(schema)}') STORED AS AVRO "
          f"LOCATION 's3://{bucket}/flights/'")
    query("MSCK REPAIR TABLE flights_avro_example")
    assert query("SELECT * FROM flights_avro_example")[1] == [
        ["yr", "flightdate", "uniquecarrier", "year"], ["2000", "2000-01-01", "AA", "2000"]]


@pytest.fixture
def source(query, s3, bucket):
    _lake(s3, bucket, {"src/a.csv": "1,ann,2.5\n2,bob,3.5\n"})
    query(f"CREATE EXTERNAL TABLE src (id int, name string, v double) ROW FORMAT DELIMITED "
          f"FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/src/'")
    return "src"


_CTAS = [
    ("parquet_external_location", "format='PARQUET', parquet_compression='SNAPPY', external_location='s3://{b}/ctas/'"),
    ("orc_bucketed", "format='ORC', write_compression='ZLIB', bucketed_by=ARRAY['id'], bucket_count=3"),
    ("json", "format='JSON'"),
    ("textfile", "format='TEXTFILE', field_delimiter=','"),
    ("avro", "format='AVRO'"),
    ("avro_snappy", "format='AVRO', write_compression='SNAPPY'"),
    ("avro_partitioned", "format='AVRO', write_compression='ZSTD', partitioned_by=ARRAY['v']"),
]


@pytest.mark.parametrize("properties", [case[1] for case in _CTAS], ids=[case[0] for case in _CTAS])
def test_ctas_examples(query, bucket, source, properties):
    assert query(f"CREATE TABLE copy WITH ({properties.format(b=bucket)}) AS SELECT * FROM src")[1] == [
        ["rows"], ["2"]]
    assert query("SELECT id, name, v FROM copy ORDER BY id")[1] == [
        ["id", "name", "v"], ["1", "ann", "2.5"], ["2", "bob", "3.5"]]


def test_unload_to_avro(query, s3, bucket, source):
    """UNLOAD's guide: `WITH (format = 'AVRO')` writes Avro container files any Avro
    reader opens (here fastavro), their types those of the query."""
    query(f"UNLOAD (SELECT id, name, CAST(v AS decimal(5, 2)) AS price, DATE '2024-03-01' AS day FROM src) "
          f"TO 's3://{bucket}/unloaded/' WITH (format = 'AVRO')")
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix="unloaded/")["Contents"]]
    records = [record for key in keys
               for record in fastavro.reader(io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read()))]
    assert sorted(records, key=lambda record: record["id"]) == [
        {"id": 1, "name": "ann", "price": decimal.Decimal("2.50"), "day": datetime.date(2024, 3, 1)},
        {"id": 2, "name": "bob", "price": decimal.Decimal("3.50"), "day": datetime.date(2024, 3, 1)}]


def test_unload_needs_an_empty_location_unless_partitioned(query, s3, bucket, source):
    """UNLOAD's page: "Except when writing to partitions, the TO destination must specify a
    location in Amazon S3 that has no data"; partitioned, a second run adds files."""
    query(f"UNLOAD (SELECT * FROM src) TO 's3://{bucket}/once/' WITH (format = 'JSON')")
    failed = query(f"UNLOAD (SELECT * FROM src) TO 's3://{bucket}/once/' WITH (format = 'JSON')", expect="FAILED")[0]
    assert failed["Status"]["StateChangeReason"] == "HIVE_PATH_ALREADY_EXISTS: Target directory already exists"
    assert len(s3.list_objects_v2(Bucket=bucket, Prefix="once/")["Contents"]) == 1
    for _ in range(2):
        query(f"UNLOAD (SELECT id, name FROM src) TO 's3://{bucket}/parted/' "
              "WITH (format = 'PARQUET', partitioned_by = ARRAY['name'])")
    assert len(s3.list_objects_v2(Bucket=bucket, Prefix="parted/name=ann/")["Contents"]) == 2


def test_ctas_avro_refuses_gzip(query, source):
    """Avro writes BZIP2, DEFLATE, SNAPPY, ZSTD or NONE (the guide's compression table)."""
    failed = query("CREATE TABLE copy WITH (format='AVRO', write_compression='GZIP') AS SELECT * FROM src",
                   expect="FAILED")[0]
    assert failed["Status"]["StateChangeReason"] == "NOT_SUPPORTED: Compression GZIP is not supported"


def test_ctas_partitioned_then_insert_into(query, source):
    query("CREATE TABLE parted WITH (format='PARQUET', partitioned_by=ARRAY['name']) AS SELECT id, v, name FROM src")
    query("INSERT INTO parted SELECT 5, 1.0, 'new'")
    assert query("SHOW PARTITIONS parted")[1] == [["name=ann"], ["name=bob"], ["name=new"]]
    query("CREATE TABLE avro_parted WITH (format='AVRO', partitioned_by=ARRAY['name']) AS SELECT id, v, name FROM src")
    query("INSERT INTO avro_parted VALUES (5, 1.0, 'new')")
    assert query("SELECT * FROM avro_parted WHERE name = 'new'")[1] == [["id", "v", "name"], ["5", "1.0", "new"]]
    query("CREATE TABLE empty AS SELECT * FROM src WITH NO DATA")
    query("INSERT INTO empty (id, name) VALUES (10, 'y')")
    assert query("SELECT * FROM empty")[1] == [["id", "name", "v"], ["10", "y", None]]


def test_views_examples(query, database, source):
    query("CREATE VIEW v1 AS SELECT id, name FROM src WHERE id > 1")
    assert query("SELECT * FROM v1")[1] == [["id", "name"], ["2", "bob"]]
    assert query("SHOW CREATE VIEW v1")[1] == [[f'CREATE VIEW "{database}"."v1" AS'],
                                               ["SELECT id, name FROM src WHERE id > 1"]]
    assert query("SHOW VIEWS")[1] == [["v1"]]
    query("CREATE OR REPLACE VIEW v1 AS SELECT id FROM src")
    assert query("SHOW COLUMNS IN v1")[1] == [["id", "integer"]]      # a view's: name and Trino type
    query("DROP VIEW IF EXISTS v1")
    failed = query("DROP VIEW v1", expect="FAILED")[0]
    assert failed["Status"]["StateChangeReason"] == (
        f"FAILED: SemanticException [Error 10001]: View not found {database}.v1")


def test_show_like_patterns_are_regular_expressions(query, database, source):
    """SHOW DATABASES' guide: `LIKE '.*analytics'`; `*` alone and `|` work as in Hive."""
    assert query(f"SHOW DATABASES LIKE '.*{database[-10:]}'")[1] == [[database]]
    assert query(f"SHOW SCHEMAS LIKE '{database[:-3]}*'")[1] == [[database]]
    assert query("SHOW TABLES '.*rc'")[1] == [["src"]]
    assert query("SHOW TABLES 'nothing*|sr*'")[1] == [["src"]]
    assert query("SHOW TABLES '(unclosed'")[1] == []
