"""A data engineer keeping a pipe-delimited, region-partitioned text table: CTAS makes
it from a raw CSV drop (format TEXTFILE, field_delimiter '|', partitioned_by region,
the partition column last), then daily INSERT INTO statements add rows, one into a
region the table has not seen. The files Athena writes are gzip text (GZIP is the
default write compression of a Hive table's text files, for INSERT INTO as for CTAS),
each named `<query id>_<n>.gz` under `region=<value>/`, and the new partition is in the
catalog at once. A CTAS whose partition column is not last is refused with
HIVE_COLUMN_ORDER_MISMATCH, and one that would open over 100 partitions with
HIVE_TOO_MANY_OPEN_PARTITIONS."""
import gzip

from trip_helpers import athena_execution, athena_failure, athena_rows


def _written(s3, bucket, prefix, query_id):
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []))
    return [key for key in keys if query_id in key]


def test_inserts_write_gzip_text_into_partitions(client, bucket, database):
    s3, athena, glue = client("s3"), client("athena"), client("glue")
    output = f"s3://{bucket}/results/"
    s3.put_object(Bucket=bucket, Key="raw/orders.csv", Body=b"1,apple,eu\n2,pear,us\n3,plum,eu\n")
    athena_execution(athena, f"""CREATE EXTERNAL TABLE raw_orders (id int, item string, region string)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/raw/'""", database, output)
    ctas = athena_execution(athena, f"""CREATE TABLE orders WITH (format = 'TEXTFILE', field_delimiter = '|',
        external_location = 's3://{bucket}/orders/', partitioned_by = ARRAY['region'])
        AS SELECT id, item, region FROM raw_orders""", database, output)["QueryExecutionId"]
    assert _written(s3, bucket, "orders/", ctas) == [f"orders/region=eu/{ctas}_0.gz", f"orders/region=us/{ctas}_0.gz"]

    first = athena_execution(athena, "INSERT INTO orders SELECT 4, 'fig', 'ap'", database, output)["QueryExecutionId"]
    second = athena_execution(athena, "INSERT INTO orders VALUES (5, 'kiwi', 'eu'), (6, 'lime', 'eu')",
                              database, output)["QueryExecutionId"]
    assert _written(s3, bucket, "orders/", first) == [f"orders/region=ap/{first}_0.gz"]
    assert _written(s3, bucket, "orders/", second) == [f"orders/region=eu/{second}_0.gz"]
    body = s3.get_object(Bucket=bucket, Key=f"orders/region=ap/{first}_0.gz")["Body"].read()
    assert gzip.decompress(body) == b"4|fig\n"
    body = s3.get_object(Bucket=bucket, Key=f"orders/region=eu/{second}_0.gz")["Body"].read()
    assert sorted(gzip.decompress(body).splitlines()) == [b"5|kiwi", b"6|lime"]

    values = sorted(p["Values"] for p in glue.get_partitions(DatabaseName=database, TableName="orders")["Partitions"])
    assert values == [["ap"], ["eu"], ["us"]]
    assert athena_rows(athena, "SELECT region, count(*), array_join(array_agg(item ORDER BY id), ',') FROM orders "
                               "GROUP BY region ORDER BY region", database, output) == [
        ["ap", "1", "fig"], ["eu", "4", "apple,plum,kiwi,lime"], ["us", "1", "pear"]]

    reason = athena_failure(athena, f"""CREATE TABLE misordered WITH (format = 'PARQUET',
        external_location = 's3://{bucket}/misordered/', partitioned_by = ARRAY['region'])
        AS SELECT region, id FROM raw_orders""", database, output)
    assert reason == ("HIVE_COLUMN_ORDER_MISMATCH: Partition keys must be the last columns in the table and in the "
                      "same order as the table properties: [region]")
    reason = athena_failure(athena, f"""CREATE TABLE too_many WITH (format = 'PARQUET',
        external_location = 's3://{bucket}/too_many/', partitioned_by = ARRAY['n'])
        AS SELECT x AS v, x AS n FROM UNNEST(sequence(1, 101)) AS t(x)""", database, output)
    assert reason == "HIVE_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of 100 open writers for partitions/buckets"


def _codec(s3, bucket, key):
    import io

    import pyarrow.parquet as pq
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    return pq.ParquetFile(io.BytesIO(body)).metadata.row_group(0).column(0).compression


def test_inserts_into_parquet_follow_parquet_compression(client, bucket, database):
    """The same engineer's Parquet twin, declared with TBLPROPERTIES ('parquet.compression'
    = 'SNAPPY'): INSERT INTO writes Snappy Parquet, and after ALTER TABLE SET TBLPROPERTIES
    ('parquet.compression' = 'UNCOMPRESSED') plain Parquet (the guide's ALTER TABLE SET
    TBLPROPERTIES: parquet.compression for Parquet, write.compression for text and JSON)."""
    s3, athena = client("s3"), client("athena")
    output = f"s3://{bucket}/results/"
    athena_execution(athena, f"""CREATE EXTERNAL TABLE orders_pq (id int, item string) PARTITIONED BY (region string)
        STORED AS PARQUET LOCATION 's3://{bucket}/orders_pq/'
        TBLPROPERTIES ('parquet.compression' = 'SNAPPY')""", database, output)
    first = athena_execution(athena, "INSERT INTO orders_pq VALUES (1, 'apple', 'eu')",
                             database, output)["QueryExecutionId"]
    athena_execution(athena, "ALTER TABLE orders_pq SET TBLPROPERTIES ('parquet.compression' = 'UNCOMPRESSED')",
                     database, output)
    second = athena_execution(athena, "INSERT INTO orders_pq VALUES (2, 'pear', 'us')",
                              database, output)["QueryExecutionId"]
    assert _written(s3, bucket, "orders_pq/", first) == [f"orders_pq/region=eu/{first}_0"]
    assert _codec(s3, bucket, f"orders_pq/region=eu/{first}_0") == "SNAPPY"
    assert _codec(s3, bucket, f"orders_pq/region=us/{second}_0") == "UNCOMPRESSED"
    assert athena_rows(athena, "SELECT id, item, region FROM orders_pq ORDER BY id", database, output) == [
        ["1", "apple", "eu"], ["2", "pear", "us"]]
