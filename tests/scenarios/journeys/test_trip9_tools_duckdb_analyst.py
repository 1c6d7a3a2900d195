"""An analyst who works in DuckDB and never touches boto3: she declares an S3 secret for the
lake (path-style, plain http to the endpoint), writes a day's orders with `COPY ... TO
's3://...' (FORMAT parquet, PARTITION_BY (region))`, lists what landed with glob(), reads
them back with hive partitioning and a filter on the partition column, exports a CSV large
enough that DuckDB sends it by multipart upload (5 MiB parts and a short last one), reads it
back by range GETs, and is refused when she writes again into a folder that is not empty.
The data is put in place by the team's boto3 job, and what she reads is what it wrote.

DuckDB reaches S3 through its httpfs extension: the journey loads the installed one, or
one shipped by the `duckdb-ext-httpfs` package, and is skipped when neither loads."""
import pytest

from trip_helpers import duckdb_on_s3


@pytest.fixture
def duck(lakebox_server):
    connection = duckdb_on_s3(lakebox_server)
    yield connection
    connection.close()


ORDERS = ("SELECT i AS order_id, ['eu', 'us', 'ap'][i % 3 + 1] AS region, (i * 7) % 100 AS amount "
          "FROM range(1, 31) t(i)")


def test_duckdb_writes_partitions_reads_them_back_and_exports_by_multipart(duck, client, bucket):
    s3 = client("s3")
    duck.execute(f"COPY ({ORDERS}) TO 's3://{bucket}/orders/' (FORMAT parquet, PARTITION_BY (region))")
    landed = [row[0] for row in duck.execute(f"SELECT file FROM glob('s3://{bucket}/orders/**') ORDER BY file").fetchall()]
    assert landed == [f"s3://{bucket}/orders/region={r}/data_0.parquet" for r in ("ap", "eu", "us")]
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="orders/", Delimiter="/")
    assert [p["Prefix"] for p in listed["CommonPrefixes"]] == ["orders/region=ap/", "orders/region=eu/", "orders/region=us/"]
    assert "Contents" not in listed and listed["KeyCount"] == 3

    eu = duck.execute(f"SELECT region, count(*), sum(amount), min(order_id), max(order_id) "
                      f"FROM read_parquet('s3://{bucket}/orders/*/*.parquet', hive_partitioning = true) "
                      f"WHERE region = 'eu' GROUP BY region").fetchall()
    assert eu == [("eu", 10, sum((i * 7) % 100 for i in range(1, 31) if i % 3 == 0), 3, 30)]
    totals = duck.execute(f"SELECT region, count(*) FROM read_parquet('s3://{bucket}/orders/**/*.parquet', "
                          f"hive_partitioning = true) GROUP BY ALL ORDER BY region").fetchall()
    assert totals == [("ap", 10), ("eu", 10), ("us", 10)]

    # a late order written by the team's boto3 job beside DuckDB's files, as CSV
    s3.put_object(Bucket=bucket, Key="late/orders.csv", Body=b"order_id,region,amount\n31,eu,17\n32,us,0\n")
    late = duck.execute(f"SELECT * FROM read_csv('s3://{bucket}/late/*.csv') ORDER BY order_id").fetchall()
    assert late == [(31, "eu", 17), (32, "us", 0)]

    # an export that DuckDB uploads in parts: 5 MiB parts at least, the last one shorter
    duck.execute("SET s3_uploader_max_filesize = '50GB'")
    duck.execute(f"COPY (SELECT i AS n, md5(i::VARCHAR) AS digest FROM range(300000) t(i)) "
                 f"TO 's3://{bucket}/exports/digests.csv' (FORMAT csv)")
    head = s3.head_object(Bucket=bucket, Key="exports/digests.csv")
    parts = int(head["ETag"].strip('"').split("-")[1])
    assert parts >= 2
    full = s3.get_object(Bucket=bucket, Key="exports/digests.csv")["Body"].read()
    assert head["ContentLength"] == len(full) and full.startswith(b"n,digest\n0,cfcd208495d565ef66e7dff9f98764da\n")
    part_one = s3.head_object(Bucket=bucket, Key="exports/digests.csv", PartNumber=1)
    assert part_one["ContentLength"] >= 5 * 1024 * 1024 and part_one["PartsCount"] == parts
    assert duck.execute(f"SELECT count(*), max(n), count(DISTINCT digest) "
                        f"FROM read_csv('s3://{bucket}/exports/digests.csv')").fetchall() == [(300000, 299999, 300000)]

    # writing again into a folder that holds files is refused by DuckDB (it lists the prefix first)
    import duckdb
    with pytest.raises(duckdb.IOException) as refused:
        duck.execute(f"COPY ({ORDERS}) TO 's3://{bucket}/orders/' (FORMAT parquet, PARTITION_BY (region))")
    assert f'Directory "s3://{bucket}/orders/" is not empty' in str(refused.value)
    duck.execute(f"COPY ({ORDERS} LIMIT 3) TO 's3://{bucket}/orders/' "
                 f"(FORMAT parquet, PARTITION_BY (region), OVERWRITE_OR_IGNORE, FILENAME_PATTERN 'late_{{i}}')")
    after = duck.execute(f"SELECT count(*) FROM read_parquet('s3://{bucket}/orders/*/*.parquet')").fetchall()
    assert after == [(33,)]
