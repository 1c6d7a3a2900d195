"""Iceberg format version 2, as pure data: table metadata (the JSON document), the Avro
schemas of manifests and manifest lists, and the step from one metadata document to
the next when a snapshot is committed. No I/O here (see `iceberg.py`).

Field ids of the Avro schemas are the spec's (https://iceberg.apache.org/spec/), so
other Iceberg readers resolve them; optional fields lakebox does not track (column
bounds, value counts) are left out of the schemas, which the spec allows.
"""
import json
import re
import uuid

from lakebox.engine.iceberg_types import (current_schema, hive_type, iceberg_type, id_counter, last_id,
                                          mapping_entry, written_id)
from lakebox.services.athena import iceberg_partition as partitions
from lakebox.services.athena import iceberg_stats as stats

FORMAT_VERSION = 2


def schema(columns: list[tuple[str, str]], schema_id: int = 0, comments: dict | None = None) -> dict:
    """An Iceberg schema of (name, Hive type) columns, field ids from 1 (then those of
    nested types); a column's comment is its field's `doc`."""
    next_id = id_counter(len(columns))
    fields = [{"id": number, "name": name, "required": False, "type": iceberg_type(kind, next_id)}
              for number, (name, kind) in enumerate(columns, start=1)]
    for field in fields:
        if (comments or {}).get(field["name"]):
            field["doc"] = comments[field["name"]]
    return {"type": "struct", "schema-id": schema_id, "fields": fields}


def new_table(location: str, columns: list[tuple[str, str]], properties: dict, now_ms: int,
              partitioning: list[tuple[str, str, int | None]] = (), comments: dict | None = None) -> dict:
    """The metadata of an empty table, partitioned by the declared (transform, column,
    width) fields (PartitionError when one cannot be)."""
    table_schema = schema(columns, comments=comments)
    spec = partitions.new_spec(list(partitioning), table_schema)
    mapping = [mapping_entry(field["id"], [field["name"]], field["type"]) for field in table_schema["fields"]]
    return {
        "format-version": FORMAT_VERSION, "table-uuid": str(uuid.uuid4()), "location": location.rstrip("/"),
        "last-sequence-number": 0, "last-updated-ms": now_ms, "last-column-id": last_id(table_schema["fields"]),
        "current-schema-id": 0, "schemas": [table_schema], "default-spec-id": 0,
        "partition-specs": [spec], "last-partition-id": partitions.FIRST_FIELD_ID - 1 + len(spec["fields"]),
        "default-sort-order-id": 0, "sort-orders": [{"order-id": 0, "fields": []}],
        # Data files carry Parquet field ids; the mapping serves files written without them.
        "properties": {**properties, "schema.name-mapping.default": json.dumps(mapping)},
        "current-snapshot-id": -1, "refs": {}, "snapshots": [], "snapshot-log": [], "metadata-log": [],
    }


def field_ids(metadata: dict):
    """For a write of the table's data files: the current schema's field id of each
    written column that is one (by name), for the Parquet schema; a nested column's as
    `{"__duckdb_field_id": id, <part>: ...}` (DuckDB's form) with its parts' ids."""
    by_name = {field["name"].lower(): written_id(field["id"], field["type"])
               for field in current_schema(metadata)["fields"]}
    return lambda names: {name: by_name[name.lower()] for name in names if name.lower() in by_name}


def positional_field_ids(names: list[str]) -> dict:
    """The field ids a new table's schema gives its columns (`schema`): 1, 2, ..."""
    return {name: number for number, name in enumerate(names, start=1)}


def file_columns(metadata: dict, schema_id: int, data: dict) -> dict | None:
    """Each column of schema `schema_id` by its name in a data file (the name its field
    had in the schema of the snapshot that added the file; a field that schema lacks is
    left out: the file has no values of it, even under the same name). None when that
    snapshot is gone (files are then matched by name)."""
    added = snapshot_by_id(metadata, data.get("added_snapshot_id"))
    if added is None or "schema-id" not in added:
        return None
    def by_id(number):
        return {field["id"]: field["name"] for field in
                next(s for s in metadata["schemas"] if s["schema-id"] == number)["fields"]}
    written = by_id(added["schema-id"])
    return {name.lower(): written[number].lower() for number, name in by_id(schema_id).items() if number in written}


def columns(metadata: dict) -> list[tuple[str, str]]:
    """(name, Glue type) of the current schema."""
    return [(field["name"], hive_type(field["type"])) for field in current_schema(metadata)["fields"]]


