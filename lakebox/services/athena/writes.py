"""Planning the statements that read data: SELECT, EXPLAIN, CTAS, INSERT INTO, UNLOAD.
Each becomes an `execution.Job`; CTAS and INSERT carry the catalog change their commit
makes (the new table, new partitions), applied only once their files are stored.
"""
import os
import re

from sqlglot import exp

from lakebox.engine import EngineError, strict
from lakebox.engine.dialect import LakeboxTrino
from lakebox.engine.types import hive_type, trino_type_of_hive
from lakebox.services.athena import (ctas_columns, execution, formats, iceberg, iceberg_dml, iceberg_meta,
                                     iceberg_split, insert_types, planning)
from lakebox.services.glue import public as glue
from lakebox.services.s3 import public as s3

_COMPRESSIONS = {"SNAPPY": "snappy", "GZIP": "gzip", "ZSTD": "zstd", "NONE": None, "UNCOMPRESSED": None}
_ORC_COMPRESSIONS = {"ZLIB": "zlib", "SNAPPY": "snappy", "ZSTD": "zstd", "LZ4": "lz4", "NONE": None}
# Avro's codecs as fastavro names them (the guide's table of Hive compression: Avro writes these)
_AVRO_COMPRESSIONS = {"DEFLATE": "deflate", "SNAPPY": "snappy", "ZSTD": "zstandard", "BZIP2": "bzip2", "NONE": None}


def data_job(ctx, engine, query_id, statement, database, output):
    """The Job for a data statement, or None when there is nothing to do
    (CREATE TABLE IF NOT EXISTS ... AS of an existing table)."""
    kind = statement.kind
    if kind in ("select", "explain"):
        tree = statement.tree
        sources = planning.resolve_sources(ctx, engine, tree, database)
        return execution.Job(query_id, kind, tree, sources, database, output,
                             analyze=statement.args.get("analyze", False))
    if kind == "ctas":
        return _ctas(ctx, engine, query_id, statement.tree, database, output)
    if kind == "insert":
        return _insert(ctx, engine, query_id, statement.tree, database, output)
    if kind in ("delete", "update", "merge", "optimize"):
        return _rewrite(ctx, engine, query_id, kind, statement.tree, database, output)
    return _unload(ctx, engine, query_id, statement, database, output)


def _ctas_properties(tree: exp.Create) -> dict:
    props = {}
    for prop in (tree.args.get("properties") or exp.Properties(expressions=[])).expressions:
        if isinstance(prop, exp.FileFormatProperty):
            props["format"] = prop.this.name
        elif isinstance(prop, exp.PartitionedByProperty):
            props["partitioned_by"] = [item.name for item in prop.this.expressions] \
                if isinstance(prop.this, exp.Array) else [prop.this.name]
        elif isinstance(prop, exp.LocationProperty):       # `location = '...'` (Iceberg CTAS)
            props["location"] = prop.this.name
        elif isinstance(prop, exp.Property):
            props[prop.name.lower()] = _property_value(prop.args.get("value"))
    return props


def _property_value(value: exp.Expression | None):
    if isinstance(value, exp.Array):
        return [item.name for item in value.expressions]
    if isinstance(value, exp.Boolean):
        return "true" if value.this else "false"
    if isinstance(value, exp.Neg):             # `bucket_count = -1`
        return "-" + _property_value(value.this)
    return value.name if value is not None else ""


def _format_and_compression(props: dict) -> tuple[str, str | None]:
    file_format = (props.get("format") or "PARQUET").upper()
    if file_format not in execution.WRITE_FORMATS:
        raise EngineError("NOT_SUPPORTED", f"Table format {file_format} is not supported for writing")
    codecs = {"ORC": _ORC_COMPRESSIONS, "AVRO": _AVRO_COMPRESSIONS}.get(file_format, _COMPRESSIONS)
    default = {"ORC": "ZLIB", "AVRO": "DEFLATE"}.get(file_format, "GZIP")     # Athena's defaults for CTAS
    compression = (props.get("write_compression") or props.get("parquet_compression")
                   or props.get("orc_compression") or props.get("compression") or default).upper()
    if compression not in codecs:
        raise EngineError("NOT_SUPPORTED", f"Compression {compression} is not supported")
    return file_format, codecs[compression]


