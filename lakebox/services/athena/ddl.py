"""DDL (CREATE, DROP, ALTER, MSCK, VACUUM, PREPARE), run against the Glue catalog at once
(on the loop, as they read and write catalog rows only). Each returns the lines of its
`.txt` result. SHOW and DESCRIBE are in `ddl_show`.
"""
import re

from sqlglot import exp

from lakebox.engine import EngineError, dialect, result_names
from lakebox.engine.types import athena_type
from lakebox.services.athena import (ctas_columns, ddl_show, formats, iceberg, iceberg_meta, iceberg_partition,
                                     planning, store)
from lakebox.services.athena.ddl_base import DdlFailure, properties, table_name
from lakebox.services.athena.statements import split_name
from lakebox.services.glue import public as glue
from lakebox.services.s3 import public as s3


def run(ctx, statement, database: str, engine) -> list[str]:
    handler = _HANDLERS.get(statement.kind)
    if statement.args.get("hive_refusal"):         # a block comment before Hive DDL
        raise DdlFailure(statement.args["hive_refusal"])
    if handler is None:
        raise DdlFailure(f"{statement.substatement_type} is not supported", "NOT_SUPPORTED")
    try:
        return handler(ctx, statement, database, engine)
    except glue.errors.EntityNotFoundException as error:
        raise DdlFailure(f"FAILED: SemanticException {error.message}") from None
    except glue.errors.AlreadyExistsException as error:
        raise DdlFailure(f"FAILED: AlreadyExistsException {error.message}") from None
    except glue.errors.InvalidInputException as error:
        raise DdlFailure(f"FAILED: InvalidInputException {error.message}") from None
    except EngineError as error:
        raise DdlFailure(error.message, error.error_name) from None


# ---- databases ---------------------------------------------------------------------

def _create_database(ctx, statement, database, engine):
    name = statement.args["db"].strip('`"').lower()
    try:
        glue.get_database(ctx, name)
        if statement.args.get("exists"):
            return []
        raise DdlFailure(f"FAILED: AlreadyExistsException Database {name} already exists")
    except glue.errors.EntityNotFoundException:
        pass
    database_input = {"Name": name}
    if statement.args.get("comment"):
        database_input["Description"] = statement.args["comment"]
    if statement.args.get("location"):
        database_input["LocationUri"] = statement.args["location"]
    if statement.args.get("props"):
        database_input["Parameters"] = properties(statement.args["props"])
    glue.create_database(ctx, database_input)
    return []


def _alter_database_properties(ctx, statement, database, engine):
    current = glue.get_database(ctx, statement.args["db"].strip('`"').lower())
    database_input = {key: current[key] for key in ("Name", "Description", "LocationUri") if key in current}
    database_input["Parameters"] = {**(current.get("Parameters") or {}), **properties(statement.args["props"])}
    glue.update_database(ctx, current["Name"], database_input)
    return []


def _drop_database(ctx, statement, database, engine):
    """Hive's rules: a database with tables needs CASCADE (which drops their metadata, as
    Glue's DeleteDatabase does); IF EXISTS makes a missing one no error."""
    name = statement.args["db"].strip('`"').lower()
    try:
        glue.get_database(ctx, name)
    except glue.errors.EntityNotFoundException:
        if statement.args.get("exists"):
            return []
        raise
    cascade = (statement.args.get("cascade") or "").strip().upper() == "CASCADE"
    if not cascade and glue.list_tables(ctx, name):
        raise DdlFailure("FAILED: Execution Error, return code 1 from org.apache.hadoop.hive.ql.exec.DDLTask. "
                         f"InvalidOperationException(message:Database {name} is not empty. One or more tables exist.)")
    glue.delete_database(ctx, name)
    return []


# ---- tables ------------------------------------------------------------------------

def _hive_type(kind: exp.DataType) -> str:
    text = kind.sql(dialect="hive").lower()
    return re.sub(r"\s*([<>,:])\s*", r"\1", text)


