"""Iceberg column types as pure data: Glue/Hive type strings to Iceberg types and back,
nested types (list, map, struct) with the field ids of their parts, the name mapping
entries under them, the field ids DuckDB writes into Parquet, and the Glue columns of a
table metadata document (which Athena's writer and Glue's crawler both write)."""
import itertools
import re

# Glue/Hive column types Athena accepts in an Iceberg table, as Iceberg types.
_TYPES = {"int": "int", "integer": "int", "bigint": "long", "string": "string", "double": "double",
          "float": "float", "boolean": "boolean", "date": "date", "timestamp": "timestamp", "binary": "binary"}


class IcebergTypeError(ValueError):
    """A column type an Iceberg table cannot hold."""


def iceberg_type(hive: str, next_id=None) -> str | dict:
    """The Iceberg type of a Glue/Hive column type; an array, map or struct takes the
    field ids of its elements, keys, values and fields from `next_id()` (each level's
    ids before those of the levels inside it, as Iceberg assigns them)."""
    text = hive.strip().lower()
    nested = re.fullmatch(r"(array|map|struct)\s*<(.*)>", text, re.DOTALL)
    if nested and next_id is not None:
        return _nested_type(nested.group(1), nested.group(2), next_id)
    if text.startswith("decimal"):
        return text.replace(" ", "")
    if text.startswith(("varchar", "char")):
        return "string"
    if text not in _TYPES:
        raise IcebergTypeError(f"Unsupported Hive type: {hive}")
    return _TYPES[text]


def _nested_type(kind: str, inner: str, next_id) -> dict:
    if kind == "array":
        element_id = next_id()
        return {"type": "list", "element-id": element_id, "element": iceberg_type(inner, next_id),
                "element-required": False}
    if kind == "map":
        key, value = _split_top(inner)
        key_id, value_id = next_id(), next_id()
        return {"type": "map", "key-id": key_id, "key": iceberg_type(key, next_id), "value-id": value_id,
                "value": iceberg_type(value, next_id), "value-required": False}
    declared = [part.split(":", 1) for part in _split_top(inner)]
    fields = [{"id": next_id(), "name": name.strip().strip('`"'), "required": False} for name, _ in declared]
    for field, (_, kind_text) in zip(fields, declared):
        field["type"] = iceberg_type(kind_text, next_id)
    return {"type": "struct", "fields": fields}


def _split_top(text: str) -> list[str]:
    """`a:int,b:map<string,int>` -> the parts between top-level commas."""
    parts, depth, start = [], 0, 0
    for position, char in enumerate(text):
        depth += {"<": 1, "(": 1, ">": -1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(text[start:position])
            start = position + 1
    return parts + [text[start:]]


def hive_type(iceberg: str | dict) -> str:
    """The Glue column type of an Iceberg type (as Athena registers it)."""
    if isinstance(iceberg, dict):
        if iceberg["type"] == "list":
            return f"array<{hive_type(iceberg['element'])}>"
        if iceberg["type"] == "map":
            return f"map<{hive_type(iceberg['key'])},{hive_type(iceberg['value'])}>"
        return "struct<" + ",".join(f"{field['name']}:{hive_type(field['type'])}"
                                    for field in iceberg["fields"]) + ">"
    return {"long": "bigint", "int": "int"}.get(iceberg, iceberg)


def id_counter(last: int):
    """A `next_id` for `iceberg_type`: the ids after `last`."""
    counter = itertools.count(last + 1)
    return lambda: next(counter)


def last_id(fields: list[dict]) -> int:
    """The highest field id of `fields`, nested ones included."""
    return max((_ids_of(field["id"], field["type"]) for field in fields), default=0)


def _ids_of(own: int, kind) -> int:
    if not isinstance(kind, dict):
        return own
    if kind["type"] == "list":
        return max(own, _ids_of(kind["element-id"], kind["element"]))
    if kind["type"] == "map":
        return max(own, _ids_of(kind["key-id"], kind["key"]), _ids_of(kind["value-id"], kind["value"]))
    return max(own, last_id(kind["fields"]))


def _nested_mapping(kind) -> list[dict]:
    """The name mapping's entries under a nested type (Parquet's names for list and map
    parts), for readers of files whose nested columns carry no field ids."""
    if not isinstance(kind, dict):
        return []
    if kind["type"] == "list":
        return [mapping_entry(kind["element-id"], ["element"], kind["element"])]
    if kind["type"] == "map":
        return [mapping_entry(kind["key-id"], ["key"], kind["key"]),
                mapping_entry(kind["value-id"], ["value"], kind["value"])]
    return [mapping_entry(field["id"], [field["name"]], field["type"]) for field in kind["fields"]]


def mapping_entry(field_id: int, names: list[str], kind) -> dict:
    entry = {"field-id": field_id, "names": names}
    inner = _nested_mapping(kind)
    return {**entry, "fields": inner} if inner else entry


def written_id(own: int, kind):
    if not isinstance(kind, dict):
        return own
    if kind["type"] == "list":
        parts = {"element": written_id(kind["element-id"], kind["element"])}
    elif kind["type"] == "map":
        parts = {"key": written_id(kind["key-id"], kind["key"]),
                 "value": written_id(kind["value-id"], kind["value"])}
    else:
        parts = {field["name"].lower(): written_id(field["id"], field["type"]) for field in kind["fields"]}
    return {"__duckdb_field_id": own, **parts}


def current_schema(metadata: dict) -> dict:
    """The schema a table metadata document's `current-schema-id` names."""
    return next(s for s in metadata["schemas"] if s["schema-id"] == metadata["current-schema-id"])


def glue_columns(metadata: dict) -> list[dict]:
    """The Glue columns as AWS writes them for an Iceberg table: the current schema's
    (`iceberg.field.current` "true"), then each name only an older schema has (a column
    dropped, or renamed from) marked "false"; each with its field id and optionality.
    Clients such as awswrangler and dbt-athena keep only the current ones."""
    def column(field, current):
        return {"Name": field["name"], "Type": hive_type(field["type"]),
                **({"Comment": field["doc"]} if field.get("doc") else {}),
                "Parameters": {"iceberg.field.current": "true" if current else "false",
                               "iceberg.field.id": str(field["id"]),
                               "iceberg.field.optional": "false" if field["required"] else "true"}}
    columns = [column(field, True) for field in current_schema(metadata)["fields"]]
    named = {field["Name"] for field in columns}
    for schema in metadata["schemas"]:
        for field in schema["fields"] if schema["schema-id"] != metadata["current-schema-id"] else ():
            if field["name"] not in named:
                named.add(field["name"])
                columns.append(column(field, False))
    return columns
