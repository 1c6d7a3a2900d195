"""A sales mart built with awswrangler's Athena helpers, as an analytics engineer writes
the job: raw CSV lands as a catalogued dataset; wr.athena.create_ctas_table makes a
Snappy Parquet table partitioned by region from it; the next region is appended with an
INSERT INTO run by wr.athena.start_query_execution; the engineer checks the table with
wr.athena.describe_table / show_create_table and the partitions Glue holds, reads one
region back with wr.s3.read_parquet_table's partition filter, and hands a partitioned
UNLOAD (wr.athena.unload) to a downstream team that reads it with wr.s3.read_parquet."""
import pandas as pd

RAW = pd.DataFrame({"order_id": [1, 2, 3, 4, 5, 6], "region": ["eu", "eu", "us", "us", "us", "apac"],
                    "amount": [10.0, 2.5, 7.0, 3.0, 1.5, 9.0]})


def test_sales_mart_with_wrangler_helpers(wr, session, bucket, database):
    opts = {"boto3_session": session}
    wr.s3.to_csv(RAW, f"s3://{bucket}/raw/sales/", dataset=True, index=False, database=database, table="raw_sales", **opts)
    made = wr.athena.create_ctas_table(
        sql="SELECT order_id, amount, region FROM raw_sales WHERE region <> 'apac'", database=database,
        ctas_table="sales", s3_output=f"s3://{bucket}/mart", storage_format="PARQUET",
        write_compression="SNAPPY", partitioning_info=["region"], wait=True, **opts)
    assert (made["ctas_database"], made["ctas_table"]) == (database, "sales")
    assert made["ctas_query_metadata"].raw_payload["Status"]["State"] == "SUCCEEDED"
    assert wr.catalog.get_table_types(database=database, table="sales", **opts) == {
        "order_id": "bigint", "amount": "double", "region": "string"}

    wr.athena.start_query_execution("INSERT INTO sales SELECT order_id, amount, region FROM raw_sales "
                                    "WHERE region = 'apac'", database=database, wait=True, **opts)
    partitions = wr.catalog.get_partitions(database=database, table="sales", **opts)
    assert sorted(values for values in partitions.values()) == [["apac"], ["eu"], ["us"]]
    assert all(path.startswith(f"s3://{bucket}/mart/sales/region=") for path in partitions)

    described = wr.athena.describe_table(table="sales", database=database, **opts)
    assert described[["Column Name", "Type", "Partition"]].values.tolist() == [
        ["order_id", "bigint", False], ["amount", "double", False], ["region", "string", True]]
    ddl = wr.athena.show_create_table(table="sales", database=database, **opts)
    assert "PARTITIONED BY (" in ddl and "`region` string" in ddl and "parquet" in ddl.lower()

    us = wr.s3.read_parquet_table(table="sales", database=database,
                                  partition_filter=lambda p: p["region"] == "us", **opts)
    assert sorted(us["order_id"].tolist()) == [3, 4, 5] and set(us["region"].astype(str)) == {"us"}

    totals = wr.athena.read_sql_query("SELECT region, count(*) AS orders, sum(amount) AS total FROM sales "
                                      "GROUP BY region ORDER BY region", database=database, ctas_approach=False, **opts)
    assert totals.values.tolist() == [["apac", 1, 9.0], ["eu", 2, 12.5], ["us", 3, 11.5]]

    wr.athena.unload("SELECT order_id, amount, region FROM sales WHERE amount >= 3", path=f"s3://{bucket}/share/",
                     database=database, file_format="PARQUET", partitioned_by=["region"], **opts)
    # the statement's manifest and metadata sit beside the files: wrangler makes the path its output location
    shared = wr.s3.read_parquet(f"s3://{bucket}/share/", dataset=True, path_ignore_suffix=["-manifest.csv", ".metadata"],
                                **opts)
    assert sorted(zip(shared["region"].astype(str), shared["order_id"])) == [
        ("apac", 6), ("eu", 1), ("us", 3), ("us", 4)]
    folders = {key.split("/")[4] for key in wr.s3.list_objects(f"s3://{bucket}/share/", **opts) if key.count("/") > 4}
    assert sorted(folders) == ["region=apac", "region=eu", "region=us"]
