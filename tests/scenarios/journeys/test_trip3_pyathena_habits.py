"""pyathena habits of a dashboard backend: the catalog browsed through the cursor
(list_databases, list_table_metadata, get_table_metadata), a repeated query answered from
pyathena's client-side cache (it finds the earlier execution with ListQueryExecutions)
and from Athena's own result reuse, the execution's statistics read from the cursor,
and the S3FSCursor reading result files through pyathena's own S3 filesystem."""
import pytest

from trip_helpers import KEY, REGION, SECRET

ROWS = "region,units\neu,5\nus,7\neu,2\napac,1\n"


def connect(lakebox_server, bucket, database, **kwargs):
    from pyathena import connect as athena_connect
    return athena_connect(s3_staging_dir=f"s3://{bucket}/staging/", region_name=REGION, schema_name=database,
                          aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                          endpoint_url=lakebox_server.endpoint, **kwargs)


@pytest.fixture
def units(lakebox_server, client, bucket, database):
    client("s3").put_object(Bucket=bucket, Key="units/part-0.csv", Body=ROWS.encode())
    cursor = connect(lakebox_server, bucket, database).cursor()
    cursor.execute(f"""CREATE EXTERNAL TABLE units (region string COMMENT 'sales region', units int)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/units/'
        TBLPROPERTIES ('skip.header.line.count'='1')""")
    return "units"


def test_catalog_browsed_through_the_cursor(lakebox_server, bucket, database, units):
    cursor = connect(lakebox_server, bucket, database).cursor()
    assert database in [d.name for d in cursor.list_databases(catalog_name="AwsDataCatalog")]
    listed = cursor.list_table_metadata(schema_name=database)
    assert [t.name for t in listed] == ["units"]
    table = cursor.get_table_metadata("units")
    assert [(c.name, c.type, c.comment) for c in table.columns] == [("region", "string", "sales region"),
                                                                     ("units", "int", None)]
    assert table.table_type == "EXTERNAL_TABLE"
    assert table.location == f"s3://{bucket}/units/"
    assert table.parameters["skip.header.line.count"] == "1"


def test_repeated_query_from_the_client_cache_and_result_reuse(lakebox_server, bucket, database, units):
    sql = "SELECT region, sum(units) AS total FROM units GROUP BY region ORDER BY region"
    cursor = connect(lakebox_server, bucket, database).cursor()
    cursor.execute(sql)
    first = cursor.query_id
    assert cursor.fetchall() == [("apac", 1), ("eu", 7), ("us", 7)]
    assert cursor.state == "SUCCEEDED" and cursor.statement_type == "DML"
    assert cursor.output_location == f"s3://{bucket}/staging/{first}.csv"
    assert cursor.data_scanned_in_bytes > 0 and cursor.completion_date_time >= cursor.submission_date_time

    cursor.execute(sql, cache_size=10)                     # pyathena finds the execution above
    assert cursor.query_id == first
    assert cursor.fetchall() == [("apac", 1), ("eu", 7), ("us", 7)]

    reused = connect(lakebox_server, bucket, database, result_reuse_enable=True, result_reuse_minutes=5).cursor()
    reused.execute(sql)
    assert reused.query_id != first
    reused.execute(sql)
    assert reused.reused_previous_result is True
    assert reused.fetchall() == [("apac", 1), ("eu", 7), ("us", 7)]


def test_s3fs_cursor_reads_result_files(lakebox_server, bucket, database, units):
    from pyathena.s3fs.cursor import S3FSCursor
    cursor = connect(lakebox_server, bucket, database, cursor_class=S3FSCursor).cursor()
    cursor.execute("SELECT region, units, units * 1.5 AS weighted FROM units WHERE units > %(least)d ORDER BY units",
                   {"least": 1})
    assert cursor.fetchall() == [("eu", 2, 3.0), ("eu", 5, 7.5), ("us", 7, 10.5)]
    assert [d[0] for d in cursor.description] == ["region", "units", "weighted"]
