"""A single-table design as an order service keeps it: customers, their orders and the
orders' lines share one table (`PK`/`SK` strings with type prefixes), an inverted GSI
(`GSI1PK`/`GSI1SK`) finds orders by status and date, a sparse GSI lists only the
orders flagged for review, and an LSI orders a customer's items by amount. The service
reads it with Query (begins_with and between on the sort key, newest first, a filter, a
projection, and pages of a few items followed by LastEvaluatedKey), and hits the
mistakes everyone makes once: a reserved word in a projection, a key condition on a
non-key attribute, a filter on a key attribute, an index that is not there."""
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key

from trip_helpers import error_of


@pytest.fixture
def shop(resource, table_name):
    string = "S"
    table = resource("dynamodb").create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": name, "AttributeType": kind} for name, kind in
                              [("PK", string), ("SK", string), ("GSI1PK", string), ("GSI1SK", string),
                               ("review", string), ("amount", "N")]],
        GlobalSecondaryIndexes=[
            {"IndexName": "GSI1", "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": "GSI1PK", "KeyType": "HASH"},
                           {"AttributeName": "GSI1SK", "KeyType": "RANGE"}]},
            {"IndexName": "to_review", "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]},
             "KeySchema": [{"AttributeName": "review", "KeyType": "HASH"}]}],
        LocalSecondaryIndexes=[
            {"IndexName": "by_amount", "Projection": {"ProjectionType": "KEYS_ONLY"},
             "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"},
                           {"AttributeName": "amount", "KeyType": "RANGE"}]}])
    table.wait_until_exists()
    with table.batch_writer() as batch:
        for customer in ("alice", "bob"):
            batch.put_item(Item={"PK": f"CUSTOMER#{customer}", "SK": "PROFILE", "name": customer.title(),
                                 "email": f"{customer}@example.com"})
        orders = [("alice", "2024-03-01", "SHIPPED", 120), ("alice", "2024-03-05", "PENDING", 35),
                  ("alice", "2024-04-11", "SHIPPED", 990), ("bob", "2024-03-02", "PENDING", 18),
                  ("bob", "2024-03-20", "CANCELLED", 64), ("alice", "2024-05-30", "PENDING", 5)]
        for n, (customer, day, status, total) in enumerate(orders, start=1):
            order = {"PK": f"CUSTOMER#{customer}", "SK": f"ORDER#{day}#{n:04d}", "status": status,
                     "total": Decimal(total), "amount": Decimal(total), "GSI1PK": f"STATUS#{status}",
                     "GSI1SK": f"{day}#{n:04d}", "customer": customer}
            if total >= 500:
                order["review"] = "YES"
            batch.put_item(Item=order)
            batch.put_item(Item={"PK": f"ORDER#{n:04d}", "SK": "LINE#1", "sku": "tea", "qty": Decimal(n)})
    return table


def test_access_patterns(shop):
    profile = shop.get_item(Key={"PK": "CUSTOMER#alice", "SK": "PROFILE"},
                            ProjectionExpression="#n, email", ExpressionAttributeNames={"#n": "name"})["Item"]
    assert profile == {"name": "Alice", "email": "alice@example.com"}

    march = shop.query(KeyConditionExpression=Key("PK").eq("CUSTOMER#alice")
                       & Key("SK").between("ORDER#2024-03-01", "ORDER#2024-03-31~"))
    assert [o["total"] for o in march["Items"]] == [120, 35]
    newest = shop.query(KeyConditionExpression=Key("PK").eq("CUSTOMER#alice") & Key("SK").begins_with("ORDER#"),
                        ScanIndexForward=False, Limit=1)
    assert newest["Items"][0]["SK"] == "ORDER#2024-05-30#0006" and newest["Count"] == 1
    assert newest["LastEvaluatedKey"] == {"PK": "CUSTOMER#alice", "SK": "ORDER#2024-05-30#0006"}

    pending = shop.query(IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq("STATUS#PENDING")
                         & Key("GSI1SK").begins_with("2024-03"),
                         ProjectionExpression="customer, #t", ExpressionAttributeNames={"#t": "total"})
    assert pending["Items"] == [{"customer": "bob", "total": 18}, {"customer": "alice", "total": 35}]

    big_spenders = shop.query(KeyConditionExpression=Key("PK").eq("CUSTOMER#alice") & Key("SK").begins_with("ORDER#"),
                              FilterExpression=Attr("total").gt(100))
    assert (big_spenders["Count"], big_spenders["ScannedCount"]) == (2, 4)

    flagged = shop.scan(IndexName="to_review")["Items"]
    assert flagged == [{"review": "YES", "PK": "CUSTOMER#alice", "SK": "ORDER#2024-04-11#0003", "total": 990}]

    by_amount = shop.query(IndexName="by_amount", KeyConditionExpression=Key("PK").eq("CUSTOMER#alice")
                           & Key("amount").lt(100))
    assert by_amount["Items"] == [
        {"PK": "CUSTOMER#alice", "SK": "ORDER#2024-05-30#0006", "amount": 5},
        {"PK": "CUSTOMER#alice", "SK": "ORDER#2024-03-05#0002", "amount": 35}]


def test_paging_a_customers_orders(shop):
    pages, start = [], {}
    while True:
        page = shop.query(KeyConditionExpression=Key("PK").eq("CUSTOMER#alice") & Key("SK").begins_with("ORDER#"),
                          Limit=3, **start)
        pages.append([o["SK"][6:16] for o in page["Items"]])
        if "LastEvaluatedKey" not in page:
            break
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
    assert pages == [["2024-03-01", "2024-03-05", "2024-04-11"], ["2024-05-30"]]

    paginator = shop.meta.client.get_paginator("query")
    counted = [page["Count"] for page in paginator.paginate(
        TableName=shop.name, IndexName="GSI1", KeyConditionExpression="GSI1PK = :s",
        ExpressionAttributeValues={":s": "STATUS#PENDING"}, PaginationConfig={"PageSize": 2})]
    assert sum(counted) == 3 and counted[0] == 2


def test_the_mistakes(shop):
    alice = Key("PK").eq("CUSTOMER#alice")
    code, message = error_of(shop.query, KeyConditionExpression=alice, ProjectionExpression="name, email")
    assert (code, message) == ("ValidationException", "Invalid ProjectionExpression: Attribute name is a reserved "
                                                      "keyword; reserved keyword: name")
    code, message = error_of(shop.query, KeyConditionExpression=alice & Key("status").eq("PENDING"))
    assert (code, message) == ("ValidationException", "Query key condition not supported")
    code, message = error_of(shop.query, KeyConditionExpression=alice, FilterExpression=Attr("SK").begins_with("O"))
    assert code == "ValidationException"
    assert message == ("Filter Expression can only contain non-primary key attributes: "
                       "Primary key attribute: SK")
    code, message = error_of(shop.query, IndexName="GSI9", KeyConditionExpression=alice)
    assert (code, message) == ("ValidationException", "The table does not have the specified index: GSI9")
    code, message = error_of(shop.query, KeyConditionExpression=Key("PK").begins_with("CUSTOMER#"))
    assert (code, message) == ("ValidationException", "Query key condition not supported")
    code, message = error_of(shop.get_item, Key={"PK": "CUSTOMER#alice"})
    assert (code, message) == ("ValidationException", "The provided key element does not match the schema")
    code, message = error_of(shop.query, IndexName="to_review", KeyConditionExpression=Key("review").eq("YES"),
                             ConsistentRead=True)
    assert (code, message) == ("ValidationException", "Consistent reads are not supported on global secondary indexes")
