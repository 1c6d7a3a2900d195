"""A data engineer's lake with awswrangler: a partitioned Parquet dataset registered in
the Glue catalog, appended to, inspected with wr.catalog, then aggregated by Athena with
and without the CTAS approach, and read back from S3 through the catalog."""
import pandas as pd
import pytest


@pytest.fixture
def orders(wr, session, bucket, database):
    first = pd.DataFrame({"order_id": [1, 2, 3], "amount": [12.5, 7.0, 30.0],
                          "country": ["de", "fr", "de"], "day": ["2024-05-01", "2024-05-01", "2024-05-02"]})
    wr.s3.to_parquet(first, f"s3://{bucket}/orders/", dataset=True, database=database, table="orders",
                     partition_cols=["day"], boto3_session=session,
                     glue_table_settings={"description": "daily orders", "parameters": {"owner": "sales"},
                                          "columns_comments": {"amount": "in EUR"}})
    more = pd.DataFrame({"order_id": [4, 5], "amount": [5.5, 44.0],
                         "country": ["fr", "it"], "day": ["2024-05-02", "2024-05-03"]})
    wr.s3.to_parquet(more, f"s3://{bucket}/orders/", dataset=True, database=database, table="orders",
                     partition_cols=["day"], mode="append", boto3_session=session)
    return "orders"


def test_catalog_describes_the_dataset(wr, session, bucket, database, orders):
    assert wr.catalog.does_table_exist(database=database, table=orders, boto3_session=session)
    assert not wr.catalog.does_table_exist(database=database, table="missing", boto3_session=session)
    types = wr.catalog.get_table_types(database=database, table=orders, boto3_session=session)
    assert types == {"order_id": "bigint", "amount": "double", "country": "string", "day": "string"}
    assert wr.catalog.get_table_location(database=database, table=orders,
                                         boto3_session=session) == f"s3://{bucket}/orders/"
    assert wr.catalog.get_table_description(database=database, table=orders,
                                            boto3_session=session) == "daily orders"
    assert wr.catalog.get_table_parameters(database=database, table=orders,
                                           boto3_session=session)["owner"] == "sales"
    assert wr.catalog.get_columns_comments(database=database, table=orders,
                                           boto3_session=session)["amount"] == "in EUR"
    partitions = wr.catalog.get_parquet_partitions(database=database, table=orders, boto3_session=session)
    assert sorted(tuple(values) for values in partitions.values()) == [
        ("2024-05-01",), ("2024-05-02",), ("2024-05-03",)]
    assert f"s3://{bucket}/orders/day=2024-05-03/" in partitions
    listed = wr.catalog.tables(database=database, boto3_session=session)
    assert listed["Table"].tolist() == [orders]
    assert database in wr.catalog.databases(boto3_session=session)["Database"].tolist()
    found = wr.catalog.search_tables(text="orders", boto3_session=session)
    assert any(t["Name"] == orders and t["DatabaseName"] == database for t in found)


@pytest.mark.parametrize("ctas", [True, False])
def test_athena_aggregates_the_dataset(wr, session, bucket, database, orders, ctas):
    frame = wr.athena.read_sql_query(
        "SELECT country, count(*) AS orders, sum(amount) AS revenue FROM orders "
        "WHERE day >= '2024-05-01' GROUP BY country ORDER BY revenue DESC",
        database=database, ctas_approach=ctas, s3_output=f"s3://{bucket}/athena/", boto3_session=session)
    assert frame["country"].tolist() == ["it", "de", "fr"]
    assert frame["orders"].tolist() == [1, 2, 2]
    assert frame["revenue"].tolist() == [44.0, 42.5, 12.5]


def test_athena_reads_partition_and_chunks(wr, session, bucket, database, orders):
    frame = wr.athena.read_sql_query("SELECT order_id, day FROM orders WHERE day = '2024-05-02' ORDER BY order_id",
                                     database=database, ctas_approach=False, boto3_session=session,
                                     s3_output=f"s3://{bucket}/athena/")
    assert frame.to_dict("records") == [{"order_id": 3, "day": "2024-05-02"}, {"order_id": 4, "day": "2024-05-02"}]
    chunks = list(wr.athena.read_sql_query("SELECT order_id FROM orders ORDER BY order_id", database=database,
                                           chunksize=2, ctas_approach=True, boto3_session=session,
                                           s3_output=f"s3://{bucket}/athena/"))
    assert sorted(pd.concat(chunks)["order_id"].tolist()) == [1, 2, 3, 4, 5]