def _create_table(ctx, statement, database, engine):
    tree = statement.tree
    schema = tree.this
    target = schema.this if isinstance(schema, exp.Schema) else schema
    db_name, name = (target.db or database).lower(), target.name.lower()
    props = (tree.args.get("properties") or exp.Properties(expressions=[])).expressions
    if _table_type(props) == "ICEBERG":
        return _create_iceberg(ctx, tree, schema, db_name, name, props)
    if not any(isinstance(prop, exp.ExternalProperty) for prop in props):
        raise DdlFailure("Only external table creation is supported. Use CREATE EXTERNAL TABLE.", "NOT_SUPPORTED")
    columns = [_column(column) for column in schema.expressions] if isinstance(schema, exp.Schema) else []
    # Hive's metastore stamps the table's creation (transient_lastDdlTime) and leaves it
    # never accessed (LastAccessTime 0), as the get-table-metadata example of Athena's cli
    # reference shows of a table made by CREATE EXTERNAL TABLE
    table_input = {"Name": name, "TableType": "EXTERNAL_TABLE", "LastAccessTime": 0,
                   "Parameters": {"EXTERNAL": "TRUE", "transient_lastDdlTime": str(int(ctx.now))},
                   "PartitionKeys": []}
    file_format, serde_library, serde, location = "TEXTFILE", None, {}, None
    input_format = output_format = None
    for prop in props:
        if isinstance(prop, exp.PartitionedByProperty):
            table_input["PartitionKeys"] = [_column(column) for column in prop.this.expressions]
        elif isinstance(prop, exp.RowFormatSerdeProperty):
            serde_library = prop.this.name
            found = prop.args.get("serde_properties")
            serde.update({p.name: p.args["value"].name for p in (found.expressions if found else [])})
        elif isinstance(prop, exp.RowFormatDelimitedProperty):
            serde.update(_delimited(prop))
        elif isinstance(prop, exp.FileFormatProperty):
            if isinstance(prop.this, exp.InputOutputFormat):
                input_format = prop.this.args["input_format"].name
                output_format = prop.this.args["output_format"].name
            else:
                file_format = prop.this.name.upper()
        elif isinstance(prop, exp.LocationProperty):
            location = prop.this.name
        elif isinstance(prop, exp.SchemaCommentProperty):
            table_input["Description"] = prop.this.name
        elif isinstance(prop, exp.Property) and not isinstance(prop, exp.ExternalProperty):
            table_input["Parameters"][prop.name] = prop.args["value"].name
    _check_column_names(columns, table_input["PartitionKeys"])
    if file_format not in formats.DESCRIPTORS:
        raise DdlFailure(f"STORED AS {file_format} is not supported", "NOT_SUPPORTED")
    if location is None:
        raise DdlFailure("FAILED: SemanticException LOCATION is required for an external table")
    descriptor = formats.storage_descriptor(file_format, location, columns)
    if serde_library:
        # Hive gives a named SerDe `serialization.format` 1 unless told otherwise (the
        # get-table-metadata example of Athena's cli reference shows it on a JsonSerde table)
        descriptor["SerdeInfo"] = {"SerializationLibrary": serde_library,
                                   "Parameters": {"serialization.format": "1", **serde}}
    elif serde:
        descriptor["SerdeInfo"]["Parameters"] = {**serde, "serialization.format": serde.get("field.delim", "\x01")}
    if input_format:
        descriptor["InputFormat"], descriptor["OutputFormat"] = input_format, output_format
    table_input["StorageDescriptor"] = descriptor
    try:
        glue.get_table(ctx, db_name, name)
        if tree.args.get("exists"):
            return []
        raise DdlFailure(f"FAILED: AlreadyExistsException Table {name} already exists")
    except glue.errors.EntityNotFoundException:
        pass
    glue.create_table(ctx, db_name, table_input)
    return []


def _table_type(props) -> str:
    return next((prop.args["value"].name.upper() for prop in props if isinstance(prop, exp.Property)
                 and not isinstance(prop, exp.ExternalProperty) and prop.name.lower() == "table_type"), "")


