"""Table names that are neither a valid name nor an ARN: botocore's model now types
TableName as a name or an ARN (1-1024 characters), so the client sends them and DynamoDB
refuses them itself. Words from recorded replies of the service (a two-character name
given to CreateTable on live DynamoDB; 'abc;' to CreateTable, and a name with spaces to
PutItem)."""
import pytest
from ddb_helpers import definitions, error_of, key_schema

LENGTH = "TableName must be at least 3 characters long and at most 255 characters long"


def _pattern(name):
    return (f"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")


@pytest.mark.parametrize("name, message", [
    ("ab", LENGTH), ("t" * 256, LENGTH), ("abc;", _pattern("abc;")), ("my table", _pattern("my table")),
])
def test_create_table_refuses_a_bad_name(ddb, name, message):
    assert error_of(ddb.create_table, TableName=name, KeySchema=key_schema("pk"),
                    AttributeDefinitions=definitions(pk="S"), BillingMode="PAY_PER_REQUEST") == (
        "ValidationException", message)
    assert name not in ddb.list_tables()["TableNames"]


def test_item_and_table_operations_refuse_a_bad_name(ddb):
    assert error_of(ddb.put_item, TableName="bad table!@#", Item={"pk": {"S": "x"}}) == (
        "ValidationException", _pattern("bad table!@#"))
    assert error_of(ddb.describe_table, TableName="ab") == ("ValidationException", LENGTH)
    assert error_of(ddb.delete_table, TableName="abc;") == ("ValidationException", _pattern("abc;"))


def test_a_good_name_of_255_characters_and_every_allowed_character(ddb, make_table):
    name = ("Az09_.-" * 37)[:255]
    ddb.create_table(TableName=name, KeySchema=key_schema("pk"), AttributeDefinitions=definitions(pk="S"),
                     BillingMode="PAY_PER_REQUEST")
    try:
        ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        ddb.put_item(TableName=name, Item={"pk": {"S": "x"}})
        assert ddb.get_item(TableName=name, Key={"pk": {"S": "x"}})["Item"] == {"pk": {"S": "x"}}
    finally:
        ddb.delete_table(TableName=name)
