"""A Parquet table whose schema grows while old files stay: the customers job writes
Parquet files with pandas; when the source starts sending `email`, the job writes the
new column and the platform adds it to the Glue table with UpdateTable (old files read
it as NULL, by name); an analyst adds `segment` with ALTER TABLE ADD COLUMNS; a bad
change (a column renamed in the catalog, which Parquet files do not know, and which
breaks the saved queries) is rolled back by putting the previous version's definition
back from GetTableVersions; a cosmetic UpdateTable with SkipArchive keeps no archived
copy of the version it replaces."""
import io

import pandas as pd
import pytest

from trip_helpers import PARQUET_FORMAT, athena_execution, athena_rows, error_of

COLUMNS = [{"Name": "customer_id", "Type": "bigint"}, {"Name": "name", "Type": "string"}]


def put_parquet(s3, bucket, key, frame):
    sink = io.BytesIO()
    frame.to_parquet(sink, index=False)
    s3.put_object(Bucket=bucket, Key=key, Body=sink.getvalue())


def table_input(table: dict, columns) -> dict:
    """The TableInput that recreates a GetTable(Version) answer with other columns."""
    keep = ("Name", "Description", "Owner", "Retention", "PartitionKeys", "TableType", "Parameters")
    return {**{k: table[k] for k in keep if k in table},
            "StorageDescriptor": {**table["StorageDescriptor"], "Columns": columns}}


def test_columns_added_renamed_and_rolled_back(client, bucket, database):
    s3, glue, athena = client("s3"), client("glue"), client("athena")
    output = f"s3://{bucket}/athena/"
    put_parquet(s3, bucket, "curated/customers/day-1.parquet",
                pd.DataFrame({"customer_id": [1, 2], "name": ["Ada", "Linus"]}))
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "customers", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "parquet"},
        "StorageDescriptor": {"Columns": COLUMNS, "Location": f"s3://{bucket}/curated/customers/", **PARQUET_FORMAT}})

    put_parquet(s3, bucket, "curated/customers/day-2.parquet",
                pd.DataFrame({"customer_id": [3], "email": ["grace@example.com"], "name": ["Grace"]}))
    current = glue.get_table(DatabaseName=database, Name="customers")["Table"]
    glue.update_table(DatabaseName=database, TableInput=table_input(
        current, COLUMNS + [{"Name": "email", "Type": "string"}]))
    assert athena_rows(athena, "SELECT customer_id, name, email FROM customers ORDER BY customer_id",
                       database, output) == [["1", "Ada", None], ["2", "Linus", None],
                                             ["3", "Grace", "grace@example.com"]]

    athena_execution(athena, "ALTER TABLE customers ADD COLUMNS (segment string COMMENT 'from the CRM')",
                     database, output)
    columns = glue.get_table(DatabaseName=database, Name="customers")["Table"]["StorageDescriptor"]["Columns"]
    assert [(c["Name"], c.get("Comment")) for c in columns] == [
        ("customer_id", None), ("name", None), ("email", None), ("segment", "from the CRM")]
    assert athena_rows(athena, "SELECT count(*), count(segment), count(email) FROM customers",
                       database, output) == [["3", "0", "1"]]

    good = glue.get_table(DatabaseName=database, Name="customers")["Table"]
    renamed = [{**c, "Name": "full_name"} if c["Name"] == "name" else c for c in columns]
    glue.update_table(DatabaseName=database, TableInput=table_input(good, renamed))
    assert athena_rows(athena, "SELECT count(full_name) FROM customers", database, output) == [["0"]]
    saved = athena.start_query_execution(QueryString="SELECT name FROM customers", ResultConfiguration={
        "OutputLocation": output}, QueryExecutionContext={"Database": database})["QueryExecutionId"]
    status = athena.get_query_execution(QueryExecutionId=saved)["QueryExecution"]["Status"]
    assert (status["State"], status["StateChangeReason"]) == ("FAILED", (
        "COLUMN_NOT_FOUND: line 1:8: Column 'name' cannot be resolved or requester is not authorized to access "
        "requested resources"))

    versions = glue.get_table_versions(DatabaseName=database, TableName="customers")["TableVersions"]
    assert sorted(int(v["VersionId"]) for v in versions) == [0, 1, 2, 3]
    before = next(v for v in versions if v["VersionId"] == "2")["Table"]
    assert [c["Name"] for c in before["StorageDescriptor"]["Columns"]] == ["customer_id", "name", "email", "segment"]
    glue.update_table(DatabaseName=database, TableInput=table_input(before, before["StorageDescriptor"]["Columns"]))
    assert athena_rows(athena, "SELECT name FROM customers WHERE customer_id = 3", database, output) == [["Grace"]]

    latest = glue.get_table(DatabaseName=database, Name="customers")["Table"]
    glue.update_table(DatabaseName=database, SkipArchive=True, TableInput={
        **table_input(latest, latest["StorageDescriptor"]["Columns"]), "Description": "customers, one row each"})
    versions = glue.get_table_versions(DatabaseName=database, TableName="customers")["TableVersions"]
    assert sorted(int(v["VersionId"]) for v in versions) == [0, 1, 2, 3, 5]       # 4 was not archived
    glue.delete_table_version(DatabaseName=database, TableName="customers", VersionId="3")
    assert error_of(glue.get_table_version, DatabaseName=database, TableName="customers", VersionId="3")[0] == (
        "EntityNotFoundException")
    assert glue.get_table(DatabaseName=database, Name="customers")["Table"]["Description"] == "customers, one row each"
