"""Legacy ConditionalOperator and the refusal to mix legacy with expression parameters,
as Amazon DynamoDB answers them: ConditionalOperator needs Expected or a legacy filter
with two conditions or more, counts as a legacy parameter itself, and the refusal names
every parameter of each side in the order of the operation's input; KeyConditions counts
only beside a KeyConditionExpression. Facts: DynamoDB's validation catalogue
(COND_OP_WITHOUT_FILTER_OR_EXPECTED, COND_OP_WITH_ONE_ELEMENT) and a public suite's
replies recorded against Amazon DynamoDB."""
import pytest

from ddb_helpers import error_of

WITHOUT = "ConditionalOperator cannot be used without Filter or Expected"
ONE = "ConditionalOperator can only be used when Filter or Expected has two or more elements"
MIXED = "Can not use both expression and non-expression parameters in the same request: "


def _eq(value):
    return {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": value}]}


@pytest.fixture
def cards(ddb, make_table):
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "k1"}, "a": {"S": "x"}, "b": {"S": "y"}})
    return name


@pytest.mark.parametrize("call, args, message", [
    ("scan", {}, WITHOUT),
    ("scan", {"ScanFilter": {}}, WITHOUT),
    ("scan", {"AttributesToGet": ["a", "b"]}, WITHOUT),
    ("scan", {"ScanFilter": {"a": _eq("x")}}, ONE),
    ("query", {"KeyConditions": {"pk": _eq("k1")}}, WITHOUT),
    ("query", {}, WITHOUT),                        # before the missing key condition
    ("query", {"KeyConditions": {"pk": _eq("k1")}, "QueryFilter": {"a": _eq("x")}}, ONE),
    ("put_item", {"Item": {"pk": {"S": "k2"}}}, WITHOUT),
    ("put_item", {"Item": {"pk": {"S": "k2"}}, "Expected": {"a": _eq("x")}}, ONE),
    ("delete_item", {"Key": {"pk": {"S": "k1"}}}, WITHOUT),
    ("update_item", {"Key": {"pk": {"S": "k1"}},
                     "AttributeUpdates": {"a": {"Value": {"S": "v"}, "Action": "PUT"}}}, WITHOUT),
])
def test_conditional_operator_needs_two_conditions(ddb, cards, call, args, message):
    assert error_of(getattr(ddb, call), TableName=cards, ConditionalOperator="AND", **args) == (
        "ValidationException", message)
    assert ddb.scan(TableName=cards)["Count"] == 1


def test_conditional_operator_joins_two_conditions(ddb, cards):
    assert ddb.scan(TableName=cards, ConditionalOperator="AND",
                    ScanFilter={"a": _eq("x"), "b": _eq("y")})["Count"] == 1
    assert ddb.query(TableName=cards, KeyConditions={"pk": _eq("k1")}, ConditionalOperator="OR",
                     QueryFilter={"a": _eq("x"), "b": _eq("nope")})["Count"] == 1
    ddb.delete_item(TableName=cards, Key={"pk": {"S": "k1"}}, ConditionalOperator="OR",
                    Expected={"a": _eq("x"), "b": _eq("zzz")})
    assert ddb.scan(TableName=cards)["Count"] == 0


@pytest.mark.parametrize("call, args, legacy, expressions", [
    ("scan", {"ConditionalOperator": "AND", "FilterExpression": "a = :v"}, "ConditionalOperator", "FilterExpression"),
    ("scan", {"ConditionalOperator": "AND", "FilterExpression": "a = :v",
              "ExpressionAttributeValues": {":v": {"S": "x"}, ":unused": {"S": "y"}}},
     "ConditionalOperator", "FilterExpression"),
    ("scan", {"AttributesToGet": ["a"], "ScanFilter": {"a": _eq("x")}, "ConditionalOperator": "AND",
              "FilterExpression": "a = :v", "ProjectionExpression": "b"},
     "AttributesToGet, ScanFilter, ConditionalOperator", "ProjectionExpression, FilterExpression"),
    ("scan", {"ScanFilter": {"a": _eq("x")}, "ProjectionExpression": "b"}, "ScanFilter", "ProjectionExpression"),
    ("query", {"KeyConditions": {"pk": _eq("k1")}, "QueryFilter": {"a": _eq("x")}, "ConditionalOperator": "AND",
               "KeyConditionExpression": "pk = :p", "FilterExpression": "a = :v", "ProjectionExpression": "b"},
     "QueryFilter, ConditionalOperator, KeyConditions",
     "ProjectionExpression, FilterExpression, KeyConditionExpression"),
    ("put_item", {"Item": {"pk": {"S": "k2"}}, "Expected": {"a": _eq("x")}, "ConditionalOperator": "AND",
                  "ConditionExpression": "attribute_exists(pk)"}, "Expected, ConditionalOperator", "ConditionExpression"),
    ("update_item", {"Key": {"pk": {"S": "k1"}}, "AttributeUpdates": {"a": {"Value": {"S": "v"}, "Action": "PUT"}},
                     "Expected": {"a": _eq("x")}, "ConditionalOperator": "AND", "UpdateExpression": "SET a = :v",
                     "ConditionExpression": "attribute_exists(pk)"},
     "AttributeUpdates, Expected, ConditionalOperator", "UpdateExpression, ConditionExpression"),
])
def test_the_refusal_names_both_sides_in_order(ddb, cards, call, args, legacy, expressions):
    if call == "query":
        args = {**args, "ExpressionAttributeValues": {":p": {"S": "k1"}, ":v": {"S": "x"}}}
    elif ":v" in args.get("FilterExpression", "") + args.get("UpdateExpression", ""):
        args.setdefault("ExpressionAttributeValues", {":v": {"S": "x"}})
    assert error_of(getattr(ddb, call), TableName=cards, **args) == (
        "ValidationException", f"{MIXED}Non-expression parameters: {{{legacy}}} Expression parameters: {{{expressions}}}")


