"""A platform engineer's bootstrap script sets up a team's catalog with boto3, and is run
again by CI on every deploy. The first run creates the database (LocationUri,
Parameters, Description) and its tables; a rerun meets AlreadyExistsException for each
and carries on, and a typo'd database name is EntityNotFoundException in Glue's words.
A later deploy replaces the database's definition with UpdateDatabase (what it leaves
out is gone). Decommissioning deletes the database, its tables with it: the same names
can be created again from nothing."""
import uuid

from trip_helpers import error_of


def events_table(bucket, name="Events"):
    return {"Name": name, "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "json"},
            "PartitionKeys": [{"Name": "dt", "Type": "string"}],
            "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "string"}, {"Name": "payload", "Type": "string"}],
                                  "Location": f"s3://{bucket}/events/",
                                  "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                                  "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                                  "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}}}


def test_bootstrap_rerun_update_and_decommission(client, bucket):
    glue = client("glue")
    name = f"Team_{uuid.uuid4().hex[:8]}"
    stored = name.lower()
    definition = {"Name": name, "Description": "Team analytics", "LocationUri": f"s3://{bucket}/warehouse/",
                  "Parameters": {"owner": "analytics", "cost-center": "42"}}
    glue.create_database(DatabaseInput=definition)
    try:
        database = glue.get_database(Name=name)["Database"]
        assert {k: database[k] for k in ("Name", "Description", "LocationUri", "Parameters")} == {
            "Name": stored, "Description": "Team analytics", "LocationUri": f"s3://{bucket}/warehouse/",
            "Parameters": {"owner": "analytics", "cost-center": "42"}}
        assert database["CreateTableDefaultPermissions"] == [{
            "Principal": {"DataLakePrincipalIdentifier": "IAM_ALLOWED_PRINCIPALS"}, "Permissions": ["ALL"]}]
        for table in ("Events", "Sessions"):
            glue.create_table(DatabaseName=name, TableInput=events_table(bucket, table))

        # CI reruns the script
        assert error_of(glue.create_database, DatabaseInput=definition) == (
            "AlreadyExistsException", "Database already exists.")
        assert error_of(glue.create_table, DatabaseName=name, TableInput=events_table(bucket)) == (
            "AlreadyExistsException", "Table already exists.")
        assert error_of(glue.create_table, DatabaseName=name + "x", TableInput=events_table(bucket)) == (
            "EntityNotFoundException", f"Database {name}x not found.")
        assert [t["Name"] for t in glue.get_tables(DatabaseName=stored)["TableList"]] == ["events", "sessions"]

        glue.update_database(Name=name, DatabaseInput={"Name": name, "Description": "Team analytics (gold)",
                                                       "Parameters": {"owner": "analytics", "tier": "gold"}})
        database = glue.get_database(Name=stored)["Database"]
        assert database["Description"] == "Team analytics (gold)"
        assert database["Parameters"] == {"owner": "analytics", "tier": "gold"}
        assert "LocationUri" not in database
        glue.create_partition(DatabaseName=name, TableName="events", PartitionInput={
            "Values": ["2024-07-01"], "StorageDescriptor": {"Location": f"s3://{bucket}/events/dt=2024-07-01/"}})
    finally:
        glue.delete_database(Name=name)

    assert error_of(glue.get_database, Name=stored) == ("EntityNotFoundException", f"Database {stored} not found.")
    assert error_of(glue.get_table, DatabaseName=stored, Name="events") == (
        "EntityNotFoundException", f"Database {stored} not found.")
    glue.create_database(DatabaseInput={"Name": name})
    try:
        assert glue.get_tables(DatabaseName=name)["TableList"] == []
        glue.create_table(DatabaseName=name, TableInput=events_table(bucket))
        table = glue.get_table(DatabaseName=name, Name="events")["Table"]
        assert table["VersionId"] == "0"
        assert glue.get_partitions(DatabaseName=name, TableName="events")["Partitions"] == []
        assert [v["VersionId"] for v in glue.get_table_versions(DatabaseName=name, TableName="events")[
            "TableVersions"]] == ["0"]
    finally:
        glue.delete_database(Name=name)
