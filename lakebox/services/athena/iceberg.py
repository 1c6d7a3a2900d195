"""Iceberg tables behind Athena: metadata JSON, manifest lists and manifests (Avro) in
S3, the table registered in Glue as Athena registers it (`table_type=ICEBERG`,
`metadata_location`, `previous_metadata_location`).

A write (INSERT, DELETE, UPDATE, MERGE) puts its Parquet data files with the query's
other objects; its commit, on the loop, writes one manifest, one manifest list and the
next metadata file, then swaps `metadata_location` in Glue only if it is still the one
the statement was planned against (else ICEBERG_COMMIT_ERROR and nothing of it is kept).
DELETE, UPDATE and MERGE are merge-on-read, as Athena writes them: position delete files
beside the data files they apply to (see docs/iceberg.md).
"""
import datetime
import io
import json
import uuid

import fastavro
import pyarrow.parquet as pq
from sqlglot import exp

from lakebox.engine import EngineError
from lakebox.engine.iceberg_types import IcebergTypeError, glue_columns
from lakebox.engine.sources import DataFile, Part, TableSource
from lakebox.services.athena import iceberg_meta as meta
from lakebox.services.athena import iceberg_partition as partitions
from lakebox.services.athena import iceberg_prune
from lakebox.services.athena import iceberg_stats as stats
from lakebox.services.glue import public as glue
from lakebox.services.s3 import public as s3

_TABLE_INPUT_KEYS = ("Name", "Description", "TableType", "Parameters", "PartitionKeys", "StorageDescriptor")
_MANIFEST_LIST_SCHEMA = fastavro.parse_schema(meta.MANIFEST_FILE)


def is_iceberg(table: dict) -> bool:
    return (table.get("Parameters") or {}).get("table_type", "").upper() == "ICEBERG"


def _now_ms(ctx) -> int:
    return int(ctx.now * 1000)


def _read(ctx, uri: str) -> bytes:
    bucket, key = s3.parse_s3_uri(uri)
    return s3.get_object(ctx.state, bucket, key)


def _write(ctx, uri: str, data: bytes, content_type: str = "application/octet-stream"):
    bucket, key = s3.parse_s3_uri(uri)
    s3.put_object(ctx.state, bucket, key, data, content_type)


def _metadata_uri(location: str, version: int) -> str:
    return f"{location.rstrip('/')}/metadata/{version:05d}-{uuid.uuid4()}.metadata.json"


def _version_after(previous_location: str) -> int:
    """The number of the metadata file following `previous_location` (`00003-<uuid>...`
    is followed by 4; a file named otherwise by another writer, by 1). From the name, not
    the metadata log's length: VACUUM shortens the log."""
    number = previous_location.rsplit("/", 1)[-1].split("-", 1)[0]
    return int(number) + 1 if number.isdigit() else 1


def current_columns(table: dict) -> list[dict]:
    """A Glue table's columns less those an Iceberg table keeps for its older schemas."""
    return [column for column in (table.get("StorageDescriptor") or {}).get("Columns") or []
            if (column.get("Parameters") or {}).get("iceberg.field.current") != "false"]


# ---- tables ------------------------------------------------------------------------

def new_document(location: str, columns: list[tuple[str, str]], properties: dict, now_ms: int,
                 partitioning: list[str] = (), comments: dict | None = None) -> dict:
    """The first metadata document of a table; `partitioning` as Athena declares it
    (`day(ts)`, `bucket(16, id)`, `col`). EngineError when the columns or the
    partitioning cannot be."""
    try:
        declared = [partitions.parse_transform(text) for text in partitioning]
        return meta.new_table(location, columns, properties, now_ms, declared, comments)
    except partitions.PartitionError as error:
        raise EngineError(error.kind, str(error)) from None
    except IcebergTypeError as error:
        raise EngineError("NOT_SUPPORTED", str(error)) from None


def write_first_metadata(ctx, location: str, columns: list[tuple[str, str]], properties: dict,
                         partitioning: list[str] = (), comments: dict | None = None) -> tuple[str, dict]:
    """The metadata file of an empty table under `location`: where it is, and it."""
    bucket = s3.parse_s3_uri(location)[0]
    if not s3.bucket_exists(ctx.state, bucket):
        raise EngineError("ICEBERG_FILESYSTEM_ERROR", f"Failed to create table: the bucket {bucket} does not exist")
    document = new_document(location, columns, properties, _now_ms(ctx), partitioning, comments)
    metadata_location = _metadata_uri(location, 0)
    _write(ctx, metadata_location, json.dumps(document).encode(), "application/json")
    return metadata_location, document


