"""SHOW and DESCRIBE: read the Glue catalog and answer the lines of a `.txt` result, in
Hive's layout (the columns clients read by name are in `TEXT_COLUMNS`)."""
import dataclasses
import re

from lakebox.engine import EngineError
from lakebox.services.athena import iceberg, iceberg_tables, planning
from lakebox.services.athena.ddl_base import DdlFailure, table_name
from lakebox.services.glue import public as glue


def show_databases(ctx, statement, database, engine):
    names = [doc["Name"] for doc in glue.list_databases(ctx)]
    return [name for name in names if _like(name, statement.args.get("like"))]


def _like(name: str, pattern: str | None) -> bool:
    """SHOW ... LIKE: a regular expression, case-insensitive, where a `*` that repeats nothing also
    means any characters and `|` separates alternatives (Athena's guide: `SHOW DATABASES LIKE
    '.*analytics'`, `SHOW TABLES 'sales*|orders*'`). A pattern that is not a regular
    expression matches its own text."""
    if not pattern:
        return True
    options = [re.sub(r"(?<![.\\)\]])\*", ".*", option.strip()) for option in pattern.split("|")]
    try:
        return re.fullmatch("|".join(f"(?:{option})" for option in options), name, re.IGNORECASE) is not None
    except re.error:
        literal = [re.escape(option.strip()).replace(r"\*", ".*") for option in pattern.split("|")]
        return re.fullmatch("|".join(literal), name, re.IGNORECASE) is not None


def show_tables(ctx, statement, database, engine, views=False):
    db_name = (statement.args.get("db") or database).strip('`"').lower()
    tables = glue.list_tables(ctx, db_name)
    return sorted(doc["Name"] for doc in tables if _like(doc["Name"], statement.args.get("like"))
                  and (not views or doc.get("TableType") == "VIRTUAL_VIEW"))


def show_views(ctx, statement, database, engine):
    return show_tables(ctx, statement, database, engine, views=True)


def describe(ctx, statement, database, engine):
    """Hive's DESCRIBE: every column (partition keys again apart), or the one named after
    the table. `DESCRIBE TABLE t` reads as the column `t` of a table named `table`, so
    fails as Athena's guide shows: `Table not found table`."""
    db_name, name = table_name(statement, database)
    try:
        table = glue.get_table(ctx, db_name, name)
    except glue.errors.EntityNotFoundException:
        raise DdlFailure(f"FAILED: SemanticException [Error 10001]: Table not found {name}") from None
    if iceberg.is_iceberg(table) and not statement.args.get("column"):
        return iceberg_tables.describe(ctx, table)
    columns = _as_the_serde_tells(table, iceberg.current_columns(table))
    keys = table.get("PartitionKeys") or []
    if statement.args.get("column"):
        return _describe_column(columns + keys, statement.args["column"].strip('`"'))
    lines = [_describe_line(column) for column in columns + keys]
    if keys:
        lines += [_BLANK, "# Partition Information\t \t ", "# col_name            \tdata_type           \tcomment             ",
                  _BLANK] + [_describe_line(key) for key in keys]
    return lines


# The SerDes whose columns Hive takes from the metastore (hive.serdes.using.metastore.for.schema);
# any other SerDe (JSON, Regex, OpenCSV, CloudTrail, Avro, Grok) tells its columns itself, and
# DESCRIBE and SHOW CREATE TABLE give each the comment 'from deserializer', as Athena's do.
_METASTORE_SERDES = {
    "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", "org.apache.hadoop.hive.serde2.columnar.ColumnarSerDe",
    "org.apache.hadoop.hive.serde2.columnar.LazyBinaryColumnarSerDe", "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
    "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", "org.apache.hadoop.hive.serde2.dynamic_type.DynamicSerDe",
    "org.apache.hadoop.hive.serde2.MetadataTypedColumnsetSerDe", "org.apache.hadoop.hive.serde2.lazybinary.LazyBinarySerDe",
}


def _as_the_serde_tells(table: dict, columns: list[dict]) -> list[dict]:
    library = ((table.get("StorageDescriptor") or {}).get("SerdeInfo") or {}).get("SerializationLibrary") or ""
    if not library or library in _METASTORE_SERDES:
        return columns
    return [dict(column, Comment="from deserializer") for column in columns]


