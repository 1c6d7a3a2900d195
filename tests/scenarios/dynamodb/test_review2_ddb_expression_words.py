"""Expression mistakes and DynamoDB's exact words for them, as users meet them and as
AWS SDK error logs and tests run against DynamoDB quote them: values sent with no
expression to use them (the reply names the expressions that are missing), and BETWEEN
bounds given in the wrong order or of two types."""
import pytest
from boto3.dynamodb.conditions import Attr, Key
from ddb_helpers import error_of

VALUES = {":v": {"N": "1"}}
ALONE = "ExpressionAttributeValues can only be specified when using expressions: "


@pytest.fixture
def prices(ddb, make_table):
    name = make_table(range=("sku", "S"))
    ddb.put_item(TableName=name, Item={"pk": {"S": "shop"}, "sku": {"S": "a"}, "price": {"N": "10"}})
    return name


def test_values_without_a_condition(ddb, prices):
    key = {"pk": {"S": "shop"}, "sku": {"S": "a"}}
    assert error_of(ddb.put_item, TableName=prices, Item=key, ExpressionAttributeValues=VALUES) == (
        "ValidationException", ALONE + "ConditionExpression is null")
    assert error_of(ddb.delete_item, TableName=prices, Key=key, ExpressionAttributeValues=VALUES) == (
        "ValidationException", ALONE + "ConditionExpression is null")


def test_values_with_legacy_attribute_updates(ddb, prices):
    assert error_of(ddb.update_item, TableName=prices, Key={"pk": {"S": "shop"}, "sku": {"S": "a"}},
                    AttributeUpdates={"price": {"Action": "PUT", "Value": {"N": "12"}}},
                    ExpressionAttributeValues=VALUES) == (
        "ValidationException", ALONE + "UpdateExpression and ConditionExpression are null")
    assert ddb.get_item(TableName=prices, Key={"pk": {"S": "shop"}, "sku": {"S": "a"}})["Item"]["price"] == {"N": "10"}


def test_values_with_legacy_reads(ddb, prices):
    assert error_of(ddb.query, TableName=prices, ExpressionAttributeValues=VALUES, KeyConditions={
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "shop"}]}}) == (
        "ValidationException", ALONE + "FilterExpression and KeyConditionExpression are null")
    assert error_of(ddb.scan, TableName=prices, ExpressionAttributeValues=VALUES) == (
        "ValidationException", ALONE + "FilterExpression is null")


def test_names_without_an_expression(ddb, prices):
    assert error_of(ddb.scan, TableName=prices, ExpressionAttributeNames={"#p": "price"}) == (
        "ValidationException", "ExpressionAttributeNames can only be specified when using expressions")


def test_between_bounds_in_the_wrong_order(resource, prices):
    table = resource.Table(prices)
    assert error_of(table.scan, FilterExpression=Attr("price").between(100, 5)) == (
        "ValidationException", "Invalid FilterExpression: The BETWEEN operator requires upper bound to be greater "
                               "than or equal to lower bound; lower bound operand: AttributeValue: {N:100}, upper "
                               "bound operand: AttributeValue: {N:5}")
    assert error_of(table.query, KeyConditionExpression=Key("pk").eq("shop") & Key("sku").between("z", "a")) == (
        "ValidationException", "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be "
                               "greater than or equal to lower bound; lower bound operand: AttributeValue: {S:z}, "
                               "upper bound operand: AttributeValue: {S:a}")
    assert table.scan(FilterExpression=Attr("price").between(5, 100))["Count"] == 1


def test_between_bounds_of_two_types(resource, prices):
    assert error_of(resource.Table(prices).scan, FilterExpression=Attr("price").between(5, "100")) == (
        "ValidationException", "Invalid FilterExpression: The BETWEEN operator requires same data type for lower "
                               "and upper bounds; lower bound operand: AttributeValue: {N:5}, upper bound operand: "
                               "AttributeValue: {S:100}")


def test_paths_named_in_the_order_the_update_names_them(ddb, prices):
    key = {"pk": {"S": "shop"}, "sku": {"S": "a"}}
    assert error_of(ddb.update_item, TableName=prices, Key=key, UpdateExpression="REMOVE tags.promo SET tags[1] = :t",
                    ExpressionAttributeValues={":t": {"S": "sale"}}) == (
        "ValidationException", "Invalid UpdateExpression: Two document paths conflict with each other; must remove "
                               "or rewrite one of these paths; path one: [tags, promo], path two: [tags, [1]]")
    assert error_of(ddb.update_item, TableName=prices, Key=key, UpdateExpression="REMOVE stock SET stock.floor = :t",
                    ExpressionAttributeValues={":t": {"N": "1"}}) == (
        "ValidationException", "Invalid UpdateExpression: Two document paths overlap with each other; must remove "
                               "or rewrite one of these paths; path one: [stock], path two: [stock, floor]")


def _filter_error(ddb, table, expression, values=None):
    kwargs = {"ExpressionAttributeValues": values} if values else {}
    return error_of(ddb.scan, TableName=table, FilterExpression=expression, **kwargs)


def test_an_operand_compared_with_itself(ddb, prices):
    assert _filter_error(ddb, prices, "price = price") == (
        "ValidationException", "Invalid FilterExpression: The first operand must be distinct from the remaining "
                               "operands for this operator or function; operator: =, first operand: [price]")
    assert _filter_error(ddb, prices, "contains(tags[0].title, tags[0].title)") == (
        "ValidationException", "Invalid FilterExpression: The first operand must be distinct from the remaining "
                               "operands for this operator or function; operator: contains, first operand: "
                               "[tags, [0], title]")


def test_function_operands_of_the_wrong_type(ddb, prices):
    wrong = "Invalid FilterExpression: Incorrect operand type for operator or function; operator or function: "
    assert _filter_error(ddb, prices, "attribute_type(price, :t)", {":t": {"N": "1"}}) == (
        "ValidationException", wrong + "attribute_type, operand type: N")
    assert _filter_error(ddb, prices, "size(size(sku)) > :n", {":n": {"N": "1"}}) == (
        "ValidationException", wrong + "size, operand type: N")
    assert _filter_error(ddb, prices, "size(:b) > price", {":b": {"BOOL": True}}) == (
        "ValidationException", wrong + "size, operand type: BOOL")
    assert _filter_error(ddb, prices, "begins_with(:n, sku)", {":n": {"N": "1"}}) == (
        "ValidationException", wrong + "begins_with, operand type: N")

