"""SHOW CREATE TABLE and the metadata tables of an Iceberg table (`"t$snapshots"`,
`"t$history"`, `"t$refs"`, `"t$files"`, `"t$manifests"`, `"t$partitions"`), read from its
metadata and manifests, each table handed to the engine as a Trino subquery of literal
rows with Trino's column types.
"""
import datetime
import re

from sqlglot import exp

from lakebox.engine import EngineError, dialect
from lakebox.services.athena import iceberg
from lakebox.services.athena import iceberg_meta as meta
from lakebox.services.athena import iceberg_partition as partitions

_TZ = "TIMESTAMP(3) WITH TIME ZONE"
_MAP = "MAP(VARCHAR, VARCHAR)"


def _snapshots(ctx, metadata):
    columns = [("committed_at", _TZ), ("snapshot_id", "BIGINT"), ("parent_id", "BIGINT"),
               ("operation", "VARCHAR"), ("manifest_list", "VARCHAR"), ("summary", _MAP)]
    rows = [[s["timestamp-ms"], s["snapshot-id"], s.get("parent-snapshot-id"), s["summary"].get("operation"),
             s["manifest-list"], s["summary"]] for s in metadata["snapshots"]]
    return columns, rows


def _history(ctx, metadata):
    current = meta.ancestors(metadata)
    columns = [("made_current_at", _TZ), ("snapshot_id", "BIGINT"), ("parent_id", "BIGINT"),
               ("is_current_ancestor", "BOOLEAN")]
    rows = [[entry["timestamp-ms"], entry["snapshot-id"],
             (meta.snapshot_by_id(metadata, entry["snapshot-id"]) or {}).get("parent-snapshot-id"),
             entry["snapshot-id"] in current] for entry in metadata["snapshot-log"]]
    return columns, rows


def _refs(ctx, metadata):
    columns = [("name", "VARCHAR"), ("type", "VARCHAR"), ("snapshot_id", "BIGINT"),
               ("max_reference_age_in_ms", "BIGINT"), ("min_snapshots_to_keep", "INTEGER"),
               ("max_snapshot_age_in_ms", "BIGINT")]
    rows = [[name, ref["type"].upper(), ref["snapshot-id"], ref.get("max-ref-age-ms"),
             ref.get("min-snapshots-to-keep"), ref.get("max-snapshot-age-ms")]
            for name, ref in (metadata.get("refs") or {}).items()]
    return columns, rows


def _files(ctx, metadata):
    """The current snapshot's data and delete files; a partitioned table's with their
    `partition` (a ROW of the partition values)."""
    fields = meta.partition_fields(metadata)
    row = _row_type(fields)
    columns = [("content", "INTEGER"), ("file_path", "VARCHAR"), ("file_format", "VARCHAR"), ("spec_id", "INTEGER")] \
        + ([("partition", row)] if fields else []) + [("record_count", "BIGINT"), ("file_size_in_bytes", "BIGINT")]
    rows = []
    for data in iceberg.live_files(ctx, meta.current_snapshot(metadata)):
        values = iceberg.partition_values(data, fields)
        partition = [_row_sql(fields, [values[field["name"]] for field in fields], row)] if fields else []
        rows.append([data["content"], data["file_path"], data["file_format"], metadata["default-spec-id"]]
                    + partition + [data["record_count"], data["file_size_in_bytes"]])
    return columns, rows


def _manifests(ctx, metadata):
    columns = [("content", "INTEGER"), ("path", "VARCHAR"), ("length", "BIGINT"), ("partition_spec_id", "INTEGER"),
               ("added_snapshot_id", "BIGINT"), ("added_data_files_count", "INTEGER"),
               ("added_rows_count", "BIGINT"), ("existing_data_files_count", "INTEGER"),
               ("existing_rows_count", "BIGINT"), ("deleted_data_files_count", "INTEGER"),
               ("deleted_rows_count", "BIGINT")]
    snapshot = meta.current_snapshot(metadata)
    listed = iceberg.avro_rows(ctx, snapshot["manifest-list"]) if snapshot else []
    rows = [[m["content"], m["manifest_path"], m["manifest_length"], m["partition_spec_id"], m["added_snapshot_id"],
             m["added_files_count"], m["added_rows_count"], m["existing_files_count"], m["existing_rows_count"],
             m["deleted_files_count"], m["deleted_rows_count"]] for m in listed]
    return columns, rows


_TRINO = {"int": "INTEGER", "long": "BIGINT", "string": "VARCHAR", "date": "DATE", "timestamp": "TIMESTAMP(6)",
          "double": "DOUBLE", "float": "REAL", "boolean": "BOOLEAN", "binary": "VARBINARY"}


def _partitions(ctx, metadata):
    """One row per partition value of the current snapshot's data files (one row in all
    for an unpartitioned table): its values, records, files and bytes (as Trino counts
    them: rows of the data files, before delete files)."""
    fields = meta.partition_fields(metadata)
    groups = {}
    for data in iceberg.live_files(ctx, meta.current_snapshot(metadata)):
        if data["content"] != meta.DATA:
            continue
        values = iceberg.partition_values(data, fields)
        figures = groups.setdefault(tuple(values[field["name"]] for field in fields), [0, 0, 0])
        figures[0] += data["record_count"]
        figures[1] += 1
        figures[2] += data["file_size_in_bytes"]
    counts = [("record_count", "BIGINT"), ("file_count", "BIGINT"), ("total_size", "BIGINT")]
    if not fields:
        return counts, [figures for figures in groups.values()]
    row = _row_type(fields)
    rows = [[_row_sql(fields, key, row)] + figures for key, figures in groups.items()]
    return [("partition", row)] + counts, rows


