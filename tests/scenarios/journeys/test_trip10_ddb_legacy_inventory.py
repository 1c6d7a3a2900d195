"""A warehouse team keeps an inventory service written in 2014 against DynamoDB's legacy
parameters and migrates it to expressions one call at a time: stock moves through
AttributeUpdates (ADD to a number and to a set, DELETE from a set, PUT), writes are
guarded by Expected with ConditionalOperator, and the pick lists read with KeyConditions,
QueryFilter, ScanFilter and AttributesToGet. Half-migrated calls that put a legacy
parameter beside an expression are refused with both sides named in DynamoDB's order
(KeyConditions may stay beside a new FilterExpression), a ConditionalOperator left
behind with one condition is refused, a QueryFilter on the sort key is refused, and a
BEGINS_WITH given a number is refused (the API reference; replies a suite recorded
against DynamoDB)."""
from trip_helpers import client_table, error_of

MIXED = "Can not use both expression and non-expression parameters in the same request: "


def _cond(operator, *values):
    return {"ComparisonOperator": operator, "AttributeValueList": list(values)}


def test_legacy_inventory_service_migrates(client, table_name):
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("warehouse", "S"), ("sku", "S"))
    bolt = {"warehouse": {"S": "w1"}, "sku": {"S": "bolt-m4"}}
    received = ddb.update_item(TableName=table_name, Key=bolt, ReturnValues="ALL_NEW", AttributeUpdates={
        "qty": {"Action": "ADD", "Value": {"N": "40"}}, "bins": {"Action": "ADD", "Value": {"SS": ["a1", "a2"]}},
        "label": {"Action": "PUT", "Value": {"S": "Bolt M4"}}})
    assert received["Attributes"] == {**bolt, "qty": {"N": "40"}, "bins": {"SS": ["a1", "a2"]},
                                      "label": {"S": "Bolt M4"}}
    picked = ddb.update_item(TableName=table_name, Key=bolt, ReturnValues="UPDATED_NEW",
                             AttributeUpdates={"qty": {"Action": "ADD", "Value": {"N": "-15"}},
                                               "bins": {"Action": "DELETE", "Value": {"SS": ["a1", "zz"]}}},
                             Expected={"qty": _cond("GE", {"N": "15"}), "label": _cond("BEGINS_WITH", {"S": "Bolt"})},
                             ConditionalOperator="AND")
    assert picked["Attributes"] == {"qty": {"N": "25"}, "bins": {"SS": ["a2"]}}
    nut = {"warehouse": {"S": "w1"}, "sku": {"S": "nut-m4"}}
    ddb.put_item(TableName=table_name, Item={**nut, "qty": {"N": "7"}, "label": {"S": "Nut M4"}},
                 Expected={"sku": {"Exists": False}})
    assert error_of(ddb.put_item, TableName=table_name, Item={**nut, "qty": {"N": "0"}},
                    Expected={"qty": _cond("IN", {"N": "1"}, {"N": "2"}), "label": _cond("NULL")},
                    ConditionalOperator="OR") == ("ConditionalCheckFailedException", "The conditional request failed")

    low = ddb.query(TableName=table_name, KeyConditions={"warehouse": _cond("EQ", {"S": "w1"})},
                    QueryFilter={"qty": _cond("LT", {"N": "10"}), "label": _cond("CONTAINS", {"S": "Nut"})},
                    ConditionalOperator="OR", AttributesToGet=["sku", "qty"])
    assert (low["Items"], low["Count"], low["ScannedCount"]) == ([{"sku": {"S": "nut-m4"}, "qty": {"N": "7"}}], 1, 2)
    shelved = ddb.scan(TableName=table_name, ScanFilter={"bins": _cond("CONTAINS", {"S": "a2"})}, Select="COUNT")
    assert (shelved["Count"], shelved["ScannedCount"]) == (1, 2)

    # the migration, one call at a time
    half = ddb.query(TableName=table_name, KeyConditions={"warehouse": _cond("EQ", {"S": "w1"})},
                     FilterExpression="qty > :n", ProjectionExpression="sku", ExpressionAttributeValues={":n": {"N": "10"}})
    assert half["Items"] == [{"sku": {"S": "bolt-m4"}}]
    assert error_of(ddb.query, TableName=table_name, KeyConditionExpression="warehouse = :w",
                    QueryFilter={"qty": _cond("LT", {"N": "10"})}, AttributesToGet=["sku"],
                    ExpressionAttributeValues={":w": {"S": "w1"}}) == (
        "ValidationException", MIXED + "Non-expression parameters: {AttributesToGet, QueryFilter} "
                                       "Expression parameters: {KeyConditionExpression}")
    assert error_of(ddb.update_item, TableName=table_name, Key=bolt, UpdateExpression="ADD qty :n",
                    Expected={"qty": _cond("GE", {"N": "1"}), "label": _cond("NOT_NULL")}, ConditionalOperator="AND",
                    ExpressionAttributeValues={":n": {"N": "1"}}) == (
        "ValidationException", MIXED + "Non-expression parameters: {Expected, ConditionalOperator} "
                                       "Expression parameters: {UpdateExpression}")
    assert error_of(ddb.scan, TableName=table_name, ScanFilter={"qty": _cond("GT", {"N": "0"})},
                    ConditionalOperator="AND") == (
        "ValidationException", "ConditionalOperator can only be used when Filter or Expected has two or more elements")
    assert error_of(ddb.query, TableName=table_name, KeyConditions={"warehouse": _cond("EQ", {"S": "w1"})},
                    QueryFilter={"sku": _cond("BEGINS_WITH", {"S": "bolt"})}) == (
        "ValidationException", "QueryFilter can only contain non-primary key attributes: Primary key attribute: sku")
    assert error_of(ddb.scan, TableName=table_name, ScanFilter={"sku": _cond("BEGINS_WITH", {"N": "4"})}) == (
        "ValidationException",
        "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type")

    migrated = ddb.update_item(TableName=table_name, Key=bolt, UpdateExpression="ADD qty :n DELETE bins :b",
                               ConditionExpression="qty >= :min AND begins_with(label, :p)", ReturnValues="ALL_NEW",
                               ExpressionAttributeValues={":n": {"N": "-5"}, ":b": {"SS": ["a2"]}, ":min": {"N": "5"},
                                                          ":p": {"S": "Bolt"}})
    assert migrated["Attributes"] == {**bolt, "qty": {"N": "20"}, "label": {"S": "Bolt M4"}}
    listing = ddb.query(TableName=table_name, KeyConditionExpression="warehouse = :w",
                        ExpressionAttributeValues={":w": {"S": "w1"}}, ProjectionExpression="sku, qty")
    assert listing["Items"] == [{"sku": {"S": "bolt-m4"}, "qty": {"N": "20"}}, {"sku": {"S": "nut-m4"}, "qty": {"N": "7"}}]