def create(ctx, database: str, name: str, columns: list[tuple[str, str]], location: str, properties: dict,
           description: str | None = None, partitioning: list[str] = (), comments: dict | None = None) -> str:
    """An empty table: its first metadata file, then the Glue table pointing at it
    (`comments`, {column: comment}, on its fields and Glue columns). Returns where the
    metadata file is."""
    metadata_location, document = write_first_metadata(ctx, location, columns, properties, partitioning, comments)
    table_input = {"Name": name, "TableType": "EXTERNAL_TABLE", "PartitionKeys": [],
                   "Parameters": {"table_type": "ICEBERG", "metadata_location": metadata_location},
                   "StorageDescriptor": {"Columns": glue_columns(document),
                                         "Location": location.rstrip("/"), "SerdeInfo": {}}}
    if description:
        table_input["Description"] = description
    glue.create_table(ctx, database, table_input)
    return metadata_location


def load(ctx, table: dict) -> tuple[dict, str]:
    """The table's current metadata document and where it is."""
    location = table["Parameters"].get("metadata_location")
    name = f"{table.get('DatabaseName')}.{table['Name']}"
    if not location:
        raise EngineError("ICEBERG_INVALID_METADATA", f"Table is missing [metadata_location] property: {name}")
    try:
        return json.loads(_read(ctx, location)), location
    except Exception as error:      # a missing bucket or object, or not JSON: the table is unreadable
        if type(error).__name__ not in ("NoSuchKey", "NoSuchBucket", "JSONDecodeError"):
            raise
        raise EngineError("ICEBERG_INVALID_METADATA",
                          f"Failed to read table metadata for {name} from {location}") from None


def drop(ctx, database: str, table: dict):
    """DROP TABLE of an Iceberg table removes its data and metadata, as Athena does."""
    location = ((table.get("StorageDescriptor") or {}).get("Location") or "").rstrip("/") + "/"
    glue.delete_table(ctx, database, table["Name"])
    bucket, prefix = s3.parse_s3_uri(location)
    if s3.bucket_exists(ctx.state, bucket):
        for item in list(s3.list_objects(ctx.state, bucket, prefix)):
            s3.delete_object(ctx.state, bucket, item.key)


# ---- reading -----------------------------------------------------------------------

def avro_rows(ctx, uri: str) -> list[dict]:
    return list(fastavro.reader(io.BytesIO(_read(ctx, uri))))


def live_files(ctx, snapshot: dict | None) -> list[dict]:
    """The data and delete files of a snapshot (entries not marked deleted), each with
    its `sequence_number` and `added_snapshot_id`."""
    if snapshot is None:
        return []
    found = []
    for manifest in avro_rows(ctx, snapshot["manifest-list"]):
        for entry in avro_rows(ctx, manifest["manifest_path"]):
            if entry["status"] != meta.DELETED:
                data = dict(entry["data_file"])
                data["sequence_number"] = entry["sequence_number"] if entry["sequence_number"] is not None \
                    else manifest["sequence_number"]
                data["added_snapshot_id"] = entry["snapshot_id"] if entry["snapshot_id"] is not None \
                    else manifest["added_snapshot_id"]
                found.append(data)
    return found


def partition_values(data: dict, fields: list[dict]) -> dict:
    """A data file's partition values by field name, in internal form."""
    found = data.get("partition") or {}
    return {field["name"]: partitions.internal(found.get(field["name"]))
            for field in fields}


def chosen_snapshot(metadata: dict, version: exp.Version | None, where: str, now_ms: int,
                    table_name: str) -> dict | None:
    """The current snapshot, or the one `FOR VERSION AS OF` / `FOR TIMESTAMP AS OF` names.
    A version the table lacks is the connector's refusal (Trino's words: no position;
    `table_name` is `db.table`)."""
    if version is None:
        return meta.current_snapshot(metadata)
    kind = str(version.this).upper()
    value = version.expression
    if kind == "VERSION":
        if not (isinstance(value, exp.Literal) and not value.is_string):
            raise EngineError("TYPE_MISMATCH", f"{where}Unsupported type for table version: {value.sql('trino')}")
        snapshot = meta.snapshot_by_id(metadata, int(value.name))
        if snapshot is None:
            raise EngineError("INVALID_ARGUMENTS", f"Iceberg snapshot ID does not exists: {value.name}")
        return snapshot
    moment = _timestamp_ms(value, where, now_ms)
    snapshot = meta.snapshot_as_of(metadata, moment)
    if snapshot is None:
        raise EngineError("INVALID_ARGUMENTS", f"No version history table {table_name} at or before "
                                               f"{_instant_text(moment)}")
    return snapshot


