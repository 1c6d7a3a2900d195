"""A platform team evolves table schemas through the Glue API and keeps their history:
a column is added with UpdateTable (a new table version; the old one is still listed by
GetTableVersions), a change made with SkipArchive does not keep the version it replaces, an old version
is deleted; analysts find tables with GetTables' Expression (a regular expression on the
names) and SearchTables (text, and a filter on a parameter); Athena reads the new column
(NULL for the files written before it). Mistakes: updating a table that does not exist,
a version id that is not a number."""
from trip_helpers import PARQUET_FORMAT, athena_rows, error_of


def table_input(name, bucket, columns, **parameters):
    return {"Name": name, "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "csv", **parameters},
            "StorageDescriptor": {
                "Columns": [{"Name": n, "Type": t} for n, t in columns],
                "Location": f"s3://{bucket}/catalog/{name}/",
                "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                              "Parameters": {"field.delim": ","}}}}


def test_schema_versions_and_search(client, bucket, database):
    s3, glue, athena = client("s3"), client("glue"), client("athena")
    s3.put_object(Bucket=bucket, Key="catalog/customers/old.csv", Body=b"1,ana\n2,ben\n")
    glue.create_table(DatabaseName=database, TableInput=table_input(
        "customers", bucket, [("id", "int"), ("name", "string")], owner_team="crm"))
    glue.create_table(DatabaseName=database, TableInput=table_input(
        "customer_events", bucket, [("id", "int"), ("event", "string")], owner_team="crm"))
    glue.create_table(DatabaseName=database, TableInput=table_input(
        "invoices", bucket, [("id", "int"), ("total", "double")], owner_team="billing"))
    first = glue.get_table(DatabaseName=database, Name="customers")["Table"]["VersionId"]

    glue.update_table(DatabaseName=database, TableInput=table_input(
        "customers", bucket, [("id", "int"), ("name", "string"), ("country", "string")], owner_team="crm"))
    s3.put_object(Bucket=bucket, Key="catalog/customers/new.csv", Body=b"3,cy,PT\n")
    current = glue.get_table(DatabaseName=database, Name="customers")["Table"]
    assert current["VersionId"] != first
    assert [c["Name"] for c in current["StorageDescriptor"]["Columns"]] == ["id", "name", "country"]
    versions = glue.get_table_versions(DatabaseName=database, TableName="customers")["TableVersions"]
    assert sorted(v["VersionId"] for v in versions) == sorted([first, current["VersionId"]])
    old = next(v for v in versions if v["VersionId"] == first)
    assert [c["Name"] for c in old["Table"]["StorageDescriptor"]["Columns"]] == ["id", "name"]
    assert glue.get_table_version(DatabaseName=database, TableName="customers", VersionId=first)[
        "TableVersion"]["Table"]["StorageDescriptor"]["Columns"] == old["Table"]["StorageDescriptor"]["Columns"]

    glue.update_table(DatabaseName=database, SkipArchive=True, TableInput=table_input(
        "customers", bucket, [("id", "int"), ("name", "string"), ("country", "string")],
        owner_team="crm", comment="country added in May"))
    latest = glue.get_table(DatabaseName=database, Name="customers")["Table"]
    assert latest["Parameters"]["comment"] == "country added in May"
    listed = glue.get_table_versions(DatabaseName=database, TableName="customers")["TableVersions"]
    assert sorted(v["VersionId"] for v in listed) == sorted([first, latest["VersionId"]])   # the one before: not kept
    glue.delete_table_version(DatabaseName=database, TableName="customers", VersionId=first)
    assert [v["VersionId"] for v in glue.get_table_versions(DatabaseName=database, TableName="customers")[
        "TableVersions"]] == [latest["VersionId"]]

    output = f"s3://{bucket}/athena/"
    assert athena_rows(athena, "SELECT id, name, country FROM customers ORDER BY id", database, output) == [
        ["1", "ana", None], ["2", "ben", None], ["3", "cy", "PT"]]

    found = glue.get_tables(DatabaseName=database, Expression="customer.*")["TableList"]
    assert sorted(t["Name"] for t in found) == ["customer_events", "customers"]
    assert [t["Name"] for t in glue.get_tables(DatabaseName=database, Expression="inv*")["TableList"]] == ["invoices"]
    searched = glue.search_tables(SearchText="invoices", Filters=[{"Key": "DatabaseName", "Value": database}])
    assert [t["Name"] for t in searched["TableList"]] == ["invoices"]
    by_team = glue.search_tables(Filters=[{"Key": "DatabaseName", "Value": database},
                                          {"Key": "owner_team", "Value": "crm"}])
    assert sorted(t["Name"] for t in by_team["TableList"]) == ["customer_events", "customers"]

    assert error_of(glue.update_table, DatabaseName=database, TableInput=table_input(
        "suppliers", bucket, [("id", "int")])) == ("EntityNotFoundException", "Table suppliers not found.")
    code, _ = error_of(glue.get_table_version, DatabaseName=database, TableName="customers", VersionId="latest")
    assert code == "InvalidInputException"
