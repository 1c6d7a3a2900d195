"""Avro container files written from the Parquet DuckDB wrote (CTAS and UNLOAD WITH
format = 'AVRO'): DuckDB has no Avro writer, so the Arrow schema becomes an Avro one
(every field nullable, as Hive's AvroSerDe writes them) and fastavro writes the records,
compressed with the codec Athena allows for Avro (DEFLATE, SNAPPY, ZSTD, BZIP2 or none).
"""
import itertools

import cramjam
import fastavro
import fastavro._write
import pyarrow as pa
import pyarrow.parquet as pq

_PRIMITIVES = ((pa.types.is_boolean, "boolean"), (pa.types.is_int8, "int"), (pa.types.is_int16, "int"),
               (pa.types.is_int32, "int"), (pa.types.is_integer, "long"), (pa.types.is_float32, "float"),
               (pa.types.is_floating, "double"), (pa.types.is_string, "string"), (pa.types.is_large_string, "string"),
               (pa.types.is_binary, "bytes"), (pa.types.is_large_binary, "bytes"), (pa.types.is_null, "null"))


def _zigzag_varint(number: int) -> bytes:
    value, out = number << 1, bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _zstandard_block(fo, block_bytes, compression_level):
    """One zstandard block, through cramjam: fastavro writes that codec only with a
    library this Python lacks (`avro_read` reads it back the same way)."""
    data = bytes(cramjam.zstd.compress(block_bytes))
    fo.write(_zigzag_varint(len(data)))
    fo.write(data)


fastavro._write.BLOCK_WRITERS["zstandard"] = _zstandard_block


def avro_schema(arrow_type: pa.DataType, names) -> object:
    """The Avro type of an Arrow type, nullable (`names` numbers the records)."""
    for test, name in _PRIMITIVES:
        if test(arrow_type):
            return name if name == "null" else ["null", name]
    return ["null", _complex(arrow_type, names)]


def _complex(arrow_type: pa.DataType, names) -> dict:
    if pa.types.is_decimal(arrow_type):
        return {"type": "bytes", "logicalType": "decimal", "precision": arrow_type.precision,
                "scale": arrow_type.scale}
    if pa.types.is_date(arrow_type):
        return {"type": "int", "logicalType": "date"}
    if pa.types.is_timestamp(arrow_type):
        return {"type": "long", "logicalType": "timestamp-millis"}
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return {"type": "array", "items": avro_schema(arrow_type.value_type, names)}
    if pa.types.is_map(arrow_type):
        return {"type": "map", "values": avro_schema(arrow_type.item_type, names)}
    if pa.types.is_struct(arrow_type):
        return _record(f"record_{next(names)}", list(arrow_type), names)
    raise TypeError(f"no Avro type for {arrow_type}")


def _record(name: str, fields: list[pa.Field], names) -> dict:
    return {"type": "record", "name": name,
            "fields": [{"name": field.name, "type": avro_schema(field.type, names), "default": None}
                       for field in fields]}


def _value(value, arrow_type: pa.DataType):
    """A value as fastavro takes it: Arrow's maps (lists of pairs) as dicts."""
    if value is None:
        return None
    if pa.types.is_map(arrow_type):
        return {str(key): _value(item, arrow_type.item_type) for key, item in value}
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return [_value(item, arrow_type.value_type) for item in value]
    if pa.types.is_struct(arrow_type):
        return {field.name: _value(value.get(field.name), field.type) for field in arrow_type}
    return value


def parquet_to_avro(path: str, codec: str | None):
    """The Parquet file at `path` rewritten in place as an Avro container (`codec`:
    fastavro's name, None for none)."""
    table = pq.read_table(path)
    schema = fastavro.parse_schema(_record("baseRecord", list(table.schema), itertools.count()))
    fields = list(table.schema)
    records = ({field.name: _value(row[field.name], field.type) for field in fields} for row in table.to_pylist())
    with open(path, "wb") as out:
        fastavro.writer(out, schema, records, codec=codec or "null")
