"""Running a query on a worker: the engine reads the files in place and writes the
result (or CTAS/INSERT/UNLOAD data files) into temporary files; nothing reaches S3 or
the catalog until the commit, on the event loop, stores them all at once. A failed,
stopped or cut-off query leaves no result objects and no catalog change.
"""
import os
import re
import shutil
import time
from dataclasses import dataclass, field

from lakebox.engine import EngineError, QueryCancelled, ScanLimitExceeded, result_names
from lakebox.engine.types import trino_type_of_duck
from lakebox.engine.duck_read import UnreadableFormat
from lakebox.engine.dialect import NotSupported
from lakebox.services.athena import model, results

# CTAS/UNLOAD formats: DuckDB COPY format; a text file's suffix by its compression.
WRITE_FORMATS = {"PARQUET": "parquet", "ORC": "orc", "AVRO": "avro", "JSON": "json", "TEXTFILE": "csv"}
_SUFFIX = {"gzip": ".gz", "zstd": ".zst", "snappy": ""}


@dataclass
class Job:
    """What a worker needs: the bound query's parts and where its output goes."""
    query_id: str
    kind: str                       # select | explain | ctas | insert | delete | update | merge | optimize | unload
    tree: object
    sources: list
    database: str
    output_location: str
    cutoff: int | None = None
    analyze: bool = False
    write: dict = field(default_factory=dict)   # format, compression, location, partitioned_by, rename
    put: dict = field(default_factory=dict)     # PutObject parameters of every object written (output.py)
    cse_key: str | None = None                  # KMS key of client-side encryption (CSE_KMS), else None


@dataclass
class Outcome:
    state: str                                  # SUCCEEDED | FAILED | CANCELLED
    reason: str | None = None
    error: dict | None = None
    figures: dict = field(default_factory=dict)
    objects: list = field(default_factory=list)  # (s3 uri, temp file path, content type)
    data_files: list = field(default_factory=list)   # s3 uris of CTAS/INSERT/UNLOAD data files
    columns: list = field(default_factory=list)  # (name, DuckDB type) of the result
    temp_dirs: list = field(default_factory=list)

    def discard(self):
        for _, path, _ in self.objects:
            if os.path.exists(path):
                os.unlink(path)
        for directory in self.temp_dirs:
            shutil.rmtree(directory, ignore_errors=True)


def run(task, job: Job, engine, running: dict, temp_path) -> Outcome:
    """The worker's part. Never raises: every end is an Outcome."""
    started = time.perf_counter()
    outcome = Outcome("FAILED")
    query = None
    try:
        if task.cancelled:
            raise QueryCancelled()
        query = engine.prepare(job.tree, job.sources, job.database)
        running[job.query_id] = query
        if task.cancelled:          # StopQueryExecution came before the query was findable
            query.cancel()
        query.bind()
        outcome.figures["DataScannedInBytes"] = query.bytes_scanned
        if job.cutoff and (job.kind != "explain" or job.analyze):      # a plain EXPLAIN reads nothing
            query.limit_scan(job.cutoff)
        _WRITERS[job.kind](job, query, outcome, temp_path)
        outcome.figures["DataScannedInBytes"] = query.bytes_scanned
        outcome.figures["InputRows"] = query.input_rows()
        outcome.state = "SUCCEEDED"
    except ScanLimitExceeded as cut:
        outcome.state, outcome.reason = "CANCELLED", model.CUTOFF_REASON
        outcome.error = model.athena_error(model.USER, model.ERROR_TYPES["USER"], model.CUTOFF_REASON)
        outcome.figures["DataScannedInBytes"] = cut.scanned
    except QueryCancelled:
        outcome.state, outcome.reason = "CANCELLED", "Query cancelled by user"
    except EngineError as error:
        outcome.reason, outcome.error = (model.user_error(error.error_name, error.message) if error.user_error
                                         else model.system_error(error.message))
    except (NotSupported, UnreadableFormat) as error:
        outcome.reason, outcome.error = model.user_error("NOT_SUPPORTED", str(error))
    except Exception as error:          # an engine failure is the query's end, never the server's
        outcome.reason, outcome.error = model.system_error(f"{type(error).__name__}: {error}")
    finally:
        running.pop(job.query_id, None)
        if query is not None:
            query.close()
        outcome.figures["EngineExecutionTimeInMillis"] = int((time.perf_counter() - started) * 1000)
        if outcome.state != "SUCCEEDED":
            outcome.discard()
            outcome.objects, outcome.data_files = [], []
    return outcome


def _write_select(job, query, outcome, temp_path):
    path = temp_path()
    rows = query.write_csv(path)
    columns = query.result_columns
    outcome.columns = columns
    outcome.figures["rows"] = rows
    outcome.figures["OutputBytes"] = os.path.getsize(path)
    result = model.result_file(job.output_location, job.query_id, text=False)
    outcome.objects.append((result, path, "text/csv"))
    outcome.objects.append((result + ".metadata", _metadata_file(temp_path, columns), "application/octet-stream"))