def _ctas(ctx, engine, query_id, tree: exp.Create, database, output):
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    db_name, name = (target.db or database).lower(), target.name.lower()
    try:
        glue.get_database(ctx, db_name)
    except glue.errors.EntityNotFoundException:
        raise EngineError("SCHEMA_NOT_FOUND", f"Schema '{db_name}' does not exist") from None
    try:
        glue.get_table(ctx, db_name, name)
        if tree.args.get("exists"):
            return None
        raise EngineError("TABLE_ALREADY_EXISTS", f"Table 'awsdatacatalog.{db_name}.{name}' already exists")
    except glue.errors.EntityNotFoundException:
        pass
    props = _ctas_properties(tree)
    ctas_columns.check(tree.expression, aliased=isinstance(tree.this, exp.Schema))
    if isinstance(tree.this, exp.Schema):           # CREATE TABLE t (a, b) AS ...: the columns' names
        tree.set("expression", _with_column_aliases(tree.expression, tree.this.expressions, tree.meta.get("sql", "")))
    if _without_data(tree):         # WITH NO DATA: the table and its columns, no rows
        tree.set("expression", exp.select("*").from_(tree.expression.subquery("_no_data")).limit(0))
    if str(props.get("table_type", "")).upper() == "ICEBERG":
        return _ctas_iceberg(ctx, engine, query_id, tree, props, db_name, name, database, output)
    file_format, compression = _format_and_compression(props)
    location = props.get("external_location") or f"{output.rstrip('/')}/tables/{query_id}/"
    location = location if location.endswith("/") else location + "/"
    _require_empty(ctx, location, f"{db_name}.{name}", output, query_id)
    partitioned_by = [column.lower() for column in props.get("partitioned_by") or []]
    bucketed = _bucketing(props)
    query = tree.expression
    sources = planning.resolve_sources(ctx, engine, query, database)
    delimiter = props.get("field_delimiter") or "\x01"
    job = execution.Job(query_id, "ctas", query, sources, database, output)

    def create_table(outcome):
        columns = [{"Name": column, "Type": hive_type(kind)} for column, kind in outcome.columns
                   if column.lower() not in partitioned_by]
        keys = [{"Name": column, "Type": hive_type(kind)} for column, kind in outcome.columns
                if column.lower() in partitioned_by]
        serde = {"field.delim": delimiter, "serialization.format": delimiter} if file_format == "TEXTFILE" else {}
        table_input = {"Name": name, "TableType": "EXTERNAL_TABLE", "PartitionKeys": keys,
                       # data files encrypted on the client side (CSE_KMS) are read back decrypted
                       "Parameters": {"EXTERNAL": "TRUE", "has_encrypted_data": "true" if job.cse_key else "false",
                                      "classification": formats.CLASSIFICATION[file_format]},
                       "StorageDescriptor": formats.storage_descriptor(file_format, location, columns, serde)}
        if bucketed:
            table_input["StorageDescriptor"].update(BucketColumns=bucketed[0], NumberOfBuckets=bucketed[1])
        glue.create_table(ctx, db_name, table_input)
        _add_partitions(ctx, db_name, name, location, keys, outcome.data_files)

    job.write = {"format": file_format, "compression": compression, "location": location,
                 "partitioned_by": partitioned_by, "on_commit": create_table, "delimiter": delimiter,
                 "bucketed": bucketed}
    return job


