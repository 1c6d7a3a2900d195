"""A CSV-based reporting lake kept with awswrangler, as teams that hand CSV to other
tools do: a partitioned CSV dataset written with its catalog table and refreshed with
overwrite_partitions; plain CSV exports catalogued afterwards with create_csv_table and
add_csv_partitions (header skipped); a column added to the catalog; partitions copied
with copy_objects and registered with repair_table; queries through
start_query_execution(wait=True) and get_query_results, read_sql_table, and cleanup of
partitions, objects and tables."""
import pandas as pd
import pytest


@pytest.fixture
def lake(wr, session, bucket, database):
    return {"boto3_session": session}, f"s3://{bucket}", database


def sales(day, rows):
    return pd.DataFrame({"store": [r[0] for r in rows], "units": [r[1] for r in rows],
                         "price": [r[2] for r in rows], "day": day})


def test_csv_dataset_with_its_table(wr, lake):
    opts, root, database = lake
    frame = pd.concat([sales("2024-05-01", [("lisbon", 3, 2.5), ("porto", 1, 4.0)]),
                       sales("2024-05-02", [("lisbon", 5, 2.5), ("braga", 2, 1.25)])])
    written = wr.s3.to_csv(frame, f"{root}/sales/", dataset=True, database=database, table="sales",
                           partition_cols=["day"], index=False, **opts)
    assert sorted(written["partitions_values"]) == [f"{root}/sales/day=2024-05-01/", f"{root}/sales/day=2024-05-02/"]
    assert all(p.endswith(".csv") for p in written["paths"])
    columns = wr.catalog.table(database=database, table="sales", **opts)
    assert columns[["Column Name", "Type", "Partition"]].values.tolist() == [
        ["store", "string", False], ["units", "bigint", False], ["price", "double", False], ["day", "string", True]]
    assert wr.catalog.get_table_parameters(database=database, table="sales", **opts)["classification"] == "csv"

    refreshed = sales("2024-05-02", [("lisbon", 7, 2.5)])
    wr.s3.to_csv(refreshed, f"{root}/sales/", dataset=True, database=database, table="sales",
                 partition_cols=["day"], mode="overwrite_partitions", index=False, **opts)
    assert wr.catalog.get_partitions(database=database, table="sales", **opts) == {
        f"{root}/sales/day=2024-05-01/": ["2024-05-01"], f"{root}/sales/day=2024-05-02/": ["2024-05-02"]}

    for ctas in (True, False):
        got = wr.athena.read_sql_query("SELECT day, sum(units * price) AS revenue, count(*) AS n FROM sales "
                                       "GROUP BY day ORDER BY day", database=database, ctas_approach=ctas,
                                       s3_output=f"{root}/athena/", **opts)
        assert got.values.tolist() == [["2024-05-01", 11.5, 2], ["2024-05-02", 17.5, 1]]

    execution = wr.athena.start_query_execution("SELECT store FROM sales WHERE day = '2024-05-01' ORDER BY store",
                                                database=database, s3_output=f"{root}/athena/", wait=True, **opts)
    assert execution["Status"]["State"] == "SUCCEEDED"
    assert execution["StatementType"] == "DML"
    got = wr.athena.get_query_results(execution["QueryExecutionId"], **opts)
    assert got["store"].tolist() == ["lisbon", "porto"]

    whole = wr.athena.read_sql_table("sales", database=database, ctas_approach=False,
                                     s3_output=f"{root}/athena/", **opts)
    assert sorted(whole["store"].tolist()) == ["lisbon", "lisbon", "porto"]
    assert wr.catalog.delete_table_if_exists(database=database, table="sales", **opts) is True
    assert wr.catalog.does_table_exist(database=database, table="sales", **opts) is False
    assert wr.catalog.delete_table_if_exists(database=database, table="sales", **opts) is False


def test_exports_catalogued_afterwards(wr, lake):
    opts, root, database = lake
    for region, rows in (("north", [("braga", 2, 1.25), ("porto", 1, 4.0)]), ("south", [("faro", 9, 0.5)])):
        wr.s3.to_csv(sales("2024-05-03", rows).drop(columns=["day"]), f"{root}/exports/region={region}/part.csv",
                     index=False, **opts)
    wr.catalog.create_csv_table(database=database, table="exports", path=f"{root}/exports/",
                                columns_types={"store": "string", "units": "int", "price": "double"},
                                partitions_types={"region": "string"}, skip_header_line_count=1, sep=",",
                                description="daily exports", **opts)
    wr.catalog.add_csv_partitions(database=database, table="exports", partitions_values={
        f"{root}/exports/region=north/": ["north"], f"{root}/exports/region=south/": ["south"]}, sep=",", **opts)
    tables = {t["Name"] for t in wr.catalog.get_tables(database=database, **opts)}
    assert tables == {"exports"}
    assert wr.catalog.get_table_description(database=database, table="exports", **opts) == "daily exports"

    execution = wr.athena.start_query_execution(
        "SELECT region, sum(units) AS units FROM exports GROUP BY region ORDER BY region", database=database,
        s3_output=f"{root}/athena/", wait=True, **opts)
    got = wr.athena.get_query_results(execution["QueryExecutionId"], **opts)
    assert got.values.tolist() == [["north", 3], ["south", 9]]

    wr.catalog.add_column(database=database, table="exports", column_name="promo", column_type="string",
                          column_comment="added later", **opts)
    types = wr.catalog.get_table_types(database=database, table="exports", **opts)
    assert types == {"store": "string", "units": "int", "price": "double", "promo": "string", "region": "string"}
    got = wr.athena.read_sql_query("SELECT store, promo FROM exports WHERE region = 'south'", database=database,
                                   ctas_approach=False, s3_output=f"{root}/athena/", **opts)
    assert got["store"].tolist() == ["faro"]
    assert got["promo"].isna().all()

    copied = wr.s3.copy_objects(paths=wr.s3.list_objects(f"{root}/exports/region=south/", **opts),
                                source_path=f"{root}/exports/region=south/",
                                target_path=f"{root}/exports/region=west/", **opts)
    assert copied == [f"{root}/exports/region=west/part.csv"]
    wr.s3.wait_objects_exist(copied, **opts)
    wr.athena.repair_table("exports", database=database, s3_output=f"{root}/athena/", **opts)
    assert sorted(v[0] for v in wr.catalog.get_partitions(database=database, table="exports", **opts).values()) == [
        "north", "south", "west"]
    got = wr.athena.read_sql_query("SELECT region, count(*) AS n FROM exports GROUP BY region ORDER BY region",
                                   database=database, ctas_approach=False, s3_output=f"{root}/athena/", **opts)
    assert got.values.tolist() == [["north", 2], ["south", 1], ["west", 1]]

    wr.catalog.delete_partitions(database=database, table="exports", partitions_values=[["south"]], **opts)
    wr.s3.delete_objects(f"{root}/exports/region=south/", **opts)
    assert wr.s3.list_objects(f"{root}/exports/", suffix=".csv", **opts) == [
        f"{root}/exports/region=north/part.csv", f"{root}/exports/region=west/part.csv"]
    got = wr.athena.read_sql_query("SELECT DISTINCT region FROM exports ORDER BY region", database=database,
                                   ctas_approach=False, s3_output=f"{root}/athena/", **opts)
    assert got["region"].tolist() == ["north", "west"]
    wr.catalog.delete_table_if_exists(database=database, table="exports", **opts)
