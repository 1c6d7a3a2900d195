"""Avro container files (the AvroSerDe's tables) as Arrow tables: DuckDB's wheel has no
Avro reader, so fastavro decodes the records and the writer's schema gives the Arrow
types. Columns are matched to the catalog's by name, case-insensitively, as the
AvroSerDe does; a column the file lacks is left out (it reads as NULL).
"""
import io

import cramjam
import fastavro
import fastavro.read
import pyarrow as pa

_PRIMITIVES = {"boolean": pa.bool_(), "int": pa.int32(), "long": pa.int64(), "float": pa.float32(),
               "double": pa.float64(), "bytes": pa.binary(), "string": pa.string(), "null": pa.null()}
_LOGICAL = {"date": pa.date32(), "timestamp-millis": pa.timestamp("ms"), "timestamp-micros": pa.timestamp("us"),
            "local-timestamp-millis": pa.timestamp("ms"), "local-timestamp-micros": pa.timestamp("us"),
            "time-millis": pa.time32("ms"), "time-micros": pa.time64("us"), "uuid": pa.string()}


def _zstandard_block(source):
    """One zstandard block of an Avro file, through cramjam: fastavro reads that codec only
    with a library this Python lacks. `source` is the file (fastavro's compiled reader)
    or a decoder (its pure-Python one)."""
    if hasattr(source, "read_bytes"):
        return io.BytesIO(bytes(cramjam.zstd.decompress(source.read_bytes())))
    length, shift = 0, 0
    while True:
        byte = source.read(1)[0]
        length |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return io.BytesIO(bytes(cramjam.zstd.decompress(source.read((length >> 1) ^ -(length & 1)))))


fastavro.read.BLOCK_READERS["zstandard"] = _zstandard_block


class AvroError(ValueError):
    """A file that is not a readable Avro container (the message names the object)."""


def arrow_type(schema, named: dict) -> pa.DataType:
    """The Arrow type of an Avro schema (parsed JSON); named types are resolved. A union
    with null is its other branch; any other union is read as text."""
    if isinstance(schema, str):
        if schema in _PRIMITIVES:
            return _PRIMITIVES[schema]
        return named.get(schema, pa.string())
    if isinstance(schema, list):
        branches = [branch for branch in schema if branch != "null"]
        return arrow_type(branches[0], named) if len(branches) == 1 else pa.string()
    logical = schema.get("logicalType")
    if logical == "decimal":
        return pa.decimal128(int(schema["precision"]), int(schema.get("scale", 0)))
    if logical in _LOGICAL:
        return _LOGICAL[logical]
    kind = schema.get("type")
    if kind == "record":
        found = pa.struct([pa.field(field["name"].lower(), arrow_type(field["type"], named))
                           for field in schema.get("fields", [])])
    elif kind == "array":
        found = pa.list_(arrow_type(schema["items"], named))
    elif kind == "map":
        found = pa.map_(pa.string(), arrow_type(schema["values"], named))
    elif kind == "enum":
        found = pa.string()
    elif kind == "fixed":
        found = pa.binary()
    else:
        found = arrow_type(kind, named)
    if schema.get("name") and kind in ("record", "enum", "fixed"):
        named[schema["name"]] = found
        if schema.get("namespace"):
            named[f"{schema['namespace']}.{schema['name']}"] = found
    return found


def read_table(path: str, uri: str, wanted: list[str]) -> pa.Table:
    """The columns `wanted` (lower-case names) of the Avro file at `path`."""
    try:
        with open(path, "rb") as f:
            reader = fastavro.reader(f)
            schema = reader.writer_schema
            if not isinstance(schema, dict) or schema.get("type") != "record":
                raise AvroError(f"Avro file {uri} does not hold records")
            named = {}
            fields = {field["name"].lower(): (field["name"], arrow_type(field["type"], named))
                      for field in schema["fields"]}
            kept = [name for name in wanted if name in fields]
            columns = {name: [] for name in kept}
            for record in reader:
                for name in kept:
                    columns[name].append(_value(record.get(fields[name][0]), fields[name][1]))
    except (ValueError, EOFError, StopIteration, TypeError) as error:
        if isinstance(error, AvroError):
            raise
        raise AvroError(f"Error reading Avro file {uri}: {error}") from None
    return pa.table({name: pa.array(columns[name], type=fields[name][1]) for name in kept})


def _value(value, kind: pa.DataType):
    """A record's field as Arrow takes it for `kind`: struct fields lower-cased (map keys
    kept as written), a value of a many-typed union as its text."""
    if value is None:
        return None
    if pa.types.is_struct(kind):
        by_lower = {str(key).lower(): item for key, item in value.items()}
        return {field.name: _value(by_lower.get(field.name), field.type) for field in kind}
    if pa.types.is_map(kind):
        return {key: _value(item, kind.item_type) for key, item in value.items()}
    if pa.types.is_list(kind):
        return [_value(item, kind.value_type) for item in value]
    if pa.types.is_string(kind) and not isinstance(value, str):
        return str(value)
    return value


def field_names(path: str, uri: str) -> list[str]:
    """The top-level field names (lower-cased) of the file's writer schema: its header
    alone is read."""
    try:
        with open(path, "rb") as f:
            schema = fastavro.reader(f).writer_schema
    except (ValueError, EOFError, StopIteration, TypeError) as error:
        raise AvroError(f"Error reading Avro file {uri}: {error}") from None
    return [field["name"].lower() for field in schema.get("fields", [])] if isinstance(schema, dict) else []