def comments(metadata: dict) -> dict:
    """{name: comment} of the current schema's commented columns (a field's `doc`)."""
    return {field["name"]: field["doc"] for field in current_schema(metadata)["fields"] if field.get("doc")}


def default_spec(metadata: dict) -> dict:
    return next(s for s in metadata["partition-specs"] if s["spec-id"] == metadata["default-spec-id"])


def partition_fields(metadata: dict) -> list[dict]:
    """The default spec's fields over the current schema (`iceberg_partition.fields`)."""
    return partitions.fields(default_spec(metadata), current_schema(metadata))


def current_snapshot(metadata: dict) -> dict | None:
    return snapshot_by_id(metadata, metadata.get("current-snapshot-id"))


def snapshot_by_id(metadata: dict, snapshot_id) -> dict | None:
    return next((s for s in metadata.get("snapshots") or [] if s["snapshot-id"] == snapshot_id), None)


def snapshot_as_of(metadata: dict, timestamp_ms: int) -> dict | None:
    """The snapshot that was current at `timestamp_ms` (the snapshot log's last entry
    at or before it)."""
    found = None
    for entry in metadata.get("snapshot-log") or []:
        if entry["timestamp-ms"] <= timestamp_ms:
            found = entry["snapshot-id"]
    return snapshot_by_id(metadata, found)


def new_snapshot_id() -> int:
    """A positive 63-bit id, as Iceberg makes them."""
    return uuid.uuid4().int & ((1 << 63) - 1)


def commit_snapshot(metadata: dict, previous_location: str | None, snapshot_id: int, manifest_list: str,
                    operation: str, summary: dict, now_ms: int) -> dict:
    """The next metadata document: `snapshot_id` added and made current on `main`."""
    following = _next_version(metadata, now_ms, previous_location)
    parent = metadata.get("current-snapshot-id")
    sequence = metadata["last-sequence-number"] + 1
    now_ms = following["last-updated-ms"]
    snapshot = {"snapshot-id": snapshot_id, "sequence-number": sequence, "timestamp-ms": now_ms,
                "manifest-list": manifest_list, "summary": {"operation": operation, **summary},
                "schema-id": metadata["current-schema-id"]}
    if parent is not None and parent != -1:
        snapshot["parent-snapshot-id"] = parent
    following["snapshots"].append(snapshot)
    following["current-snapshot-id"] = snapshot_id
    following["last-sequence-number"] = sequence
    following["refs"] = {**following.get("refs", {}), "main": {"snapshot-id": snapshot_id, "type": "branch"}}
    following["snapshot-log"].append({"timestamp-ms": now_ms, "snapshot-id": snapshot_id})
    return following


def _next_version(metadata: dict, now_ms: int, previous_location: str | None) -> dict:
    """A copy of `metadata` to change, stamped `now_ms` (later than its last change, so
    snapshot and metadata logs stay in order however fast commits come)."""
    following = json.loads(json.dumps(metadata))
    following["last-updated-ms"] = max(now_ms, metadata["last-updated-ms"] + 1)
    if previous_location is not None:       # None: the first metadata file of a table made with its snapshot
        following["metadata-log"].append({"timestamp-ms": metadata["last-updated-ms"],
                                          "metadata-file": previous_location})
    return following


class SchemaChangeError(ValueError):
    """A schema change Iceberg (and so Athena) refuses; `kind` is Athena's error name."""

    def __init__(self, message: str, kind: str = "NOT_SUPPORTED"):
        super().__init__(message)
        self.kind = kind


def add_columns(metadata: dict, columns: list[tuple], now_ms: int, previous_location: str) -> dict:
    """A new current schema with `columns` ((name, Hive type[, comment])) appended under
    new field ids."""
    fields = list(current_schema(metadata)["fields"])
    last = metadata["last-column-id"]
    for name, kind, *comment in columns:
        _refuse_taken(fields, name)
        last += 1
        fields.append({"id": last, "name": name, "required": False, "type": iceberg_type(kind, id_counter(last))})
        if comment and comment[0]:
            fields[-1]["doc"] = comment[0]
        last = max(last, last_id(fields[-1:]))
    return _with_schema(metadata, fields, last, now_ms, previous_location)