def _instant_text(epoch_ms: int) -> str:
    """A moment as Java's `Instant.toString()` writes it: `2024-01-01T00:00:00Z`, with
    milliseconds only when there are some."""
    moment = datetime.datetime.fromtimestamp(epoch_ms / 1000, datetime.timezone.utc)
    fraction = f".{epoch_ms % 1000:03d}" if epoch_ms % 1000 else ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


_INTERVAL_MS = {"SECOND": 1000, "MINUTE": 60_000, "HOUR": 3_600_000, "DAY": 86_400_000, "WEEK": 604_800_000}


def _timestamp_ms(value: exp.Expression, where: str, now_ms: int) -> int:
    """A TIMESTAMP literal (with or without zone; without one it is UTC, the session's),
    `current_timestamp` / `now()` (the query's start), either plus or minus INTERVALs."""
    if isinstance(value, exp.Paren):
        return _timestamp_ms(value.this, where, now_ms)
    if isinstance(value, exp.CurrentTimestamp) or (isinstance(value, exp.Anonymous) and value.name.lower() == "now"):
        return now_ms
    if isinstance(value, (exp.Add, exp.Sub)) and isinstance(value.expression, exp.Interval):
        interval = value.expression
        unit = interval.unit.name.upper().rstrip("S") if interval.unit is not None else ""
        if unit not in _INTERVAL_MS or not interval.this.name.strip().lstrip("-").isdigit():
            raise EngineError("NOT_SUPPORTED", f"{where}FOR TIMESTAMP AS OF takes an interval of seconds to weeks")
        offset = int(interval.this.name.strip()) * _INTERVAL_MS[unit]
        base = _timestamp_ms(value.this, where, now_ms)
        return base + offset if isinstance(value, exp.Add) else base - offset
    literal = value.this if isinstance(value, exp.Cast) else value
    if not (isinstance(literal, exp.Literal) and literal.is_string):
        raise EngineError("NOT_SUPPORTED", f"{where}FOR TIMESTAMP AS OF takes a TIMESTAMP literal, or "
                                           "current_timestamp plus or minus intervals")
    text = literal.name.strip()
    if text.upper().endswith(" UTC"):
        text = text[:-4]
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise EngineError("INVALID_LITERAL", f"{where}'{literal.name}' is not a valid timestamp literal") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return int(moment.timestamp() * 1000)


def source(ctx, table: dict, database: str, name: str, ref: exp.Table, where: str,
           tree: exp.Expression | None = None) -> TableSource:
    """What the engine reads of the table: the Parquet data files of the snapshot, less
    those whose partition values rule them out for `tree`'s WHERE (when given)."""
    metadata, _ = load(ctx, table)
    snapshot = chosen_snapshot(metadata, ref.args.get("version"), where, _now_ms(ctx), f"{database}.{name}")
    # the table's schema; time travel: the one its snapshot was written with
    schema_id = snapshot.get("schema-id", metadata["current-schema-id"]) \
        if snapshot and ref.args.get("version") is not None else metadata["current-schema-id"]
    # an Iceberg timestamp is Trino's timestamp(6): it keeps its microseconds
    columns = [(column, "timestamp(6)" if kind == "timestamp" else kind)
               for column, kind in meta.columns({**metadata, "current-schema-id": schema_id})]
    fields = meta.partition_fields(metadata)
    wanted = iceberg_prune.predicate(tree, ref, fields) if tree is not None and fields else None
    by_column = _comparable_columns(metadata, schema_id)
    bounded = iceberg_prune.predicate(tree, ref, [{"column": name, "source_type": kind} for name, (_, kind)
                                                  in by_column.items()]) if tree is not None else None
    live = live_files(ctx, snapshot)
    if any(data["content"] == meta.EQUALITY_DELETES for data in live):
        raise EngineError("NOT_SUPPORTED", f"{where}Iceberg equality delete files are not supported")
    deletes = [data for data in live if data["content"] == meta.POSITION_DELETES]
    files = []
    for data in live:
        if data["content"] != meta.DATA or (wanted is not None and not partitions.may_match(
                wanted, fields, partition_values(data, fields))) or not stats.may_contain(bounded, by_column, data):
            continue
        found = _object_file(ctx, data["file_path"])
        applied = [_object_file(ctx, delete["file_path"]).path for delete in deletes if _applies(delete, data)]
        files.append(DataFile(found.path, data["file_path"], data["file_size_in_bytes"], deletes=applied,
                              columns=meta.file_columns(metadata, schema_id, data)))
    return TableSource(database=database, name=name, columns=columns, partition_keys=[], format="parquet",
                       properties=dict(table.get("Parameters") or {}), parts=[Part([], files)] if files else [],
                       aliases=meta.former_names(metadata, schema_id))