def test_key_conditions_go_with_a_filter_or_projection_expression(ddb, cards):
    filtered = ddb.query(TableName=cards, KeyConditions={"pk": _eq("k1")}, FilterExpression="a = :v",
                         ExpressionAttributeValues={":v": {"S": "x"}})
    assert (filtered["Count"], filtered["ScannedCount"]) == (1, 1)
    assert ddb.query(TableName=cards, KeyConditions={"pk": _eq("k1")}, FilterExpression="a = :v",
                     ExpressionAttributeValues={":v": {"S": "other"}})["Items"] == []
    assert ddb.query(TableName=cards, KeyConditions={"pk": _eq("k1")}, ProjectionExpression="a")["Items"] == [
        {"a": {"S": "x"}}]


@pytest.mark.parametrize("operator, values, kind", [
    ("LT", [{"SS": ["a"]}], "SS"),
    ("GE", [{"NS": ["1"]}], "NS"),
    ("CONTAINS", [{"SS": ["a"]}], "SS"),
    ("NOT_CONTAINS", [{"BS": [b"ab"]}], "BS"),
    ("BEGINS_WITH", [{"N": "1"}], "N"),
    ("IN", [{"NS": ["1"]}], "NS"),
    ("BETWEEN", [{"S": "a"}, {"SS": ["a"]}], "SS"),          # before the bounds' types are compared
])
def test_a_legacy_operator_refuses_a_value_of_another_type(ddb, cards, operator, values, kind):
    """The API reference's Condition: these operators take a string, number or binary
    (BEGINS_WITH no number); the refusal as a suite run against DynamoDB records it."""
    condition = {"q": {"ComparisonOperator": operator, "AttributeValueList": values}}
    message = f"One or more parameter values were invalid: ComparisonOperator {operator} is not valid for {kind} " \
              "AttributeValue type"
    assert error_of(ddb.scan, TableName=cards, ScanFilter=condition) == ("ValidationException", message)
    assert error_of(ddb.put_item, TableName=cards, Item={"pk": {"S": "k9"}}, Expected=condition) == (
        "ValidationException", message)
    assert ddb.scan(TableName=cards)["Count"] == 1


@pytest.mark.parametrize("action, value, message", [
    ("ADD", {"S": "1"}, "ADD action is not supported for the type S"),
    ("ADD", {"BOOL": True}, "ADD action is not supported for the type BOOL"),
    ("ADD", {"M": {}}, "ADD action is not supported for the type M"),
    ("DELETE", {"S": "x"}, "DELETE action with value is not supported for the type S"),
    ("DELETE", {"N": "1"}, "DELETE action with value is not supported for the type N"),
    ("DELETE", {"L": []}, "DELETE action with value is not supported for the type L"),
])
def test_attribute_updates_add_and_delete_take_their_types(ddb, cards, action, value, message):
    """AttributeUpdates' ADD takes a number, a set or a list and a DELETE with a value a
    set (DynamoDB's validation catalogue; a suite run against DynamoDB; an application
    that met the ADD refusal for a string)."""
    assert error_of(ddb.update_item, TableName=cards, Key={"pk": {"S": "k1"}},
                    AttributeUpdates={"a": {"Action": action, "Value": value}}) == (
        "ValidationException", "One or more parameter values were invalid: " + message)
    assert ddb.get_item(TableName=cards, Key={"pk": {"S": "k1"}})["Item"] == {
        "pk": {"S": "k1"}, "a": {"S": "x"}, "b": {"S": "y"}}