def drop_column(metadata: dict, name: str, now_ms: int, previous_location: str) -> dict:
    """A new current schema without column `name` (never a partition source)."""
    fields = current_schema(metadata)["fields"]
    field = _field_named(fields, name)
    if any(spec_field["source-id"] == field["id"] for spec_field in default_spec(metadata)["fields"]):
        raise SchemaChangeError(f"Cannot drop column which is used by a partition spec: {name}")
    if len(fields) == 1:
        raise SchemaChangeError("Cannot drop the only column of a table")
    kept = [other for other in fields if other["id"] != field["id"]]
    return _with_schema(metadata, kept, metadata["last-column-id"], now_ms, previous_location)


def change_column(metadata: dict, old: str, new: str, hive: str, after: str | None, now_ms: int,
                  previous_location: str) -> dict:
    """A new current schema where field `old` (its id kept) is named `new`, of type
    `hive` (a promotion Iceberg allows: int to bigint, float to double, a wider
    decimal), moved first (`after` "") or after another column (`after` a name)."""
    fields = [dict(field) for field in current_schema(metadata)["fields"]]
    field = _field_named(fields, old)
    if new.lower() != old.lower():
        _refuse_taken(fields, new)
    same = re.sub(r"\s", "", hive.lower()) == hive_type(field["type"]).lower()
    kind = field["type"] if same else iceberg_type(hive)
    if kind != field["type"] and not _promotes(field["type"], kind):
        raise SchemaChangeError(f"Cannot change column type: {field['name']}: {field['type']} -> {kind}")
    field.update(name=new, type=kind)
    if after is not None:
        fields.remove(field)
        position = 0 if after == "" else fields.index(_field_named(fields, after)) + 1
        fields.insert(position, field)
    return _with_schema(metadata, fields, metadata["last-column-id"], now_ms, previous_location)


def _promotes(old: str, new: str) -> bool:
    if (old, new) in (("int", "long"), ("float", "double")):
        return True
    if old.startswith("decimal") and new.startswith("decimal"):
        (p1, s1), (p2, s2) = (map(int, kind[len("decimal("):-1].split(",")) for kind in (old, new))
        return s1 == s2 and p2 >= p1
    return False


def _field_named(fields: list[dict], name: str) -> dict:
    found = next((field for field in fields if field["name"].lower() == name.lower()), None)
    if found is None:
        raise SchemaChangeError(f"Column '{name}' does not exist", "COLUMN_NOT_FOUND")
    return found


def _refuse_taken(fields: list[dict], name: str):
    if any(field["name"].lower() == name.lower() for field in fields):
        raise SchemaChangeError(f"Column '{name}' already exists", "COLUMN_ALREADY_EXISTS")


def _with_schema(metadata: dict, fields: list[dict], last_column_id: int, now_ms: int,
                 previous_location: str) -> dict:
    """The next metadata document with `fields` as its new current schema. The name
    mapping gives each field id every name it has had, so files written under an old
    name (they carry no field ids) still read as that field."""
    following = _next_version(metadata, now_ms, previous_location)
    schema_id = max(s["schema-id"] for s in metadata["schemas"]) + 1
    following["schemas"].append({"type": "struct", "schema-id": schema_id, "fields": fields})
    following["current-schema-id"] = schema_id
    following["last-column-id"] = last_column_id
    mapping = [mapping_entry(field["id"], [field["name"]] + former_names(following).get(field["name"].lower(), []),
                              field["type"]) for field in fields]
    following["properties"]["schema.name-mapping.default"] = json.dumps(mapping)
    return following


def former_names(metadata: dict, schema_id: int | None = None) -> dict:
    """For each column of a schema (the current one by default), lower-cased: the other
    names its field id had in the table's schemas."""
    chosen = schema_id if schema_id is not None else metadata["current-schema-id"]
    current = next(s for s in metadata["schemas"] if s["schema-id"] == chosen)
    found = {}
    for field in current["fields"]:
        names = []
        for other in metadata["schemas"]:
            for old in other["fields"]:
                if old["id"] == field["id"] and old["name"].lower() != field["name"].lower() \
                        and old["name"].lower() not in names:
                    names.append(old["name"].lower())
        if names:
            found[field["name"].lower()] = names
    return found


DEFAULT_SNAPSHOT_AGE_SECONDS = 432000       # vacuum_max_snapshot_age_seconds: 5 days
DEFAULT_MIN_SNAPSHOTS = 1                   # vacuum_min_snapshots_to_keep
DEFAULT_METADATA_FILES = 100                # vacuum_max_metadata_files_to_keep


