"""Glue/Hive column types as Iceberg types, nested ones with the field ids of their
parts (each level's ids before those inside it), and back."""
import pytest

from lakebox.engine import iceberg_types as types


def test_primitive_types_and_their_glue_names():
    assert types.iceberg_type("bigint") == "long"
    assert types.iceberg_type("varchar(10)") == "string"
    assert types.iceberg_type("decimal(10, 2)") == "decimal(10,2)"
    assert types.hive_type("long") == "bigint"
    with pytest.raises(types.IcebergTypeError, match="Unsupported Hive type: tinyint"):
        types.iceberg_type("tinyint")


def test_nested_types_take_ids_level_by_level():
    next_id = types.id_counter(4)
    found = types.iceberg_type("struct<a:int,b:array<map<string,bigint>>,c:string>", next_id)
    assert found == {"type": "struct", "fields": [
        {"id": 5, "name": "a", "required": False, "type": "int"},
        {"id": 6, "name": "b", "required": False, "type": {
            "type": "list", "element-id": 8, "element-required": False, "element": {
                "type": "map", "key-id": 9, "key": "string", "value-id": 10, "value": "long",
                "value-required": False}}},
        {"id": 7, "name": "c", "required": False, "type": "string"}]}
    assert types.hive_type(found) == "struct<a:int,b:array<map<string,bigint>>,c:string>"
    assert types.last_id([{"id": 4, "type": found}]) == 10


def test_name_mapping_and_parquet_ids_of_a_nested_column():
    kind = types.iceberg_type("map<string,struct<x:int>>", types.id_counter(1))
    assert types.mapping_entry(1, ["m"], kind) == {"field-id": 1, "names": ["m"], "fields": [
        {"field-id": 2, "names": ["key"]},
        {"field-id": 3, "names": ["value"], "fields": [{"field-id": 4, "names": ["x"]}]}]}
    assert types.written_id(1, kind) == {"__duckdb_field_id": 1, "key": 2,
                                         "value": {"__duckdb_field_id": 3, "x": 4}}
    assert types.written_id(7, "int") == 7
