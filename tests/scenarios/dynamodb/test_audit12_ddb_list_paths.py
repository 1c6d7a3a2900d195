"""UpdateExpression on list elements and nested paths, through the Table resource: REMOVE
of list indexes (out of range ones ignored), SET past the end appends, every action sees
the item as it was before the update, and paths through the wrong type are refused."""
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

INVALID_PATH = ("ValidationException", "The document path provided in the update expression is invalid for update")


@pytest.fixture
def doc(resource, make_table):
    table = resource.Table(make_table())
    table.put_item(Item={"pk": "a", "m": {"a": {"b": 1}}, "l": [10, 20, 30, 40], "s": "text"})
    return table


def update(table, expression, values=None, returns="ALL_NEW"):
    args = {"ExpressionAttributeValues": values} if values else {}
    return table.update_item(Key={"pk": "a"}, UpdateExpression=expression, ReturnValues=returns, **args).get("Attributes")


def refusal(table, expression, values=None):
    with pytest.raises(ClientError) as refused:
        update(table, expression, values)
    error = refused.value.response["Error"]
    return error["Code"], error["Message"]


def test_remove_list_elements(doc):
    assert update(doc, "REMOVE l[1], l[3], l[9]")["l"] == [10, 30]
    assert update(doc, "REMOVE l[0]", returns="UPDATED_OLD") == {"l": [10]}


def test_set_past_the_end_appends_and_nested_maps_grow(doc):
    item = update(doc, "SET l[7] = :v, m.a.c = :v, m.n = :w", {":v": 5, ":w": {"k": [1]}})
    assert item["l"] == [10, 20, 30, 40, 5]
    assert item["m"] == {"a": {"b": 1, "c": 5}, "n": {"k": [1]}}
    assert update(doc, "SET m.n.k[0] = :v", {":v": 7}, returns="UPDATED_NEW") == {"m": {"n": {"k": [7]}}}


def test_actions_see_the_item_before_the_update(doc):
    item = update(doc, "SET l[1] = :v, earlier = l REMOVE l[0]", {":v": 2})
    assert item["l"] == [2, 30, 40] and item["earlier"] == [10, 20, 30, 40]
    front = update(doc, "SET l = list_append(:x, l)", {":x": [0]}, returns="UPDATED_NEW")
    assert front == {"l": [Decimal(0), 2, 30, 40]}


@pytest.mark.parametrize("expression, values", [
    ("SET s[0] = :v", {":v": 7}),          # an index into a string
    ("SET m.a[0] = :v", {":v": 7}),        # an index into a map
    ("SET l[0].x = :v", {":v": 7}),        # a name inside a number
    ("SET nope.x = :v", {":v": 7}),        # a name inside nothing
    ("REMOVE s.x", None),
])
def test_paths_through_the_wrong_type(doc, expression, values):
    assert refusal(doc, expression, values) == INVALID_PATH
    assert doc.get_item(Key={"pk": "a"})["Item"]["l"] == [10, 20, 30, 40]
