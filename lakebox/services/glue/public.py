"""The Data Catalog as other services see it (Athena, Firehose, ...).

Every function takes the caller's `RequestContext` (`ctx`): the account and region
come from it, as the catalog is the caller's. Documents are shaped as boto3 returns
them (`Table`, `Partition`, `Database`), with timestamps as epoch seconds. Missing
things raise Glue's own `errors.EntityNotFoundException` ("Database x not found.",
"Table x not found."), bad input `errors.InvalidInputException`, an existing name
`errors.AlreadyExistsException`: a caller translates them into its own errors.
Pass a context made with `kit.calls.on_behalf(ctx, "glue", "<Operation>")` (or
`system_context` for work no client asked for). The functions read and write through
the database's writer, so call them on the event loop (an action, a job, a work
task's commit), not from a worker thread. These names and signatures are stable.
"""
from dataclasses import dataclass, field

from lakebox.services.glue import databases as _databases
from lakebox.services.glue import errors, grok, infer, partitions as _partitions, store, tables as _tables
from lakebox.services.glue.catalog import (database_or_error, fold, in_catalog, linked_database, owned_table,
                                          table_or_error)
from lakebox.services.s3 import public as s3

__all__ = ["errors", "get_database", "list_databases", "create_database", "update_database", "delete_database",
           "get_table", "get_table_version", "list_tables", "create_table", "update_table", "delete_table", "list_partitions",
           "create_partitions", "update_partition", "delete_partitions", "table_format", "TableScan",
           "PartitionScan", "plan_scan", "fold_name", "parse_type"]


def get_database(ctx, name: str) -> dict:
    """The `Database` document."""
    return database_or_error(ctx, name)


def list_databases(ctx) -> list[dict]:
    return store.databases_after(ctx.state.db, ctx.account, ctx.region, "", 1 << 62)


def create_database(ctx, database_input: dict) -> dict:
    """Create a database from a `DatabaseInput` (as CreateDatabase); returns its document."""
    _databases.create_database(ctx, {"DatabaseInput": database_input})
    return database_or_error(ctx, database_input["Name"])


def update_database(ctx, name: str, database_input: dict) -> dict:
    """Replace what a database holds from a `DatabaseInput` (as UpdateDatabase; the name
    stays); returns its document."""
    _databases.update_database(ctx, {"Name": name, "DatabaseInput": database_input})
    return database_or_error(ctx, name)


def delete_database(ctx, name: str):
    """Delete a database with all its tables (as DeleteDatabase: Athena's DROP DATABASE
    checks for tables itself when CASCADE is not given)."""
    _databases.delete_database(ctx, {"Name": name})


def get_table(ctx, database: str, name: str, catalog_id: str | None = None) -> dict:
    """The `Table` document (current version)."""
    ctx = in_catalog(ctx, {"CatalogId": catalog_id})
    return table_or_error(ctx, database, name)


def get_table_version(ctx, database: str, name: str, version_id: str, catalog_id: str | None = None) -> dict:
    """The `Table` document of one version (as GetTableVersion); a version the table does
    not have is `EntityNotFoundException`, a version id that is not a number
    `InvalidInputException`."""
    ctx = in_catalog(ctx, {"CatalogId": catalog_id})
    return _tables.get_table_version(ctx, {"DatabaseName": database, "TableName": name,
                                           "VersionId": version_id})["TableVersion"]["Table"]


def list_tables(ctx, database: str) -> list[dict]:
    name = linked_database(ctx, database_or_error(ctx, database))
    return store.tables_after(ctx.state.db, ctx.account, ctx.region, name, "", 1 << 62)


def table_name_matcher(expression: str | None):
    """GetTables' `Expression` as a test of a table's name: `*` any text, `|` between
    alternatives, the whole name matched whatever its case. A pattern that is no regular
    expression raises errors.InvalidInputException."""
    return _tables.name_matcher(expression)


def create_table(ctx, database: str, table_input: dict) -> dict:
    """Create a table from a `TableInput` (as CreateTable); returns its document."""
    return _tables.insert_table(ctx, database, table_input)


def update_table(ctx, database: str, table_input: dict) -> dict:
    """Replace a table's definition (as UpdateTable, keeping the previous version)."""
    ctx, current = owned_table(ctx, database, table_input["Name"], "glue:UpdateTable")
    return _tables.replace_table(ctx, current, table_input)


def delete_table(ctx, database: str, name: str):
    """Delete a table with its partitions and versions."""
    current = table_or_error(ctx, database, name, follow=False)
    _tables.remove_table(ctx, current["DatabaseName"], current["Name"])


def list_partitions(ctx, database: str, table: str, expression: str | None = None) -> list[dict]:
    """The table's `Partition` documents, in creation order, that satisfy `expression`
    (GetPartitions' filter language over partition keys; None means all)."""
    ctx, found = owned_table(ctx, database, table)
    return [doc for _, doc in _partitions.matching_partitions(ctx, found, expression)]


def create_partitions(ctx, database: str, table: str, partition_inputs: list[dict]) -> list[dict]:
    """Add partitions from `PartitionInput`s (as BatchCreatePartition, any number).
    Returns the per-partition errors (e.g. AlreadyExistsException) as BatchCreatePartition does."""
    ctx, found = owned_table(ctx, database, table, "glue:BatchCreatePartition")
    return _partitions.add_partitions(ctx, found, partition_inputs)