def _with_column_aliases(query, aliases: list, sql: str):
    """The query with its columns named by the CTAS's column list; a list of another
    length is refused as Trino refuses it, at its first name."""
    width = _width(query)
    if width is not None and width != len(aliases):
        place = strict.offsets(aliases[0], "start")
        raise EngineError("MISMATCHED_COLUMN_ALIASES", (f"{strict.line_and_column(sql, place[0])}: " if place else "")
                          + f"Column alias list has {len(aliases)} entries but relation has {width} columns")
    return exp.select("*").from_(exp.Subquery(this=query, alias=exp.TableAlias(
        this=exp.to_identifier("_aliased"), columns=[exp.to_identifier(alias.name) for alias in aliases])))


def _without_data(tree: exp.Create) -> bool:
    properties = tree.args.get("properties")
    return properties is not None and any(isinstance(p, exp.WithDataProperty) and p.args.get("no")
                                          for p in properties.expressions)


def _bucketing(props: dict) -> tuple[list[str], int] | None:
    """(columns, bucket count) of `bucketed_by` and `bucket_count`, refused as Trino
    refuses them; None when the table is not bucketed."""
    columns = [column.lower() for column in props.get("bucketed_by") or []]
    try:
        count = int(props.get("bucket_count") or 0)
    except ValueError:
        raise EngineError("INVALID_TABLE_PROPERTY", f"Invalid value for table property 'bucket_count': "
                                                    f"{props['bucket_count']}") from None
    if not columns and count == 0:
        return None
    if count < 0:
        raise EngineError("INVALID_TABLE_PROPERTY", "bucket_count must be greater than zero")
    if not columns or count == 0:
        raise EngineError("INVALID_TABLE_PROPERTY", "bucketed_by and bucket_count must be specified together")
    return columns, count


def _ctas_iceberg(ctx, engine, query_id, tree, props, db_name, name, database, output):
    """CREATE TABLE ... WITH (table_type = 'ICEBERG') AS: the table and its first
    snapshot, both made at the commit."""
    if props.get("partitioned_by"):
        raise EngineError("NOT_SUPPORTED", "Iceberg tables are partitioned with the 'partitioning' property")
    partitioning = props.get("partitioning") or []
    partitioning = [partitioning] if isinstance(partitioning, str) else partitioning
    if (props.get("format") or "PARQUET").upper() != "PARQUET":
        raise EngineError("NOT_SUPPORTED", f"Iceberg tables in {props['format']} format are not supported")
    location = props.get("location") or f"{output.rstrip('/')}/tables/{query_id}/"
    _require_empty(ctx, location if location.endswith("/") else location + "/", f"{db_name}.{name}", output,
                   query_id)
    compression = _COMPRESSIONS.get(str(props.get("write_compression") or "ZSTD").upper(), "zstd")
    query = tree.expression
    sources = planning.resolve_sources(ctx, engine, query, database)
    job = execution.Job(query_id, "ctas", query, sources, database, output)

    def create_table(outcome):
        columns = [(column, hive_type(kind)) for column, kind in outcome.columns]
        properties = {key: str(value) for key, value in props.items()
                      if key in ("format", "write_compression") or key in iceberg_meta.TABLE_PROPERTIES}
        iceberg.create_with_snapshot(ctx, db_name, name, columns, location, properties, partitioning,
                                     outcome.data_files, job.write.get("partition_of"))

    job.write = {"format": "PARQUET", "compression": compression, "suffix": ".parquet",
                 "location": location.rstrip("/") + "/data/", "on_commit": create_table,
                 "field_ids": iceberg_meta.positional_field_ids}
    if partitioning:
        _split_by_partition(job, None, partitioning)
    return job


def _split_by_partition(job, fields: list[dict] | None, partitioning: list[str] = ()):
    """Have the worker split the statement's data files by partition, keeping each new
    file's partition values for the commit. `fields` are the table's partition fields,
    or None for a CTAS, whose fields come from `partitioning` over its result's columns."""
    write = job.write

    def split(directory, names):
        found = fields
        if found is None:
            found = iceberg_split.fields_for_files(directory, names, partitioning)
        names, values = iceberg_split.split(directory, names, found, job.query_id, write["compression"])
        _note_partitions(write, values)
        return names
    write["split"] = split


