"""Databases and tables through boto3: create, read back, list, update with versions,
delete, tags, and Glue's errors (messages as Glue sends them: "Database x not found.",
"Table x not found.", "Database already exists.", "Table already exists.")."""
import json

import pytest
from botocore.exceptions import ClientError

from glue_helpers import parquet_table


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_database_round_trip(glue, database):
    glue.update_database(Name=database, DatabaseInput={"Name": database, "Description": "raw zone",
                                                       "LocationUri": "s3://lake/raw/",
                                                       "Parameters": {"owner": "data-eng"}})
    got = glue.get_database(Name=database.upper())["Database"]
    assert got["Name"] == database
    assert got["Description"] == "raw zone"
    assert got["LocationUri"] == "s3://lake/raw/"
    assert got["Parameters"] == {"owner": "data-eng"}
    assert got["CatalogId"] == "000000000000"
    assert got["CreateTableDefaultPermissions"] == [
        {"Principal": {"DataLakePrincipalIdentifier": "IAM_ALLOWED_PRINCIPALS"}, "Permissions": ["ALL"]}]
    names = [d["Name"] for page in glue.get_paginator("get_databases").paginate() for d in page["DatabaseList"]]
    assert database in names


def test_database_errors(glue, database):
    assert error_of(glue.create_database, DatabaseInput={"Name": database}) == (
        "AlreadyExistsException", "Database already exists.")
    assert error_of(glue.get_database, Name="no_such_db") == ("EntityNotFoundException",
                                                              "Database no_such_db not found.")
    assert error_of(glue.delete_database, Name="no_such_db")[0] == "EntityNotFoundException"
    assert error_of(glue.get_tables, DatabaseName="no_such_db") == ("EntityNotFoundException",
                                                                    "Database no_such_db not found.")


def test_table_lifecycle_with_versions(glue, database):
    glue.create_table(DatabaseName=database, TableInput=parquet_table("Events", [("id", "bigint")]))
    table = glue.get_table(DatabaseName=database, Name="events")["Table"]
    assert table["Name"] == "events"
    assert table["DatabaseName"] == database
    assert table["VersionId"] == "0"
    assert table["StorageDescriptor"]["Columns"] == [{"Name": "id", "Type": "bigint"}]
    assert table["PartitionKeys"] == []
    assert table["Retention"] == 0

    widened = parquet_table("events", [("id", "bigint"), ("kind", "string")])
    glue.update_table(DatabaseName=database, TableInput=widened)
    table = glue.get_table(DatabaseName=database, Name="events")["Table"]
    assert table["VersionId"] == "1"
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["id", "kind"]
    versions = glue.get_table_versions(DatabaseName=database, TableName="events")["TableVersions"]
    assert [v["VersionId"] for v in versions] == ["1", "0"]
    assert versions[1]["Table"]["StorageDescriptor"]["Columns"] == [{"Name": "id", "Type": "bigint"}]

    glue.delete_table_version(DatabaseName=database, TableName="events", VersionId="0")
    versions = glue.get_table_versions(DatabaseName=database, TableName="events")["TableVersions"]
    assert [v["VersionId"] for v in versions] == ["1"]

    glue.delete_table(DatabaseName=database, Name="events")
    assert error_of(glue.get_table, DatabaseName=database, Name="events") == (
        "EntityNotFoundException", "Entity Not Found")      # GetTable's words (recorded from Glue)


def test_table_errors(glue, database):
    glue.create_table(DatabaseName=database, TableInput=parquet_table("t", [("a", "int")]))
    assert error_of(glue.create_table, DatabaseName=database, TableInput=parquet_table("t", [("a", "int")])) == (
        "AlreadyExistsException", "Table already exists.")
    assert error_of(glue.create_table, DatabaseName="no_such_db", TableInput=parquet_table("t", [])) == (
        "EntityNotFoundException", "Database no_such_db not found.")
    assert error_of(glue.get_table, DatabaseName=database, Name="missing") == (
        "EntityNotFoundException", "Entity Not Found")
    assert error_of(glue.delete_table_version, DatabaseName=database, TableName="t", VersionId="7")[0] == \
        "EntityNotFoundException"