def update_partition(ctx, database: str, table: str, values: list[str], partition_input: dict):
    """Replace one partition's document in one write, as UpdatePartition does (it keeps its
    CreationTime; EntityNotFoundException when it is absent)."""
    _partitions.update_partition(ctx, {"DatabaseName": database, "TableName": table,
                                       "PartitionValueList": values, "PartitionInput": partition_input})


def delete_partitions(ctx, database: str, table: str, values_list: list[list[str]]):
    """Delete the partitions with these values; absent ones are skipped."""
    ctx, found = owned_table(ctx, database, table, "glue:BatchDeletePartition")
    for values in values_list:
        store.delete_partition(ctx.state.db, ctx.account, ctx.region, found["DatabaseName"], found["Name"], values)


# ---------------------------------------------------------------------------
# Reading a table's data


_FORMAT_BY_SERDE = (
    ("parquet", "parquet"), ("orc", "orc"), ("avro", "avro"), ("jsonserde", "json"), ("json", "json"),
    ("opencsvserde", "csv"), ("lazysimpleserde", "csv"), ("grok", "grok"), ("regex", "regex"),
)


def table_format(table_or_partition: dict) -> str:
    """parquet | orc | avro | json | csv | grok | regex | unknown, from the SerDe, the
    input format and the `classification` parameter, in that order. A LazySimpleSerDe
    table is "csv" whatever its delimiter: read `serde_parameters` for it."""
    sd = table_or_partition.get("StorageDescriptor") or {}
    library = ((sd.get("SerdeInfo") or {}).get("SerializationLibrary") or "").lower()
    for marker, name in _FORMAT_BY_SERDE:
        if marker in library:
            return name
    input_format = (sd.get("InputFormat") or "").lower()
    for marker in ("parquet", "orc", "avro"):
        if marker in input_format:
            return marker
    classification = (table_or_partition.get("Parameters") or {}).get("classification", "").lower()
    return classification or "unknown"


@dataclass
class PartitionScan:
    values: list[str]            # [] for an unpartitioned table
    location: str                # s3://bucket/prefix/
    format: str                  # as table_format
    serde_parameters: dict
    files: list = field(default_factory=list)   # S3 public.ObjectFile, when asked for


@dataclass
class TableScan:
    table: dict                  # the Table document
    columns: list[dict]          # StorageDescriptor.Columns: [{"Name", "Type"}, ...]
    partition_keys: list[dict]   # PartitionKeys
    format: str
    serde_parameters: dict
    table_parameters: dict
    partitions: list[PartitionScan] = field(default_factory=list)


def plan_scan(ctx, database: str, table: str, expression: str | None = None, with_files: bool = False) -> TableScan:
    """What a query reads: the table's schema and format, and the locations that survive
    `expression` on the partition keys (the table's own location when it has no keys).
    With `with_files`, each location's files too, at any depth below it (S3
    `public.ObjectFile`: key, size and the path of the bytes on disk, to read in place;
    empty objects and hidden names such as `_SUCCESS` left out). Call it on
    the event loop: it reads through the writer's connection."""
    ctx, found = owned_table(ctx, database, table)
    sd = found.get("StorageDescriptor") or {}
    scan = TableScan(found, sd.get("Columns") or [], found.get("PartitionKeys") or [], table_format(found),
                     (sd.get("SerdeInfo") or {}).get("Parameters") or {}, found.get("Parameters") or {})
    if not scan.partition_keys:
        scan.partitions.append(PartitionScan([], sd.get("Location") or "", scan.format, scan.serde_parameters))
    else:
        for _, doc in _partitions.matching_partitions(ctx, found, expression):
            part_sd = doc.get("StorageDescriptor") or {}
            part_format = table_format(doc)
            scan.partitions.append(PartitionScan(
                doc["Values"], part_sd.get("Location") or "", scan.format if part_format == "unknown" else part_format,
                (part_sd.get("SerdeInfo") or {}).get("Parameters") or scan.serde_parameters))
    if with_files:
        for part in scan.partitions:
            part.files = _files_at(ctx.state, part.location)
    return scan


def _files_at(state, location: str) -> list:
    try:
        bucket, prefix = s3.parse_s3_uri(location)
    except ValueError:
        return []
    if not s3.bucket_exists(state, bucket):
        return []
    prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
    # Hive's rule, which Athena follows: names starting with '_' or '.' are not data
    # (_SUCCESS markers, .crc files), at any depth below the location.
    return [found for found in s3.resolve(state, f"s3://{bucket}/{prefix}")
            if not any(part.startswith(("_", ".")) for part in found.key[len(prefix):].split("/"))]


class GrokPatternError(ValueError):
    """A Grok SerDe table's pattern that does not compile (the message says why)."""


def grok_expression(serde_parameters: dict) -> tuple[str, list[str]]:
    """A Grok SerDe table's `input.format` (with its `input.grokCustomPatterns`) as one
    regular expression whose group `g<i>` holds the i-th field, and the fields' names."""
    try:
        regex, fields = grok.compile_grok(serde_parameters.get("input.format") or "",
                                          grok.custom_patterns(serde_parameters.get("input.grokCustomPatterns")),
                                          unnamed_fields=True)
    except grok.GrokError as error:
        raise GrokPatternError(str(error)) from None
    return regex.pattern, [name for name, _ in fields]


def parse_type(text: str):
    """A Hive type string (`array<struct<a:bigint>>`) as a tree: a string for a primitive,
    ("array", element), ("map", key, value) or ("struct", [(name, type), ...]).
    Raises ValueError when the text is not a type."""
    return infer.parse_hive(text)


def fold_name(name: str) -> str:
    """How the catalog stores a database or table name (lower case)."""
    return fold(name)