def _note_partitions(write: dict, values: dict):
    """Keep the partition values of the files a split wrote, by URI, for the commit."""
    location = write["location"].rstrip("/") + "/"
    write["partition_of"] = {location + name.replace(os.sep, "/"): value for name, value in values.items()}


def _require_empty(ctx, location: str, table: str, output: str, query_id: str):
    """Refuse a table location that holds objects, in Athena's words: the location as a
    Hadoop path (no trailing slash), and where this query's own files would be."""
    if _holds_objects(ctx, location):
        raise EngineError("HIVE_PATH_ALREADY_EXISTS",
                          f"Target directory for table '{table}' already exists: {location.rstrip('/')}. You may "
                          f"need to manually clean the data at location '{output.rstrip('/')}/tables/{query_id}' "
                          "before retrying. Athena will not delete data in your account.")


def _holds_objects(ctx, location: str) -> bool:
    bucket, prefix = s3.parse_s3_uri(location)
    return s3.bucket_exists(ctx.state, bucket) and \
        next(iter(s3.list_objects(ctx.state, bucket, prefix)), None) is not None


def _add_partitions(ctx, database, table, location, keys, data_files):
    """Register the `key=value/` folders the files landed in as partitions."""
    if not keys:
        return
    seen, inputs = set(), []
    for uri in data_files:
        relative = uri[len(location):].split("/")[:-1]
        values = [part.split("=", 1)[1] for part in relative if "=" in part]
        if len(values) != len(keys) or tuple(values) in seen:
            continue
        seen.add(tuple(values))
        table_doc = glue.get_table(ctx, database, table)
        sd = dict(table_doc["StorageDescriptor"])
        sd["Location"] = location + "/".join(relative) + "/"
        inputs.append({"Values": values, "StorageDescriptor": sd})
    if inputs:
        glue.create_partitions(ctx, database, table, inputs)


def _insert(ctx, engine, query_id, tree: exp.Insert, database, output):
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    db_name, name = (target.db or database).lower(), target.name.lower()
    try:
        table = glue.get_table(ctx, db_name, name)
    except glue.errors.EntityNotFoundException:
        raise EngineError("TABLE_NOT_FOUND", f"Table 'awsdatacatalog.{db_name}.{name}' does not exist") from None
    sd = table.get("StorageDescriptor") or {}
    columns = [column["Name"].lower() for column in iceberg.current_columns(table)]
    keys = [column["Name"].lower() for column in table.get("PartitionKeys") or []]
    query = tree.expression
    named = [identifier.name.lower() for identifier in tree.this.expressions] \
        if isinstance(tree.this, exp.Schema) else None
    table_types = _insert_types(table, f"{db_name}.{name}", named or columns + keys)
    original, listed_types = query, table_types
    if named and _width(query) in (None, len(named)):
        query = _in_table_order(query, named, iceberg.current_columns(table) + (table.get("PartitionKeys") or []))
        table_types = None          # the query's width is the table's now, or unknown until planned
    query = _numbers_as_table_types(query, iceberg.current_columns(table) + (table.get("PartitionKeys") or []))
    if iceberg.is_iceberg(table):
        job = _iceberg_job(ctx, engine, query_id, "insert", query, table, db_name, database, output, "append")
        job.write["table_types"] = table_types
        insert_types.check(original, listed_types, job.sources)
        return job
    file_format = {"parquet": "PARQUET", "orc": "ORC", "avro": "AVRO", "json": "JSON",
                   "csv": "TEXTFILE"}.get(glue.table_format(table))
    if file_format is None:
        raise EngineError("NOT_SUPPORTED", f"INSERT INTO a {glue.table_format(table)} table is not supported")
    parameters = table.get("Parameters") or {}
    if file_format == "ORC":
        compression = _ORC_COMPRESSIONS.get(parameters.get("orc.compress", "ZLIB").upper(), "zlib")
    elif file_format == "AVRO":
        compression = _AVRO_COMPRESSIONS.get(parameters.get("write_compression", "DEFLATE").upper(), "deflate")
    else:       # Parquet's is `parquet.compression`, text and JSON's `write.compression` (the guide's
        # ALTER TABLE SET TBLPROPERTIES); GZIP unless they say
        named = parameters.get("parquet.compression") if file_format == "PARQUET" else None
        compression = _COMPRESSIONS.get((named or parameters.get("write.compression") or "GZIP").upper(), "gzip")
        compression = compression or ("uncompressed" if file_format == "PARQUET" else None)
    bucketed = None
    if (sd.get("NumberOfBuckets") or 0) > 0 and sd.get("BucketColumns"):
        if not keys:        # Hive's buckets of an unpartitioned table are complete once written
            raise EngineError("NOT_SUPPORTED", "Cannot insert into bucketed unpartitioned Hive table")
        bucketed = ([column.lower() for column in sd["BucketColumns"]], sd["NumberOfBuckets"])
    location = sd.get("Location") or ""
    location = location if location.endswith("/") else location + "/"
    sources = planning.resolve_sources(ctx, engine, query, database)
    insert_types.check(original, listed_types, sources)
    job = execution.Job(query_id, "insert", query, sources, database, output)
    key_docs = table.get("PartitionKeys") or []
    delimiter = ((sd.get("SerdeInfo") or {}).get("Parameters") or {}).get("field.delim", "\x01")
    # GZIP is the default write compression of Hive tables' text files, as of Parquet's
    # (the guide's "Use compression in Athena"); `write.compression` names another
    job.write = {"format": file_format, "compression": compression,
                 "location": location, "partitioned_by": keys, "rename": columns + keys, "delimiter": delimiter,
                 "bucketed": bucketed, "table_types": table_types,
                 "on_commit": lambda outcome: _add_new_partitions(ctx, db_name, name, location, key_docs,
                                                                  outcome.data_files)}
    return job