def _create_iceberg(ctx, tree, schema, db_name, name, props):
    """CREATE TABLE ... TBLPROPERTIES ('table_type'='ICEBERG'): an empty Iceberg table."""
    if any(isinstance(prop, exp.ExternalProperty) for prop in props):
        raise DdlFailure("External keyword not supported for table type ICEBERG", "NOT_SUPPORTED")
    partitioning = [iceberg_partition.declared_text(node) for prop in props
                    if isinstance(prop, exp.PartitionedByProperty) for node in prop.this.expressions]
    location = next((prop.this.name for prop in props if isinstance(prop, exp.LocationProperty)), None)
    if location is None:
        raise DdlFailure("Iceberg table location must be specified with LOCATION", "INVALID_TABLE_PROPERTY")
    docs = [_column(column) for column in schema.expressions if isinstance(column, exp.ColumnDef)]
    columns = [(doc["Name"], doc["Type"]) for doc in docs]
    properties = {prop.name: prop.args["value"].name for prop in props if isinstance(prop, exp.Property)
                  and not isinstance(prop, (exp.ExternalProperty, exp.LocationProperty, exp.PartitionedByProperty,
                                            exp.SchemaCommentProperty))
                  and prop.name.lower() != "table_type"}
    _refuse_custom_properties(properties)
    comment = next((prop.this.name for prop in props if isinstance(prop, exp.SchemaCommentProperty)), None)
    glue.get_database(ctx, db_name)
    try:
        glue.get_table(ctx, db_name, name)
        if tree.args.get("exists"):
            return []
        raise DdlFailure(f"Table 'awsdatacatalog.{db_name}.{name}' already exists", "ALREADY_EXISTS")
    except glue.errors.EntityNotFoundException:
        pass
    iceberg.create(ctx, db_name, name, columns, location, properties, comment, partitioning,
                   {doc["Name"]: doc["Comment"] for doc in docs if doc.get("Comment")})
    return []


def _refuse_custom_properties(properties: dict):
    """Athena takes only its documented Iceberg table properties (in any case), in
    CREATE TABLE and ALTER TABLE SET TBLPROPERTIES; the first other key is refused."""
    custom = next((key for key in properties if key.lower() not in _ICEBERG_PROPERTIES), None)
    if custom is not None:
        raise DdlFailure(f"Unsupported table property key: {custom}", "ICEBERG_DDL")


_ICEBERG_PROPERTIES = {"table_type", "format", "write_compression", "compression_level", "write_data_path_enabled",
                       "write.data.path", "write.object-storage.path", *iceberg_meta.TABLE_PROPERTIES}


def _check_column_names(columns: list[dict], keys: list[dict]):
    """Hive's refusals of a table's names: a column named twice, a partition key that is
    also a column (a common slip: the key is a column of the files' folders, not of their
    rows)."""
    names = [column["Name"] for column in columns]
    twice = next((name for position, name in enumerate(names) if name in names[:position]), None)
    if twice is not None:
        raise DdlFailure(f"FAILED: SemanticException [Error 10036]: Duplicate column name: {twice}")
    if any(key["Name"] in names for key in keys):
        raise DdlFailure("FAILED: SemanticException [Error 10035]: Column repeated in partitioning columns")


def _column(column: exp.ColumnDef) -> dict:
    doc = {"Name": column.name.lower(), "Type": _hive_type(column.args["kind"])}
    for constraint in column.args.get("constraints") or []:
        if isinstance(constraint.args.get("kind"), exp.CommentColumnConstraint):
            doc["Comment"] = constraint.args["kind"].this.name
    return doc


def _delimited(prop: exp.RowFormatDelimitedProperty) -> dict:
    names = {"fields": "field.delim", "escaped": "escape.delim", "collection_items": "collection.delim",
             "map_keys": "mapkey.delim", "lines": "line.delim", "null": "serialization.null.format"}
    return {serde: _unescape(prop.args[arg].name) for arg, serde in names.items() if prop.args.get(arg)}


def _unescape(text: str) -> str:
    """Hive delimiters as written in DDL: '\\t', '\\001', '|'."""
    if re.fullmatch(r"\\[0-7]{3}", text):
        return chr(int(text[1:], 8))
    return {"\\t": "\t", "\\n": "\n"}.get(text, text)


def _drop_table(ctx, statement, database, engine, views=False):
    db_name, name = table_name(statement, database)
    try:
        table = glue.get_table(ctx, db_name, name)
    except glue.errors.EntityNotFoundException:
        if statement.args.get("exists"):
            return []
        kind = "View" if views else "Table"
        raise DdlFailure(f"FAILED: SemanticException [Error 10001]: {kind} not found {db_name}.{name}") from None
    if views != (table.get("TableType") == "VIRTUAL_VIEW"):
        raise DdlFailure(f"{db_name}.{name} is {'not ' if views else ''}a view; use DROP "
                         f"{'TABLE' if views else 'VIEW'}")
    if iceberg.is_iceberg(table):
        iceberg.drop(ctx, db_name, table)
        return []
    glue.delete_table(ctx, db_name, name)        # an external table's data stays where it is
    return []


