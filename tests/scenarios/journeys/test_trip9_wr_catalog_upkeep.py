"""A data platform engineer keeps a Glue table in shape with awswrangler's catalog helpers:
adds and drops a column (each change a new table version), reads column comments, swaps
table parameters, filters partitions with expressions, searches tables, finds a table's
location, and sanitizes awkward names before registering them."""
import pandas as pd
import pytest


@pytest.fixture
def sales(wr, session, bucket, database):
    frame = pd.DataFrame({"id": [1, 2, 3, 4, 5], "amount": [1.5, 2.5, 3.5, 4.5, 5.5],
                          "year": [2023, 2023, 2024, 2024, 2025], "region": ["eu", "us", "eu", "us", "eu"]})
    wr.s3.to_parquet(frame, f"s3://{bucket}/sales/", dataset=True, database=database, table="sales",
                     partition_cols=["year", "region"], boto3_session=session,
                     glue_table_settings={"description": "daily sales",
                                          "columns_comments": {"id": "order id", "amount": "in euro"}})
    return "sales"


def test_columns_and_versions(wr, session, database, sales):
    assert wr.catalog.get_columns_comments(database, sales, boto3_session=session) == {
        "id": "order id", "amount": "in euro", "year": None, "region": None}
    before = wr.catalog.get_table_versions(database, sales, boto3_session=session)
    wr.catalog.add_column(database, sales, column_name="channel", column_type="string",
                          column_comment="web or shop", boto3_session=session)
    types = wr.catalog.get_table_types(database, sales, boto3_session=session)
    assert list(types.items()) == [("id", "bigint"), ("amount", "double"), ("channel", "string"),
                                   ("year", "bigint"), ("region", "string")]
    assert wr.catalog.get_columns_comments(database, sales, boto3_session=session)["channel"] == "web or shop"
    wr.catalog.delete_column(database, sales, column_name="channel", boto3_session=session)
    assert list(wr.catalog.get_table_types(database, sales, boto3_session=session)) == [
        "id", "amount", "year", "region"]
    after = wr.catalog.get_table_versions(database, sales, boto3_session=session)
    assert len(after) == len(before) + 2
    assert sorted(int(v["VersionId"]) for v in after) == list(range(len(after)))
    newest = max(after, key=lambda v: int(v["VersionId"]))
    assert [c["Name"] for c in newest["Table"]["StorageDescriptor"]["Columns"]] == ["id", "amount"]


def test_parameters_partitions_search_location(wr, session, bucket, database, sales):
    wr.catalog.overwrite_table_parameters({"owner": "data-eng", "tier": "gold"}, database, sales,
                                          boto3_session=session)
    assert wr.catalog.get_table_parameters(database, sales, boto3_session=session) == {
        "owner": "data-eng", "tier": "gold"}
    found = wr.catalog.get_partitions(database, sales, expression="year >= 2024 AND region = 'eu'",
                                      boto3_session=session)
    assert found == {f"s3://{bucket}/sales/year=2024/region=eu/": ["2024", "eu"],
                     f"s3://{bucket}/sales/year=2025/region=eu/": ["2025", "eu"]}
    found = wr.catalog.get_parquet_partitions(database, sales, expression="year BETWEEN 2023 AND 2024 AND region <> 'eu'",
                                              boto3_session=session)
    assert sorted(found.values()) == [["2023", "us"], ["2024", "us"]]
    found = wr.catalog.get_partitions(database, sales, expression="region LIKE 'u%'", boto3_session=session)
    assert sorted(found.values()) == [["2023", "us"], ["2024", "us"]]
    assert wr.catalog.get_table_location(database, sales, boto3_session=session) == f"s3://{bucket}/sales/"
    hits = list(wr.catalog.search_tables(text="daily sales", boto3_session=session))
    assert [(t["DatabaseName"], t["Name"]) for t in hits if t["DatabaseName"] == database] == [(database, "sales")]
    import botocore.exceptions
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        wr.catalog.get_table_location(database, "missing", boto3_session=session)
    assert caught.value.response["Error"]["Code"] == "EntityNotFoundException"
    assert caught.value.response["Error"]["Message"] == "Entity Not Found"      # GetTable's words


def test_sanitized_names_register(wr, session, bucket, database):
    assert wr.catalog.sanitize_table_name("Daily Sales-2024!") == "daily_sales_2024_"
    assert wr.catalog.sanitize_column_name("Order ID (EUR)") == "order_id_eur_"
    frame = wr.catalog.sanitize_dataframe_columns_names(pd.DataFrame({"Order ID": [1], "Ünit Price": [2.0]}))
    assert frame.columns.tolist() == ["order_id", "unit_price"]
    wr.s3.to_parquet(frame, f"s3://{bucket}/odd/", dataset=True, database=database,
                     table=wr.catalog.sanitize_table_name("Odd Table"), boto3_session=session)
    assert wr.catalog.get_table_types(database, "odd_table", boto3_session=session) == {
        "order_id": "bigint", "unit_price": "double"}