def narrow_to_rewrites(ctx, table: dict, sources: list[TableSource]) -> set[str]:
    """OPTIMIZE: the table's files its WHERE selected (in `sources`) narrowed, in place,
    to those the table's rewrite thresholds choose; their URIs."""
    metadata, _ = load(ctx, table)
    partition_of = {data["file_path"]: data["partition"] for data in live_files(ctx, meta.current_snapshot(metadata))}
    candidates = [{"file_path": found.uri, "partition": partition_of.get(found.uri), "file_size_in_bytes": found.size,
                   "delete_files": len(found.deletes)} for source in sources for found in source.files]
    chosen = meta.files_to_rewrite(metadata["properties"], candidates)
    for source in sources:
        for part in source.parts:
            part.files = [found for found in part.files if found.uri in chosen]
        source.parts = [part for part in source.parts if part.files]
    return chosen


def _comparable_columns(metadata: dict, schema_id: int) -> dict:
    """(field id, type) of each column of the schema whose bounds pruning compares."""
    schema = next(s for s in metadata["schemas"] if s["schema-id"] == schema_id)
    return {field["name"].lower(): (field["id"], field["type"]) for field in schema["fields"]
            if field["type"] in ("int", "long", "date", "timestamp", "double", "string")}


# ---- committing --------------------------------------------------------------------

def commit(ctx, database: str, name: str, planned_location: str, added_uris: list[str], operation: str,
           partition_of: dict | None = None, delete_uris: dict | None = None, replaced: set | None = None):
    """Make the files written by one statement the table's next snapshot. `operation` is
    `append` (files added: data files, and the position delete files among them that
    `delete_uris` maps to the data file each deletes from: a row-level change) or `replace` (files added, the data files
    `replaced` names, all when None, removed with the delete files of their partitions:
    rows unchanged, compaction). `partition_of` gives an added file's partition values
    by its URI (partitioned tables)."""
    table = glue.get_table(ctx, database, name)
    if table["Parameters"].get("metadata_location") != planned_location:
        raise EngineError("ICEBERG_COMMIT_ERROR", f"Failed to commit Iceberg update to table: {database}.{name}: "
                                                  "the table was changed by another writer")
    metadata, location = load(ctx, table)
    following = _with_snapshot(ctx, metadata, location, added_uris, operation, partition_of, delete_uris, replaced)
    _replace_metadata(ctx, database, table, location, following)


def create_with_snapshot(ctx, database: str, name: str, columns: list[tuple[str, str]], location: str,
                         properties: dict, partitioning: list[str], added_uris: list[str],
                         partition_of: dict | None = None):
    """CTAS: the table and its first snapshot made by one commit, as Athena's create-table
    transaction makes them: one metadata file (`00000-`) with the snapshot and no
    metadata log, and a Glue table without a previous_metadata_location."""
    bucket = s3.parse_s3_uri(location)[0]
    if not s3.bucket_exists(ctx.state, bucket):
        raise EngineError("ICEBERG_FILESYSTEM_ERROR", f"Failed to create table: the bucket {bucket} does not exist")
    document = new_document(location, columns, properties, _now_ms(ctx), partitioning)
    following = _with_snapshot(ctx, document, None, added_uris, "append", partition_of)
    metadata_location = _metadata_uri(location, 0)
    _write(ctx, metadata_location, json.dumps(following).encode(), "application/json")
    glue.create_table(ctx, database, {
        "Name": name, "TableType": "EXTERNAL_TABLE", "PartitionKeys": [],
        "Parameters": {"table_type": "ICEBERG", "metadata_location": metadata_location},
        "StorageDescriptor": {"Columns": glue_columns(following), "Location": location.rstrip("/"), "SerdeInfo": {}}})


