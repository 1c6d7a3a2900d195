"""A user's everyday DynamoDB with boto3's resource API: Key/Attr conditions, Decimal
round trips, batch_writer, pagination of query and scan, optimistic locking with a
version attribute, and the errors such code meets."""
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError


@pytest.fixture
def orders(resource, make_table):
    return resource.Table(make_table(hash=("customer", "S"), range=("order_id", "N")))


def _update(expression, **values):
    """UpdateItem arguments for the key ("a", 1), with `:name` values given as name=value."""
    args = {"Key": {"customer": "a", "order_id": 1}, "UpdateExpression": expression}
    if values:
        args["ExpressionAttributeValues"] = {f":{name}": value for name, value in values.items()}
    return args


def _error(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_decimal_round_trip_and_nested_types(orders):
    item = {"customer": "ann", "order_id": Decimal(1), "total": Decimal("19.990"), "qty": 3,
            "tags": {"gift", "rush"}, "lines": [{"sku": "a", "price": Decimal("0.1")}, None, True],
            "blob": b"\x00\x01", "big": Decimal("12345678901234567890123456789012345678")}
    orders.put_item(Item=item)
    got = orders.get_item(Key={"customer": "ann", "order_id": 1})["Item"]
    assert got["total"] == Decimal("19.99")
    assert got["qty"] == Decimal(3)
    assert got["tags"] == {"gift", "rush"}
    assert got["lines"] == [{"sku": "a", "price": Decimal("0.1")}, None, True]
    assert got["blob"].value == b"\x00\x01"
    assert got["big"] == Decimal("12345678901234567890123456789012345678")


def test_float_is_refused_by_the_client_not_the_server(orders):
    with pytest.raises(TypeError):
        orders.put_item(Item={"customer": "ann", "order_id": 1, "total": 1.5})


def test_query_with_key_and_attr_conditions(orders):
    with orders.batch_writer() as batch:
        for n in range(1, 21):
            batch.put_item(Item={"customer": "bob", "order_id": n, "status": "open" if n % 2 else "shipped",
                                 "total": Decimal(n) * 10})
        batch.put_item(Item={"customer": "eve", "order_id": 1, "status": "open"})
    found = orders.query(KeyConditionExpression=Key("customer").eq("bob") & Key("order_id").between(5, 9),
                         FilterExpression=Attr("status").eq("open"))
    assert [i["order_id"] for i in found["Items"]] == [5, 7, 9]
    assert (found["Count"], found["ScannedCount"]) == (3, 5)
    latest = orders.query(KeyConditionExpression=Key("customer").eq("bob"), ScanIndexForward=False, Limit=2)
    assert [i["order_id"] for i in latest["Items"]] == [20, 19]
    assert latest["LastEvaluatedKey"] == {"customer": "bob", "order_id": 19}
    big = orders.scan(FilterExpression=Attr("total").gte(150) & Attr("status").is_in(["shipped"]))
    assert sorted(i["order_id"] for i in big["Items"]) == [16, 18, 20]
    missing = orders.scan(FilterExpression=Attr("total").not_exists())
    assert [i["customer"] for i in missing["Items"]] == ["eve"]
    prefixed = orders.query(KeyConditionExpression=Key("customer").eq("bob") & Key("order_id").lt(3),
                            ProjectionExpression="order_id, #s", ExpressionAttributeNames={"#s": "status"})
    assert prefixed["Items"] == [{"order_id": 1, "status": "open"}, {"order_id": 2, "status": "shipped"}]


def test_paginating_a_query_with_exclusive_start_key(orders):
    with orders.batch_writer() as batch:
        for n in range(25):
            batch.put_item(Item={"customer": "pat", "order_id": n})
    seen, start = [], {}
    while True:
        page = orders.query(KeyConditionExpression=Key("customer").eq("pat"), Limit=10, **start)
        seen += [i["order_id"] for i in page["Items"]]
        if "LastEvaluatedKey" not in page:
            break
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
    assert seen == list(range(25))


def test_limit_equal_to_the_rest_still_gives_a_last_key_then_an_empty_page(orders):
    """DynamoDB stops at Limit and hands back LastEvaluatedKey, even when nothing is left:
    the next page is empty and has none."""
    for n in range(4):
        orders.put_item(Item={"customer": "kim", "order_id": n})
    first = orders.query(KeyConditionExpression=Key("customer").eq("kim"), Limit=4)
    assert first["Count"] == 4 and "LastEvaluatedKey" in first
    rest = orders.query(KeyConditionExpression=Key("customer").eq("kim"), Limit=4,
                        ExclusiveStartKey=first["LastEvaluatedKey"])
    assert rest["Items"] == [] and rest["Count"] == 0 and "LastEvaluatedKey" not in rest


def test_scan_paginator_of_the_client(ddb, orders):
    with orders.batch_writer() as batch:
        for n in range(30):
            batch.put_item(Item={"customer": f"c{n % 7}", "order_id": n})
    pages = ddb.get_paginator("scan").paginate(TableName=orders.name, PaginationConfig={"PageSize": 8})
    items = [i for page in pages for i in page["Items"]]
    assert len(items) == 30
    assert len({(i["customer"]["S"], i["order_id"]["N"]) for i in items}) == 30
    limited = ddb.get_paginator("scan").paginate(TableName=orders.name,
                                                  PaginationConfig={"MaxItems": 12, "PageSize": 5})
    result = limited.build_full_result()
    assert len(result["Items"]) == 12 and "NextToken" in result


def test_type_deserializer_reads_client_items(ddb, orders):
    orders.put_item(Item={"customer": "zed", "order_id": 7, "price": Decimal("-0.000001"), "nums": {1, 2}})
    raw = ddb.get_item(TableName=orders.name, Key={"customer": {"S": "zed"}, "order_id": {"N": "7"}})["Item"]
    assert raw["price"] == {"N": "-0.000001"}
    assert sorted(raw["nums"]["NS"]) == ["1", "2"]
    plain = {k: TypeDeserializer().deserialize(v) for k, v in raw.items()}
    assert plain == {"customer": "zed", "order_id": 7, "price": Decimal("-0.000001"), "nums": {1, 2}}
    assert TypeSerializer().serialize(plain["price"]) == {"N": "-0.000001"}


def test_optimistic_locking_with_a_version_attribute(orders):
    key = {"customer": "lock", "order_id": 1}
    orders.put_item(Item={**key, "version": 1, "state": "new"}, ConditionExpression=Attr("customer").not_exists())
    assert _error(orders.put_item, Item={**key, "version": 1},
                  ConditionExpression=Attr("customer").not_exists()) == (
        "ConditionalCheckFailedException", "The conditional request failed")
    seen = orders.get_item(Key=key, ConsistentRead=True)["Item"]["version"]
    orders.update_item(Key=key, UpdateExpression="SET #s = :s, version = version + :one",
                       ConditionExpression=Attr("version").eq(seen),
                       ExpressionAttributeNames={"#s": "state"}, ExpressionAttributeValues={":s": "paid", ":one": 1})
    with pytest.raises(ClientError) as stale:
        orders.update_item(Key=key, UpdateExpression="SET #s = :s, version = version + :one",
                           ConditionExpression=Attr("version").eq(seen),
                           ExpressionAttributeNames={"#s": "state"},
                           ExpressionAttributeValues={":s": "void", ":one": 1},
                           ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert stale.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert stale.value.response["Item"]["version"] == {"N": "2"}
    assert orders.get_item(Key=key)["Item"] == {**key, "version": 2, "state": "paid"}


def test_update_item_return_values(orders):
    key = {"customer": "rv", "order_id": 1}
    created = orders.update_item(Key=key, UpdateExpression="SET visits = if_not_exists(visits, :zero) + :one, "
                                 "history = list_append(if_not_exists(history, :empty), :h)",
                                 ExpressionAttributeValues={":zero": 0, ":one": 1, ":empty": [], ":h": ["a"]},
                                 ReturnValues="ALL_NEW")
    assert created["Attributes"] == {**key, "visits": 1, "history": ["a"]}
    changed = orders.update_item(Key=key, UpdateExpression="ADD visits :one, labels :l REMOVE history",
                                 ExpressionAttributeValues={":one": 1, ":l": {"x", "y"}},
                                 ReturnValues="UPDATED_OLD")
    assert changed["Attributes"] == {"visits": 1, "history": ["a"]}
    new = orders.update_item(Key=key, UpdateExpression="DELETE labels :x", ExpressionAttributeValues={":x": {"x"}},
                             ReturnValues="UPDATED_NEW")
    assert new["Attributes"] == {"labels": {"y"}}
    gone = orders.update_item(Key=key, UpdateExpression="DELETE labels :y", ExpressionAttributeValues={":y": {"y"}},
                              ReturnValues="ALL_NEW")
    assert gone["Attributes"] == {**key, "visits": 2}
    none = orders.update_item(Key=key, UpdateExpression="SET visits = :v", ExpressionAttributeValues={":v": 5})
    assert "Attributes" not in none


def test_delete_item_with_condition_and_return_values(orders):
    key = {"customer": "del", "order_id": 1}
    orders.put_item(Item={**key, "state": "open"})
    assert _error(orders.delete_item, Key=key, ConditionExpression=Attr("state").eq("closed")) == (
        "ConditionalCheckFailedException", "The conditional request failed")
    assert orders.delete_item(Key=key, ReturnValues="ALL_OLD")["Attributes"] == {**key, "state": "open"}
    assert "Attributes" not in orders.delete_item(Key=key, ReturnValues="ALL_OLD")


@pytest.mark.parametrize("call, kwargs, message", [
    ("get_item", {"Key": {"customer": "a"}}, "The provided key element does not match the schema"),
    ("get_item", {"Key": {"customer": "a", "order_id": "1"}}, "The provided key element does not match the schema"),
    ("get_item", {"Key": {"customer": "a", "order_id": 1, "x": 1}},
     "The provided key element does not match the schema"),
    ("put_item", {"Item": {"customer": "a"}},
     "One or more parameter values were invalid: Missing the key order_id in the item"),
    ("put_item", {"Item": {"customer": "a", "order_id": "1"}},
     "One or more parameter values were invalid: Type mismatch for key order_id expected: N actual: S"),
    ("put_item", {"Item": {"customer": "", "order_id": 1}},
     "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an "
     "empty string value. Key: customer"),
    ("update_item", _update("SET customer = :c", c="b"),
     "One or more parameter values were invalid: Cannot update attribute customer. This attribute is part of the key"),
    ("update_item", _update("SET a = :a"),
     "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :a"),
    ("update_item", _update("SET a = :a", a=1, b=2),
     "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}"),
    ("update_item", _update("SET name = :a", a=1),
     "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"),
    ("update_item", _update("SET a = :a REMOVE a", a=1),
     "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these "
     "paths; path one: [a], path two: [a]"),
    # DynamoDB's words for a wrong ADD/DELETE operand, as recorded in real replies
    ("update_item", _update("ADD tags :t", t="gift"),
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: "
     "STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"),
    ("update_item", _update("ADD meta :m", m={"a": 1}),
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: "
     "MAP, typeSet: ALLOWED_FOR_ADD_OPERAND"),
    ("update_item", _update("DELETE tags :t", t="gift"),
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: "
     "STRING, typeSet: ALLOWED_FOR_DELETE_OPERAND"),
    ("update_item", _update("SET calls = calls + :c", c=["x"]),
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, "
     "operand type: L"),
    # boto3 serializes an empty Python set as a number set
    ("put_item", {"Item": {"customer": "a", "order_id": 1, "s": set()}},
     "1 validation error detected: One or more parameter values were invalid: An number set  may not be empty"),
    ("query", {"KeyConditionExpression": Key("order_id").eq(1)},
     "Query condition missed key schema element: customer"),
    ("query", {"KeyConditionExpression": Key("customer").eq("a") & Key("order_id").begins_with(1)},
     "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: "
     "begins_with, operand type: N"),
    ("query", {"KeyConditionExpression": Key("customer").eq("a"), "IndexName": "nope"},
     "The table does not have the specified index: nope"),
])
def test_everyday_mistakes(orders, call, kwargs, message):
    assert _error(getattr(orders, call), **kwargs) == ("ValidationException", message)
    assert orders.scan()["Items"] == []


def test_missing_table_from_the_resource(resource):
    table = resource.Table("review-no-such-table")
    assert _error(table.get_item, Key={"k": "x"}) == ("ResourceNotFoundException", "Requested resource not found")
    assert _error(table.load) == ("ResourceNotFoundException",
                                  "Requested resource not found: Table: review-no-such-table not found")
