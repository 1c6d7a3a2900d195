"""A Query written with the legacy KeyConditions parameter, as older code still sends it
through boto3's client: the operators a key can serve work; the others (NULL, NOT_NULL,
NE, CONTAINS, NOT_CONTAINS, IN) are refused in the words DynamoDB uses for KeyConditions
(recorded by dynalite's suite run against DynamoDB), not those of KeyConditionExpression,
which such a caller never sent."""
import pytest
from ddb_helpers import error_of


@pytest.fixture
def readings(ddb, make_table):
    name = make_table(hash=("sensor", "S"), range=("at", "N"))
    for at in range(5):
        ddb.put_item(TableName=name, Item={"sensor": {"S": "t1"}, "at": {"N": str(at)}, "c": {"N": str(20 + at)}})
    return name


def _equals(value):
    return {"ComparisonOperator": "EQ", "AttributeValueList": [value]}


def test_key_conditions_that_a_key_serves(ddb, readings):
    answer = ddb.query(TableName=readings, KeyConditions={
        "sensor": _equals({"S": "t1"}),
        "at": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "3"}]}},
        QueryFilter={"c": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "22"}]}})
    assert [item["at"]["N"] for item in answer["Items"]] == ["2", "3"]
    assert (answer["Count"], answer["ScannedCount"]) == (2, 3)


@pytest.mark.parametrize("condition", [
    {"ComparisonOperator": "NOT_NULL"},
    {"ComparisonOperator": "NE", "AttributeValueList": [{"N": "1"}]},
    {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}, {"N": "2"}]},
    {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"N": "1"}]},
])
def test_operators_no_key_serves(ddb, readings, condition):
    assert error_of(ddb.query, TableName=readings, KeyConditions={"sensor": _equals({"S": "t1"}), "at": condition}) == (
        "ValidationException", "Attempted conditional constraint is not an indexable operation")


def test_the_partition_key_must_still_be_named(ddb, readings):
    assert error_of(ddb.query, TableName=readings, KeyConditions={"at": _equals({"N": "1"})}) == (
        "ValidationException", "Query condition missed key schema element: sensor")
    assert error_of(ddb.query, TableName=readings, KeyConditions={
        "sensor": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "t"}]}}) == (
        "ValidationException", "Query key condition not supported")
