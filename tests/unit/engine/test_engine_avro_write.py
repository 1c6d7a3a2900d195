"""Avro files written from Parquet (CTAS and UNLOAD in Avro): each Arrow type's Avro
type, and the values back as any Avro reader sees them, under every codec Athena allows."""
import datetime
import decimal
import itertools

import fastavro
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lakebox.engine import avro_read, avro_write

_TABLE = pa.table({
    "id": pa.array([1, None], pa.int32()), "big": pa.array([2**40, 3], pa.int64()),
    "price": pa.array([decimal.Decimal("1.25"), None], pa.decimal128(5, 2)),
    "day": pa.array([datetime.date(2024, 3, 1), None], pa.date32()),
    "at": pa.array([datetime.datetime(2024, 3, 1, 10, 30, 0, 123000), None], pa.timestamp("ms")),
    "tags": pa.array([["a", "b"], []], pa.list_(pa.string())),
    "attrs": pa.array([[("k", 1)], None], pa.map_(pa.string(), pa.int32())),
    "point": pa.array([{"x": 1.5, "y": "p"}, None], pa.struct([("x", pa.float64()), ("y", pa.string())])),
})


def test_avro_types_of_arrow_types():
    names = itertools.count()
    assert avro_write.avro_schema(pa.int32(), names) == ["null", "int"]
    assert avro_write.avro_schema(pa.int64(), names) == ["null", "long"]
    assert avro_write.avro_schema(pa.decimal128(5, 2), names) == [
        "null", {"type": "bytes", "logicalType": "decimal", "precision": 5, "scale": 2}]
    assert avro_write.avro_schema(pa.null(), names) == "null"
    assert avro_write.avro_schema(pa.struct([("a", pa.bool_())]), names) == [
        "null", {"type": "record", "name": "record_0", "fields": [
            {"name": "a", "type": ["null", "boolean"], "default": None}]}]


@pytest.mark.parametrize("codec", [None, "deflate", "snappy", "bzip2", "zstandard"])
def test_parquet_rewritten_as_avro(tmp_path, codec):
    path = str(tmp_path / "part_0")
    pq.write_table(_TABLE, path)
    avro_write.parquet_to_avro(path, codec)
    read = avro_read.read_table(path, "s3://b/part_0", list(_TABLE.column_names))
    assert read.column("id").to_pylist() == [1, None]
    assert read.column("price").to_pylist() == [decimal.Decimal("1.25"), None]
    assert read.column("attrs").to_pylist() == [[("k", 1)], None]
    assert read.column("point").to_pylist() == [{"x": 1.5, "y": "p"}, None]
    with open(path, "rb") as f:
        reader = fastavro.reader(f)
        assert reader.metadata["avro.codec"] == (codec or "null")
        first = next(iter(reader))
    assert first["at"] == datetime.datetime(2024, 3, 1, 10, 30, 0, 123000, tzinfo=datetime.timezone.utc)
    assert first["day"] == datetime.date(2024, 3, 1)
