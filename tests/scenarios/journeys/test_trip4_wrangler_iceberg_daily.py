"""A daily product-catalog job on an Iceberg table, written with awswrangler alone: day
one loads the catalog partitioned by category; day two upserts changed and new products
by key (merge_cols); day three's late feed only inserts what is missing
(merge_condition="ignore"); day four brings a new column (schema_evolution) and replaces
one category (overwrite_partitions); discontinued products are removed with
delete_from_iceberg_table. Athena shows each day's version through the `$snapshots`
table and time travel, and pyiceberg reads the same table from Glue."""
import pandas as pd
import pytest


@pytest.fixture
def job(wr, session, bucket, database):
    # keep_files=False: staged files left in temp_path would join the next run's MERGE source.
    common = {"database": database, "table": "products", "temp_path": f"s3://{bucket}/tmp/", "keep_files": False,
              "s3_output": f"s3://{bucket}/athena/", "boto3_session": session}

    def query(sql):
        return wr.athena.read_sql_query(sql, database=database, ctas_approach=False,
                                        s3_output=f"s3://{bucket}/athena/", boto3_session=session)
    return common, query


def products(rows):
    return pd.DataFrame(rows, columns=["sku", "name", "category", "price"]).astype({"price": "float64"})


def current(query):
    got = query("SELECT sku, name, category, price FROM products ORDER BY sku")
    return [tuple(r) for r in got.values.tolist()]


def test_daily_catalog_job(wr, lakebox_server, session, bucket, database, job):
    common, query = job
    wr.athena.to_iceberg(products([("a1", "kettle", "kitchen", 25.0), ("a2", "toaster", "kitchen", 30.0),
                                   ("b1", "lamp", "living", 40.0)]),
                         table_location=f"s3://{bucket}/iceberg/products/", partition_cols=["category"], **common)
    table = wr.catalog.get_table_parameters(database=database, table="products", boto3_session=session)
    assert table["table_type"].upper() == "ICEBERG"

    wr.athena.to_iceberg(products([("a2", "toaster", "kitchen", 27.5), ("c1", "rug", "living", 99.0)]),
                         merge_cols=["sku"], **common)
    assert current(query) == [("a1", "kettle", "kitchen", 25.0), ("a2", "toaster", "kitchen", 27.5),
                              ("b1", "lamp", "living", 40.0), ("c1", "rug", "living", 99.0)]

    wr.athena.to_iceberg(products([("a1", "kettle (late)", "kitchen", 1.0), ("d1", "mug", "kitchen", 5.0)]),
                         merge_cols=["sku"], merge_condition="ignore", **common)
    assert current(query) == [("a1", "kettle", "kitchen", 25.0), ("a2", "toaster", "kitchen", 27.5),
                              ("b1", "lamp", "living", 40.0), ("c1", "rug", "living", 99.0),
                              ("d1", "mug", "kitchen", 5.0)]

    living = products([("b1", "lamp", "living", 42.0), ("e1", "sofa", "living", 499.0)]).assign(stock=[3, 1])
    wr.athena.to_iceberg(living, mode="overwrite_partitions", partition_cols=["category"], schema_evolution=True,
                         **common)
    got = query("SELECT sku, category, price, stock FROM products ORDER BY sku")
    assert [tuple(r) for r in got.astype(object).where(got.notna(), None).values.tolist()] == [
        ("a1", "kitchen", 25.0, None), ("a2", "kitchen", 27.5, None), ("b1", "living", 42.0, 3),
        ("d1", "kitchen", 5.0, None), ("e1", "living", 499.0, 1)]

    wr.athena.delete_from_iceberg_table(products([("a2", "toaster", "kitchen", 27.5)]), merge_cols=["sku"],
                                        **common)
    assert [r[0] for r in current(query)] == ["a1", "b1", "d1", "e1"]

    snapshots = query('SELECT snapshot_id, operation FROM "products$snapshots" ORDER BY committed_at')
    assert len(snapshots) >= 5
    first = int(snapshots["snapshot_id"].iloc[0])
    day_one = query(f"SELECT sku, price FROM products FOR VERSION AS OF {first} ORDER BY sku")
    assert day_one.values.tolist() == [["a1", 25.0], ["a2", 30.0], ["b1", 40.0]]

    from pyiceberg.catalog import load_catalog
    credentials = session.get_credentials()
    catalog = load_catalog("glue", **{
        "type": "glue", "glue.endpoint": lakebox_server.endpoint, "glue.region": session.region_name,
        "glue.access-key-id": credentials.access_key, "glue.secret-access-key": credentials.secret_key,
        "s3.endpoint": lakebox_server.endpoint, "s3.region": session.region_name,
        "s3.access-key-id": credentials.access_key, "s3.secret-access-key": credentials.secret_key})
    table = catalog.load_table(f"{database}.products")
    assert [f.name for f in table.schema().fields] == ["sku", "name", "category", "price", "stock"]
    living_rows = table.scan(row_filter="category == 'living'", selected_fields=("sku", "stock")).to_arrow()
    assert sorted(zip(living_rows["sku"].to_pylist(), living_rows["stock"].to_pylist())) == [("b1", 3), ("e1", 1)]