def _describe_column(columns: list[dict], wanted: str) -> list[str]:
    for column in columns:
        if column["Name"].lower() == wanted.lower():
            return [_describe_line(column)]
    raise DdlFailure(f"FAILED: SemanticException [Error 10002]: Invalid column reference {wanted}")


def _describe_line(column: dict) -> str:
    return _describe_cells(column["Name"], column.get("Type", ""), column.get("Comment", ""))


_BLANK = "\t \t "     # Hive's empty line around the partition headings: three one-blank cells


def _describe_cells(name: str, kind: str, comment: str) -> str:
    """Hive's three cells padded to 20 characters; a comment holding a tab ends at it (Athena
    reads the padded line's third cell up to the next tab)."""
    return "\t".join(f"{name:<20}\t{kind:<20}\t{comment:<20}".split("\t")[:3])


def as_view_describe(ctx, statement, database):
    """DESCRIBE or SHOW COLUMNS of a view is Athena's DESC_VIEW, answered by its engine:
    each column's name and Trino type (`describe_view`)."""
    if statement.kind not in ("describe", "show_columns") or statement.args.get("column"):
        return statement
    db_name, name = table_name(statement, database)
    try:
        table = glue.get_table(ctx, db_name, name)
    except glue.errors.EntityNotFoundException:
        return statement
    if planning.view_text(table) is None:
        return statement
    return dataclasses.replace(statement, kind="describe_view", substatement_type="DESC_VIEW")


def describe_view(ctx, statement, database, engine):
    db_name, name = table_name(statement, database)
    return [f"{column}\t{kind}" for column, kind in planning.view_columns(glue.get_table(ctx, db_name, name))]


def show_columns(ctx, statement, database, engine):
    db_name, name = table_name(statement, database)
    table = glue.get_table(ctx, db_name, name)
    columns = iceberg.current_columns(table) + (table.get("PartitionKeys") or [])
    if iceberg.is_iceberg(table) or planning.view_text(table) is not None:
        return [column["Name"] for column in columns]
    return [f"{column['Name']:<20}" for column in columns]     # Hive pads a name as DESCRIBE does


def show_tblproperties(ctx, statement, database, engine):
    db_name, name = table_name(statement, database)
    table = glue.get_table(ctx, db_name, name)
    parameters = iceberg_tables.properties(ctx, table) if iceberg.is_iceberg(table) else table.get("Parameters") or {}
    wanted = statement.args.get("prop")
    if wanted is not None:          # one property: its value alone, as Hive prints it
        if wanted not in parameters:
            raise DdlFailure(f"FAILED: SemanticException Table {name} does not have property: {wanted}")
        return [parameters[wanted]]
    return [f"{key}\t{value}" for key, value in sorted(parameters.items())]


def show_partitions(ctx, statement, database, engine):
    db_name, name = table_name(statement, database)
    table = glue.get_table(ctx, db_name, name)
    keys = [key["Name"] for key in table.get("PartitionKeys") or []]
    if not keys:
        raise DdlFailure(f"FAILED: SemanticException [Error 10241]: Table {name} is not a partitioned table")
    return sorted("/".join(f"{key}={value}" for key, value in zip(keys, doc["Values"]))
                  for doc in glue.list_partitions(ctx, db_name, name))


def show_create_table(ctx, statement, database, engine):
    db_name, name = table_name(statement, database)
    if statement.args["kind"].upper() == "VIEW":
        table = _view_to_show(ctx, db_name, name)
    else:
        table = glue.get_table(ctx, db_name, name)
    view = planning.view_text(table)
    if view is not None:
        return [f'CREATE VIEW "{db_name}"."{name}" AS', view]
    if iceberg.is_iceberg(table):
        return iceberg_tables.show_create(ctx, db_name, table)
    sd = table.get("StorageDescriptor") or {}
    serde = sd.get("SerdeInfo") or {}
    lines = [f"CREATE EXTERNAL TABLE `{db_name}`.`{name}`("]
    lines += _column_lines(_as_the_serde_tells(table, sd.get("Columns") or []))
    if table.get("Description"):
        lines.append(f"COMMENT {_quoted(table['Description'])}")
    keys = table.get("PartitionKeys") or []
    if keys:
        lines += ["PARTITIONED BY ("] + _column_lines(keys)
    lines += _clustered_by(sd)
    lines += ["ROW FORMAT SERDE", f"  '{serde.get('SerializationLibrary', '')}'"]
    if serde.get("Parameters"):
        params = list(serde["Parameters"].items())
        lines += ["WITH SERDEPROPERTIES ("] + [f"  '{k}'='{v}'{',' if i < len(params) - 1 else ')'}"
                                               for i, (k, v) in enumerate(params)]
    lines += ["STORED AS INPUTFORMAT", f"  '{sd.get('InputFormat', '')}'", "OUTPUTFORMAT",
              f"  '{sd.get('OutputFormat', '')}'", "LOCATION", f"  '{sd.get('Location', '')}'"]
    params = sorted((table.get("Parameters") or {}).items())
    if params:
        lines += ["TBLPROPERTIES ("] + [f"  '{k}'='{v}'{',' if i < len(params) - 1 else ')'}"
                                        for i, (k, v) in enumerate(params)]
    return lines