def _row_type(fields) -> str:
    return "ROW(" + ", ".join(f'"{field["name"]}" {_TRINO[field["result_type"]]}' for field in fields) + ")"


def _row_sql(fields, values, row_type: str) -> str:
    cells = []
    for field, value in zip(fields, values):
        kind = field["result_type"]
        if value is None:
            cells.append(f"CAST(NULL AS {_TRINO[kind]})")
        elif kind in ("date", "timestamp"):
            text = partitions.human({**field, "transform": "identity"}, value).replace("T", " ")
            cells.append(f"{_TRINO[kind].split('(')[0]} '{text}'")
        elif kind in ("string", "binary"):
            cells.append(_text(value) if kind == "string" else f"X'{value.hex()}'")
        else:
            cells.append(str(value).lower() if kind == "boolean" else repr(value))
    return f"CAST(ROW({', '.join(cells)}) AS {row_type})"


_TABLES = {"snapshots": _snapshots, "history": _history, "refs": _refs, "files": _files, "manifests": _manifests,
           "partitions": _partitions}


def show_create(ctx, db_name: str, table: dict) -> list[str]:
    """SHOW CREATE TABLE of an Iceberg table, from its metadata."""
    metadata, _ = iceberg.load(ctx, table)
    columns, comments = meta.columns(metadata), meta.comments(metadata)
    lines = [f"CREATE TABLE {db_name}.{table['Name']} ("]
    lines += [f"  {column} {kind}{_comment(comments.get(column))}{',' if i < len(columns) - 1 else ')'}"
              for i, (column, kind) in enumerate(columns)]
    properties = [("table_type", "iceberg")] + [
        (key, value) for key, value in metadata["properties"].items() if key != "schema.name-mapping.default"]
    declared = [partitions.declaration(field) for field in meta.partition_fields(metadata)]
    if declared:
        lines.append(f"PARTITIONED BY ({', '.join(declared)})")
    lines += [f"LOCATION '{metadata['location']}'", "TBLPROPERTIES ("]
    lines += [f"  '{key}'='{value}'{',' if i < len(properties) - 1 else ')'}"
              for i, (key, value) in enumerate(properties)]
    return lines


def _comment(text: str | None) -> str:
    return f" COMMENT '{text.replace(chr(39), chr(39) * 2)}'" if text else ""


def describe(ctx, table: dict) -> list[str]:
    """DESCRIBE of an Iceberg table as Athena answers it, cells unpadded: `# Table schema:`
    and its heading, a line per column (name, type, comment), a blank line, then
    `# Partition spec:` and its heading, a line per partition field (name, Iceberg
    transform, source column) -- the headings there for an unpartitioned table too."""
    metadata, _ = iceberg.load(ctx, table)
    comments = meta.comments(metadata)
    lines = ["# Table schema:\t\t", "# col_name\tdata_type\tcomment"]
    lines += [f"{column}\t{_spelled(kind)}\t{comments.get(column, '')}" for column, kind in meta.columns(metadata)]
    lines += ["\t\t", "# Partition spec:\t\t", "# field_name\tfield_transform\tcolumn_name"]
    names = {field["id"]: field["name"] for field in meta.current_schema(metadata)["fields"]}
    spec = meta.default_spec(metadata)
    return lines + [f"{field['name']}\t{field['transform']}\t{names.get(field['source-id'], '')}"
                    for field in spec["fields"]]


def _spelled(kind: str) -> str:
    """A Hive type as Athena's DESCRIBE of an Iceberg table spells it: a blank after each
    comma and colon (`decimal(10, 2)`, `map<string, int>`, `struct<a: int, b: string>`)."""
    return re.sub(r"([,:])\s*", r"\1 ", kind)


def properties(ctx, table: dict) -> dict:
    """SHOW TBLPROPERTIES of an Iceberg table: the Glue table's parameters and the
    properties of its metadata (where ALTER TABLE SET TBLPROPERTIES puts them)."""
    metadata, _ = iceberg.load(ctx, table)
    found = {key: value for key, value in metadata["properties"].items() if key != "schema.name-mapping.default"}
    return {**found, **(table.get("Parameters") or {})}


def metadata_table(ctx, table: dict, kind: str, where: str) -> exp.Expression:
    """The rows of `"t$<kind>"` as a Trino query."""
    if kind not in _TABLES:
        raise EngineError("NOT_SUPPORTED", f"{where}Metadata table ${kind} is not supported")
    metadata, _ = iceberg.load(ctx, table)
    columns, rows = _TABLES[kind](ctx, metadata)
    if not rows:
        items = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in columns)
        return dialect.parse(f"SELECT {items} WHERE false")
    selects = ["SELECT " + ", ".join(f"{_literal(value, kind)} AS {name}" for value, (name, kind) in zip(row, columns))
               for row in rows]
    return dialect.parse(" UNION ALL ".join(selects))


def _literal(value, kind: str) -> str:
    if value is None:
        return f"CAST(NULL AS {kind})"
    if kind.startswith("ROW("):        # already written as SQL
        return value
    if kind == _TZ:
        moment = datetime.datetime.fromtimestamp(value / 1000, datetime.timezone.utc)
        return f"CAST('{moment.strftime('%Y-%m-%d %H:%M:%S.%f')[:-3]} UTC' AS {_TZ})"
    if kind == _MAP:
        if not value:
            return f"CAST(MAP() AS {_MAP})"
        keys = ", ".join(_text(key) for key in value)
        return f"MAP(ARRAY[{keys}], ARRAY[{', '.join(_text(item) for item in value.values())}])"
    if kind == "BOOLEAN":
        return "true" if value else "false"
    if kind == "VARCHAR":
        return _text(value)
    return f"CAST({int(value)} AS {kind})"


def _text(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"