def expire_snapshots(metadata: dict, now_ms: int, previous_location: str) -> dict:
    """The snapshots older than the table's retention removed, except the newest
    `vacuum_min_snapshots_to_keep` of the current snapshot's ancestry (that property
    wins over the age, as Athena documents); the metadata log cut to the last
    `vacuum_max_metadata_files_to_keep` earlier metadata files."""
    properties = metadata["properties"]
    oldest = now_ms - int(properties.get("vacuum_max_snapshot_age_seconds", DEFAULT_SNAPSHOT_AGE_SECONDS)) * 1000
    kept = {s["snapshot-id"] for s in metadata["snapshots"] if s["timestamp-ms"] >= oldest}
    kept.update(ancestry(metadata)[:max(1, int(properties.get("vacuum_min_snapshots_to_keep",
                                                              DEFAULT_MIN_SNAPSHOTS)))])
    following = _next_version(metadata, now_ms, previous_location)
    following["snapshots"] = [s for s in metadata["snapshots"] if s["snapshot-id"] in kept]
    following["snapshot-log"] = [e for e in metadata["snapshot-log"] if e["snapshot-id"] in kept]
    keep_files = int(properties.get("vacuum_max_metadata_files_to_keep", DEFAULT_METADATA_FILES))
    following["metadata-log"] = following["metadata-log"][-keep_files:] if keep_files > 0 else []
    return following


def ancestry(metadata: dict) -> list[int]:
    """The current snapshot's id and its ancestors', newest first."""
    found, snapshot = [], current_snapshot(metadata)
    while snapshot is not None and snapshot["snapshot-id"] not in found:
        found.append(snapshot["snapshot-id"])
        snapshot = snapshot_by_id(metadata, snapshot.get("parent-snapshot-id"))
    return found


def with_properties(metadata: dict, properties: dict, now_ms: int, previous_location: str,
                    removed: tuple = ()) -> dict:
    """The next metadata document with `properties` set and the `removed` keys gone."""
    following = _next_version(metadata, now_ms, previous_location)
    following["properties"].update(properties)
    for key in removed:
        following["properties"].pop(key, None)
    return following


def summary(added: list[dict], removed: list[dict], live: list[dict]) -> dict:
    """A snapshot summary's counters (strings, as the spec writes them)."""
    def files(found, content):
        return [data for data in found if data["content"] == content]

    def rows(found):
        return sum(data["record_count"] for data in found)
    figures = {"added-data-files": len(files(added, DATA)), "added-records": rows(files(added, DATA)),
               "added-files-size": sum(data["file_size_in_bytes"] for data in added),
               "added-delete-files": len(files(added, POSITION_DELETES)),
               "added-position-deletes": rows(files(added, POSITION_DELETES)),
               "deleted-data-files": len(files(removed, DATA)), "deleted-records": rows(files(removed, DATA)),
               "removed-delete-files": len(files(removed, POSITION_DELETES)),
               "removed-position-deletes": rows(files(removed, POSITION_DELETES)),
               "total-data-files": len(files(live, DATA)), "total-records": rows(files(live, DATA)),
               "total-delete-files": len(files(live, POSITION_DELETES)),
               "total-position-deletes": rows(files(live, POSITION_DELETES)), "total-equality-deletes": 0}
    return {key: str(value) for key, value in figures.items() if value or key.startswith("total")}


def ancestors(metadata: dict) -> set:
    """The ids of the current snapshot and its parents."""
    found, snapshot = set(), current_snapshot(metadata)
    while snapshot is not None:
        found.add(snapshot["snapshot-id"])
        snapshot = snapshot_by_id(metadata, snapshot.get("parent-snapshot-id"))
    return found


# ---------------------------------------------------------------------------
# Avro schemas (fastavro form) of manifests and manifest lists

def _optional(avro_type, name: str, field_id: int) -> dict:
    return {"name": name, "type": ["null", avro_type], "default": None, "field-id": field_id}


def _required(avro_type, name: str, field_id: int) -> dict:
    return {"name": name, "type": avro_type, "field-id": field_id}


def _bounds_map(name: str, key_id: int, value_id: int) -> dict:
    """An Iceberg map<int, binary> in Avro: an array of key/value records."""
    return {"type": "array", "logicalType": "map", "items": {"type": "record", "name": name, "fields": [
        _required("int", "key", key_id), _required("bytes", "value", value_id)]}}


