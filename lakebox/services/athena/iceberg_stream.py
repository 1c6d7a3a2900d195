"""Row-level writes of a streaming writer (Firehose's Iceberg destination) to an Iceberg
table Athena reads: rows appended, and rows whose unique keys match removed first
(merge-on-read, as Athena's own DELETE and UPDATE: position delete files beside the data
files they apply to), committed as one snapshot by `iceberg.commit`.
"""
import datetime
import io
import os
import tempfile
import uuid

import pyarrow as pa
import pyarrow.parquet as pq

from lakebox.engine import EngineError
from lakebox.services.athena import iceberg
from lakebox.services.athena import iceberg_meta as meta
from lakebox.services.athena import iceberg_split
from lakebox.services.glue import public as glue

_COMPRESSIONS = {"ZSTD": "zstd", "SNAPPY": "snappy", "GZIP": "gzip", "NONE": None, "UNCOMPRESSED": None}


def key_value(value):
    """A unique key's value, comparable between a file's rows and new ones (timestamps
    without their zone, integers of any width)."""
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    return value


def apply(ctx, database: str, name: str, rows: pa.Table | None, keys: list[str], removed: set):
    """Remove the rows of the table whose `keys` values are in `removed` (tuples of
    `key_value`s), then append `rows`; one snapshot."""
    table = glue.get_table(ctx, database, name)
    if not iceberg.is_iceberg(table):
        raise EngineError("NOT_SUPPORTED", f"{database}.{name} is not an Iceberg table")
    metadata, _ = iceberg.load(ctx, table)
    planned = table["Parameters"]["metadata_location"]
    data_uri = ((table.get("StorageDescriptor") or {}).get("Location") or metadata["location"]).rstrip("/") + "/data/"
    compression = _COMPRESSIONS.get(metadata.get("properties", {}).get("write_compression", "ZSTD").upper(), "zstd")
    prefix = f"{uuid.uuid4()}"
    written, values, deletes = [], {}, {}
    with tempfile.TemporaryDirectory() as directory:
        if removed and keys:
            _write_deletes(ctx, metadata, directory, keys, removed, prefix, compression, written, values, deletes)
        if rows is not None and rows.num_rows:
            iceberg_split._write_by_partition(directory, rows, meta.partition_fields(metadata), prefix, compression,
                                              written, values)
        if not written:
            return
        uris = []
        for relative in written:
            uri = data_uri + relative.replace(os.sep, "/")
            with open(os.path.join(directory, relative), "rb") as f:
                iceberg._write(ctx, uri, f.read())
            uris.append(uri)
    partition_of = {data_uri + r.replace(os.sep, "/"): values[r] for r in written}
    delete_uris = {data_uri + r.replace(os.sep, "/"): deletes[r] for r in deletes}
    iceberg.commit(ctx, database, name, planned, uris, "append", partition_of, delete_uris)


def _write_deletes(ctx, metadata, directory, keys, removed, prefix, compression, written, values, deletes):
    """A position delete file for each live data file holding rows with removed keys."""
    lowered = [key.lower() for key in keys]
    for number, data in enumerate(iceberg.live_files(ctx, meta.current_snapshot(metadata))):
        if data["content"] != meta.DATA:
            continue
        body = iceberg._read(ctx, data["file_path"])
        schema = pq.read_schema(io.BytesIO(body))
        by_name = {field.name.lower(): field.name for field in schema}
        if any(key not in by_name for key in lowered):
            continue
        found = pq.read_table(io.BytesIO(body), columns=[by_name[key] for key in lowered])
        columns = [found.column(i).to_pylist() for i in range(len(lowered))]
        positions = [row for row, values_ in enumerate(zip(*columns))
                     if tuple(key_value(v) for v in values_) in removed]
        if not positions:
            continue
        table = pa.table([pa.array([data["file_path"]] * len(positions), pa.string()),
                          pa.array(positions, pa.int64())], schema=iceberg_split._DELETE_SCHEMA)
        relative = f"{prefix}-deletes_{number}.parquet"
        pq.write_table(table, os.path.join(directory, relative), compression=compression or "none")
        written.append(relative)
        values[relative] = data.get("partition") or {}
        deletes[relative] = data["file_path"]
