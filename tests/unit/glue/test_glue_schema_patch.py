"""The JSON Patch GetSchemaVersionsDiff answers for AVRO and JSON schemas: applying it to
the first definition gives the second."""
import json

import pytest

from lakebox.services.glue import schema_patch


def apply(document, ops):
    document = json.loads(json.dumps(document))
    for op in ops:
        *parents, last = [t.replace("~1", "/").replace("~0", "~") for t in op["path"].split("/")[1:]]
        node = document
        for token in parents:
            node = node[int(token)] if isinstance(node, list) else node[token]
        key = int(last) if isinstance(node, list) else last
        if op["op"] == "remove":
            del node[key]
        elif op["op"] == "add" and isinstance(node, list):
            node.insert(key, op["value"])
        else:
            node[key] = op["value"]
    return document


ITEM = {"type": "record", "name": "Item", "fields": [{"name": "value", "type": "int"}]}


def test_an_added_field_is_one_add():
    note = {"name": "note", "type": ["null", "string"], "default": None}
    assert schema_patch.diff(ITEM, dict(ITEM, fields=ITEM["fields"] + [note])) == [
        {"op": "add", "path": "/fields/1", "value": note}]


@pytest.mark.parametrize("target", [
    dict(ITEM, fields=[{"name": "first", "type": "long"}] + ITEM["fields"]),
    dict(ITEM, fields=[]),
    {"type": "record", "name": "Other", "doc": "a/b~c", "fields": [{"name": "value", "type": "string"}]},
    {"type": "enum", "name": "E", "symbols": ["A", "B"]},
])
def test_the_patch_turns_the_first_into_the_second(target):
    assert apply(ITEM, schema_patch.diff(ITEM, target)) == target


def test_equal_documents_have_no_operations():
    assert schema_patch.diff(ITEM, json.loads(json.dumps(ITEM))) == []
