"""Loading and serving a product catalog with DynamoDB's batch calls, the way a nightly
loader and an API do it: the loader writes through the boto3 resource's batch_writer
(overwrite_by_pkeys drops a duplicate in the feed) into a table with a sort key, checks
the table through the resource (item count after a describe, status, key schema), the
API reads a cart's products in one BatchGetItem across two tables (a projection with
name placeholders, a consistent read) and pages a category with the Query paginator;
the loader's first drafts hit BatchWriteItem's and BatchGetItem's rules: duplicate keys
in one request, more than 25 writes or 100 reads, an unknown table, and a put and a
delete of the same item."""
import uuid
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Key

from trip_helpers import error_of, keyed_table


@pytest.fixture
def catalog(resource, table_name):
    table = resource("dynamodb").create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "category", "KeyType": "HASH"}, {"AttributeName": "sku", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "category", "AttributeType": "S"},
                              {"AttributeName": "sku", "AttributeType": "S"}])
    table.wait_until_exists()
    return table


@pytest.fixture
def prices(resource):
    name = f"prices-{uuid.uuid4().hex[:10]}"
    table = keyed_table(resource("dynamodb"), name, "sku")
    yield table
    table.delete()


def test_load_and_serve(client, resource, catalog, prices):
    feed = [{"category": ["tea", "mugs"][n % 2], "sku": f"SKU-{n:03d}", "name": f"Product {n}",
             "stock": Decimal(n), "tags": {"new"} if n % 5 == 0 else {"classic"}} for n in range(60)]
    feed.append(dict(feed[3], name="Product 3 (corrected)"))          # the feed repeats an item
    with catalog.batch_writer(overwrite_by_pkeys=["category", "sku"]) as batch:
        for product in feed:
            batch.put_item(Item=product)
    with prices.batch_writer() as batch:
        for n in range(0, 60, 3):
            batch.put_item(Item={"sku": f"SKU-{n:03d}", "price": Decimal(n) + Decimal("0.99")})

    client("dynamodb").describe_table(TableName=catalog.name)
    catalog.reload()
    assert (catalog.table_status, catalog.item_count) == ("ACTIVE", 60)
    assert catalog.key_schema == [{"AttributeName": "category", "KeyType": "HASH"},
                                  {"AttributeName": "sku", "KeyType": "RANGE"}]
    assert catalog.get_item(Key={"category": "mugs", "sku": "SKU-003"})["Item"]["name"] == "Product 3 (corrected)"

    ddb = resource("dynamodb")
    cart = ["SKU-000", "SKU-003", "SKU-006", "SKU-404"]
    got = ddb.batch_get_item(RequestItems={
        catalog.name: {"Keys": [{"category": ["tea", "mugs"][int(s[4:]) % 2], "sku": s} for s in cart],
                       "ProjectionExpression": "sku, #n, stock", "ExpressionAttributeNames": {"#n": "name"}},
        prices.name: {"Keys": [{"sku": s} for s in cart], "ConsistentRead": True}},
        ReturnConsumedCapacity="TOTAL")
    products = sorted(got["Responses"][catalog.name], key=lambda p: p["sku"])
    assert products == [{"sku": "SKU-000", "name": "Product 0", "stock": 0},
                        {"sku": "SKU-003", "name": "Product 3 (corrected)", "stock": 3},
                        {"sku": "SKU-006", "name": "Product 6", "stock": 6}]
    assert sorted((p["sku"], p["price"]) for p in got["Responses"][prices.name]) == [
        ("SKU-000", Decimal("0.99")), ("SKU-003", Decimal("3.99")), ("SKU-006", Decimal("6.99"))]
    assert got["UnprocessedKeys"] == {}
    assert sorted(c["TableName"] for c in got["ConsumedCapacity"]) == sorted([catalog.name, prices.name])

    pages = client("dynamodb").get_paginator("query").paginate(
        TableName=catalog.name, KeyConditionExpression="category = :c", ExpressionAttributeValues={":c": {"S": "tea"}},
        PaginationConfig={"PageSize": 7})
    counts = [page["Count"] for page in pages]
    assert sum(counts) == 30 and max(counts) == 7
    classic = catalog.query(KeyConditionExpression=Key("category").eq("tea") & Key("sku").begins_with("SKU-01"),
                            Select="COUNT")
    assert classic["Count"] == 5 and "Items" not in classic


def test_batch_rules(client, catalog, prices):
    ddb = client("dynamodb")

    def put(sku):
        return {"PutRequest": {"Item": {"category": {"S": "tea"}, "sku": {"S": sku}}}}

    assert error_of(ddb.batch_write_item, RequestItems={catalog.name: [put("A"), put("A")]}) == (
        "ValidationException", "Provided list of item keys contains duplicates")
    assert error_of(ddb.batch_write_item, RequestItems={catalog.name: [
        put("A"), {"DeleteRequest": {"Key": {"category": {"S": "tea"}, "sku": {"S": "A"}}}}]}) == (
        "ValidationException", "Provided list of item keys contains duplicates")
    code, message = error_of(ddb.batch_write_item, RequestItems={catalog.name: [put(f"S{n}") for n in range(26)]})
    assert code == "ValidationException"
    assert message.startswith("1 validation error detected: Value '{" + catalog.name + "=[")
    assert message.endswith("at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: "
                            "[Member must have length less than or equal to 25, Member must have length greater "
                            "than or equal to 1]")
    keys = [{"category": {"S": "tea"}, "sku": {"S": f"S{n}"}} for n in range(60)]
    assert error_of(ddb.batch_get_item, RequestItems={catalog.name: {"Keys": keys}, prices.name: {
        "Keys": [{"sku": {"S": f"S{n}"}} for n in range(41)]}}) == (
        "ValidationException", "Too many items requested for the BatchGetItem call")
    assert error_of(ddb.batch_write_item, RequestItems={"no-such-catalog": [put("A")]}) == (
        "ResourceNotFoundException", "Requested resource not found")
    assert error_of(ddb.batch_get_item, RequestItems={catalog.name: {"Keys": [{"category": {"S": "tea"}}]}}) == (
        "ValidationException", "The provided key element does not match the schema")
    assert ddb.scan(TableName=catalog.name, Select="COUNT")["Count"] == 0
