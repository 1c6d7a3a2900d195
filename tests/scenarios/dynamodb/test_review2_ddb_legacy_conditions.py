"""Older code's legacy parameters (Expected, ScanFilter, AttributesToGet) and binary sets,
with the refusals DynamoDB words for them, as dynalite's suite recorded them against
DynamoDB: members of Expected that do not go together, IN and BETWEEN value lists of
two types or out of order, a repeated AttributesToGet name, a binary set with a
duplicate."""
import pytest
from ddb_helpers import error_of

KEY = {"pk": {"S": "job-1"}}


@pytest.fixture
def jobs(ddb, make_table):
    name = make_table()
    ddb.put_item(TableName=name, Item={**KEY, "state": {"S": "queued"}, "tries": {"N": "0"}})
    return name


def test_expected_guards_a_write(ddb, jobs):
    ddb.put_item(TableName=jobs, Item={**KEY, "state": {"S": "running"}, "tries": {"N": "1"}},
                 Expected={"state": {"ComparisonOperator": "IN", "AttributeValueList": [{"S": "queued"}, {"S": "new"}]},
                           "tries": {"Value": {"N": "0"}}})
    assert error_of(ddb.put_item, TableName=jobs, Item=KEY, Expected={"state": {"Value": {"S": "queued"}}}) == (
        "ConditionalCheckFailedException", "The conditional request failed")


@pytest.mark.parametrize("expected, message", [
    ({"state": {"Exists": True, "ComparisonOperator": "EQ", "AttributeValueList": [{"S": "queued"}]}},
     "One or more parameter values were invalid: Exists and ComparisonOperator cannot be used together for "
     "Attribute: state"),
    ({"state": {"ComparisonOperator": "LT"}},
     "One or more parameter values were invalid: Value or AttributeValueList must be used with ComparisonOperator: "
     "LT for Attribute: state"),
    ({"state": {"AttributeValueList": [{"S": "queued"}]}},
     "One or more parameter values were invalid: AttributeValueList can only be used with a ComparisonOperator for "
     "Attribute: state"),
    ({"state": {"Value": {"S": "queued"}, "ComparisonOperator": "EQ", "AttributeValueList": [{"S": "queued"}]}},
     "One or more parameter values were invalid: Value and AttributeValueList cannot be used together for "
     "Attribute: state"),
    ({"state": {"ComparisonOperator": "IN", "AttributeValueList": [{"S": "queued"}, {"N": "1"}]}},
     "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type"),
    ({"tries": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "5"}, {"N": "1"}]}},
     "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"),
])
def test_expected_members_that_do_not_go_together(ddb, jobs, expected, message):
    assert error_of(ddb.put_item, TableName=jobs, Item={**KEY, "state": {"S": "done"}}, Expected=expected) == (
        "ValidationException", message)
    assert ddb.get_item(TableName=jobs, Key=KEY)["Item"]["state"] == {"S": "queued"}


def test_scan_filter_between_out_of_order(ddb, jobs):
    assert error_of(ddb.scan, TableName=jobs, ScanFilter={
        "state": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"S": "z"}, {"S": "a"}]}}) == (
        "ValidationException", "The BETWEEN condition was provided a range where the lower bound is greater than the "
                               "upper bound")


def test_attributes_to_get_named_twice(ddb, jobs):
    assert error_of(ddb.get_item, TableName=jobs, Key=KEY, AttributesToGet=["state", "tries", "state"]) == (
        "ValidationException", "One or more parameter values were invalid: Duplicate value in attribute name: state")
    assert ddb.get_item(TableName=jobs, Key=KEY, AttributesToGet=["state", "tries"])["Item"] == {
        "state": {"S": "queued"}, "tries": {"N": "0"}}


def test_a_binary_set_with_a_duplicate(ddb, jobs):
    assert error_of(ddb.put_item, TableName=jobs, Item={**KEY, "blobs": {"BS": [b"b", b"b"]}}) == (
        "ValidationException", "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS "
                               "contains duplicates.")