def _drop_view(ctx, statement, database, engine):
    return _drop_table(ctx, statement, database, engine, views=True)


# ---- views -------------------------------------------------------------------------

def _create_view(ctx, statement, database, engine):
    tree = statement.tree
    target = tree.this
    db_name, name = (target.db or database).lower(), target.name.lower()
    glue.get_database(ctx, db_name)
    query = tree.expression
    ctas_columns.check(query, aliased=False)       # a view's columns need names and types too
    sql = query.sql(dialect="trino")
    planned = query.copy()          # the views it reads are expanded into it, as a SELECT's are
    bound = engine.prepare(planned, planning.resolve_sources(ctx, engine, planned, db_name), db_name)
    try:
        bound.bind()
        columns = [(column, athena_type(kind)) for column, kind in bound.result_columns]
    finally:
        bound.close()
    repeated = result_names.shared([column for column, _ in columns])
    if repeated:
        raise DdlFailure(f"line 1:1: Column name '{repeated[0]}' specified more than once", "DUPLICATE_COLUMN_NAME")
    table_input = {
        "Name": name, "TableType": "VIRTUAL_VIEW", "Parameters": {"presto_view": "true", "comment": "Presto View"},
        "ViewOriginalText": planning.encode_view(sql, "awsdatacatalog", db_name, columns),
        "ViewExpandedText": "/* Presto View */", "PartitionKeys": [],
        "StorageDescriptor": {"Columns": [{"Name": column, "Type": _view_hive_type(kind)} for column, kind in columns],
                              "Location": "", "SerdeInfo": {}}}
    try:
        glue.get_table(ctx, db_name, name)
        if not tree.args.get("replace"):
            raise DdlFailure(f"View 'awsdatacatalog.{db_name}.{name}' already exists", "ALREADY_EXISTS")
        glue.update_table(ctx, db_name, table_input)
    except glue.errors.EntityNotFoundException:
        glue.create_table(ctx, db_name, table_input)
    return []


def _view_hive_type(kind: str) -> str:
    return {"varchar": "string", "integer": "int"}.get(kind, kind)


# ---- partitions --------------------------------------------------------------------

_SPEC = re.compile(r"PARTITION\s*\((?P<values>[^)]*)\)\s*(?:LOCATION\s*'(?P<location>[^']*)')?", re.IGNORECASE)


# A key may be quoted with backticks, as Hive allows (pyathena's to_sql writes `dt` = '...').
_ASSIGN = re.compile(r"`?(\w+)`?\s*=\s*(?:'((?:[^']|'')*)'|([\w.\-]+))")


def _partition_values(text: str, keys: list[str]) -> list[str]:
    """`dt='2024-01-01', h=3` -> the values in the table's key order."""
    found = {match.group(1).lower(): match.group(2) if match.group(2) is not None else match.group(3)
             for match in _ASSIGN.finditer(text)}
    if sorted(found) != sorted(keys):
        raise DdlFailure(f"FAILED: SemanticException Partition spec ({text}) does not match the partition keys "
                         f"({', '.join(keys)})")
    return [found[key] for key in keys]


def _alter_add_partition(ctx, statement, database, engine):
    _refuse_iceberg(ctx, statement, database)
    db_name, name = table_name(statement, database)
    table = glue.get_table(ctx, db_name, name)
    keys = [key["Name"].lower() for key in table.get("PartitionKeys") or []]
    base = ((table.get("StorageDescriptor") or {}).get("Location") or "").rstrip("/")
    inputs = []
    for spec in _SPEC.finditer(statement.args["specs"]):
        values = _partition_values(spec.group("values"), keys)
        location = spec.group("location") or base + "/" + "/".join(f"{k}={v}" for k, v in zip(keys, values)) + "/"
        sd = dict(table["StorageDescriptor"])
        sd["Location"] = location
        inputs.append({"Values": values, "StorageDescriptor": sd})
    failures = glue.create_partitions(ctx, db_name, name, inputs)
    if failures and not statement.args.get("exists"):
        raise DdlFailure("FAILED: AlreadyExistsException Partition already exists.")
    return []


