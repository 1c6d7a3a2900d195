"""Avro containers as Arrow: the writer's schema gives the types (unions with null are
nullable, logical types kept, nested field names lower-cased as the AvroSerDe matches
them), and a zstandard-compressed container is read too."""
import datetime
import decimal
import json

import cramjam
import fastavro

from lakebox.engine import avro_read

SCHEMA = {"type": "record", "name": "r", "fields": [
    {"name": "Id", "type": "long"},
    {"name": "note", "type": ["null", "string"]},
    {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 6, "scale": 2}},
    {"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}},
    {"name": "inner", "type": {"type": "record", "name": "i", "fields": [{"name": "Qty", "type": "int"}]}},
    {"name": "either", "type": ["int", "string"]},
]}


def test_types_come_from_the_writer_schema(tmp_path):
    path = tmp_path / "a.avro"
    with open(path, "wb") as f:
        fastavro.writer(f, fastavro.parse_schema(SCHEMA), [
            {"Id": 1, "note": None, "price": decimal.Decimal("1.25"),
             "at": datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.timezone.utc), "inner": {"Qty": 3}, "either": 7},
            {"Id": 2, "note": "x", "price": decimal.Decimal("0.50"),
             "at": datetime.datetime(2024, 5, 2, tzinfo=datetime.timezone.utc), "inner": {"Qty": 4}, "either": "s"}])
    table = avro_read.read_table(str(path), "s3://b/a.avro", ["id", "note", "price", "at", "inner", "either", "gone"])
    assert table.column_names == ["id", "note", "price", "at", "inner", "either"]
    assert [str(field.type) for field in table.schema] == [
        "int64", "string", "decimal128(6, 2)", "timestamp[us]", "struct<qty: int32>", "string"]
    assert table.to_pylist()[0] == {"id": 1, "note": None, "price": decimal.Decimal("1.25"),
                                    "at": datetime.datetime(2024, 5, 1, 12), "inner": {"qty": 3}, "either": "7"}
    assert avro_read.field_names(str(path), "s3://b/a.avro") == ["id", "note", "price", "at", "inner", "either"]


def _long(value: int) -> bytes:
    value, out = (value << 1) ^ (value >> 63), bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        out.append(low | (0x80 if value else 0))
        if not value:
            return bytes(out)


def test_a_zstandard_container(tmp_path):
    schema = {"type": "record", "name": "r", "fields": [{"name": "a", "type": "long"}]}
    meta = {b"avro.schema": json.dumps(schema).encode(), b"avro.codec": b"zstandard"}
    sync = b"0123456789abcdef"
    header = b"Obj\x01" + _long(len(meta)) + b"".join(
        _long(len(k)) + k + _long(len(v)) + v for k, v in meta.items()) + _long(0) + sync
    block = bytes(cramjam.zstd.compress(_long(5) + _long(-6)))
    path = tmp_path / "z.avro"
    path.write_bytes(header + _long(2) + _long(len(block)) + block + sync)
    assert avro_read.read_table(str(path), "s3://b/z.avro", ["a"]).to_pylist() == [{"a": 5}, {"a": -6}]


def test_not_an_avro_file(tmp_path):
    path = tmp_path / "x.avro"
    path.write_bytes(b"plain text\n")
    try:
        avro_read.read_table(str(path), "s3://b/x.avro", ["a"])
    except avro_read.AvroError as error:
        assert str(error).startswith("Error reading Avro file s3://b/x.avro: ")
    else:
        raise AssertionError("a text file was read as Avro")