def _with_snapshot(ctx, metadata: dict, location: str | None, added_uris: list[str], operation: str,
                   partition_of: dict | None = None, delete_uris: dict | None = None,
                   replaced: set | None = None) -> dict:
    """The metadata document following `metadata` (read from `location`; None: not yet
    written) with the snapshot of the files a statement wrote; its manifests written."""
    parent = meta.current_snapshot(metadata)
    previous = live_files(ctx, parent)
    snapshot_id, sequence = meta.new_snapshot_id(), metadata["last-sequence-number"] + 1
    fields = meta.current_schema(metadata)["fields"]
    added = [_data_file(ctx, uri, (partition_of or {}).get(uri), (delete_uris or {}).get(uri), fields)
             for uri in added_uris]
    added = [data for data in added if data["record_count"]]
    entries = [{"status": meta.ADDED, "snapshot_id": snapshot_id, "sequence_number": sequence,
                "file_sequence_number": sequence, "data_file": data} for data in added]
    rewrites = operation == "replace"
    removed, kept = _compacted(previous, replaced) if rewrites else ([], previous)
    entries += [_entry(meta.DELETED, snapshot_id, data) for data in removed]
    if rewrites:        # the new manifests list every file of the table: the kept ones as existing
        entries += [_entry(meta.EXISTING, data["added_snapshot_id"], data) for data in kept]
    base = metadata["location"]
    manifests = [] if parent is None or rewrites else avro_rows(ctx, parent["manifest-list"])
    for content in (meta.DATA, meta.POSITION_DELETES):
        chosen = [entry for entry in entries if entry["data_file"]["content"] == content]
        if chosen:
            manifests.insert(0, _write_manifest(ctx, metadata, chosen, content, sequence, snapshot_id))
    list_uri = f"{base}/metadata/snap-{snapshot_id}-1-{uuid.uuid4()}.avro"
    _write(ctx, list_uri, _avro_bytes(_MANIFEST_LIST_SCHEMA, manifests, {
        "snapshot-id": str(snapshot_id), "parent-snapshot-id": str(parent["snapshot-id"]) if parent else "null",
        "sequence-number": str(sequence), "format-version": str(meta.FORMAT_VERSION)}))
    if any(data["content"] == meta.POSITION_DELETES for data in added):      # a row-level change
        operation = "overwrite" if any(data["content"] == meta.DATA for data in added) else "delete"
    figures = meta.summary(added, removed, kept + added)
    return meta.commit_snapshot(metadata, location, snapshot_id, list_uri, operation, figures, _now_ms(ctx))


def _entry(status: int, snapshot_id: int, data: dict) -> dict:
    return {"status": status, "snapshot_id": snapshot_id, "sequence_number": data["sequence_number"],
            "file_sequence_number": data["sequence_number"], "data_file": _strip(data)}


def _compacted(previous: list[dict], replaced: set | None) -> tuple[list[dict], list[dict]]:
    """(removed, kept) of a compaction: the data files `replaced` names (all when None)
    and the delete files no kept data file needs."""
    if replaced is None:
        return previous, []
    kept_data = [data for data in previous if data["content"] == meta.DATA and data["file_path"] not in replaced]
    removed = [data for data in previous if data["file_path"] in replaced
               or (data["content"] == meta.POSITION_DELETES and not any(_applies(data, kept) for kept in kept_data))]
    return removed, [data for data in previous if data not in removed]


def _applies(delete: dict, data: dict) -> bool:
    """Whether a position delete file may delete rows of a data file (same partition,
    not older, its bounds admitting the data file's path)."""
    return delete["sequence_number"] >= data["sequence_number"] and delete["partition"] == data["partition"] \
        and meta.may_delete_from(delete, data["file_path"])


def _write_manifest(ctx, metadata: dict, entries: list[dict], content: int, sequence: int, snapshot_id: int) -> dict:
    """One manifest of data files or of delete files; its manifest list row."""
    uri = f"{metadata['location']}/metadata/{uuid.uuid4()}-m{content}.avro"
    schema = fastavro.parse_schema(meta.manifest_entry_schema(metadata))
    manifest = _avro_bytes(schema, entries, meta.manifest_header(metadata, content))
    _write(ctx, uri, manifest)
    return meta.manifest_file_entry(uri, len(manifest), sequence, snapshot_id, entries, metadata["default-spec-id"],
                                    content, meta.partition_fields(metadata))


