"""Single items: put, get, update and delete with every expression kind, every data type,
DynamoDB's number rules and item-size limit, ReturnValues, and the exact refusals."""
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr
from ddb_helpers import error_of

KEY = {"pk": {"S": "item-1"}}


@pytest.fixture
def table(make_table):
    return make_table()


def _put(ddb, table, **attributes):
    ddb.put_item(TableName=table, Item={**KEY, **attributes})


def _get(ddb, table, **args):
    return ddb.get_item(TableName=table, Key=KEY, **args).get("Item")


def test_every_type_round_trips(ddb, table):
    item = {**KEY, "s": {"S": "text"}, "n": {"N": "12.5"}, "b": {"B": b"\x00\xff"}, "t": {"BOOL": True},
            "z": {"NULL": True}, "l": {"L": [{"S": "a"}, {"N": "1"}]}, "m": {"M": {"x": {"SS": ["p", "q"]}}},
            "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": [b"a", b"b"]}}
    ddb.put_item(TableName=table, Item=item)
    assert _get(ddb, table, ConsistentRead=True) == item


@pytest.mark.parametrize("given, stored", [
    ("1.50", "1.5"), ("-0", "0"), ("1e2", "100"), ("0.000100", "0.0001"), ("+7", "7"),
    ("1E+125", "1" + "0" * 125), ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
])
def test_numbers_are_normalised(ddb, table, given, stored):
    _put(ddb, table, n={"N": given})
    assert _get(ddb, table)["n"] == {"N": stored}


@pytest.mark.parametrize("given, message", [
    ("123456789012345678901234567890123456789", "Attempting to store more than 38 significant digits in a Number"),
    ("1e126", "Number overflow. Attempting to store a number with magnitude larger than supported range"),
    ("1e-131", "Number underflow. Attempting to store a number with magnitude smaller than supported range"),
    ("abc", "A value provided cannot be converted into a number"),
])
def test_bad_numbers(ddb, table, given, message):
    assert error_of(ddb.put_item, TableName=table, Item={**KEY, "n": {"N": given}}) == ("ValidationException", message)
    assert _get(ddb, table) is None


@pytest.mark.parametrize("item, message", [
    ({"other": {"S": "x"}}, "One or more parameter values were invalid: Missing the key pk in the item"),
    ({"pk": {"N": "1"}}, "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"),
    ({"pk": {"S": ""}}, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
                        "contain an empty string value. Key: pk"),
    # an invalid value in the item is request validation (stackd data.json, calls 22 and 38)
    ({**KEY, "s": {"SS": []}}, "1 validation error detected: One or more parameter values were invalid: An string "
                               "set  may not be empty"),
    ({**KEY, "s": {"NS": ["1", "1.0"]}},
     "1 validation error detected: One or more parameter values were invalid: Input collection [1, 1] contains "
     "duplicates."),
    ({**KEY, "s": {"S": "a", "N": "1"}}, "Supplied AttributeValue has more than one datatypes set, must contain "
                                         "exactly one of the supported datatypes"),
    ({**KEY, "s": {"NULL": False}}, "1 validation error detected: One or more parameter values were invalid: Null "
                                    "attribute value types must have the value of true"),
])
def test_invalid_items(ddb, table, item, message):
    assert error_of(ddb.put_item, TableName=table, Item=item) == ("ValidationException", message)


def test_item_size_limit_counts_names_and_values(ddb, table):
    room = 400 * 1024 - len("pk") - len("item-1") - len("v")
    _put(ddb, table, v={"S": "x" * room})
    assert len(_get(ddb, table)["v"]["S"]) == room
    assert error_of(ddb.put_item, TableName=table, Item={**KEY, "v": {"S": "x" * (room + 1)}}) == (
        "ValidationException", "Item size has exceeded the maximum allowed size")


def test_missing_table(ddb):
    assert error_of(ddb.get_item, TableName="no-such-table", Key=KEY) == (
        "ResourceNotFoundException", "Requested resource not found")


def test_get_needs_exactly_the_key(ddb, table):
    assert error_of(ddb.get_item, TableName=table, Key={**KEY, "x": {"S": "y"}}) == (
        "ValidationException", "The provided key element does not match the schema")


def test_conditional_put_and_the_old_item_on_failure(ddb, table):
    _put(ddb, table, v={"N": "1"})
    code, message = error_of(ddb.put_item, TableName=table, Item={**KEY, "v": {"N": "2"}},
                             ConditionExpression="attribute_not_exists(pk)")
    assert (code, message) == ("ConditionalCheckFailedException", "The conditional request failed")
    try:
        ddb.put_item(TableName=table, Item={**KEY, "v": {"N": "2"}}, ConditionExpression="v = :two",
                     ExpressionAttributeValues={":two": {"N": "2"}}, ReturnValuesOnConditionCheckFailure="ALL_OLD")
    except ddb.exceptions.ConditionalCheckFailedException as failed:
        assert failed.response["Item"] == {**KEY, "v": {"N": "1"}}
    assert _get(ddb, table)["v"] == {"N": "1"}


