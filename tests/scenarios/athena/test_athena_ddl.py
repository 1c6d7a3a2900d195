"""DDL through Athena, visible through the Glue API: external tables over CSV and JSON,
CTAS with a manifest, INSERT INTO, views stored as Presto views, SHOW and DESCRIBE."""
import gzip
import io

import pyarrow.parquet as pq
import pytest


def test_csv_table_with_header_and_nulls(query, s3, glue, bucket, database):
    s3.put_object(Bucket=bucket, Key="people/a.csv", Body=b"id,name,age\n1,ann,31\n2,bob,\\N\n3,,x\n")
    query("""CREATE EXTERNAL TABLE people (id int, name string, age int)
             ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
             LOCATION 's3://%s/people/' TBLPROPERTIES ('skip.header.line.count'='1')""" % bucket)
    table = glue.get_table(DatabaseName=database, Name="people")["Table"]
    assert table["StorageDescriptor"]["SerdeInfo"]["Parameters"]["field.delim"] == ","
    assert table["Parameters"]["skip.header.line.count"] == "1"
    _, rows, columns = query("SELECT id, name, age FROM people ORDER BY id")
    assert rows == [["id", "name", "age"], ["1", "ann", "31"], ["2", "bob", None], ["3", "", None]]
    assert [c["Type"] for c in columns] == ["integer", "varchar", "integer"]


def test_gzip_json_table(query, s3, bucket):
    body = gzip.compress(b'{"id": 1, "tags": ["a", "b"]}\n{"id": 2, "tags": []}\n')
    s3.put_object(Bucket=bucket, Key="events/part.json.gz", Body=body)
    query("""CREATE EXTERNAL TABLE events (id bigint, tags array<string>)
             ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://%s/events/'""" % bucket)
    _, rows, columns = query("SELECT id, cardinality(tags) AS n FROM events ORDER BY id")
    assert rows == [["id", "n"], ["1", "2"], ["2", "0"]]


def test_ctas_writes_parquet_a_manifest_and_a_catalog_table(query, s3, glue, bucket, database):
    execution, rows, _ = query(
        "CREATE TABLE squares WITH (format = 'PARQUET', external_location = 's3://%s/squares/', "
        "partitioned_by = ARRAY['parity']) AS SELECT x, x * x AS sq, CAST(x %% 2 AS varchar) AS parity "
        "FROM UNNEST(sequence(1, 5)) AS t(x)" % bucket)
    assert execution["StatementType"] == "DDL"
    assert execution["SubstatementType"] == "CREATE_TABLE_AS_SELECT"
    manifest = execution["Statistics"]["DataManifestLocation"]
    assert manifest == f"s3://{bucket}/results/tables/{execution['QueryExecutionId']}-manifest.csv"
    listed = s3.get_object(Bucket=bucket, Key=manifest.split("/", 3)[3])["Body"].read().decode().split()
    assert len(listed) == 2 and all(uri.startswith(f"s3://{bucket}/squares/parity=") for uri in listed)
    table = glue.get_table(DatabaseName=database, Name="squares")["Table"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["x", "sq"]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["parity"]
    assert len(glue.get_partitions(DatabaseName=database, TableName="squares")["Partitions"]) == 2
    _, rows, _ = query("SELECT parity, sum(sq) AS total FROM squares GROUP BY parity ORDER BY parity")
    assert rows == [["parity", "total"], ["0", "20"], ["1", "35"]]
    query("INSERT INTO squares SELECT 6, 36, '0'")
    _, rows, _ = query("SELECT count(*) FROM squares WHERE parity = '0'")
    assert rows == [["_col0"], ["3"]]


def test_ctas_into_a_location_with_objects_fails_and_leaves_nothing(query, s3, glue, bucket, database):
    s3.put_object(Bucket=bucket, Key="taken/x", Body=b"x")
    execution, _, _ = query("CREATE TABLE t1 WITH (external_location = 's3://%s/taken/') AS SELECT 1 AS a" % bucket,
                            expect="FAILED")
    assert execution["Status"]["StateChangeReason"].startswith("HIVE_PATH_ALREADY_EXISTS: ")
    assert "t1" not in [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]]


def test_views_are_presto_views_in_glue(query, glue, database):
    query("CREATE VIEW evens AS SELECT x FROM UNNEST(sequence(1, 6)) AS t(x) WHERE x % 2 = 0")
    table = glue.get_table(DatabaseName=database, Name="evens")["Table"]
    assert table["TableType"] == "VIRTUAL_VIEW"
    assert table["ViewOriginalText"].startswith("/* Presto View: ")
    _, rows, _ = query("SELECT sum(x) AS s FROM evens")
    assert rows == [["s"], ["12"]]
    query("DROP VIEW evens")
    assert "evens" not in [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]]


