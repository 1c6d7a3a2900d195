"""JSON to Arrow with a Glue table's columns: Hive types, key mapping, bad records."""
from datetime import datetime
from decimal import Decimal

import pyarrow as pa

from lakebox.services.firehose import convert

TABLE = {"StorageDescriptor": {"Columns": [
    {"Name": "id", "Type": "int"}, {"Name": "user_name", "Type": "varchar(20)"},
    {"Name": "at", "Type": "timestamp"}, {"Name": "amount", "Type": "decimal(10,2)"},
    {"Name": "attrs", "Type": "map<string,int>"}, {"Name": "point", "Type": "struct<x:double,y:double>"}]}}


def test_hive_types_become_arrow_types():
    schema = convert.schema_of(TABLE)
    assert [f.type for f in schema][:4] == [pa.int32(), pa.string(), pa.timestamp("ms"), pa.decimal128(10, 2)]
    assert pa.types.is_map(schema.field("attrs").type) and pa.types.is_struct(schema.field("point").type)


def test_openx_mapping_case_and_dots():
    deserializer = convert.Deserializer({"OpenXJsonSerDe": {"ConvertDotsInJsonKeysToUnderscores": True,
                                                            "ColumnToJsonKeyMappings": {"id": "ID_value"}}})
    records = [b'{"ID_VALUE": 1, "user.name": "ann", "at": "2024-01-02T03:04:05Z", "amount": 1.5, '
               b'"attrs": {"a": 1}, "point": {"X": 1.0, "y": 2.0}}']
    table, failures = convert.convert(records, convert.schema_of(TABLE), deserializer)
    assert failures == []
    assert table.to_pylist() == [{"id": 1, "user_name": "ann", "at": datetime(2024, 1, 2, 3, 4, 5),
                                  "amount": Decimal("1.50"), "attrs": [("a", 1)], "point": {"x": 1.0, "y": 2.0}}]


def test_case_sensitive_openx_leaves_other_cases_null():
    deserializer = convert.Deserializer({"OpenXJsonSerDe": {"CaseInsensitive": False}})
    table, _ = convert.convert([b'{"ID": 1}', b'{"id": 2}'], convert.schema_of(TABLE), deserializer)
    assert table.column("id").to_pylist() == [None, 2]


def test_bad_records_are_reported_and_good_ones_kept():
    table, failures = convert.convert([b'{"id": 1}', b'{"id": "x"}', b"[1]", b"{"], convert.schema_of(TABLE),
                                      convert.Deserializer({}))
    assert table.column("id").to_pylist() == [1]
    assert [index for index, _ in failures] == [1, 2, 3]


def test_hive_millis_timestamps():
    deserializer = convert.Deserializer({"HiveJsonSerDe": {"TimestampFormats": ["millis"]}})
    table, _ = convert.convert([b'{"at": 1700000000123}'], convert.schema_of(TABLE), deserializer)
    assert table.column("at").to_pylist()[0] == datetime(2023, 11, 14, 22, 13, 20, 123000)


def test_hive_timestamp_patterns():
    deserializer = convert.Deserializer({"HiveJsonSerDe": {"TimestampFormats": [
        "dd/MM/yyyy HH:mm", "yyyy-MM-dd'T'HH:mm:ss.SSSZ"]}})
    table, failures = convert.convert([b'{"at": "02/01/2024 03:04"}', b'{"at": "2024-01-02T03:04:05.250+0100"}',
                                       b'{"at": "2024-01-02 03:04:05"}', b'{"at": "soon"}'],
                                      convert.schema_of(TABLE), deserializer)
    assert table.column("at").to_pylist() == [datetime(2024, 1, 2, 3, 4), datetime(2024, 1, 2, 2, 4, 5, 250000),
                                              datetime(2024, 1, 2, 3, 4, 5)]
    assert [index for index, _ in failures] == [3]


def test_records_spelling_a_key_differently_each_find_their_column():
    deserializer = convert.Deserializer({"OpenXJsonSerDe": {}})
    table, failures = convert.convert([b'{"ID": 1}', b'{"id": 2}', b'{"Id": 3}'], convert.schema_of(TABLE),
                                      deserializer)
    assert failures == [] and table.column("id").to_pylist() == [1, 2, 3]