def _count_map(name: str, key_id: int, value_id: int) -> dict:
    """An Iceberg map<int, long> in Avro."""
    return {"type": "array", "logicalType": "map", "items": {"type": "record", "name": name, "fields": [
        _required("int", "key", key_id), _required("long", "value", value_id)]}}


MANIFEST_ENTRY = {
    "type": "record", "name": "manifest_entry", "fields": [
        _required("int", "status", 0),
        _optional("long", "snapshot_id", 1),
        _optional("long", "sequence_number", 3),
        _optional("long", "file_sequence_number", 4),
        _required({"type": "record", "name": "r2", "fields": [
            _required("int", "content", 134),
            _required("string", "file_path", 100),
            _required("string", "file_format", 101),
            _required({"type": "record", "name": "r102", "fields": []}, "partition", 102),
            _required("long", "record_count", 103),
            _required("long", "file_size_in_bytes", 104),
            _optional(_count_map("k117_v118", 117, 118), "column_sizes", 108),
            _optional(_count_map("k119_v120", 119, 120), "value_counts", 109),
            _optional(_count_map("k121_v122", 121, 122), "null_value_counts", 110),
            _optional(_bounds_map("k126_v127", 126, 127), "lower_bounds", 125),
            _optional(_bounds_map("k129_v130", 129, 130), "upper_bounds", 128),
        ]}, "data_file", 2),
    ]}

MANIFEST_FILE = {
    "type": "record", "name": "manifest_file", "fields": [
        _required("string", "manifest_path", 500),
        _required("long", "manifest_length", 501),
        _required("int", "partition_spec_id", 502),
        _required("int", "content", 517),
        _required("long", "sequence_number", 515),
        _required("long", "min_sequence_number", 516),
        _required("long", "added_snapshot_id", 503),
        _required("int", "added_files_count", 504),
        _required("int", "existing_files_count", 505),
        _required("int", "deleted_files_count", 506),
        _required("long", "added_rows_count", 512),
        _required("long", "existing_rows_count", 513),
        _required("long", "deleted_rows_count", 514),
        _optional({"type": "array", "element-id": 508, "items": {"type": "record", "name": "r508", "fields": [
            _required("boolean", "contains_null", 509),
            _optional("boolean", "contains_nan", 518),
            _optional("bytes", "lower_bound", 510),
            _optional("bytes", "upper_bound", 511)]}}, "partitions", 507),
    ]}

# manifest_entry status
EXISTING, ADDED, DELETED = 0, 1, 2
# data_file content (and a manifest's: data, or deletes of either kind)
DATA, POSITION_DELETES, EQUALITY_DELETES = 0, 1, 2


def manifest_entry_schema(metadata: dict) -> dict:
    """MANIFEST_ENTRY with the `partition` record of the table's default spec."""
    entry = json.loads(json.dumps(MANIFEST_ENTRY))
    data_fields = entry["fields"][4]["type"]["fields"]
    data_fields[3]["type"] = partitions.avro_partition_record(partition_fields(metadata))
    return entry


# The reserved field id of a position delete file's `file_path` column.
DELETE_FILE_PATH_ID = 2147483546


def data_file(path: str, record_count: int, size: int, partition: dict | None = None, content: int = DATA,
              referenced: str | None = None, metrics: dict | None = None) -> dict:
    """A manifest's `data_file`, with a data file's column `metrics` (`iceberg_stats`); a
    position delete file that deletes rows of one data file only (`referenced`) has that
    path as the bounds of its `file_path` column, which readers use to apply it to that
    file alone."""
    bounds = [{"key": DELETE_FILE_PATH_ID, "value": referenced.encode()}] if referenced else None
    return {"content": content, "file_path": path, "file_format": "PARQUET", "partition": partition or {},
            "record_count": record_count, "file_size_in_bytes": size, "lower_bounds": bounds, "upper_bounds": bounds,
            **(metrics or {})}


def may_delete_from(delete_file: dict, path: str) -> bool:
    """Whether a position delete file's `file_path` bounds (when it has them) admit `path`."""
    def bound(name):
        return next((item["value"] for item in delete_file.get(name) or [] if item["key"] == DELETE_FILE_PATH_ID),
                    None)
    lower, upper = bound("lower_bounds"), bound("upper_bounds")
    target = path.encode()
    return (lower is None or lower <= target) and (upper is None or target <= upper)


