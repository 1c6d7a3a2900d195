"""From a parsed query to what the engine reads: each catalog table it names, resolved
through Glue to its columns, format and partitions, partitions pruned by the query's
WHERE, then the surviving locations listed in S3. Views are expanded in place.
Runs on the event loop (catalog and object listings are index reads).
"""
import base64
import json
import os

from sqlglot import exp

from lakebox.aws.errors import ServiceError
from lakebox.engine import EngineError, dialect
from lakebox.engine.sources import DataFile, Part, TableSource
from lakebox.services.athena import cse, hive_partitions, iceberg, iceberg_tables, information_schema, projection
from lakebox.services.glue import public as glue
from lakebox.services.s3 import public as s3

_MAX_VIEW_DEPTH = 10


def resolve_sources(ctx, engine, tree: exp.Expression, database: str) -> list[TableSource]:
    """The tables `tree` reads (views expanded into `tree` itself), partitions pruned."""
    for _ in range(_MAX_VIEW_DEPTH):
        if not _expand_views(ctx, tree, database):
            break
    information_schema.expand(ctx, tree, database, view_text, _where)
    _expand_metadata_tables(ctx, tree, database)
    refs = dialect.table_refs(tree)
    counts = {}
    for ref in refs:
        key = _key(ref, database)
        counts[key] = counts.get(key, 0) + 1
    sources, seen = [], {}
    for ref in refs:
        key = _key(ref, database)
        if key in seen:
            continue
        table = _table(ctx, ref, *key)
        if iceberg.is_iceberg(table):     # its files are the snapshot's, from its manifests
            # one reference: its WHERE alone decides which data files may hold rows
            source = iceberg.source(ctx, table, *key, ref, _where(ref), tree if counts[key] == 1 else None)
        else:
            source = _source(ctx, tree, ref, table, *key)
            if counts[key] == 1:          # one reference: its WHERE alone decides the partitions
                engine.prune(tree, ref, source)
            _list_files(ctx, source)
        seen[key] = source
        sources.append(source)
    return sources


def _key(ref: exp.Table, database: str) -> tuple[str, str]:
    return (ref.db or database).lower(), ref.name.lower()


def _table(ctx, ref: exp.Table, database: str, name: str) -> dict:
    try:
        glue.get_database(ctx, database)
    except glue.errors.EntityNotFoundException:
        raise EngineError("SCHEMA_NOT_FOUND", f"{_where(ref)}Schema '{database}' does not exist") from None
    try:
        return glue.get_table(ctx, database, name)
    except glue.errors.EntityNotFoundException:
        raise EngineError("TABLE_NOT_FOUND",
                          f"{_where(ref)}Table 'awsdatacatalog.{database}.{name}' does not exist") from None


def _where(node: exp.Expression) -> str:
    """`line L:C: ` of a node as Trino reports positions (1-based, first character; a
    qualified table name's first part)."""
    identifier = node
    if isinstance(node, exp.Table):
        identifier = node.args.get("catalog") or node.args.get("db") or node.this
    meta = getattr(identifier, "meta", None) or {}
    if "line" not in meta:
        return ""
    column = meta.get("col", 1) - len(identifier.name) + 1
    if isinstance(identifier, exp.Identifier) and identifier.args.get("quoted"):
        column -= 2                 # the position is the opening quote's; `col` is after the closing one
    return f"line {meta['line']}:{max(column, 1)}: "


def _source(ctx, tree, ref: exp.Table, table: dict, database: str, name: str) -> TableSource:
    table_type = (table.get("Parameters") or {}).get("table_type", "").upper()
    if table_type and table_type != "EXTERNAL_TABLE":       # Hudi, Delta: their own issue
        raise EngineError("NOT_SUPPORTED", f"{_where(ref)}Reading {table_type} tables is not supported "
                                           f"(table {database}.{name})")
    scan = glue.plan_scan(ctx, database, name)
    sd = table.get("StorageDescriptor") or {}
    source = TableSource(
        database=database, name=name,
        columns=[(column["Name"], column.get("Type") or "string") for column in scan.columns],
        partition_keys=[(column["Name"], column.get("Type") or "string") for column in scan.partition_keys],
        format=scan.format, serde=dict(scan.serde_parameters), properties=dict(scan.table_parameters),
        serde_library=(sd.get("SerdeInfo") or {}).get("SerializationLibrary") or "")
    if source.format == "grok":
        _grok_as_regex(source)
    if "cloudtrail" in (sd.get("InputFormat") or "").lower() or "cloudtrail" in source.serde_library.lower():
        source.format, source.json_records = "json", True       # events in each file's `Records`
    if source.partition_keys and projection.enabled(source.properties):
        keys = [key for key, _ in source.partition_keys]
        select = ref.find_ancestor(exp.Select)
        projected = projection.projected(source.properties, keys, sd.get("Location") or "", ctx.now, tree,
                                         (ref.alias_or_name or "").lower(), select and select.args.get("where"))
        source.parts = [Part(values, [DataFile(location, "", 0)]) for values, location in projected]
    else:
        source.parts = [Part(list(part.values), [DataFile(part.location, "", 0)]) for part in scan.partitions]
    return source


def _grok_as_regex(source: TableSource):
    """A Grok SerDe table is read as a Regex SerDe one: its pattern expanded into one
    expression, each column taking the group of the grok field of its name (a line must
    match as a whole, as the crawler that made the table judged its lines)."""
    try:
        regex, fields = glue.grok_expression(source.serde)
    except glue.GrokPatternError as error:
        raise EngineError("HIVE_INVALID_METADATA", str(error)) from None
    group_of = {name.lower(): f"g{index}" for index, name in enumerate(fields)}
    source.format, source.serde = "regex", {"input.regex": regex}
    source.regex_groups = [group_of.get(name.lower()) for name, _ in source.columns]