def _alter_drop_partition(ctx, statement, database, engine):
    _refuse_iceberg(ctx, statement, database)
    db_name, name = table_name(statement, database)
    table = glue.get_table(ctx, db_name, name)
    keys = [key["Name"].lower() for key in table.get("PartitionKeys") or []]
    existing = {tuple(doc["Values"]) for doc in glue.list_partitions(ctx, db_name, name)}
    values_list = [_partition_values(spec.group("values"), keys) for spec in _SPEC.finditer(statement.args["specs"])]
    missing = [values for values in values_list if tuple(values) not in existing]
    if missing and not statement.args.get("exists"):
        raise DdlFailure("FAILED: SemanticException [Error 10006]: Partition not found")
    glue.delete_partitions(ctx, db_name, name, values_list)
    return []


def _alter_rename_partition(ctx, statement, database, engine):
    """The partition's values change; its files and location stay (as Hive does for an
    external table)."""
    _refuse_iceberg(ctx, statement, database)
    db_name, name = table_name(statement, database)
    keys = [key["Name"].lower() for key in glue.get_table(ctx, db_name, name).get("PartitionKeys") or []]
    old, new = (_partition_values(statement.args[side], keys) for side in ("old", "new"))
    existing = {tuple(doc["Values"]): doc for doc in glue.list_partitions(ctx, db_name, name)}
    if tuple(old) not in existing:
        raise DdlFailure("FAILED: SemanticException [Error 10006]: Partition not found")
    if tuple(new) in existing:
        raise DdlFailure("FAILED: AlreadyExistsException Partition already exists.")
    moved = {key: existing[tuple(old)][key] for key in ("StorageDescriptor", "Parameters")
             if key in existing[tuple(old)]}
    glue.create_partitions(ctx, db_name, name, [dict(moved, Values=new)])
    glue.delete_partitions(ctx, db_name, name, [old])
    return []


def _alter_partition_location(ctx, statement, database, engine):
    """ALTER TABLE t PARTITION (...) SET LOCATION '...': the partition reads its files from
    the new location; nothing moves."""
    _refuse_iceberg(ctx, statement, database)
    db_name, name = table_name(statement, database)
    keys = [key["Name"].lower() for key in glue.get_table(ctx, db_name, name).get("PartitionKeys") or []]
    values = _partition_values(statement.args["spec"], keys)
    found = next((doc for doc in glue.list_partitions(ctx, db_name, name) if doc["Values"] == values), None)
    if found is None:
        raise DdlFailure("FAILED: SemanticException [Error 10006]: Partition not found")
    kept = {key: found[key] for key in ("StorageDescriptor", "Parameters") if key in found}
    kept["StorageDescriptor"] = dict(kept.get("StorageDescriptor") or {}, Location=statement.args["location"])
    glue.update_partition(ctx, db_name, name, values, dict(kept, Values=values))
    return []


def _refuse_iceberg(ctx, statement, database):
    """Hive partition statements have no meaning for an Iceberg table."""
    db_name, name = table_name(statement, database)
    if iceberg.is_iceberg(glue.get_table(ctx, db_name, name)):
        raise DdlFailure(_ICEBERG_REFUSED, "NOT_SUPPORTED")


def _alter_table(ctx, statement, database, engine):
    db_name, name = table_name(statement, database)
    table = glue.get_table(ctx, db_name, name)
    if iceberg.is_iceberg(table):
        return _alter_iceberg(ctx, statement, db_name, table)
    table_input = {key: table[key] for key in ("Name", "Description", "TableType", "Parameters", "PartitionKeys",
                                               "StorageDescriptor", "ViewOriginalText", "ViewExpandedText")
                   if key in table}
    sd = table_input["StorageDescriptor"] = dict(table_input.get("StorageDescriptor") or {})
    if statement.kind == "alter_set_location":
        sd["Location"] = statement.args["location"]
    elif statement.kind == "alter_set_properties":
        table_input["Parameters"] = {**(table.get("Parameters") or {}),
                                     **properties(statement.args["props"])}
    elif statement.kind == "alter_unset_properties":
        removed = {key.lower() for key in re.findall(r"'([^']*)'", statement.args["keys"])}
        table_input["Parameters"] = {key: value for key, value in (table.get("Parameters") or {}).items()
                                     if key.lower() not in removed}
    elif statement.kind == "alter_drop_column":
        raise DdlFailure("DROP COLUMN is only supported for Iceberg tables; use ALTER TABLE REPLACE COLUMNS",
                         "NOT_SUPPORTED")
    elif statement.kind == "alter_change_column":
        old, changed = _changed_column(statement)
        columns = [dict(column) for column in sd.get("Columns") or []]
        found = next((column for column in columns if column["Name"].lower() == old), None)
        if found is None:
            raise DdlFailure(f"FAILED: SemanticException Invalid column reference {old}")
        found.update(changed)
        sd["Columns"] = _moved(columns, found, _after(statement))
    else:
        columns = _columns_from_text(statement.args["columns"])
        if statement.kind == "alter_add_columns":
            columns = _added(sd.get("Columns") or [], columns)
        sd["Columns"] = columns
    glue.update_table(ctx, db_name, table_input)
    return []


