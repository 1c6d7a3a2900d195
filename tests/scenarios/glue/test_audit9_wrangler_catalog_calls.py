"""awswrangler catalog calls not yet covered elsewhere, as a data engineer writes them:
a partitioned dataset read back through its catalog table with a partition filter,
`delete_all_partitions`, `get_connection` for a JDBC connection, and a table created
with Athena partition projection settings."""
import pandas as pd


def test_read_back_through_the_catalog_then_drop_every_partition(wr, session, database, bucket):
    frame = pd.DataFrame({"id": [1, 2, 3], "v": ["a", "b", "c"], "dt": ["2024-01-01", "2024-01-02", "2024-01-02"]})
    wr.s3.to_parquet(frame, f"s3://{bucket}/t/", dataset=True, database=database, table="t", partition_cols=["dt"],
                     boto3_session=session,
                     glue_table_settings={"description": "daily", "columns_comments": {"id": "the id"}})
    assert wr.catalog.get_partitions(database=database, table="t", expression="dt = '2024-01-02'",
                                     boto3_session=session) == {f"s3://{bucket}/t/dt=2024-01-02/": ["2024-01-02"]}
    read = wr.s3.read_parquet_table(database=database, table="t", boto3_session=session,
                                    partition_filter=lambda p: p["dt"] == "2024-01-02")
    assert sorted(read["id"].tolist()) == [2, 3]
    described = wr.catalog.table(database=database, table="t", boto3_session=session)
    assert described[["Column Name", "Type", "Partition", "Comment"]].values.tolist() == [
        ["id", "bigint", False, "the id"], ["v", "string", False, ""], ["dt", "string", True, ""]]
    dropped = wr.catalog.delete_all_partitions(table="t", database=database, boto3_session=session)
    assert sorted(dropped) == [["2024-01-01"], ["2024-01-02"]]
    assert wr.catalog.get_partitions(database=database, table="t", boto3_session=session) == {}


def test_get_connection(wr, session, glue, database):
    name = f"jdbc-{database}"
    glue.create_connection(ConnectionInput={"Name": name, "ConnectionType": "JDBC", "ConnectionProperties": {
        "JDBC_CONNECTION_URL": "jdbc:mysql://db.internal:3306/shop", "USERNAME": "etl", "PASSWORD": "secret"}})
    try:
        connection = wr.catalog.get_connection(name=name, boto3_session=session)
        assert connection["ConnectionType"] == "JDBC"
        assert connection["ConnectionProperties"]["JDBC_CONNECTION_URL"] == "jdbc:mysql://db.internal:3306/shop"
    finally:
        glue.delete_connection(ConnectionName=name)


def test_partition_projection_settings_become_table_parameters(wr, session, database, bucket):
    wr.catalog.create_parquet_table(
        database=database, table="projected", path=f"s3://{bucket}/projected/", columns_types={"a": "int"},
        partitions_types={"dt": "string"}, boto3_session=session,
        athena_partition_projection_settings={"projection_types": {"dt": "date"},
                                              "projection_ranges": {"dt": "2024-01-01,NOW"},
                                              "projection_formats": {"dt": "yyyy-MM-dd"}})
    parameters = wr.catalog.get_table_parameters(database=database, table="projected", boto3_session=session)
    assert {k: v for k, v in parameters.items() if k.startswith("projection.")} == {
        "projection.enabled": "true", "projection.dt.type": "date", "projection.dt.range": "2024-01-01,NOW",
        "projection.dt.format": "yyyy-MM-dd"}