def _rewrite(ctx, engine, query_id, kind, tree, database, output):
    """DELETE, UPDATE and MERGE INTO an Iceberg table, merge-on-read: a query gives the
    rows they change, written as position delete files and data files of the new rows;
    OPTIMIZE rewrites the table's rows (deletes applied) into files replacing every
    earlier data and delete file."""
    target = tree.args["from_"].this if kind == "optimize" else tree.this
    db_name, name = (target.db or database).lower(), target.name.lower()
    try:
        table = glue.get_table(ctx, db_name, name)
    except glue.errors.EntityNotFoundException:
        raise EngineError("TABLE_NOT_FOUND", f"Table 'awsdatacatalog.{db_name}.{name}' does not exist") from None
    if not iceberg.is_iceberg(table):
        raise EngineError("NOT_SUPPORTED", "Modifying Hive table rows is only supported for transactional tables")
    if kind == "optimize":      # compaction: the files the WHERE's partitions hold rewritten, rows unchanged
        _refuse_non_partition_filter(ctx, table, tree.args.get("where"))
        query = exp.select("*").from_(target.copy())
        return _iceberg_job(ctx, engine, query_id, kind, query, table, db_name, database, output, "replace",
                            chosen_by=tree)
    columns = [column["Name"].lower() for column in iceberg.current_columns(table)]
    if kind == "delete":
        query = iceberg_dml.delete_changes(tree)
    elif kind == "update":
        query = iceberg_dml.update_changes(tree, columns)
    else:
        query = iceberg_dml.merge_changes(tree, columns)
    job = _iceberg_job(ctx, engine, query_id, kind, query, table, db_name, database, output, "append", changes=True)
    if kind == "update":        # the worker holds the SET values' types to the columns' (Trino's check)
        assigned = [assignment.this.name.lower() for assignment in tree.expressions]
        job.write["assigned"] = dict(zip(assigned, _insert_types(table, f"{db_name}.{name}", assigned)))
    return job


