"""A DynamoDB application with the boto3 resource: a table with a GSI loaded by
batch_writer, Key/Attr queries, paging, a conditional update that loses, a transaction
that moves stock, and a stream read with the dynamodbstreams client."""
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from trip_helpers import stream_records


@pytest.fixture
def orders(resource, table_name):
    ddb = resource("dynamodb")
    table = ddb.create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "customer", "KeyType": "HASH"},
                   {"AttributeName": "order_id", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "customer", "AttributeType": "S"},
                              {"AttributeName": "order_id", "AttributeType": "N"},
                              {"AttributeName": "status", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "by_status", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"},
                                               {"AttributeName": "order_id", "KeyType": "RANGE"}]}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    table.wait_until_exists()
    with table.batch_writer(overwrite_by_pkeys=["customer", "order_id"]) as batch:
        for n in range(1, 31):
            batch.put_item(Item={"customer": f"c{n % 3}", "order_id": n, "total": Decimal(f"{n}.25"),
                                 "status": "open" if n % 2 else "shipped", "tags": {"web"} if n % 5 else {"web", "promo"},
                                 "lines": [{"sku": f"s{n}", "qty": n % 4 + 1}]})
    return table


def test_query_with_key_and_attr_conditions(orders):
    found = orders.query(KeyConditionExpression=Key("customer").eq("c1") & Key("order_id").between(1, 10),
                         FilterExpression=Attr("status").eq("open") & Attr("total").gt(Decimal("2")))
    assert [item["order_id"] for item in found["Items"]] == [7]
    assert found["Count"] == 1 and found["ScannedCount"] == 4
    newest = orders.query(KeyConditionExpression=Key("customer").eq("c2"), ScanIndexForward=False, Limit=2,
                          ProjectionExpression="order_id, #s", ExpressionAttributeNames={"#s": "status"})
    assert newest["Items"] == [{"order_id": Decimal(29), "status": "open"},
                               {"order_id": Decimal(26), "status": "shipped"}]
    assert newest["LastEvaluatedKey"] == {"customer": "c2", "order_id": Decimal(26)}
    promo = orders.scan(FilterExpression=Attr("tags").contains("promo") & Attr("lines[0].qty").gte(2))
    assert sorted(item["order_id"] for item in promo["Items"]) == [5, 10, 15, 25, 30]
    begins = orders.query(KeyConditionExpression=Key("customer").eq("c0"),
                          FilterExpression=Attr("lines[0].sku").begins_with("s1"))
    assert [item["order_id"] for item in begins["Items"]] == [12, 15, 18]
    item = orders.get_item(Key={"customer": "c0", "order_id": 3})["Item"]
    assert item["total"] == Decimal("3.25") and item["tags"] == {"web"}
    assert item["lines"] == [{"sku": "s3", "qty": Decimal(4)}]


def test_gsi_query_and_paginators(orders):
    shipped = orders.query(IndexName="by_status", KeyConditionExpression=Key("status").eq("shipped")
                           & Key("order_id").lt(9))
    assert [item["order_id"] for item in shipped["Items"]] == [2, 4, 6, 8]
    client = orders.meta.client
    pages = list(client.get_paginator("query").paginate(
        TableName=orders.name, KeyConditionExpression="customer = :c",
        ExpressionAttributeValues={":c": "c1"}, PaginationConfig={"PageSize": 3}))
    ids = [int(item["order_id"]) for page in pages for item in page["Items"]]
    assert ids == [1, 4, 7, 10, 13, 16, 19, 22, 25, 28]
    assert len([page for page in pages if page["Items"]]) == 4
    scanned = [item for page in client.get_paginator("scan").paginate(
        TableName=orders.name, PaginationConfig={"PageSize": 7}) for item in page["Items"]]
    assert len(scanned) == 30
    counted = client.scan(TableName=orders.name, Select="COUNT", FilterExpression="attribute_exists(tags)")
    assert counted["Count"] == 30 and "Items" not in counted


