"""A backend developer serves a shop's order history from one DynamoDB table through the
boto3 resource API: orders keyed by customer and an ISO-dated sort key. The account page
asks for one month (begins_with), a date range (between), everything before a day (<, <=)
and the latest first (ScanIndexForward=False); the "big orders" page filters on the total
with a Limit, so a page may hold fewer items than it read (Count vs ScannedCount) and
pages on until no LastEvaluatedKey; a badge asks only for a COUNT (and may not name
attributes then). Mistakes a developer makes on the way (a reversed BETWEEN, a filter on
the key, OR or a non-key attribute in a key condition, a number for a string key) are
refused with DynamoDB's words."""
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key

from trip_helpers import error_of


@pytest.fixture
def orders(resource, table_name):
    table = resource("dynamodb").create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "customer", "KeyType": "HASH"}, {"AttributeName": "placed", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "customer", "AttributeType": "S"},
                              {"AttributeName": "placed", "AttributeType": "S"}])
    table.wait_until_exists()
    with table.batch_writer() as batch:
        for n in range(1, 13):
            batch.put_item(Item={"customer": "c-ann", "placed": f"2024-{(n + 1) // 2:02}-{n:02}#o{n}",
                                 "total": Decimal(n * 25) / 2, "lines": n % 4 + 1})
        batch.put_item(Item={"customer": "c-bob", "placed": "2024-03-01#o99", "total": Decimal(900)})
    return table


def placed(page):
    return [item["placed"] for item in page["Items"]]


def test_order_history_pages(orders):
    march = orders.query(KeyConditionExpression=Key("customer").eq("c-ann") & Key("placed").begins_with("2024-03"))
    assert placed(march) == ["2024-03-05#o5", "2024-03-06#o6"]

    spring = orders.query(KeyConditionExpression=Key("customer").eq("c-ann") & Key("placed").between(
        "2024-02", "2024-04-08#o8"), ScanIndexForward=False)
    assert placed(spring) == ["2024-04-08#o8", "2024-04-07#o7", "2024-03-06#o6", "2024-03-05#o5",
                              "2024-02-04#o4", "2024-02-03#o3"]

    before = orders.query(KeyConditionExpression=Key("customer").eq("c-ann") & Key("placed").lt("2024-01-02#o2"))
    upto = orders.query(KeyConditionExpression=Key("customer").eq("c-ann") & Key("placed").lte("2024-01-02#o2"))
    after = orders.query(KeyConditionExpression=Key("customer").eq("c-ann") & Key("placed").gt("2024-06-11#o11"))
    assert (placed(before), placed(upto), placed(after)) == (
        ["2024-01-01#o1"], ["2024-01-01#o1", "2024-01-02#o2"], ["2024-06-12#o12"])

    pages, start = [], {}
    while True:
        page = orders.query(KeyConditionExpression=Key("customer").eq("c-ann"), FilterExpression=Attr("total").gte(100),
                            ScanIndexForward=False, Limit=5, **start)
        pages.append((placed(page), page["Count"], page["ScannedCount"], page.get("LastEvaluatedKey")))
        if "LastEvaluatedKey" not in page:
            break
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
    assert pages == [
        (["2024-06-12#o12", "2024-06-11#o11", "2024-05-10#o10", "2024-05-09#o9", "2024-04-08#o8"], 5, 5,
         {"customer": "c-ann", "placed": "2024-04-08#o8"}),
        ([], 0, 5, {"customer": "c-ann", "placed": "2024-02-03#o3"}),
        ([], 0, 2, None)]

    badge = orders.query(KeyConditionExpression=Key("customer").eq("c-ann"), Select="COUNT",
                         FilterExpression=Attr("lines").eq(4))
    assert (badge["Count"], badge["ScannedCount"], "Items" in badge) == (3, 12, False)

    assert error_of(orders.query, KeyConditionExpression=Key("customer").eq("c-ann"), Select="COUNT",
                    ProjectionExpression="placed") == (
        "ValidationException", "1 validation error detected: Cannot specify the ProjectionExpression when choosing "
                               "to get only the Count")
    assert error_of(orders.query, KeyConditionExpression=Key("customer").eq("c-ann") & Key("placed").between(
        "2024-05", "2024-02")) == (
        "ValidationException", "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be "
                               "greater than or equal to lower bound; lower bound operand: AttributeValue: "
                               "{S:2024-05}, upper bound operand: AttributeValue: {S:2024-02}")
    assert error_of(orders.query, KeyConditionExpression=Key("customer").eq("c-ann"),
                    FilterExpression=Attr("placed").begins_with("2024")) == (
        "ValidationException", "Filter Expression can only contain non-primary key attributes: "
                               "Primary key attribute: placed")
    client = orders.meta.client
    assert error_of(client.query, TableName=orders.name, KeyConditionExpression="customer = :c OR placed = :p",
                    ExpressionAttributeValues={":c": "c-ann", ":p": "x"}) == (
        "ValidationException", "Invalid operator used in KeyConditionExpression: OR")
    assert error_of(client.query, TableName=orders.name, KeyConditionExpression="customer = :c AND #t > :t",
                    ExpressionAttributeNames={"#t": "total"}, ExpressionAttributeValues={":c": "c-ann", ":t": 1}) == (
        "ValidationException", "Query key condition not supported")
    assert error_of(client.query, TableName=orders.name, KeyConditionExpression="customer = :c",
                    ExpressionAttributeValues={":c": 7}) == (
        "ValidationException", "One or more parameter values were invalid: Condition parameter type does not match "
                               "schema type")
