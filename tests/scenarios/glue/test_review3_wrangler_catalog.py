"""awswrangler catalog helpers a pipeline uses beside to_parquet: JSON tables and their
partitions, CSV partitions, partition listings filtered by an expression, a table made
from the Parquet files already in S3 (store_parquet_metadata), and column changes."""
import pandas as pd


def test_json_table_and_partitions(wr, session, glue, database, bucket):
    path = f"s3://{bucket}/events/"
    wr.catalog.create_json_table(database=database, table="events", path=path,
                                 columns_types={"id": "bigint", "kind": "string"},
                                 partitions_types={"dt": "string"}, boto3_session=session)
    wr.catalog.add_json_partitions(database=database, table="events", partitions_values={
        f"{path}dt=2024-01-01/": ["2024-01-01"], f"{path}dt=2024-01-02/": ["2024-01-02"]}, boto3_session=session)
    table = glue.get_table(DatabaseName=database, Name="events")["Table"]
    assert table["Parameters"]["classification"] == "json"
    assert table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"
    parts = wr.catalog.get_partitions(database=database, table="events", expression="dt >= '2024-01-02'",
                                      boto3_session=session)
    assert parts == {f"{path}dt=2024-01-02/": ["2024-01-02"]}
    assert wr.catalog.get_table_types(database=database, table="events", boto3_session=session) == {
        "id": "bigint", "kind": "string", "dt": "string"}


def test_csv_partitions_with_a_filter(wr, session, database, bucket):
    path = f"s3://{bucket}/csv/"
    wr.catalog.create_csv_table(database=database, table="rows", path=path, columns_types={"a": "int"},
                                partitions_types={"year": "int", "month": "int"}, skip_header_line_count=1,
                                boto3_session=session)
    values = {f"{path}year={y}/month={m}/": [str(y), str(m)] for y in (2023, 2024) for m in (1, 2, 11)}
    wr.catalog.add_csv_partitions(database=database, table="rows", partitions_values=values, boto3_session=session)
    found = wr.catalog.get_csv_partitions(database=database, table="rows", expression="year = 2024 AND month > 1",
                                          boto3_session=session)
    assert sorted(found.values()) == [["2024", "11"], ["2024", "2"]]
    chosen = wr.catalog.get_partitions(database=database, table="rows",
                                       expression="month between 2 and 11 and year <> 2024",
                                       boto3_session=session)
    assert sorted(chosen.values()) == [["2023", "11"], ["2023", "2"]]


def test_store_parquet_metadata_catalogs_files_already_written(wr, session, glue, database, bucket):
    path = f"s3://{bucket}/sales/"
    df = pd.DataFrame({"id": [1, 2, 3], "amount": [1.5, 2.5, 3.5], "region": ["eu", "us", "eu"]})
    wr.s3.to_parquet(df, path=path, dataset=True, partition_cols=["region"], boto3_session=session)
    wr.s3.store_parquet_metadata(path=path, database=database, table="sales", dataset=True,
                                 boto3_session=session)
    table = glue.get_table(DatabaseName=database, Name="sales")["Table"]
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        ("id", "bigint"), ("amount", "double")]
    assert table["PartitionKeys"] == [{"Name": "region", "Type": "string"}]
    parts = wr.catalog.get_parquet_partitions(database=database, table="sales", boto3_session=session)
    assert sorted(parts.values()) == [["eu"], ["us"]]
    back = wr.s3.read_parquet_table(database=database, table="sales", boto3_session=session,
                                    partition_filter=lambda p: p["region"] == "eu")
    assert sorted(back["id"].tolist()) == [1, 3]


def test_columns_added_and_dropped_keep_versions(wr, session, glue, database, bucket):
    wr.catalog.create_parquet_table(database=database, table="t", path=f"s3://{bucket}/t/",
                                    columns_types={"a": "int"}, boto3_session=session)
    wr.catalog.add_column(database=database, table="t", column_name="b", column_type="string",
                          column_comment="added", boto3_session=session)
    wr.catalog.delete_column(database=database, table="t", column_name="a", boto3_session=session)
    assert wr.catalog.get_table_types(database=database, table="t", boto3_session=session) == {"b": "string"}
    assert wr.catalog.get_columns_comments(database=database, table="t", boto3_session=session) == {"b": "added"}
    assert wr.catalog.get_table_number_of_versions(database=database, table="t", boto3_session=session) == 3
    assert wr.catalog.delete_table_if_exists(database=database, table="t", boto3_session=session) is True
    assert wr.catalog.delete_table_if_exists(database=database, table="t", boto3_session=session) is False
