"""A data engineer's documented tables with awswrangler: a curated Parquet dataset is
written with a description and column comments (glue_table_settings) and checked with
wr.athena.show_create_table and describe_table; the team's saved queries, which begin
with a header comment, are read with read_sql_query's default CTAS approach; an Iceberg
copy written by wr.athena.to_iceberg keeps its column comments; a projected table whose
date projection was written without a format fails the query that reads it, and reads
once the format is set; a query of a zoned timestamp reads only through the CSV
approach."""
import pandas as pd
import pytest

ORDERS = pd.DataFrame({"order_id": [1, 2, 3, 4], "amount": [10.0, 2.5, 7.0, 3.0],
                       "day": ["2024-05-01", "2024-05-01", "2024-05-02", "2024-05-03"]})
COMMENTS = {"order_id": "order key", "amount": "EUR, tax included", "day": "order day"}

SAVED_QUERY = """-- daily revenue, owned by the finance team
/* reviewed 2024-05 */
SELECT day, sum(amount) AS revenue FROM orders GROUP BY day ORDER BY day"""


def test_documented_parquet_table(wr, session, bucket, database):
    opts = {"boto3_session": session, "database": database}
    wr.s3.to_parquet(ORDERS, f"s3://{bucket}/orders/", dataset=True, table="orders", partition_cols=["day"],
                     glue_table_settings={"description": "curated orders", "columns_comments": COMMENTS}, **opts)
    ddl = wr.athena.show_create_table("orders", s3_output=f"s3://{bucket}/athena/", **opts)
    assert "`order_id` bigint COMMENT 'order key', `amount` double COMMENT 'EUR, tax included') " \
           "COMMENT 'curated orders' PARTITIONED BY ( `day` string COMMENT 'order day')" in ddl
    described = wr.athena.describe_table("orders", s3_output=f"s3://{bucket}/athena/", **opts)
    assert described["Comment"].tolist() == ["order key", "EUR, tax included", "order day"]

    revenue = wr.athena.read_sql_query(SAVED_QUERY, s3_output=f"s3://{bucket}/athena/", **opts)
    assert sorted(zip(revenue["day"], revenue["revenue"])) == [("2024-05-01", 12.5), ("2024-05-02", 7.0),
                                                               ("2024-05-03", 3.0)]
    unloaded = wr.athena.read_sql_query(SAVED_QUERY, ctas_approach=False, unload_approach=True,
                                        s3_output=f"s3://{bucket}/unload/", **opts)
    assert sorted(unloaded["revenue"].tolist()) == [3.0, 7.0, 12.5]


def test_iceberg_copy_keeps_its_comments(wr, session, bucket, database):
    opts = {"boto3_session": session, "database": database}
    wr.athena.to_iceberg(ORDERS, table="orders_ice", table_location=f"s3://{bucket}/orders_ice/",
                         temp_path=f"s3://{bucket}/staging/", s3_output=f"s3://{bucket}/athena/", keep_files=False,
                         glue_table_settings={"columns_comments": {"order_id": "order key"}}, **opts)
    wr.athena.to_iceberg(ORDERS.head(1).assign(order_id=5), table="orders_ice", temp_path=f"s3://{bucket}/staging/",
                         s3_output=f"s3://{bucket}/athena/", keep_files=False, **opts)
    assert wr.catalog.get_columns_comments(table="orders_ice", **opts) == {
        "order_id": "order key", "amount": None, "day": None}
    described = wr.athena.describe_table("orders_ice", s3_output=f"s3://{bucket}/athena/", **opts)
    assert described["Comment"].tolist() == ["order key", "", ""]
    count = wr.athena.read_sql_query("SELECT count(*) AS n FROM orders_ice", ctas_approach=False,
                                     s3_output=f"s3://{bucket}/athena/", **opts)
    assert count["n"].tolist() == [5]


def test_a_date_projection_needs_its_format(wr, session, bucket, database):
    opts = {"boto3_session": session, "database": database}
    wr.s3.to_parquet(ORDERS, f"s3://{bucket}/projected/", dataset=True, table="projected", partition_cols=["day"],
                     athena_partition_projection_settings={"projection_types": {"day": "date"},
                                                           "projection_ranges": {"day": "2024-05-01,2024-05-31"}},
                     **opts)
    with pytest.raises(wr.exceptions.QueryFailed) as failed:
        wr.athena.read_sql_query("SELECT count(*) AS n FROM projected", ctas_approach=False,
                                 s3_output=f"s3://{bucket}/athena/", **opts)
    assert str(failed.value) == ("INVALID_COLUMN_PROPERTY: Column projection for column 'day' failed. "
                                 "Missing required property: 'projection.day.format'")
    wr.catalog.upsert_table_parameters({"projection.day.format": "yyyy-MM-dd"}, table="projected", **opts)
    count = wr.athena.read_sql_query("SELECT count(*) AS n FROM projected", ctas_approach=False,
                                     s3_output=f"s3://{bucket}/athena/", **opts)
    assert count["n"].tolist() == [4]


def test_a_zoned_timestamp_reads_only_through_the_csv_approach(wr, session, bucket, database):
    """read_sql_query's CTAS and UNLOAD approaches 'Do not support timestamp with time
    zone' (its own documentation): Athena refuses to write one; the CSV approach reads it."""
    opts = {"boto3_session": session, "database": database}
    sql = "SELECT 1 AS id, from_unixtime(86400) AS loaded_at"
    with pytest.raises(wr.exceptions.QueryFailed, match=r"^NOT_SUPPORTED: Unsupported Hive type: timestamp\(3\) "
                                                        r"with time zone\. You may need to manually clean"):
        wr.athena.read_sql_query(sql, s3_output=f"s3://{bucket}/athena/", **opts)
    with pytest.raises(wr.exceptions.QueryFailed, match=r"^NOT_SUPPORTED: Unsupported Hive type"):
        wr.athena.read_sql_query(sql, ctas_approach=False, unload_approach=True, s3_output=f"s3://{bucket}/unl/",
                                 **opts)
    frame = wr.athena.read_sql_query(sql, ctas_approach=False, s3_output=f"s3://{bucket}/athena/", **opts)
    assert frame["loaded_at"].tolist() == [pd.Timestamp("1970-01-02", tz="UTC")]