def _metadata_file(temp_path, columns) -> str:
    path = temp_path()
    with open(path, "wb") as f:
        f.write(results.metadata_bytes(columns))
    return path


def _write_explain(job, query, outcome, temp_path):
    plan = query.explain(job.analyze)
    path = temp_path()
    with open(path, "w") as f:     # Athena's `<id>.txt`: the plan's lines, no heading, no quoting
        f.write("\n".join(plan.splitlines()))
    outcome.columns = [("Query Plan", "VARCHAR")]
    outcome.figures["rows"] = len(plan.splitlines())
    result = model.result_file(job.output_location, job.query_id, text=True)
    outcome.objects.append((result, path, "text/plain"))
    outcome.objects.append((result + ".metadata", _metadata_file(temp_path, outcome.columns),
                            "application/octet-stream"))


def _write_data(job, query, outcome, temp_path):
    """CTAS, INSERT INTO and UNLOAD: data files under the write location, and a manifest."""
    spec = job.write
    directory = temp_path() + ".d"
    outcome.temp_dirs.append(directory)
    compression = spec.get("compression")
    # As Trino names them: only text files (TEXTFILE, JSON) carry their codec's extension;
    # ORC, Parquet and Avro compress inside the file, whose name says nothing of it.
    suffix = ("" if spec["format"] in ("ORC", "PARQUET", "AVRO")
              else ".snappy" if compression == "snappy" else _SUFFIX.get(compression or "", ""))
    _check_insert_width(spec.get("table_types"), query.result_columns)
    if job.kind in ("ctas", "unload"):
        _check_hive_types(job, query.result_columns)
    if job.kind == "ctas":
        _check_unique_columns(query.result_columns)
        _check_partition_columns(spec.get("partitioned_by") or [], query.result_columns)
    _check_update_types(spec.get("assigned"), spec.get("rename"), query.result_columns)
    written = spec.get("rename") or [name for name, _ in query.result_columns]
    field_ids = spec["field_ids"](written) if spec.get("field_ids") else None      # Iceberg data files
    names = query.write_files(directory, WRITE_FORMATS[spec["format"]], compression, spec.get("partitioned_by") or [],
                              job.query_id, spec.get("rename"), spec.get("suffix", suffix),
                              spec.get("delimiter") or "\x01", spec.get("bucketed"), field_ids)
    if spec.get("split"):           # partitioned Iceberg tables: one file per partition value
        names = spec["split"](directory, names)
    elif spec.get("partitioned_by"):
        _check_open_writers(names, bool(spec.get("bucketed")))
    location = spec["location"].rstrip("/") + "/"
    for name in names:
        uri = location + name.replace(os.sep, "/")
        outcome.objects.append((uri, os.path.join(directory, name), "application/octet-stream"))
        outcome.data_files.append(uri)
    outcome.columns = query.result_columns
    manifest = temp_path()
    with open(manifest, "w") as f:
        f.write("".join(uri + "\n" for uri in outcome.data_files))
    substatement = {"ctas": "CREATE_TABLE_AS_SELECT", "insert": "INSERT"}.get(job.kind, "UNLOAD")
    where = model.manifest_file(job.output_location, job.query_id, substatement)
    outcome.objects.append((where, manifest, "text/csv"))
    # A metadata file beside the manifest, of the statement's result (the row count): the
    # UNLOAD page's `<id>.metadata`; a CTAS's `tables/<id>.metadata`, an INSERT's `<id>.metadata`.
    outcome.objects.append((where.removesuffix("-manifest.csv") + ".metadata",
                            _metadata_file(temp_path, results.WRITE_COLUMNS), "application/octet-stream"))
    outcome.figures["DataManifestLocation"] = where
    outcome.figures["rows"] = query.rows_written


# Athena's writers per CTAS or INSERT INTO (the CTAS and INSERT INTO page: "a limit of
# 100 partitions", failing with the Hive connector's words).
MAX_OPEN_WRITERS = 100


def _check_open_writers(names: list[str], bucketed: bool):
    """A Hive write into more partitions (or partition buckets: one file each) than
    Athena opens writers for fails, and stores nothing."""
    writers = len(names) if bucketed else len({os.path.dirname(name) for name in names})
    if writers > MAX_OPEN_WRITERS:
        raise EngineError("HIVE_TOO_MANY_OPEN_PARTITIONS",
                          f"Exceeded limit of {MAX_OPEN_WRITERS} open writers for partitions/buckets")


