"""Hive type strings to DuckDB, and DuckDB result types to Athena's names."""
from lakebox.engine import types


def test_nested_hive_types():
    assert types.duck_type("array<struct<a:int,b:string>>") == 'STRUCT("a" INTEGER, "b" VARCHAR)[]'
    assert types.duck_type("map<string,array<bigint>>") == "MAP(VARCHAR, BIGINT[])"
    assert types.duck_type("decimal(15,2)") == "DECIMAL(15,2)"
    assert types.duck_type("varchar(10)") == "VARCHAR"
    assert (types.duck_type("timestamp(6)"), types.duck_type("timestamp(3)")) == ("TIMESTAMP_NS", "TIMESTAMP")


def test_struct_fields_spelled_as_the_files_spell_them():
    described = 'STRUCT(sku STRUCT(S VARCHAR), "Odd ""Name""" MAP(VARCHAR, BIGINT), n DECIMAL(10,2))'
    assert types.struct_field_names(described) == ["sku", "S", 'Odd "Name"', "n"]
    spellings = {"s": "S", "sku": "sku"}
    assert types.duck_type("struct<sku:struct<s:string>,n:int>", spellings) == \
        'STRUCT("sku" STRUCT("S" VARCHAR), "n" INTEGER)'


def test_athena_column_info():
    info = types.column_info("price", "DECIMAL(15,2)")
    assert (info["Type"], info["Precision"], info["Scale"]) == ("decimal", 15, 2)
    assert types.column_info("s", "VARCHAR")["Precision"] == 2147483647
    assert types.athena_type("INTEGER[]") == "array"
    assert types.athena_type("STRUCT(a INTEGER)") == "row"
    assert types.athena_type("MAP(VARCHAR, INTEGER)") == "map"


def test_result_types_back_to_hive():
    assert types.hive_type("VARCHAR") == "string"
    assert types.hive_type("INTEGER[]") == "array<int>"
    assert types.hive_type('STRUCT("a" INTEGER, b VARCHAR)') == "struct<a:int,b:string>"


def test_trino_names_of_catalog_and_result_types():
    from lakebox.engine.types import trino_type_of_duck, trino_type_of_hive
    assert trino_type_of_hive("array<struct<a:int,b:map<string,float>>>") == "array(row(a integer, b map(varchar, real)))"
    assert [trino_type_of_hive(kind) for kind in ("timestamp", "binary", "char(5)", "decimal(10, 2)")] == \
        ["timestamp(3)", "varbinary", "char(5)", "decimal(10,2)"]
    assert trino_type_of_hive("struct<") == "struct<"          # unreadable: as it is, never an error
    assert trino_type_of_duck('STRUCT("Ab" INTEGER, "c d" VARCHAR[])') == 'row(ab integer, "c d" array(varchar))'
    assert trino_type_of_duck('STRUCT("_0" INTEGER, "_1" VARCHAR)') == "row(integer, varchar)"


def test_result_type_names_of_anonymous_rows_and_bare_nulls():
    from lakebox.engine.types import athena_type
    assert athena_type("TUPLE(INTEGER, VARCHAR)") == "row"
    assert athena_type('"NULL"') == "unknown"