def test_return_values_all_old(ddb, table):
    _put(ddb, table, v={"S": "old"})
    answer = ddb.put_item(TableName=table, Item={**KEY, "v": {"S": "new"}}, ReturnValues="ALL_OLD")
    assert answer["Attributes"] == {**KEY, "v": {"S": "old"}}
    assert ddb.delete_item(TableName=table, Key=KEY, ReturnValues="ALL_OLD")["Attributes"]["v"] == {"S": "new"}
    assert _get(ddb, table) is None


@pytest.mark.parametrize("condition, values, expected", [
    ("a BETWEEN :one AND :five", {":one": {"N": "1"}, ":five": {"N": "5"}}, True),
    ("a IN (:one, :five)", {":one": {"N": "1"}, ":five": {"N": "5"}}, False),
    ("begins_with(s, :p)", {":p": {"S": "hel"}}, True),
    ("contains(tags, :t)", {":t": {"S": "red"}}, True),
    ("contains(s, :t)", {":t": {"S": "llo"}}, True),
    ("size(tags) = :two", {":two": {"N": "2"}}, True),
    ("attribute_type(a, :n)", {":n": {"S": "N"}}, True),
    ("attribute_exists(m.nest[1])", None, True),
    ("m.nest[0] = :x", {":x": {"S": "x"}}, True),
    ("NOT (a > :five) AND (s <> :p OR a < :five)", {":five": {"N": "5"}, ":p": {"S": "hello"}}, True),
    ("absent <> :p", {":p": {"S": "hello"}}, True),
    ("absent = :p", {":p": {"S": "hello"}}, False),
    ("a < :s", {":s": {"S": "z"}}, False),
])
def test_condition_expressions(ddb, table, condition, values, expected):
    _put(ddb, table, a={"N": "3"}, s={"S": "hello"}, tags={"SS": ["red", "blue"]},
         m={"M": {"nest": {"L": [{"S": "x"}, {"S": "y"}]}}})
    args = {"ConditionExpression": condition}
    if values:
        args["ExpressionAttributeValues"] = values
    if expected:
        ddb.delete_item(TableName=table, Key=KEY, **args)
        assert _get(ddb, table) is None
    else:
        assert error_of(ddb.delete_item, TableName=table, Key=KEY, **args)[0] == "ConditionalCheckFailedException"


def test_update_expression_clauses(ddb, table):
    _put(ddb, table, n={"N": "10"}, l={"L": [{"S": "a"}]}, gone={"S": "x"}, tags={"SS": ["a", "b"]},
         labels={"SS": ["a", "b"]},
         m={"M": {"deep": {"N": "1"}}})
    answer = ddb.update_item(
        TableName=table, Key=KEY, ReturnValues="ALL_NEW",
        UpdateExpression="SET n = n - :one, l = list_append(l, :more), fresh = if_not_exists(fresh, :zero), "
                         "m.deep = m.deep + :one, #c = :zero REMOVE gone ADD tally :one, tags :c DELETE labels :a",
        ExpressionAttributeNames={"#c": "count"},
        ExpressionAttributeValues={":one": {"N": "1"}, ":more": {"L": [{"S": "b"}]}, ":zero": {"N": "0"},
                                   ":c": {"SS": ["c"]}, ":a": {"SS": ["a"]}})
    assert answer["Attributes"] == {
        **KEY, "n": {"N": "9"}, "l": {"L": [{"S": "a"}, {"S": "b"}]}, "fresh": {"N": "0"}, "count": {"N": "0"},
        "m": {"M": {"deep": {"N": "2"}}}, "tally": {"N": "1"}, "tags": {"SS": ["a", "b", "c"]},
        "labels": {"SS": ["b"]}}


def test_update_creates_a_missing_item_and_returns_updated_values(ddb, table):
    answer = ddb.update_item(TableName=table, Key=KEY, UpdateExpression="SET a = :v, b = :v",
                             ExpressionAttributeValues={":v": {"S": "x"}}, ReturnValues="UPDATED_NEW")
    assert answer["Attributes"] == {"a": {"S": "x"}, "b": {"S": "x"}}
    answer = ddb.update_item(TableName=table, Key=KEY, UpdateExpression="SET a = :w",
                             ExpressionAttributeValues={":w": {"S": "y"}}, ReturnValues="UPDATED_OLD")
    assert answer["Attributes"] == {"a": {"S": "x"}}


def test_numbers_keep_38_digits_through_arithmetic(ddb, table):
    _put(ddb, table, n={"N": "9999999999999999999999999999999999999"})
    answer = ddb.update_item(TableName=table, Key=KEY, UpdateExpression="ADD n :one",
                             ExpressionAttributeValues={":one": {"N": "1"}}, ReturnValues="UPDATED_NEW")
    assert answer["Attributes"]["n"] == {"N": "10000000000000000000000000000000000000"}