def test_read_table_and_parquet_table(wr, session, bucket, database, orders):
    frame = wr.athena.read_sql_table(table=orders, database=database, ctas_approach=False,
                                     s3_output=f"s3://{bucket}/athena/", boto3_session=session)
    assert sorted(frame["order_id"].tolist()) == [1, 2, 3, 4, 5]
    from_s3 = wr.s3.read_parquet_table(table=orders, database=database, boto3_session=session)
    assert sorted(from_s3["order_id"].tolist()) == [1, 2, 3, 4, 5]
    assert sorted(from_s3["day"].astype(str).unique().tolist()) == ["2024-05-01", "2024-05-02", "2024-05-03"]


def test_overwrite_partitions_then_delete(wr, session, bucket, database, orders):
    fixed = pd.DataFrame({"order_id": [3], "amount": [31.0], "country": ["de"], "day": ["2024-05-02"]})
    wr.s3.to_parquet(fixed, f"s3://{bucket}/orders/", dataset=True, database=database, table=orders,
                     partition_cols=["day"], mode="overwrite_partitions", boto3_session=session)
    frame = wr.athena.read_sql_query("SELECT order_id, amount FROM orders ORDER BY order_id", database=database,
                                     ctas_approach=False, s3_output=f"s3://{bucket}/athena/",
                                     boto3_session=session)
    assert frame.to_dict("records") == [{"order_id": 1, "amount": 12.5}, {"order_id": 2, "amount": 7.0},
                                        {"order_id": 3, "amount": 31.0}, {"order_id": 5, "amount": 44.0}]
    assert wr.catalog.delete_table_if_exists(database=database, table=orders, boto3_session=session)
    assert not wr.catalog.delete_table_if_exists(database=database, table=orders, boto3_session=session)


def test_csv_dataset_and_catalog_table(wr, session, bucket, database):
    frame = pd.DataFrame({"sku": ["a", "b", "c"], "qty": [3, 1, 2], "store": ["x", "y", "x"]})
    wr.s3.to_csv(frame, f"s3://{bucket}/stock/", dataset=True, database=database, table="stock",
                 partition_cols=["store"], index=False, boto3_session=session)
    assert wr.catalog.get_table_types(database=database, table="stock", boto3_session=session) == {
        "sku": "string", "qty": "bigint", "store": "string"}
    result = wr.athena.read_sql_query("SELECT store, sum(qty) AS qty FROM stock GROUP BY store ORDER BY store",
                                      database=database, ctas_approach=False, boto3_session=session,
                                      s3_output=f"s3://{bucket}/athena/")
    assert result.to_dict("records") == [{"store": "x", "qty": 5}, {"store": "y", "qty": 1}]
    wr.catalog.delete_table_if_exists(database=database, table="stock", boto3_session=session)


def test_create_database_and_table_by_hand(wr, session, bucket, database):
    name = database + "_extra"
    wr.catalog.create_database(name, description="scratch", boto3_session=session)
    wr.catalog.create_parquet_table(database=name, table="events", path=f"s3://{bucket}/events/",
                                    columns_types={"id": "bigint", "kind": "string"},
                                    partitions_types={"dt": "string"}, boto3_session=session)
    wr.s3.to_parquet(pd.DataFrame({"id": [1, 2], "kind": ["a", "b"]}), f"s3://{bucket}/events/dt=2024-01-01/x.parquet",
                     boto3_session=session)
    wr.catalog.add_parquet_partitions(database=name, table="events",
                                      partitions_values={f"s3://{bucket}/events/dt=2024-01-01/": ["2024-01-01"]},
                                      boto3_session=session)
    frame = wr.athena.read_sql_query("SELECT dt, count(*) AS n FROM events GROUP BY dt", database=name,
                                     ctas_approach=False, boto3_session=session, s3_output=f"s3://{bucket}/athena/")
    assert frame.to_dict("records") == [{"dt": "2024-01-01", "n": 2}]
    wr.catalog.delete_database(name, boto3_session=session)
    assert name not in wr.catalog.databases(boto3_session=session)["Database"].tolist()