def _list_files(ctx, source: TableSource):
    """Replace each part's location (held as its one placeholder file) by its files."""
    for part in source.parts:
        location = part.files[0].path
        part.files = []
        if not location.startswith("s3://"):
            continue
        try:
            found = s3.resolve(ctx.state, location if location.endswith("/") else location + "/")
        except Exception as error:      # a missing bucket reads as no data, as on AWS
            if type(error).__name__ != "NoSuchBucket":
                raise
            continue
        bucket = s3.parse_s3_uri(location)[0]
        encrypted = str(source.properties.get("has_encrypted_data", "")).lower() == "true"
        part.files = [_data_file(ctx, item, f"s3://{bucket}/{item.key}", encrypted) for item in found
                      if not _hidden(item.key)]


def _data_file(ctx, item, uri: str, encrypted: bool) -> DataFile:
    """An object to read in place; a table with `has_encrypted_data` reads its objects
    encrypted on the client side (CSE_KMS) through decrypted copies."""
    if not encrypted or not cse.is_sealed(item.metadata):
        try:
            return DataFile(item.path, uri, item.size)
        except ServiceError as error:       # S3 cannot serve it (its SSE-KMS key disabled, deleted)
            raise EngineError("HIVE_CANNOT_OPEN_SPLIT", f"Error opening Hive split {uri} (offset=0, length="
                                                        f"{item.size}): {error.message} (Service: Amazon S3; "
                                                        f"Status Code: {error.status}; Error Code: {error.code})"
                              ) from None
    try:
        path = cse.plain_path(ctx.state, ctx.account, ctx.region, item)
    except (cse.KmsFailure, ValueError) as error:
        message = error.message if isinstance(error, cse.KmsFailure) else str(error)
        raise EngineError("HIVE_CANNOT_OPEN_SPLIT", f"Error opening Hive split {uri} (offset=0, length={item.size}): "
                                                    f"{message}") from None
    return DataFile(path, uri, os.path.getsize(path))


def _hidden(key: str) -> bool:
    """Athena skips objects whose name starts with `_` or `.` (Spark's _SUCCESS, .crc)."""
    name = key.rsplit("/", 1)[-1]
    return name.startswith(("_", ".")) or key.endswith("$folder$")


# ---------------------------------------------------------------------------
# Views: stored in Glue as Athena stores them (a Presto view), expanded on read

PRESTO_VIEW_PREFIX = "/* Presto View: "


def view_text(table: dict) -> str | None:
    """The SQL of a Presto view stored in Glue, or None if `table` is not one."""
    doc = _view_doc(table)
    return None if doc is None else doc["originalSql"]


def view_columns(table: dict) -> list[tuple[str, str]]:
    """(name, Trino type) of each column of a Presto view stored in Glue."""
    return [(column["name"], column["type"]) for column in (_view_doc(table) or {}).get("columns", [])]


def _view_doc(table: dict) -> dict | None:
    original = table.get("ViewOriginalText") or ""
    if table.get("TableType") != "VIRTUAL_VIEW" or not original.startswith(PRESTO_VIEW_PREFIX):
        return None
    encoded = original[len(PRESTO_VIEW_PREFIX):].rsplit("*/", 1)[0].strip()
    return json.loads(base64.b64decode(encoded))


def encode_view(sql: str, catalog: str, schema: str, columns: list[tuple[str, str]]) -> str:
    doc = {"originalSql": sql, "catalog": catalog, "schema": schema,
           "columns": [{"name": name, "type": kind} for name, kind in columns]}
    return PRESTO_VIEW_PREFIX + base64.b64encode(json.dumps(doc).encode()).decode() + " */"


def _expand_metadata_tables(ctx, tree: exp.Expression, database: str):
    """`"t$snapshots"`, `"t$history"`, ... of an Iceberg table `t`, and `"t$partitions"`
    of a partitioned Hive table: their rows, in place."""
    for ref in dialect.table_refs(tree):
        database_name, name = _key(ref, database)
        if "$" not in name:
            continue
        base, kind = name.rsplit("$", 1)
        table = _table(ctx, ref, database_name, base)
        if iceberg.is_iceberg(table):
            rows = iceberg_tables.metadata_table(ctx, table, kind, _where(ref))
        elif kind == "partitions" and hive_partitions.has_partitions_table(table):
            rows = hive_partitions.partitions_table(ctx, database_name, table)
        else:
            raise EngineError("TABLE_NOT_FOUND", f"{_where(ref)}Table 'awsdatacatalog.{database_name}.{name}' "
                                                 "does not exist")
        ref.replace(exp.Subquery(this=rows, alias=exp.TableAlias(this=exp.to_identifier(ref.alias_or_name))))


def _expand_views(ctx, tree: exp.Expression, database: str) -> bool:
    expanded = False
    for ref in dialect.table_refs(tree):
        database_name, name = _key(ref, database)
        try:
            table = glue.get_table(ctx, database_name, name)
        except glue.errors.EntityNotFoundException:
            continue
        sql = view_text(table)
        if sql is None:
            continue
        subquery = dialect.parse(sql)
        for inner in dialect.table_refs(subquery):        # the view's names are of its own database
            if not inner.db:
                inner.set("db", exp.to_identifier(database_name))
        ref.replace(exp.Subquery(this=subquery, alias=exp.TableAlias(
            this=exp.to_identifier(ref.alias_or_name))))
        expanded = True
    return expanded
