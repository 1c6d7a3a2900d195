"""Data files of a partitioned Iceberg table, split by partition on the worker: the
files a statement wrote (one per statement, all rows) are read back and rewritten as
one file per partition value under `<field>=<value>/...` folders, as Iceberg writers
lay them out. The partition values of each file are returned for the manifests.
"""
import os

import pyarrow as pa
import pyarrow.parquet as pq

from lakebox.engine import EngineError
from lakebox.services.athena import iceberg_partition as partitions

_DAY_US = 86_400_000_000
_UNIT_US = {"s": 1_000_000, "ms": 1_000, "us": 1, "ns": 0.001}


def iceberg_type(kind: pa.DataType) -> str:
    """The Iceberg type of an Arrow column (CTAS: the query's result types)."""
    if pa.types.is_timestamp(kind):
        return "timestamp"
    if pa.types.is_date(kind):
        return "date"
    if pa.types.is_integer(kind):
        return "long" if kind.bit_width > 32 else "int"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "string"
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return "binary"
    if pa.types.is_boolean(kind):
        return "boolean"
    if pa.types.is_floating(kind):
        return "double" if kind.bit_width == 64 else "float"
    return str(kind)


def internal_values(column: pa.ChunkedArray, kind: str) -> list:
    """A column's values in Iceberg's internal form of type `kind`."""
    arrow = column.type
    if pa.types.is_timestamp(arrow):
        micros = column.cast(pa.timestamp("us", tz=arrow.tz)).cast(pa.int64()).to_pylist()
        return micros if kind == "timestamp" else [None if v is None else v // _DAY_US for v in micros]
    if pa.types.is_date(arrow):
        days = column.cast(pa.date32()).cast(pa.int32()).to_pylist()
        return days if kind != "timestamp" else [None if v is None else v * _DAY_US for v in days]
    return column.to_pylist()


def fields_for_files(directory: str, names: list[str], partitioning: list[str]) -> list[dict]:
    """The partition fields a CTAS declares, over the columns of the files it wrote."""
    columns = pq.read_schema(os.path.join(directory, names[0])) if names else pa.schema([])
    schema = {"fields": [{"id": number, "name": field.name, "type": iceberg_type(field.type)}
                         for number, field in enumerate(columns, start=1)]}
    try:
        spec = partitions.new_spec([partitions.parse_transform(text) for text in partitioning], schema)
    except partitions.PartitionError as error:
        raise EngineError(error.kind, str(error)) from None
    return partitions.fields(spec, schema)


def split(directory: str, names: list[str], declared: list[dict], prefix: str,
          compression: str | None) -> tuple[list[str], dict]:
    """Rewrite the files `names` (relative to `directory`) as one file per partition.
    `declared` are the spec's fields (`iceberg_partition.fields`; a missing
    `source_type` is taken from the files). Returns the new names and, for each, its
    partition values by field name."""
    written, values_of, number = [], {}, 0
    for name in names:
        path = os.path.join(directory, name)
        table = pq.read_table(path)
        os.unlink(path)
        fields = [{**field, "source_type": field.get("source_type") or iceberg_type(table.schema.field(
            field["column"]).type)} for field in declared]
        columns = {field["column"]: internal_values(table.column(field["column"]), field["source_type"])
                   for field in fields}
        groups = {}
        for row in range(table.num_rows):
            key = tuple(partitions.apply(field, columns[field["column"]][row]) for field in fields)
            groups.setdefault(key, []).append(row)
        for key, rows in groups.items():
            relative = os.path.join(partitions.path(fields, key), f"{prefix}_{number}.parquet")
            number += 1
            os.makedirs(os.path.dirname(os.path.join(directory, relative)), exist_ok=True)
            pq.write_table(table.take(pa.array(rows)), os.path.join(directory, relative),
                           compression=compression or "none")
            written.append(relative)
            values_of[relative] = {field["name"]: value for field, value in zip(fields, key)}
    return written, values_of