def test_show_and_describe(query, bucket, database):
    query("CREATE EXTERNAL TABLE logs (msg string) PARTITIONED BY (dt string) STORED AS PARQUET "
          "LOCATION 's3://%s/logs/'" % bucket)
    query("ALTER TABLE logs ADD PARTITION (dt = '2024-01-01')")
    execution, rows, _ = query("SHOW TABLES")
    assert execution["ResultConfiguration"]["OutputLocation"].endswith(".txt")
    assert rows == [["logs"]]
    _, rows, _ = query("SHOW PARTITIONS logs")
    assert rows == [["dt=2024-01-01"]]
    _, rows, _ = query("DESCRIBE logs")
    assert [cell.strip() for cell in rows[0]] == ["msg", "string", ""]
    _, rows, _ = query("SHOW DATABASES")
    assert [database] in rows


def test_partition_projection(query, s3, bucket):
    for day in ("2024-01-01", "2024-01-02", "2024-01-03"):
        for region in ("eu", "us"):
            s3.put_object(Bucket=bucket, Key=f"proj/{region}/{day}/data.csv", Body=f"{day}-{region}\n".encode())
    query("""CREATE EXTERNAL TABLE proj (v string) PARTITIONED BY (region string, dt string)
             LOCATION 's3://%s/proj/' TBLPROPERTIES (
               'projection.enabled'='true',
               'projection.region.type'='enum', 'projection.region.values'='eu,us',
               'projection.dt.type'='date', 'projection.dt.format'='yyyy-MM-dd',
               'projection.dt.range'='2024-01-01,2024-01-03',
               'storage.location.template'='s3://%s/proj/${region}/${dt}/')""" % (bucket, bucket))
    _, rows, _ = query("SELECT count(*) FROM proj")
    assert rows == [["_col0"], ["6"]]
    execution, rows, _ = query("SELECT v FROM proj WHERE region = 'us' AND dt >= '2024-01-02' ORDER BY v")
    assert rows == [["v"], ["2024-01-02-us"], ["2024-01-03-us"]]
    assert execution["Statistics"]["DataScannedInBytes"] == 2 * len("2024-01-02-us\n")


def test_orc_table(query, s3, bucket):
    import io

    import pyarrow as pa
    import pyarrow.orc as orc
    sink = io.BytesIO()
    orc.write_table(pa.table({"ID": [1, 2, 3], "name": ["a", None, "c"]}), sink)
    s3.put_object(Bucket=bucket, Key="orcdata/part-0.orc", Body=sink.getvalue())
    query("CREATE EXTERNAL TABLE o (id bigint, name string, missing int) STORED AS ORC "
          "LOCATION 's3://%s/orcdata/'" % bucket)
    _, rows, _ = query("SELECT id, name, missing FROM o WHERE id > 1 ORDER BY id")
    assert rows == [["id", "name", "missing"], ["2", None, None], ["3", "c", None]]


def test_opencsv_serde_with_quotes(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="quoted/a.csv", Body=b'"id","text"\n"1","a, b"\n"2","say \\"hi\\""\n')
    query("""CREATE EXTERNAL TABLE quoted (id string, text string)
             ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
             WITH SERDEPROPERTIES ('separatorChar'=',', 'quoteChar'='"', 'escapeChar'='\\\\')
             LOCATION 's3://%s/quoted/' TBLPROPERTIES ('skip.header.line.count'='1')""" % bucket)
    _, rows, _ = query("SELECT id, text FROM quoted ORDER BY id")
    assert rows == [["id", "text"], ["1", "a, b"], ["2", 'say "hi"']]


def test_unsupported_table_format_fails_naming_it(query, glue, bucket, database):
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "hoodie", "TableType": "EXTERNAL_TABLE", "Parameters": {"table_type": "HUDI"},
        "StorageDescriptor": {"Columns": [{"Name": "a", "Type": "int"}], "Location": f"s3://{bucket}/hudi/"}})
    execution, _, _ = query("SELECT * FROM hoodie", expect="FAILED")
    assert execution["Status"]["StateChangeReason"].startswith("NOT_SUPPORTED: line 1:15: Reading HUDI tables")


@pytest.mark.parametrize("file_format", ["JSON", "TEXTFILE", "PARQUET"])
def test_ctas_formats_read_back(query, file_format):
    query(f"CREATE TABLE fmt_{file_format.lower()} WITH (format = '{file_format}') AS "
          "SELECT x, CAST(x AS varchar) || '!' AS s, CAST(NULL AS varchar) AS nothing "
          "FROM UNNEST(sequence(1, 3)) AS t(x)")
    _, rows, _ = query(f"SELECT x, s, nothing FROM fmt_{file_format.lower()} ORDER BY x")
    assert rows == [["x", "s", "nothing"], ["1", "1!", None], ["2", "2!", None], ["3", "3!", None]]


