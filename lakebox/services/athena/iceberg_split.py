"""Data files of a partitioned Iceberg table, split by partition on the worker: the
files a statement wrote (one per statement, all rows) are read back and rewritten as
one file per partition value under `<field>=<value>/...` folders, as Iceberg writers
lay them out. The partition values of each file are returned for the manifests.
"""
import os

import pyarrow as pa
import pyarrow.compute as pc
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
    written, values_of = [], {}
    for name in names:
        path = os.path.join(directory, name)
        table = pq.read_table(path)
        os.unlink(path)
        _write_by_partition(directory, table, declared, f"{prefix}_{len(written)}", compression, written, values_of)
    return written, values_of


def _write_by_partition(directory: str, table: pa.Table, declared: list[dict], prefix: str,
                        compression: str | None, written: list, values_of: dict):
    fields = [{**field, "source_type": field.get("source_type") or iceberg_type(table.schema.field(
        field["column"]).type)} for field in declared]
    columns = {field["column"]: internal_values(table.column(field["column"]), field["source_type"])
               for field in fields}
    groups = {}
    for row in range(table.num_rows):
        key = tuple(partitions.apply(field, columns[field["column"]][row]) for field in fields)
        groups.setdefault(key, []).append(row)
    for number, (key, rows) in enumerate(groups.items()):
        relative = os.path.join(partitions.path(fields, key), f"{prefix}_{number}.parquet") if fields else \
            f"{prefix}_{number}.parquet"
        _write(directory, relative, table.take(pa.array(rows, pa.int64())), compression)
        written.append(relative)
        values_of[relative] = {field["name"]: value for field, value in zip(fields, key)}


def _write(directory: str, relative: str, table: pa.Table, compression: str | None):
    os.makedirs(os.path.dirname(os.path.join(directory, relative)) or directory, exist_ok=True)
    pq.write_table(table, os.path.join(directory, relative), compression=compression or "none")


# Position delete files: (file_path, pos) with the spec's reserved field ids.
_DELETE_SCHEMA = pa.schema([
    pa.field("file_path", pa.string(), nullable=False, metadata={"PARQUET:field_id": "2147483546"}),
    pa.field("pos", pa.int64(), nullable=False, metadata={"PARQUET:field_id": "2147483545"})])


def split_changes(directory: str, names: list[str], declared: list[dict], partition_by_file: dict, prefix: str,
                  compression: str | None) -> tuple[list[str], dict, dict]:
    """A merge-on-read statement's change rows (`iceberg_dml.PATH`, `POS`, `KEEP`, the
    table's columns) as Iceberg files: position delete files (one per partition of the
    data file they delete from, in its partition: `partition_by_file` gives each data
    file's values) and data files of the rows written, by partition. Returns the names,
    each one's partition values, and the delete files' names with the data file each
    deletes from."""
    written, values_of, deletes = [], {}, {}
    for name in names:
        path = os.path.join(directory, name)
        table = pq.read_table(path)
        os.unlink(path)
        columns = table.column_names
        positions = table.filter(pc.is_valid(table.column(0)))
        if positions.num_rows:
            _write_deletes(directory, positions, partition_by_file, f"{prefix}-deletes", compression,
                           written, values_of, deletes)
        if len(columns) > 2:
            kept = table.filter(pc.fill_null(table.column(2), False)).select(columns[3:])
            if kept.num_rows:
                _write_by_partition(directory, kept, declared, prefix, compression, written, values_of)
    return written, values_of, deletes


def _write_deletes(directory, positions: pa.Table, partition_by_file: dict, prefix: str, compression,
                   written: list, values_of: dict, deletes: dict):
    """One position delete file per data file it deletes rows of (readers apply it to
    that file alone), in that file's partition and folder."""
    files = positions.column(0).to_pylist()
    groups = {}
    for row, uri in enumerate(files):
        groups.setdefault(uri, []).append(row)
    for number, (uri, rows) in enumerate(groups.items()):
        chosen = positions.take(pa.array(rows, pa.int64()))
        table = pa.table([chosen.column(0).cast(pa.string()), chosen.column(1).cast(pa.int64())],
                         schema=_DELETE_SCHEMA).sort_by([("pos", "ascending")])
        folder = os.path.dirname(uri.split("/data/", 1)[1]) if "/data/" in uri else ""
        relative = os.path.join(folder, f"{prefix}_{number}.parquet")
        _write(directory, relative, table, compression)
        written.append(relative)
        values_of[relative] = partition_by_file.get(uri) or {}
        deletes[relative] = uri
