"""Attribute values as a hand-written or foreign client may put them on the wire: an
AttributeValue is a structure, so a member it does not model is ignored, and one left
with no datatype is refused as empty, never with a server error."""
import json

import pytest
from ddb_helpers import error_of

EMPTY = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"


@pytest.fixture
def on_the_wire(ddb):
    """on_the_wire(operation, body): the next call of `operation` sends `body` as its JSON
    (replaced before signing, so the request stays validly signed)."""
    def replace(operation, body):
        def rewrite(request, **_):
            request.data = json.dumps(body).encode()
        ddb.meta.events.register_first(f"before-sign.dynamodb.{operation}", rewrite, unique_id=operation)
    return replace


def test_unknown_members_of_an_attribute_value(ddb, make_table, on_the_wire):
    name = make_table()
    on_the_wire("PutItem", {"TableName": name, "Item": {"pk": {"S": "a"}, "v": {"S": "kept", "Extra": 1}}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "placeholder"}})
    assert ddb.scan(TableName=name)["Items"] == [{"pk": {"S": "a"}, "v": {"S": "kept"}}]


@pytest.mark.parametrize("operation, body", [
    ("PutItem", {"Item": {"pk": {"S": "b"}, "v": {"Extra": "x"}}}),
    ("PutItem", {"Item": {"pk": {"S": "b"}, "v": {"L": [{"Extra": 1}]}}}),
    ("GetItem", {"Key": {"pk": {"Extra": "b"}}}),
    ("DeleteItem", {"Key": {"pk": {"Extra": "b"}}}),
])
def test_an_attribute_value_with_only_unknown_members_is_empty(ddb, make_table, on_the_wire, operation, body):
    name = make_table()
    on_the_wire(operation, {"TableName": name, **body})
    call = {"PutItem": ddb.put_item, "GetItem": ddb.get_item, "DeleteItem": ddb.delete_item}[operation]
    placeholder = {"Item": {"pk": {"S": "p"}}} if operation == "PutItem" else {"Key": {"pk": {"S": "p"}}}
    assert error_of(call, TableName=name, **placeholder) == ("ValidationException", EMPTY)
    assert ddb.scan(TableName=name)["Items"] == []