def _added(existing: list[dict], new: list[dict]) -> list[dict]:
    """ADD COLUMNS: Hive's DDL task refuses a name the table has (or the list repeats),
    ignoring case; no wording of Athena's is recorded, these are Hive's DDLTask's."""
    columns = list(existing)
    for column in new:
        if any(old["Name"].lower() == column["Name"].lower() for old in columns):
            raise DdlFailure("FAILED: Execution Error, return code 1 from org.apache.hadoop.hive.ql.exec.DDLTask. "
                             f"Duplicate column name: {column['Name']}")
        columns.append(column)
    return columns


def _alter_rename_table(ctx, statement, database, engine):
    """An Iceberg table keeps its location and metadata under its new name (Athena renames
    only Iceberg tables); the new name is read in the query's database unless it names one."""
    db_name, name = table_name(statement, database)
    table = glue.get_table(ctx, db_name, name)
    if not iceberg.is_iceberg(table):
        raise DdlFailure("ALTER statements are not supported", "NOT_SUPPORTED")
    new_db, new_name = split_name(statement.args["new"], database)
    table_input = {key: table[key] for key in ("Description", "Owner", "TableType", "Parameters", "PartitionKeys",
                                               "StorageDescriptor", "Retention") if key in table}
    glue.create_table(ctx, new_db, dict(table_input, Name=new_name))
    glue.delete_table(ctx, db_name, name)
    return []


def _after(statement) -> str | None:
    """CHANGE COLUMN's position: None to stay, "" for FIRST, else the column to follow."""
    position = (statement.args.get("position") or "").split()
    return position[1].strip('`"').lower() if len(position) == 2 else ("" if position else None)


def _moved(columns: list[dict], column: dict, after: str | None) -> list[dict]:
    """A Hive table's columns with `column` moved FIRST or AFTER another: only the
    catalog's order changes, so a text file's fields are read in the new order."""
    if after is None:
        return columns
    rest = [other for other in columns if other is not column]
    if after == "":
        return [column] + rest
    index = next((i for i, other in enumerate(rest) if other["Name"].lower() == after), None)
    if index is None:
        raise DdlFailure(f"FAILED: SemanticException Invalid column reference {after}")
    return rest[:index + 1] + [column] + rest[index + 1:]


def _changed_column(statement) -> tuple[str, dict]:
    """ALTER TABLE ... CHANGE COLUMN old new type [COMMENT '...']: the old name and the
    new column (Glue form)."""
    return statement.args["old"].strip('`"').lower(), _columns_from_text(statement.args["definition"])[0]


_ICEBERG_REFUSED = "Query type not supported by Athena Iceberg at this time"


def _alter_iceberg(ctx, statement, db_name, table):
    if statement.kind == "alter_add_columns":
        columns = _columns_from_text(statement.args["columns"])
        iceberg.add_columns(ctx, db_name, table, [(column["Name"], column["Type"], column.get("Comment"))
                                                  for column in columns])
    elif statement.kind == "alter_set_properties":
        changed = properties(statement.args["props"])
        _refuse_custom_properties(changed)
        iceberg.set_properties(ctx, db_name, table, changed)
    elif statement.kind == "alter_unset_properties":
        keys = re.findall(r"'([^']*)'", statement.args["keys"])
        refused = next((key for key in keys if key.lower() not in _ICEBERG_PROPERTIES), None)
        if refused is not None:
            raise DdlFailure(f"Table property {refused} is not supported by Athena", "ICEBERG_DDL")
        iceberg.set_properties(ctx, db_name, table, {}, tuple(keys))
    elif statement.kind == "alter_drop_column":
        iceberg.drop_column(ctx, db_name, table, statement.args["column"].strip('`"').lower())
    elif statement.kind == "alter_change_column":
        old, changed = _changed_column(statement)
        iceberg.change_column(ctx, db_name, table, old, changed["Name"], changed["Type"], _after(statement))
    else:
        raise DdlFailure(_ICEBERG_REFUSED, "NOT_SUPPORTED")
    return []


