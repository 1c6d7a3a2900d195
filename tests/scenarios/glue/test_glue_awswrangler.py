"""awswrangler's catalog functions against lakebox: databases, tables written by
`wr.s3.to_parquet(..., dataset=True, database=..., table=...)` (which creates and
updates catalog tables and partitions itself), and reading them back through the catalog."""
import pandas as pd


def sales(rows=6):
    return pd.DataFrame({"id": list(range(rows)), "amount": [1.5 * i for i in range(rows)],
                         "region": ["eu", "us"] * (rows // 2), "day": ["2024-01-01"] * rows})


def test_create_database_and_list(wr, session, database):
    wr.catalog.create_database("wr_db", description="from wrangler", boto3_session=session)
    try:
        assert "wr_db" in wr.catalog.databases(boto3_session=session)["Database"].tolist()
        assert wr.catalog.does_table_exist("wr_db", "nothing", boto3_session=session) is False
        wr.catalog.create_database("wr_db", exist_ok=True, boto3_session=session)
    finally:
        wr.catalog.delete_database("wr_db", boto3_session=session)


def test_to_parquet_writes_a_partitioned_catalog_table(wr, session, database, bucket):
    path = f"s3://{bucket}/sales/"
    wr.s3.to_parquet(sales(), path, dataset=True, database=database, table="sales",
                     partition_cols=["region"], boto3_session=session)

    table = wr.catalog.table(database, "sales", boto3_session=session)
    assert table[["Column Name", "Type", "Partition"]].values.tolist() == [
        ["id", "bigint", False], ["amount", "double", False], ["day", "string", False], ["region", "string", True]]
    partitions = wr.catalog.get_partitions(database, "sales", boto3_session=session)
    assert partitions == {f"{path}region=eu/": ["eu"], f"{path}region=us/": ["us"]}
    assert wr.catalog.get_parquet_partitions(database, "sales", expression="region = 'eu'",
                                             boto3_session=session) == {f"{path}region=eu/": ["eu"]}
    tables = wr.catalog.tables(database=database, boto3_session=session)
    assert tables["Table"].tolist() == ["sales"]
    assert wr.catalog.get_table_location(database, "sales", boto3_session=session) == path

    back = wr.s3.read_parquet_table(table="sales", database=database, boto3_session=session)
    assert sorted(back["id"].tolist()) == list(range(6))


def test_append_adds_partitions_and_columns(wr, session, database, bucket):
    path = f"s3://{bucket}/sales/"
    wr.s3.to_parquet(sales(), path, dataset=True, database=database, table="sales",
                     partition_cols=["region"], boto3_session=session)
    more = sales(2).assign(region="apac", channel="web")
    # awswrangler updates with SkipArchive unless asked to keep catalog versions
    wr.s3.to_parquet(more, path, dataset=True, database=database, table="sales", mode="append",
                     partition_cols=["region"], schema_evolution=True, catalog_versioning=True,
                     boto3_session=session)
    table = wr.catalog.table(database, "sales", boto3_session=session)
    assert "channel" in table["Column Name"].tolist()
    assert sorted(wr.catalog.get_partitions(database, "sales", boto3_session=session).values()) == [
        ["apac"], ["eu"], ["us"]]
    assert [v["VersionId"] for v in wr.catalog.get_table_versions(database, "sales", boto3_session=session)] == [
        "1", "0"]


def test_overwrite_and_delete(wr, session, database, bucket):
    path = f"s3://{bucket}/plain/"
    wr.s3.to_parquet(sales(), path, dataset=True, database=database, table="plain", boto3_session=session)
    wr.s3.to_parquet(sales(2), path, dataset=True, database=database, table="plain", mode="overwrite",
                     boto3_session=session)
    assert len(wr.s3.read_parquet_table(table="plain", database=database, boto3_session=session)) == 2
    assert [v["VersionId"] for v in wr.catalog.get_table_versions(database, "plain", boto3_session=session)] == [
        "1"]
    assert wr.catalog.delete_table_if_exists(database=database, table="plain", boto3_session=session) is True
    assert wr.catalog.does_table_exist(database, "plain", boto3_session=session) is False


def test_tables_search_and_name_filters(wr, session, database, bucket):
    for name in ("orders_raw", "orders_clean", "users"):
        wr.s3.to_parquet(sales(2), f"s3://{bucket}/{name}/", dataset=True, database=database, table=name,
                         boto3_session=session)
    found = wr.catalog.tables(database=database, name_contains="orders", boto3_session=session)
    assert sorted(found["Table"].tolist()) == ["orders_clean", "orders_raw"]
    found = wr.catalog.tables(database=database, name_prefix="us", boto3_session=session)
    assert found["Table"].tolist() == ["users"]


def test_catalog_tables_made_by_wrangler_helpers(wr, session, database, bucket):
    wr.catalog.create_parquet_table(database=database, table="pq", path=f"s3://{bucket}/pq/",
                                    columns_types={"id": "bigint", "name": "string"},
                                    partitions_types={"dt": "string"}, columns_comments={"id": "the key"},
                                    boto3_session=session)
    wr.catalog.add_parquet_partitions(database=database, table="pq", partitions_values={
        f"s3://{bucket}/pq/dt=2024-01-01/": ["2024-01-01"], f"s3://{bucket}/pq/dt=2024-01-02/": ["2024-01-02"]},
        boto3_session=session)
    assert sorted(wr.catalog.get_parquet_partitions(database, "pq", boto3_session=session).values()) == [
        ["2024-01-01"], ["2024-01-02"]]
    assert wr.catalog.get_table_types(database, "pq", boto3_session=session) == {
        "id": "bigint", "name": "string", "dt": "string"}
    assert wr.catalog.get_columns_comments(database, "pq", boto3_session=session)["id"] == "the key"

    wr.catalog.create_csv_table(database=database, table="csv", path=f"s3://{bucket}/csv/",
                                columns_types={"a": "int", "b": "string"}, sep="|", skip_header_line_count=1,
                                boto3_session=session)
    table = wr.catalog.table(database, "csv", boto3_session=session)
    assert table["Column Name"].tolist() == ["a", "b"]
    found = wr.catalog.search_tables(text="csv", catalog_id=None, boto3_session=session)
    assert any(t["Name"] == "csv" and t["DatabaseName"] == database for t in found)
    wr.catalog.delete_partitions(table="pq", database=database, partitions_values=[["2024-01-01"]],
                                 boto3_session=session)
    assert list(wr.catalog.get_parquet_partitions(database, "pq", boto3_session=session).values()) == [
        ["2024-01-02"]]


def test_to_csv_dataset_into_the_catalog(wr, session, database, bucket):
    wr.s3.to_csv(sales(), f"s3://{bucket}/csvsales/", dataset=True, database=database, table="csvsales",
                 partition_cols=["region"], index=False, boto3_session=session)
    table = wr.catalog.table(database, "csvsales", boto3_session=session)
    assert table["Partition"].tolist() == [False, False, False, True]
    assert sorted(wr.catalog.get_csv_partitions(database, "csvsales", boto3_session=session).values()) == [
        ["eu"], ["us"]]


def test_overwrite_partitions_and_read_with_a_partition_filter(wr, session, database, bucket):
    path = f"s3://{bucket}/op/"
    wr.s3.to_parquet(sales(), path, dataset=True, database=database, table="op", partition_cols=["region"],
                     boto3_session=session)
    wr.s3.to_parquet(sales(2).assign(region="eu", amount=99.0), path, dataset=True, database=database, table="op",
                     partition_cols=["region"], mode="overwrite_partitions", boto3_session=session)
    back = wr.s3.read_parquet_table(table="op", database=database, boto3_session=session,
                                    partition_filter=lambda p: p["region"] == "eu")
    assert back["amount"].tolist() == [99.0, 99.0]
    assert sorted(wr.catalog.get_partitions(database, "op", boto3_session=session).values()) == [["eu"], ["us"]]


def test_table_parameters_columns_and_descriptions(wr, session, database, bucket):
    wr.catalog.create_parquet_table(database=database, table="meta", path=f"s3://{bucket}/meta/",
                                    columns_types={"id": "bigint"}, description="first", boto3_session=session)
    wr.catalog.upsert_table_parameters({"owner": "data"}, database, "meta", boto3_session=session)
    assert wr.catalog.get_table_parameters(database, "meta", boto3_session=session)["owner"] == "data"
    wr.catalog.add_column(database, "meta", "note", "string", column_comment="free text", boto3_session=session)
    assert wr.catalog.get_table_types(database, "meta", boto3_session=session) == {"id": "bigint", "note": "string"}
    wr.catalog.delete_column(database, "meta", "note", boto3_session=session)
    assert list(wr.catalog.get_table_types(database, "meta", boto3_session=session)) == ["id"]
    assert wr.catalog.get_table_description(database, "meta", boto3_session=session) == "first"
    assert wr.catalog.get_table_number_of_versions(database, "meta", boto3_session=session) >= 1
    assert database in [d["Name"] for d in wr.catalog.get_databases(boto3_session=session)]