def manifest_header(metadata: dict, content: int = DATA) -> dict:
    """The key/value metadata an Iceberg manifest carries in its Avro header."""
    current = current_schema(metadata)
    spec = default_spec(metadata)
    return {"schema": json.dumps(current), "schema-id": str(current["schema-id"]),
            "partition-spec": json.dumps(spec["fields"]), "partition-spec-id": str(spec["spec-id"]),
            "format-version": str(FORMAT_VERSION), "content": "data" if content == DATA else "deletes"}


def manifest_file_entry(path: str, length: int, sequence: int, snapshot_id: int, entries: list[dict],
                        spec_id: int = 0, content: int = DATA, fields: list[dict] = ()) -> dict:
    """A manifest list's row for a manifest of `entries`, with the ranges of the
    partition `fields` over its files."""
    def count(status):
        return sum(1 for entry in entries if entry["status"] == status)

    def rows(status):
        return sum(entry["data_file"]["record_count"] for entry in entries if entry["status"] == status)
    return {"manifest_path": path, "manifest_length": length, "partition_spec_id": spec_id, "content": content,
            "sequence_number": sequence, "min_sequence_number": min(
                [entry["sequence_number"] for entry in entries if entry["sequence_number"] is not None] or [sequence]),
            "added_snapshot_id": snapshot_id, "added_files_count": count(ADDED),
            "existing_files_count": count(EXISTING), "deleted_files_count": count(DELETED),
            "added_rows_count": rows(ADDED), "existing_rows_count": rows(EXISTING),
            "deleted_rows_count": rows(DELETED),
            "partitions": stats.partition_summaries(fields, [entry["data_file"] for entry in entries])}


# the Iceberg table properties Athena documents, beyond format and compression
TABLE_PROPERTIES = ("write_target_data_file_size_bytes", "optimize_rewrite_min_data_file_size_bytes",
                    "optimize_rewrite_max_data_file_size_bytes", "optimize_rewrite_data_file_threshold",
                    "optimize_rewrite_delete_file_threshold", "vacuum_min_snapshots_to_keep",
                    "vacuum_max_snapshot_age_seconds", "vacuum_max_metadata_files_to_keep")
DEFAULT_TARGET_FILE_SIZE = 536870912        # write_target_data_file_size_bytes: 512 MB
DEFAULT_DATA_FILE_THRESHOLD = 5             # optimize_rewrite_data_file_threshold
DEFAULT_DELETE_FILE_THRESHOLD = 2           # optimize_rewrite_delete_file_threshold


def files_to_rewrite(properties: dict, files: list[dict]) -> set[str]:
    """The data files OPTIMIZE rewrites, by the table properties Athena documents: a file
    is a candidate when it is smaller than `optimize_rewrite_min_data_file_size_bytes`
    (0.75 of the target size), larger than `..._max_...` (1.8 of it) or has at least
    `optimize_rewrite_delete_file_threshold` delete files; a partition's candidates are
    rewritten when they are at least `optimize_rewrite_data_file_threshold` (and more
    than one: one file alone gains nothing from a rewrite), or one has
    too many delete files, or together they exceed the target size. `files`: each with
    `file_path`, `partition`, `file_size_in_bytes` and `delete_files` (how many apply)."""
    def number(name, default):
        return int(float(properties.get(name, default)))
    target = number("write_target_data_file_size_bytes", DEFAULT_TARGET_FILE_SIZE)
    smallest = number("optimize_rewrite_min_data_file_size_bytes", 0.75 * target)
    largest = number("optimize_rewrite_max_data_file_size_bytes", 1.8 * target)
    enough_files = number("optimize_rewrite_data_file_threshold", DEFAULT_DATA_FILE_THRESHOLD)
    enough_deletes = number("optimize_rewrite_delete_file_threshold", DEFAULT_DELETE_FILE_THRESHOLD)
    groups: dict[str, list[dict]] = {}
    for data in files:
        if data["delete_files"] >= enough_deletes or not smallest <= data["file_size_in_bytes"] <= largest:
            groups.setdefault(json.dumps(data["partition"], sort_keys=True, default=str), []).append(data)
    chosen = set()
    for group in groups.values():
        if 1 < len(group) >= enough_files or any(data["delete_files"] >= enough_deletes for data in group) \
                or (len(group) > 1 and sum(data["file_size_in_bytes"] for data in group) > target):
            chosen.update(data["file_path"] for data in group)
    return chosen
