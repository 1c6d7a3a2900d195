"""Older code's legacy parameters (Expected, ScanFilter, AttributesToGet,
AttributeUpdates) and binary sets, with DynamoDB's behaviour and words for them as
dynalite's suite recorded them against DynamoDB: members of Expected that do not go
together, IN and BETWEEN value lists of two types or out of order, a repeated
AttributesToGet name, a binary set with a duplicate, AttributeUpdates' ADD appending to
a list and its type mismatches."""
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
    ({"state": {}}, "One or more parameter values were invalid: Value must be provided when Exists is null for "
                    "Attribute: state"),
    ({"state": {"Exists": True}}, "One or more parameter values were invalid: Value must be provided when Exists is "
                                  "true for Attribute: state"),
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
        "ValidationException", "1 validation error detected: One or more parameter values were invalid: Input "
                               "collection [Yg==, Yg==]of type BS contains duplicates.")


def test_attribute_updates_add_appends_to_a_list(ddb, jobs):
    answer = ddb.update_item(TableName=jobs, Key=KEY, ReturnValues="UPDATED_NEW", AttributeUpdates={
        "log": {"Action": "ADD", "Value": {"L": [{"S": "queued"}]}},
        "tries": {"Action": "ADD", "Value": {"N": "1"}},
        "labels": {"Action": "ADD", "Value": {"SS": ["urgent"]}}})
    assert answer["Attributes"] == {"log": {"L": [{"S": "queued"}]}, "tries": {"N": "1"},
                                    "labels": {"SS": ["urgent"]}}
    again = ddb.update_item(TableName=jobs, Key=KEY, ReturnValues="UPDATED_NEW", AttributeUpdates={
        "log": {"Action": "ADD", "Value": {"L": [{"S": "running"}, {"S": "queued"}]}}})
    assert again["Attributes"] == {"log": {"L": [{"S": "queued"}, {"S": "running"}, {"S": "queued"}]}}


@pytest.mark.parametrize("updates", [
    {"labels": {"Action": "DELETE", "Value": {"NS": ["1"]}}},
    {"state": {"Action": "ADD", "Value": {"SS": ["x"]}}},
    {"tries": {"Action": "ADD", "Value": {"NS": ["1"]}}},
    {"state": {"Action": "ADD", "Value": {"L": [{"S": "x"}]}}},
])
def test_attribute_updates_of_another_type(ddb, jobs, updates):
    ddb.update_item(TableName=jobs, Key=KEY, AttributeUpdates={"labels": {"Action": "PUT", "Value": {"SS": ["a"]}}})
    assert error_of(ddb.update_item, TableName=jobs, Key=KEY, AttributeUpdates=updates) == (
        "ValidationException", "Type mismatch for attribute to update")
    assert ddb.get_item(TableName=jobs, Key=KEY)["Item"] == {**KEY, "state": {"S": "queued"}, "tries": {"N": "0"},
                                                             "labels": {"SS": ["a"]}}