@pytest.mark.parametrize("update, names, values, message", [
    ("SET pk = :v", None, {":v": {"S": "x"}},
     "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"),
    ("SET a = :v, a.b = :v", None, {":v": {"S": "x"}},
     "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these "
     "paths; path one: [a], path two: [a, b]"),
    ("SET a = :v", None, {":v": {"S": "x"}, ":w": {"S": "y"}},
     "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"),
    ("SET a = :v", {"#n": "x"}, {":v": {"S": "x"}},
     "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}"),
    ("SET a = :nope", None, {":v": {"S": "x"}},
     "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: "
     ":nope"),
    ("SET #nope = :v", None, {":v": {"S": "x"}},
     "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute "
     "name: #nope"),
    ("SET status = :v", None, {":v": {"S": "x"}},
     "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status"),
    ("SET a = s + :v", None, {":v": {"N": "1"}}, "An operand in the update expression has an incorrect data type"),
    # A placeholder of the wrong type is refused before the item is read (recorded replies of
    # DynamoDB in public test suites: "operator or function: +, operand type: S").
    ("SET a = :n + :v", None, {":v": {"S": "x"}, ":n": {"N": "1"}},
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, "
     "operand type: S"),
    ("SET a = absent + :v", None, {":v": {"N": "1"}},
     "The provided expression refers to an attribute that does not exist in the item"),
    ("ADD a :v", None, {":v": {"S": "x"}},
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: "
     "STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"),
    ("SET a = :v SET b = :v", None, {":v": {"S": "x"}},
     'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;'),
    ("SET a = ", None, {":v": {"S": "x"}}, 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "="'),
])
def test_update_refusals_change_nothing(ddb, table, update, names, values, message):
    _put(ddb, table, s={"S": "text"})
    args = {"UpdateExpression": update, "ExpressionAttributeValues": values}
    if names:
        args["ExpressionAttributeNames"] = names
    assert error_of(ddb.update_item, TableName=table, Key=KEY, **args) == ("ValidationException", message)
    assert _get(ddb, table) == {**KEY, "s": {"S": "text"}}


def test_projection_expression(ddb, table):
    _put(ddb, table, a={"S": "x"}, m={"M": {"p": {"N": "1"}, "q": {"N": "2"}}}, l={"L": [{"N": "0"}, {"N": "1"},
                                                                                         {"N": "2"}]})
    item = _get(ddb, table, ProjectionExpression="m.q, l[2], l[0], #a", ExpressionAttributeNames={"#a": "a"})
    assert item == {"a": {"S": "x"}, "m": {"M": {"q": {"N": "2"}}}, "l": {"L": [{"N": "0"}, {"N": "2"}]}}
    assert _get(ddb, table, AttributesToGet=["a"]) == {"a": {"S": "x"}}


def test_legacy_expected_and_attribute_updates(ddb, table):
    _put(ddb, table, v={"N": "1"})
    ddb.update_item(TableName=table, Key=KEY, Expected={"v": {"Value": {"N": "1"}}},
                    AttributeUpdates={"v": {"Action": "ADD", "Value": {"N": "4"}}, "w": {"Value": {"S": "x"}}})
    assert _get(ddb, table) == {**KEY, "v": {"N": "5"}, "w": {"S": "x"}}
    assert error_of(ddb.put_item, TableName=table, Item=KEY, Expected={"v": {"Exists": False}})[0] == \
        "ConditionalCheckFailedException"
    assert error_of(ddb.put_item, TableName=table, Item=KEY, Expected={"v": {"Exists": False}},
                    ConditionExpression="attribute_exists(v)") == (
        "ValidationException", "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}")


def test_resource_api_with_python_types(resource, table):
    items = resource.Table(table)
    items.put_item(Item={"pk": "r1", "price": Decimal("19.99"), "tags": {"a", "b"}, "raw": b"\x01"})
    items.update_item(Key={"pk": "r1"}, UpdateExpression="SET price = :p",
                      ConditionExpression=Attr("price").gt(10), ExpressionAttributeValues={":p": Decimal("9.5")})
    got = items.get_item(Key={"pk": "r1"})["Item"]
    assert got["price"] == Decimal("9.5") and got["tags"] == {"a", "b"} and got["raw"].value == b"\x01"


def test_consumed_capacity_of_single_item_operations(ddb, table):
    room = 1024 - len("pk") - len("item-1") - len("v")
    answer = ddb.put_item(TableName=table, Item={**KEY, "v": {"S": "x" * room}}, ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"]["CapacityUnits"] == 1.0
    answer = ddb.put_item(TableName=table, Item={**KEY, "v": {"S": "x" * (room + 1)}}, ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"]["CapacityUnits"] == 2.0
    answer = ddb.put_item(TableName=table, Item=KEY, ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"]["CapacityUnits"] == 2.0       # the larger of old and new
    read = ddb.get_item(TableName=table, Key=KEY, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    assert read["CapacityUnits"] == 0.5
    read = ddb.get_item(TableName=table, Key={"pk": {"S": "none"}}, ConsistentRead=True,
                        ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    assert read["CapacityUnits"] == 1.0
    assert ddb.delete_item(TableName=table, Key={"pk": {"S": "none"}},
                           ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]["CapacityUnits"] == 1.0