def test_unload_writes_files_and_a_manifest(query, s3, bucket):
    execution, rows, _ = query(f"UNLOAD (SELECT x FROM UNNEST(sequence(1, 4)) AS t(x)) TO 's3://{bucket}/out/' "
                               "WITH (format = 'JSON', compression = 'NONE')")
    manifest = execution["Statistics"]["DataManifestLocation"]
    files = s3.get_object(Bucket=bucket, Key=manifest.split("/", 3)[3])["Body"].read().decode().split()
    assert len(files) == 1 and files[0].startswith(f"s3://{bucket}/out/")
    body = s3.get_object(Bucket=bucket, Key=files[0].split("/", 3)[3])["Body"].read().decode()
    assert body.split() == ['{"x":1}', '{"x":2}', '{"x":3}', '{"x":4}']



def test_unload_leaves_its_manifest_and_metadata_in_the_output_location(query, s3, bucket):
    """The UNLOAD page: Athena writes a metadata file and a data manifest for each UNLOAD
    query into the query result location, the data files only under TO."""
    execution, _, _ = query(f"UNLOAD (SELECT x FROM UNNEST(sequence(1, 2)) AS t(x)) TO 's3://{bucket}/unl/' "
                            "WITH (format = 'PARQUET')")
    query_id = execution["QueryExecutionId"]
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"results/{query_id}")
    assert sorted(item["Key"] for item in listed["Contents"]) == [f"results/{query_id}-manifest.csv",
                                                                   f"results/{query_id}.metadata"]
    metadata = s3.get_object(Bucket=bucket, Key=f"results/{query_id}.metadata")["Body"].read()
    assert b"rows" in metadata and b"bigint" in metadata

def test_insert_with_a_column_list(query):
    query("CREATE TABLE people_t WITH (format = 'PARQUET') AS SELECT 1 AS id, 'ann' AS name, 30 AS age")
    query("INSERT INTO people_t (name, id) VALUES ('bob', 2)")
    _, rows, _ = query("SELECT id, name, age FROM people_t ORDER BY id")
    assert rows == [["id", "name", "age"], ["1", "ann", "30"], ["2", "bob", None]]


def test_insert_writes_the_tables_types_whatever_the_select_list(query, s3, bucket):
    # an unnamed DATE literal or ARRAY among the values must not keep 1.5 a decimal in a double column
    query(f"CREATE TABLE typed WITH (format = 'PARQUET', external_location = 's3://{bucket}/typed/') AS "
          f"SELECT 1 AS id, 2.5e0 AS amount, DATE '2024-01-01' AS day, ARRAY[1] AS arr")
    query("INSERT INTO typed SELECT 2, 1.5, DATE '2024-03-01', ARRAY[4]")
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix="typed/")["Contents"]]
    types = {tuple(str(field.type) for field in pq.read_schema(io.BytesIO(
        s3.get_object(Bucket=bucket, Key=key)["Body"].read()))) for key in keys}
    assert types == {("int32", "double", "date32[day]", "list<element: int32>")}


def test_ctas_with_no_data_makes_the_table_without_rows(query, glue, database):
    _, rows, _ = query("CREATE TABLE shape WITH (format = 'PARQUET') AS SELECT 1 AS id, 'ann' AS name "
                       "WITH NO DATA")
    assert rows == [["rows"], ["0"]]
    columns = glue.get_table(DatabaseName=database, Name="shape")["Table"]["StorageDescriptor"]["Columns"]
    assert [c["Name"] for c in columns] == ["id", "name"]
    assert query("SELECT count(*) FROM shape")[1] == [["_col0"], ["0"]]
    query("INSERT INTO shape VALUES (2, 'bob')")
    assert query("SELECT id, name FROM shape")[1] == [["id", "name"], ["2", "bob"]]


def test_json_keys_match_columns_whatever_their_case(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="camel/a.json", Body=b'{"userId": 1, "Name": "ann"}\n{"userId": 2}\n')
    query("CREATE EXTERNAL TABLE camel (userid bigint, name string) "
          "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://%s/camel/'" % bucket)
    _, rows, _ = query("SELECT userid, name FROM camel ORDER BY userid")
    assert rows == [["userid", "name"], ["1", "ann"], ["2", None]]


def test_hive_refuses_a_column_named_twice_or_also_a_partition_key(query, glue, bucket, database):
    """Hive's SemanticException words (its ErrorMsg 10036 and 10035); no table is made."""
    failed = query(f"CREATE EXTERNAL TABLE twice (id int, name string, ID bigint) LOCATION 's3://{bucket}/twice/'",
                   expect="FAILED")[0]
    assert failed["Status"]["StateChangeReason"] == \
        "FAILED: SemanticException [Error 10036]: Duplicate column name: id"
    failed = query(f"""CREATE EXTERNAL TABLE sales (id int, amount double, dt string) PARTITIONED BY (dt string)
                       LOCATION 's3://{bucket}/sales/'""", expect="FAILED")[0]
    assert failed["Status"]["StateChangeReason"] == \
        "FAILED: SemanticException [Error 10035]: Column repeated in partitioning columns"
    assert glue.get_tables(DatabaseName=database)["TableList"] == []