def _replace_metadata(ctx, database: str, table: dict, location: str, following: dict) -> str:
    """Write the next metadata file and point the Glue table at it (its columns: the
    current schema's); where it is."""
    following_location = _metadata_uri(following["location"], _version_after(location))
    _write(ctx, following_location, json.dumps(following).encode(), "application/json")
    table_input = {key: table[key] for key in _TABLE_INPUT_KEYS if key in table}
    table_input["Parameters"] = {**table["Parameters"], "metadata_location": following_location,
                                 "previous_metadata_location": location}
    table_input["StorageDescriptor"] = {**table_input.get("StorageDescriptor", {}),
                                        "Columns": glue_columns(following)}
    glue.update_table(ctx, database, table_input)
    return following_location


def add_columns(ctx, database: str, table: dict, columns: list[tuple]):
    """ALTER TABLE ADD COLUMNS: a new schema with new field ids; files written before
    read the new columns as NULL."""
    _evolve(ctx, database, table, meta.add_columns, columns)


def drop_column(ctx, database: str, table: dict, name: str):
    """ALTER TABLE DROP COLUMN: a new schema without the field (its data stays in the
    files, unread)."""
    _evolve(ctx, database, table, meta.drop_column, name)


def change_column(ctx, database: str, table: dict, old: str, new: str, hive_type: str, after: str | None):
    """ALTER TABLE CHANGE COLUMN: the field (same id) renamed, widened or moved; files
    written before read it under its old name."""
    _evolve(ctx, database, table, meta.change_column, old, new, hive_type, after)


def _evolve(ctx, database: str, table: dict, change, *args):
    metadata, location = load(ctx, table)
    try:
        following = change(metadata, *args, _now_ms(ctx), location)
    except meta.SchemaChangeError as error:
        raise EngineError(error.kind, str(error)) from None
    except (IcebergTypeError, ValueError) as error:
        raise EngineError("NOT_SUPPORTED", str(error)) from None
    _replace_metadata(ctx, database, table, location, following)


def vacuum(ctx, database: str, table: dict):
    """VACUUM: expire the snapshots older than the table's retention (keeping the
    minimum number), then delete the data files, manifests and manifest lists no
    remaining snapshot needs and the metadata files the shortened metadata log drops."""
    metadata, location = load(ctx, table)
    following = meta.expire_snapshots(metadata, _now_ms(ctx), location)
    needed = {entry["metadata-file"] for entry in following["metadata-log"]}
    for snapshot in following["snapshots"]:
        needed.add(snapshot["manifest-list"])
        for manifest in avro_rows(ctx, snapshot["manifest-list"]):
            needed.add(manifest["manifest_path"])
        needed.update(data["file_path"] for data in live_files(ctx, snapshot))
    current = _replace_metadata(ctx, database, table, location, following)
    needed.add(current)
    base = following["location"]
    bucket, prefix = s3.parse_s3_uri(base + "/")
    for item in list(s3.list_objects(ctx.state, bucket, prefix)):
        uri = f"s3://{bucket}/{item.key}"
        if uri not in needed and (uri.startswith(base + "/data/") or uri.endswith((".avro", ".metadata.json"))):
            s3.delete_object(ctx.state, bucket, item.key)


def set_properties(ctx, database: str, table: dict, properties: dict, removed: tuple = ()):
    """ALTER TABLE SET / UNSET TBLPROPERTIES: into (out of) the table metadata's properties."""
    metadata, location = load(ctx, table)
    _replace_metadata(ctx, database, table, location,
                      meta.with_properties(metadata, properties, _now_ms(ctx), location, removed))


def _object_file(ctx, uri: str):
    bucket, key = s3.parse_s3_uri(uri)
    return s3.object_file(ctx.state, bucket, key)


def _strip(data: dict) -> dict:
    return {key: value for key, value in data.items() if key not in ("sequence_number", "added_snapshot_id")}


def _data_file(ctx, uri: str, partition: dict | None, deletes_from: str | None, fields: list[dict]) -> dict:
    """The manifest `data_file` of a file a statement wrote: a position delete file
    (`deletes_from` names the data file it deletes from), or a data file with the column
    statistics of the schema's `fields`."""
    found = _object_file(ctx, uri)
    footer = pq.read_metadata(found.path) if found.path else None
    rows = footer.num_rows if footer else 0
    if deletes_from:
        return meta.data_file(uri, rows, found.size, partition, meta.POSITION_DELETES, deletes_from)
    metrics = stats.column_metrics(footer, fields) if footer else None
    return meta.data_file(uri, rows, found.size, partition, metrics=metrics)


def _avro_bytes(schema, records: list[dict], header: dict) -> bytes:
    buffer = io.BytesIO()
    fastavro.writer(buffer, schema, records, metadata=header, codec="deflate")
    return buffer.getvalue()