def test_get_tables_pattern_and_pages(glue, database):
    for name in ("sales_2023", "sales_2024", "users", "orders"):
        glue.create_table(DatabaseName=database, TableInput=parquet_table(name, [("a", "int")]))
    names = lambda **kw: [t["Name"] for t in glue.get_tables(DatabaseName=database, **kw)["TableList"]]
    assert names() == ["orders", "sales_2023", "sales_2024", "users"]
    assert names(Expression="sales*") == ["sales_2023", "sales_2024"]
    assert names(Expression="*ers") == ["orders", "users"]
    assert names(Expression="users|orders") == ["orders", "users"]
    first = glue.get_tables(DatabaseName=database, MaxResults=3)
    assert len(first["TableList"]) == 3
    rest = glue.get_tables(DatabaseName=database, MaxResults=3, NextToken=first["NextToken"])
    assert [t["Name"] for t in rest["TableList"]] == ["users"]
    assert "NextToken" not in rest


def test_batch_delete_table(glue, database):
    glue.create_table(DatabaseName=database, TableInput=parquet_table("a", []))
    glue.create_table(DatabaseName=database, TableInput=parquet_table("b", []))
    errors = glue.batch_delete_table(DatabaseName=database, TablesToDelete=["a", "nope"])["Errors"]
    assert errors == [{"TableName": "nope", "ErrorDetail": {"ErrorCode": "EntityNotFoundException",
                                                            "ErrorMessage": "Table nope not found"}}]
    assert [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]] == ["b"]


def test_deleting_a_database_deletes_its_tables(glue):
    glue.create_database(DatabaseInput={"Name": "short_lived"})
    glue.create_table(DatabaseName="short_lived", TableInput=parquet_table("t", []))
    glue.delete_database(Name="short_lived")
    glue.create_database(DatabaseInput={"Name": "short_lived"})
    assert glue.get_tables(DatabaseName="short_lived")["TableList"] == []
    glue.delete_database(Name="short_lived")


def test_tags(glue, database):
    arn = f"arn:aws:glue:us-east-1:000000000000:database/{database}"
    glue.tag_resource(ResourceArn=arn, TagsToAdd={"team": "data", "env": "dev"})
    glue.untag_resource(ResourceArn=arn, TagsToRemove=["env"])
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "data"}
    glue.create_database(DatabaseInput={"Name": f"{database}_tagged"}, Tags={"a": "1"})
    assert glue.get_tags(ResourceArn=arn + "_tagged")["Tags"] == {"a": "1"}
    glue.delete_database(Name=f"{database}_tagged")
    code, _ = error_of(glue.get_tags, ResourceArn="arn:aws:glue:us-east-1:000000000000:database/nope")
    assert code == "EntityNotFoundException"


@pytest.mark.local_only      # a second account's keys exist only on lakebox
def test_another_accounts_catalog_needs_its_policy(lakebox_server, glue, database):
    code, message = error_of(glue.get_database, CatalogId="111122223333", Name=database)
    assert code == "AccessDeniedException"
    assert "arn:aws:glue:us-east-1:111122223333:catalog" in message
    assert glue.get_database(CatalogId="000000000000", Name=database)["Database"]["Name"] == database

    owner = lakebox_server.client("glue", aws_access_key_id="111122223333", aws_secret_access_key="x")
    owner.create_database(DatabaseInput={"Name": "shared"})
    owner.create_table(DatabaseName="shared", TableInput=parquet_table("t", [("a", "int")]))
    owner.put_resource_policy(PolicyInJson=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
        "Action": ["glue:GetDatabase", "glue:GetTable"], "Resource": "*"}]}))
    try:
        assert glue.get_database(CatalogId="111122223333", Name="shared")["Database"]["CatalogId"] == "111122223333"
        assert glue.get_table(CatalogId="111122223333", DatabaseName="shared", Name="t")["Table"]["Name"] == "t"
        assert error_of(glue.get_tables, CatalogId="111122223333", DatabaseName="shared")[0] == \
            "AccessDeniedException"
        assert error_of(glue.get_database, Name="shared")[0] == "EntityNotFoundException"
    finally:
        owner.delete_resource_policy()
        owner.delete_database(Name="shared")


def test_get_tables_attributes_to_get(glue, database):
    glue.create_table(DatabaseName=database, TableInput=parquet_table("t", [("a", "int")]))
    listed = glue.get_tables(DatabaseName=database, AttributesToGet=["NAME", "TABLE_TYPE"])["TableList"]
    assert listed == [{"Name": "t", "TableType": "EXTERNAL_TABLE"}]


def test_update_table_needs_a_table_input(glue, database):
    code, _ = error_of(glue.update_table, DatabaseName=database)
    assert code == "InvalidInputException"