def test_conditional_update_and_failure(orders):
    updated = orders.update_item(
        Key={"customer": "c1", "order_id": 1},
        UpdateExpression="SET #s = :new, #t = #t + :extra ADD tags :t REMOVE #l",
        ConditionExpression="#s = :old", ExpressionAttributeNames={"#s": "status", "#t": "total", "#l": "lines"},
        ExpressionAttributeValues={":new": "shipped", ":old": "open", ":extra": Decimal("0.75"), ":t": {"gift"}},
        ReturnValues="ALL_NEW")["Attributes"]
    assert updated["status"] == "shipped" and updated["total"] == Decimal("2")
    assert updated["tags"] == {"web", "gift"} and "lines" not in updated
    with pytest.raises(ClientError) as caught:
        orders.update_item(Key={"customer": "c1", "order_id": 1}, UpdateExpression="SET #s = :new",
                           ConditionExpression="#s = :old", ExpressionAttributeNames={"#s": "status"},
                           ExpressionAttributeValues={":new": "cancelled", ":old": "open"},
                           ReturnValuesOnConditionCheckFailure="ALL_OLD")
    error = caught.value.response
    assert error["Error"]["Code"] == "ConditionalCheckFailedException"
    assert error["Error"]["Message"] == "The conditional request failed"
    assert error["Item"]["status"] == {"S": "shipped"}
    assert isinstance(caught.value, orders.meta.client.exceptions.ConditionalCheckFailedException)
    with pytest.raises(orders.meta.client.exceptions.ConditionalCheckFailedException):
        orders.put_item(Item={"customer": "c1", "order_id": 1},
                        ConditionExpression=Attr("customer").not_exists())
    counter = orders.update_item(Key={"customer": "c9", "order_id": 0}, UpdateExpression="ADD visits :one",
                                 ExpressionAttributeValues={":one": 1}, ReturnValues="UPDATED_NEW")
    assert counter["Attributes"] == {"visits": Decimal(1)}
    orders.delete_item(Key={"customer": "c9", "order_id": 0}, ConditionExpression=Attr("visits").eq(1))
    assert "Item" not in orders.get_item(Key={"customer": "c9", "order_id": 0})


def test_transact_write_items(orders):
    client = orders.meta.client
    client.transact_write_items(TransactItems=[
        {"Update": {"TableName": orders.name, "Key": {"customer": "c0", "order_id": 3},
                    "UpdateExpression": "SET #s = :s", "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {":s": "paid"}}},
        {"Put": {"TableName": orders.name, "Item": {"customer": "c0", "order_id": 100, "status": "open"},
                 "ConditionExpression": "attribute_not_exists(order_id)"}},
        {"ConditionCheck": {"TableName": orders.name, "Key": {"customer": "c1", "order_id": 4},
                            "ConditionExpression": "attribute_exists(customer)"}},
    ])
    assert orders.get_item(Key={"customer": "c0", "order_id": 3})["Item"]["status"] == "paid"
    with pytest.raises(client.exceptions.TransactionCanceledException) as caught:
        client.transact_write_items(TransactItems=[
            {"Delete": {"TableName": orders.name, "Key": {"customer": "c0", "order_id": 3}}},
            {"Put": {"TableName": orders.name, "Item": {"customer": "c0", "order_id": 100},
                     "ConditionExpression": "attribute_not_exists(order_id)"}},
        ])
    response = caught.value.response
    assert [reason["Code"] for reason in response["CancellationReasons"]] == ["None", "ConditionalCheckFailed"]
    assert response["Error"]["Message"] == ("Transaction cancelled, please refer cancellation reasons for "
                                            "specific reasons [None, ConditionalCheckFailed]")
    assert "Item" in orders.get_item(Key={"customer": "c0", "order_id": 3})
    got = client.transact_get_items(TransactItems=[
        {"Get": {"TableName": orders.name, "Key": {"customer": "c0", "order_id": 100}}},
        {"Get": {"TableName": orders.name, "Key": {"customer": "c0", "order_id": 999}}}])
    assert [r.get("Item", {}).get("status") for r in got["Responses"]] == ["open", None]


def test_stream_reader_sees_changes(orders, client):
    orders.update_item(Key={"customer": "c0", "order_id": 3}, UpdateExpression="SET #t = :t",
                       ExpressionAttributeNames={"#t": "total"}, ExpressionAttributeValues={":t": Decimal("99")})
    orders.delete_item(Key={"customer": "c0", "order_id": 6})
    streams = client("dynamodbstreams")
    arn = orders.latest_stream_arn
    assert streams.list_streams(TableName=orders.name)["Streams"][0]["StreamArn"] == arn
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamViewType"] == "NEW_AND_OLD_IMAGES" and description["StreamStatus"] == "ENABLED"
    records = stream_records(streams, arn)
    events = [r["eventName"] for r in records]
    assert events.count("INSERT") == 30 and events[-2:] == ["MODIFY", "REMOVE"]
    modify, remove = records[-2]["dynamodb"], records[-1]["dynamodb"]
    assert modify["Keys"] == {"customer": {"S": "c0"}, "order_id": {"N": "3"}}
    assert modify["OldImage"]["total"] == {"N": "3.25"} and modify["NewImage"]["total"] == {"N": "99"}
    assert remove["OldImage"]["order_id"] == {"N": "6"} and "NewImage" not in remove
    assert all(r["eventSource"] == "aws:dynamodb" and r["awsRegion"] == "us-east-1" for r in records)