def _refuse_non_partition_filter(ctx, table: dict, where):
    """Athena's OPTIMIZE takes only partition columns in its WHERE (Trino cannot hand a
    filter on any other column to the rewrite, and fails planning with these words)."""
    if where is None:
        return
    sources = {field["column"] for field in iceberg_meta.partition_fields(iceberg.load(ctx, table)[0])}
    if any(column.name.lower() not in sources for column in where.find_all(exp.Column)):
        raise EngineError("GENERIC_INTERNAL_ERROR", "Unexpected FilterNode found in plan; probably connector was "
                                                    "not able to handle provided WHERE expression")


def _iceberg_job(ctx, engine, query_id, kind, query, table, db_name, database, output, operation, changes=False,
                 chosen_by=None):
    """Parquet files under the table's `data/`, made a snapshot by the commit: the
    query's rows, or (`changes`) the change rows of a row-level statement, split into
    position delete files and data files. `chosen_by` (OPTIMIZE): a query whose WHERE
    prunes the data files read, and replaced."""
    name = table["Name"]
    planned = table["Parameters"]["metadata_location"]
    columns = [column["Name"].lower() for column in iceberg.current_columns(table)]
    location = ((table.get("StorageDescriptor") or {}).get("Location") or "").rstrip("/") + "/data/"
    compression = _COMPRESSIONS.get((table.get("Parameters") or {}).get("write_compression", "ZSTD").upper(), "zstd")
    sources = planning.resolve_sources(ctx, engine, chosen_by if chosen_by is not None else query, database)
    replaced = iceberg.narrow_to_rewrites(ctx, table, sources) if chosen_by is not None else None
    job = execution.Job(query_id, kind, query, sources, database, output)
    write = job.write = {"format": "PARQUET", "compression": compression, "location": location, "rename": columns,
                         "suffix": ".parquet"}

    def on_commit(outcome):
        if replaced != set():       # an OPTIMIZE that chose no file leaves the table as it was
            iceberg.commit(ctx, db_name, name, planned, outcome.data_files, operation, write.get("partition_of"),
                           write.get("delete_files"), replaced)
    write["on_commit"] = on_commit
    metadata = iceberg.load(ctx, table)[0]
    write["field_ids"] = iceberg_meta.field_ids(metadata)
    fields = iceberg_meta.partition_fields(metadata)
    if changes:
        write["rename"] = ([iceberg_dml.PATH, iceberg_dml.POS] if kind == "delete" else
                           [iceberg_dml.PATH, iceberg_dml.POS, iceberg_dml.KEEP] + columns)
        partition_by_file = {data["file_path"]: data["partition"] for data in
                             iceberg.live_files(ctx, iceberg_meta.current_snapshot(metadata))} if fields else {}
        _split_changes(job, fields, partition_by_file)
    elif fields:
        _split_by_partition(job, fields)
    return job


def _split_changes(job, fields: list[dict], partition_by_file: dict):
    """Have the worker write a row-level statement's change rows as position delete
    files and data files (`iceberg_split.split_changes`)."""
    write = job.write

    def split(directory, names):
        names, values, deletes = iceberg_split.split_changes(directory, names, fields, partition_by_file,
                                                             job.query_id, write["compression"])
        _note_partitions(write, values)
        location = write["location"].rstrip("/") + "/"
        write["delete_files"] = {location + name.replace(os.sep, "/"): data for name, data in deletes.items()}
        return names
    write["split"] = split


def _insert_types(table: dict, qualified: str, names: list[str]) -> list[str]:
    """The Trino types of the columns an INSERT (or UPDATE) names, as its refusals list
    them (an Iceberg timestamp is a timestamp(6))."""
    docs = iceberg.current_columns(table)
    docs = {column["Name"].lower(): column["Type"] for column in docs + (table.get("PartitionKeys") or [])}
    unknown = [name for name in names if name not in docs]
    if unknown:
        raise EngineError("COLUMN_NOT_FOUND", f"Insert column name does not exist in target table {qualified}: "
                                              f"{unknown[0]}")
    types = [trino_type_of_hive(docs[name]) for name in names]
    return [kind.replace("timestamp(3)", "timestamp(6)") for kind in types] if iceberg.is_iceberg(table) else types