def _column_lines(columns: list[dict]) -> list[str]:
    """Hive's column list, one a line: a column's comment follows its type, the last line
    closes the list."""
    return [f"  `{c['Name']}` {c['Type']}{' COMMENT ' + _quoted(c['Comment']) if c.get('Comment') else ''}"
            f"{',' if i < len(columns) - 1 else ')'}" for i, c in enumerate(columns)]


def _quoted(text: str) -> str:
    """A comment as Hive writes it back (escapeHiveCommand): in single quotes, a quote or a
    semicolon in it after a backslash."""
    return "'" + re.sub(r"([';])", r"\\\1", text) + "'"


def _clustered_by(sd: dict) -> list[str]:
    """Hive's bucketing clause: the bucket columns (and sort columns) one a line, unquoted."""
    columns = sd.get("BucketColumns") or []
    if not columns:
        return []
    lines = ["CLUSTERED BY ("] + [f"  {column}{',' if i < len(columns) - 1 else ')'}" for i, column in enumerate(columns)]
    sort = sd.get("SortColumns") or []
    if sort:
        lines += ["SORTED BY ("] + [f"  {item['Column']} {'ASC' if item.get('SortOrder', 1) else 'DESC'}"
                                    f"{',' if i < len(sort) - 1 else ')'}" for i, item in enumerate(sort)]
    return lines + [f"INTO {sd.get('NumberOfBuckets', 0)} BUCKETS"]


def _view_to_show(ctx, db_name: str, name: str) -> dict:
    """SHOW CREATE VIEW is Trino's statement: a missing view or a table is refused in
    Trino's words, at the statement's start."""
    relation = f"'awsdatacatalog.{db_name}.{name}'"
    try:
        table = glue.get_table(ctx, db_name, name)
    except glue.errors.EntityNotFoundException:
        raise EngineError("TABLE_NOT_FOUND", f"line 1:1: View {relation} does not exist") from None
    if planning.view_text(table) is None:
        raise EngineError("NOT_SUPPORTED", f"line 1:1: Relation {relation} is a table, not a view")
    return table


# The columns (Hive's names) of the text results clients read by name: awswrangler's
# describe_table reads col_name/data_type/comment, show_create_table reads createtab_stmt.
TEXT_COLUMNS = {
    "describe": ["col_name", "data_type", "comment"], "show_create_table": ["createtab_stmt"],
    "show_tables": ["tab_name"], "show_databases": ["database_name"], "show_partitions": ["partition"],
    "show_columns": ["field"], "show_tblproperties": ["prpt_name", "prpt_value"],
}
# The ones Athena's own engine answers, in varchar columns of these names.
VARCHAR_COLUMNS = {"show_create_view": ["create view"], "show_views": ["views"], "describe_view": ["column", "type"]}


def text_columns(kind: str) -> list[tuple[str, str]]:
    """(name, type) of each column of a DDL statement's text result. The statements Hive
    answers describe their columns as Hive's `string` (precision 0, not case sensitive),
    as GetQueryResults shows them; the others as varchar."""
    if kind in TEXT_COLUMNS:
        return [(name, "STRING") for name in TEXT_COLUMNS[kind]]
    return [(name, "VARCHAR") for name in VARCHAR_COLUMNS.get(kind, ["result"])]


HANDLERS = {
    "show_databases": show_databases, "show_tables": show_tables, "show_views": show_views, "describe": describe,
    "show_columns": show_columns, "show_tblproperties": show_tblproperties, "show_partitions": show_partitions,
    "show_create_table": show_create_table, "show_create_view": show_create_table, "describe_view": describe_view,
}