def _check_insert_width(table_types: list[str] | None, result_columns: list[tuple[str, str]]):
    """INSERT INTO t SELECT/VALUES: as many columns as the table has, else Trino's refusal."""
    if table_types is not None and len(result_columns) != len(table_types):
        query_types = ", ".join(trino_type_of_duck(kind) for _, kind in result_columns)
        raise EngineError("TYPE_MISMATCH", f"line 1:1: Insert query has mismatched column types: "
                                           f"Table: [{', '.join(table_types)}], Query: [{query_types}]")


# Trino types the Hive connector has no Hive type for (its HiveTypeTranslator), as they
# appear in a DuckDB type (a struct's field named json is quoted)
_NO_HIVE_TYPE = ((re.compile(r"WITH TIME ZONE"), "timestamp(3) with time zone"),
                 (re.compile(r'(?<!")\bJSON\b'), "json"))


def _check_hive_types(job, result_columns: list[tuple[str, str]]):
    """A CTAS or an UNLOAD writes through the Hive connector, which has no type for a
    timestamp with time zone (awswrangler's read_sql_query: its CTAS and UNLOAD approaches
    "Does not support timestamp with time zone") nor for JSON ("Unsupported Hive type:
    json", of the first such column, also inside an array, map or row): the query fails
    before writing, a CTAS ending as Athena ends its failures to write a table."""
    found = next((name for _, kind in result_columns for pattern, name in _NO_HIVE_TYPE
                  if pattern.search(kind.upper())), None)
    if found is None:
        return
    message = f"Unsupported Hive type: {found}"
    if job.kind == "ctas":
        message += (f". You may need to manually clean the data at location "
                    f"'{job.output_location.rstrip('/')}/tables/{job.query_id}' before retrying. "
                    "Athena will not delete data in your account.")
    raise EngineError("NOT_SUPPORTED", message)


def _check_unique_columns(result_columns: list[tuple[str, str]]):
    """CTAS: a table's columns need names of their own (Trino's analyzer refuses the
    statement, at its start, before anything is written)."""
    repeated = result_names.shared([name for name, _ in result_columns])
    if repeated:
        raise EngineError("DUPLICATE_COLUMN_NAME", f"line 1:1: Column name '{repeated[0]}' specified more than once")


def _check_partition_columns(keys: list[str], result_columns: list[tuple[str, str]]):
    """A Hive CTAS: the `partitioned_by` columns exist, are not all the columns, and close
    the select list in that order (the Hive connector refuses the table before writing)."""
    names = [name.lower() for name, _ in result_columns]
    missing = [key for key in keys if key not in names]
    if missing:
        raise EngineError("INVALID_TABLE_PROPERTY", f"Partition columns [{', '.join(missing)}] not present in schema")
    if keys and len(keys) == len(names):
        raise EngineError("INVALID_TABLE_PROPERTY", "Table contains only partition columns")
    if keys and names[len(names) - len(keys):] != keys:
        raise EngineError("HIVE_COLUMN_ORDER_MISMATCH", "Partition keys must be the last columns in the table "
                                                        "and in the same order as the table properties: "
                                                        f"[{', '.join(keys)}]")


def _check_update_types(assigned: dict | None, names: list[str] | None, result_columns: list[tuple[str, str]]):
    """UPDATE t SET c = e (`names`: the change rows' columns, by position): Trino refuses
    an `e` of a type it cannot coerce to `c`'s. Only a change of kind is judged (a string
    for a number, a timestamp for a date ...): DuckDB's numeric result types are not
    always Trino's, so widths are left to the write's cast."""
    if not assigned:
        return
    found = {name: trino_type_of_duck(kind) for name, (_, kind) in zip(names, result_columns)}
    kinds = [found[name] for name in assigned]
    if not all(_coerces(kind, target) for kind, target in zip(kinds, assigned.values())):
        raise EngineError("TYPE_MISMATCH", f"line 1:1: UPDATE table column types don't match SET expressions: "
                                           f"Table: [{', '.join(assigned.values())}], Expressions: [{', '.join(kinds)}]")


_KINDS = {"tinyint": "number", "smallint": "number", "integer": "number", "bigint": "number", "real": "number",
          "double": "number", "decimal": "number", "varchar": "string", "char": "string", "null": "unknown"}


def _coerces(kind: str, target: str) -> bool:
    """Whether a value of Trino type `kind` may be written to a `target` column, judged
    by family (numbers, strings, a date to a timestamp; NULL to anything)."""
    source, sink = _kind(kind), _kind(target)
    return source in (sink, "unknown") or (source, sink) == ("date", "timestamp")


def _kind(trino_type: str) -> str:
    base = trino_type.split("(")[0].strip()
    return _KINDS.get(base, "timestamp" if base.startswith("timestamp") else base)


_WRITERS = {"select": _write_select, "explain": _write_explain, "ctas": _write_data, "insert": _write_data,
            "unload": _write_data, "delete": _write_data, "update": _write_data, "merge": _write_data,
            "optimize": _write_data}