def _in_table_order(query, named: list[str], table_columns: list[dict]):
    """`INSERT INTO t (b, a) SELECT ...`: the query's columns put in the table's order,
    a column the list leaves out as a NULL of its type (Glue `table_columns`)."""
    inner = [f"_c{i}" for i in range(len(named))]
    items = []
    for column in table_columns:
        name = column["Name"].lower()
        value = exp.column(inner[named.index(name)], table="_q") if name in named else \
            exp.cast(exp.null(), trino_type_of_hive(column["Type"]), dialect=LakeboxTrino)
        items.append(exp.alias_(value, name))
    source = exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier("_q"),
                                                          columns=[exp.to_identifier(c) for c in inner]))
    return exp.select(*items).from_(source)


_NUMBER_TYPES = re.compile(r"(tinyint|smallint|int|integer|bigint|float|real|double|decimal(\(.*\))?)$")


def _numbers_as_table_types(query, columns: list[dict]):
    """Trino writes an INSERT's values in the table's column types: `3.5` (a decimal(2,1)
    literal) into a double column is stored as a double, `1` into a bigint one as a
    bigint. Readers that hold files to the table's schema (pyiceberg, Spark) refuse a
    decimal where the schema says double, so numeric columns are cast as Trino would.
    A query whose width is not known before planning (`SELECT *`) is left as it is."""
    if _width(query) != len(columns) or not any(_NUMBER_TYPES.match(c["Type"].lower()) for c in columns):
        return query
    inner = [f"_c{i}" for i in range(len(columns))]
    items = []
    for name, column in zip(inner, columns):
        value = exp.column(name, table="_q")
        if _NUMBER_TYPES.match(column["Type"].lower()):
            value = exp.cast(value, trino_type_of_hive(column["Type"]), dialect=LakeboxTrino)
        items.append(exp.alias_(value, column["Name"].lower()))
    source = exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier("_q"),
                                                          columns=[exp.to_identifier(c) for c in inner]))
    return exp.select(*items).from_(source)


def _width(query) -> int | None:
    if isinstance(query, exp.Values):
        first = query.expressions[0] if query.expressions else None
        return len(first.expressions) if isinstance(first, exp.Tuple) else 1
    selects = query.selects         # every one: an unnamed ARRAY[...] or CAST has no named_selects entry
    return None if any(select.is_star for select in selects) else len(selects)


def _add_new_partitions(ctx, database, table, location, keys, data_files):
    existing = {tuple(doc["Values"]) for doc in glue.list_partitions(ctx, database, table)}
    new_files = [uri for uri in data_files
                 if tuple(part.split("=", 1)[1] for part in uri[len(location):].split("/")[:-1] if "=" in part)
                 not in existing]
    _add_partitions(ctx, database, table, location, keys, new_files)


def _unload(ctx, engine, query_id, statement, database, output):
    props = formats.parse_with_properties(statement.args.get("props") or "")
    file_format, compression = _format_and_compression(props)
    location = statement.args["location"]
    if not location.startswith("s3://") or len(location) <= len("s3://"):
        raise EngineError("INVALID_ARGUMENTS", f"UNLOAD location must be an s3:// URI: {location}")
    location = location if location.endswith("/") else location + "/"
    partitioned_by = [column.lower() for column in props.get("partitioned_by") or []]
    if not partitioned_by and _holds_objects(ctx, location):    # the UNLOAD page: only to an empty location
        raise EngineError("HIVE_PATH_ALREADY_EXISTS", "Target directory already exists")
    tree = statement.tree
    sources = planning.resolve_sources(ctx, engine, tree, database)
    job = execution.Job(query_id, "unload", tree, sources, database, output)
    job.write = {"format": file_format, "compression": compression, "location": location,
                 "partitioned_by": partitioned_by, "delimiter": props.get("field_delimiter") or "\x01"}
    return job