def _vacuum(ctx, statement, database, engine):
    db_name, name = table_name(statement, database)
    table = glue.get_table(ctx, db_name, name)
    if not iceberg.is_iceberg(table):
        raise DdlFailure("VACUUM is only supported for Iceberg tables", "NOT_SUPPORTED")
    iceberg.vacuum(ctx, db_name, table)
    return []


def _columns_from_text(text: str) -> list[dict]:
    """`a int, b string` as Glue columns (Hive column definitions)."""
    parsed = dialect.parse(f"CREATE EXTERNAL TABLE x ({text}) LOCATION 's3://x/'", read="hive")
    return [_column(column) for column in parsed.this.expressions]


def _msck(ctx, statement, database, engine):
    _refuse_iceberg(ctx, statement, database)
    """Add the Hive-style `key=value/` folders under the table's location that the
    catalog lacks; never removes one."""
    db_name, name = table_name(statement, database)
    table = glue.get_table(ctx, db_name, name)
    keys = [key["Name"] for key in table.get("PartitionKeys") or []]
    if not keys:
        return []
    location = ((table.get("StorageDescriptor") or {}).get("Location") or "").rstrip("/") + "/"
    bucket, prefix = s3.parse_s3_uri(location)
    found = _hive_folders(ctx, bucket, prefix, keys)
    existing = {tuple(doc["Values"]) for doc in glue.list_partitions(ctx, db_name, name)}
    new = [(values, path) for values, path in found if tuple(values) not in existing]
    inputs = []
    for values, path in new:
        sd = dict(table["StorageDescriptor"])
        sd["Location"] = f"s3://{bucket}/{path}"
        inputs.append({"Values": values, "StorageDescriptor": sd})
    if inputs:
        glue.create_partitions(ctx, db_name, name, inputs)
    listed = [f"{name}:" + "/".join(f"{k}={v}" for k, v in zip(keys, values)) for values, _ in new]
    lines = ["Partitions not in metastore:\t" + "\t".join(listed)] if listed else []
    return lines + [f"Repair: Added partition to metastore {entry}" for entry in listed]


def _hive_folders(ctx, bucket, prefix, keys) -> list[tuple[list[str], str]]:
    if not s3.bucket_exists(ctx.state, bucket):
        return []
    level = [([], prefix)]
    for key in keys:
        below = []
        for values, path in level:
            for folder in s3.list_common_prefixes(ctx.state, bucket, path):
                part = folder[len(path):].rstrip("/")
                if "=" in part and part.split("=", 1)[0].lower() == key.lower():
                    below.append((values + [part.split("=", 1)[1]], folder))
        level = below
    return level


# ---- prepared statements (PREPARE name FROM ..., DEALLOCATE PREPARE name) -------------

def _prepare(ctx, statement, database, engine):
    store.put_prepared(ctx.state.db, ctx.account, ctx.region, statement.args["workgroup"], statement.args["name"],
                       statement.args["query"], None, ctx.now)
    return []


def _deallocate(ctx, statement, database, engine):
    found = store.get_prepared(ctx.state.db, ctx.account, ctx.region, statement.args["workgroup"],
                               statement.args["name"])
    if found is None:
        raise DdlFailure(f"Prepared statement not found: {statement.args['name']}", "NOT_FOUND")
    store.delete_prepared(ctx.state.db, ctx.account, ctx.region, statement.args["workgroup"], statement.args["name"])
    return []


_HANDLERS = {
    **ddl_show.HANDLERS,
    "create_database": _create_database, "create_table": _create_table, "create_view": _create_view,
    "drop_database": _drop_database, "drop_table": _drop_table, "drop_view": _drop_view,
    "alter_add_partition": _alter_add_partition, "alter_drop_partition": _alter_drop_partition,
    "alter_rename_partition": _alter_rename_partition, "alter_partition_location": _alter_partition_location,
    "alter_rename_table": _alter_rename_table, "alter_database_properties": _alter_database_properties,
    "alter_set_location": _alter_table, "alter_set_properties": _alter_table, "alter_replace_columns": _alter_table,
    "alter_unset_properties": _alter_table,
    "alter_add_columns": _alter_table, "alter_drop_column": _alter_table, "alter_change_column": _alter_table,
    "msck": _msck, "vacuum": _vacuum, "prepare": _prepare, "deallocate": _deallocate,
}
