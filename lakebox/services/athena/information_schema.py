"""`information_schema` (schemata, tables, columns, views) answered from the Glue
catalog as Athena answers it: dbt-athena and BI tools read the catalog this way.

Each reference to `information_schema.<table>` becomes a subquery of literal rows with
Trino's column types; the query's own WHERE still filters them. Conditions on
`table_schema` (`schema_name`) and `table_name` that name literals decide which
databases and tables are read from the catalog at all.
"""
from sqlglot import exp

from lakebox.engine import EngineError, dialect
from lakebox.engine.types import trino_type_of_hive
from lakebox.services.athena import iceberg
from lakebox.services.glue import public as glue

SCHEMA = "information_schema"
CATALOG = "awsdatacatalog"

_VARCHAR, _BIGINT = "varchar", "bigint"
COLUMNS = {
    "schemata": [("catalog_name", _VARCHAR), ("schema_name", _VARCHAR)],
    "tables": [("table_catalog", _VARCHAR), ("table_schema", _VARCHAR), ("table_name", _VARCHAR),
               ("table_type", _VARCHAR)],
    "columns": [("table_catalog", _VARCHAR), ("table_schema", _VARCHAR), ("table_name", _VARCHAR),
                ("column_name", _VARCHAR), ("ordinal_position", _BIGINT), ("column_default", _VARCHAR),
                ("is_nullable", _VARCHAR), ("data_type", _VARCHAR), ("comment", _VARCHAR),
                ("extra_info", _VARCHAR)],
    "views": [("table_catalog", _VARCHAR), ("table_schema", _VARCHAR), ("table_name", _VARCHAR),
              ("view_definition", _VARCHAR)],
}


def is_reference(ref: exp.Table, database: str) -> bool:
    return (ref.db or database).lower() == SCHEMA


def expand(ctx, tree: exp.Expression, database: str, view_text, where):
    """Replace every `information_schema.<table>` that `tree` reads by its rows.
    `view_text(table) -> sql | None` reads a view's SQL from its Glue document;
    `where(node)` is the `line L:C: ` of a node."""
    for ref in dialect.table_refs(tree):
        if not is_reference(ref, database):
            continue
        name = ref.name.lower()
        if name not in COLUMNS:
            raise EngineError("TABLE_NOT_FOUND", f"{where(ref)}Table '{CATALOG}.{SCHEMA}.{name}' does not exist")
        wanted = _wanted(ref)
        rows = _ROWS[name](ctx, wanted, view_text)
        ref.replace(exp.Subquery(this=_literal_rows(COLUMNS[name], rows),
                                 alias=exp.TableAlias(this=exp.to_identifier(ref.alias_or_name))))


def _wanted(ref: exp.Table) -> dict:
    """{"schema": {names} | None, "table": {names} | None}: the literals the WHERE around
    `ref` compares table_schema/schema_name and table_name to (None: any)."""
    wanted = {"schema": None, "table": None}
    select = ref.find_ancestor(exp.Select)
    where = select.args.get("where") if select is not None else None
    if where is None:
        return wanted
    alias = ref.alias_or_name.lower()
    conjuncts = where.this.flatten() if isinstance(where.this, exp.And) else [where.this]
    for conjunct in conjuncts:
        if isinstance(conjunct, exp.EQ):
            column, values = conjunct.this, [conjunct.expression]
        elif isinstance(conjunct, exp.In) and not conjunct.args.get("query"):
            column, values = conjunct.this, conjunct.expressions
        else:
            continue
        if not isinstance(column, exp.Column) or (column.table and column.table.lower() != alias):
            continue
        if not all(isinstance(value, exp.Literal) and value.is_string for value in values):
            continue
        key = {"table_schema": "schema", "schema_name": "schema", "table_name": "table"}.get(column.name.lower())
        if key is not None:
            found = {value.name for value in values}
            wanted[key] = found if wanted[key] is None else wanted[key] & found
    return wanted


def _databases(ctx, wanted) -> list[str]:
    names = [doc["Name"] for doc in glue.list_databases(ctx)] + [SCHEMA]
    return sorted(name for name in names if wanted["schema"] is None or name in wanted["schema"])


def _tables(ctx, database: str, wanted) -> list[dict]:
    """The tables of `database` the query may want, as Glue documents."""
    if database == SCHEMA:
        docs = [{"Name": name, "TableType": "BASE TABLE", "StorageDescriptor": {"Columns": [
            {"Name": column, "Type": {_BIGINT: "bigint"}.get(kind, "string")} for column, kind in COLUMNS[name]]}}
            for name in COLUMNS]
    else:
        try:
            docs = glue.list_tables(ctx, database)
        except glue.errors.EntityNotFoundException:     # dropped while we read
            return []
    return [doc for doc in docs if wanted["table"] is None or doc["Name"] in wanted["table"]]


def _schemata(ctx, wanted, view_text) -> list[list]:
    return [[CATALOG, name] for name in _databases(ctx, wanted)]


def _table_rows(ctx, wanted, view_text) -> list[list]:
    return [[CATALOG, database, doc["Name"], "VIEW" if doc.get("TableType") == "VIRTUAL_VIEW" else "BASE TABLE"]
            for database in _databases(ctx, wanted) for doc in _tables(ctx, database, wanted)]


def _column_rows(ctx, wanted, view_text) -> list[list]:
    rows = []
    for database in _databases(ctx, wanted):
        for doc in _tables(ctx, database, wanted):
            columns = [(column, None) for column in iceberg.current_columns(doc)]
            columns += [(column, "partition key") for column in doc.get("PartitionKeys") or []]
            for position, (column, extra) in enumerate(columns, start=1):
                rows.append([CATALOG, database, doc["Name"], column["Name"], position, None, "YES",
                             trino_type_of_hive(column.get("Type") or "string"), column.get("Comment"), extra])
    return rows


def _view_rows(ctx, wanted, view_text) -> list[list]:
    rows = []
    for database in _databases(ctx, wanted):
        for doc in _tables(ctx, database, wanted):
            sql = view_text(doc) if doc.get("TableType") == "VIRTUAL_VIEW" else None
            if sql is not None:
                rows.append([CATALOG, database, doc["Name"], sql])
    return rows


_ROWS = {"schemata": _schemata, "tables": _table_rows, "columns": _column_rows, "views": _view_rows}


def _literal_rows(columns: list[tuple[str, str]], rows: list[list]) -> exp.Expression:
    """SELECT CAST(c AS type) AS c, ... FROM (VALUES ...) of `rows`, or no row."""
    items = [exp.alias_(exp.cast(exp.column(name, quoted=True), kind), name, quoted=True) for name, kind in columns]
    if not rows:
        nulls = [exp.alias_(exp.cast(exp.null(), kind), name, quoted=True) for name, kind in columns]
        return exp.select(*nulls).where(exp.false())
    values = exp.Values(expressions=[exp.Tuple(expressions=[_literal(value) for value in row]) for row in rows],
                        alias=exp.TableAlias(this=exp.to_identifier("_rows"),
                                             columns=[exp.to_identifier(name, quoted=True) for name, _ in columns]))
    return exp.select(*items).from_(values)


def _literal(value) -> exp.Expression:
    if value is None:
        return exp.null()
    if isinstance(value, int):
        return exp.Literal.number(value)
    return exp.Literal.string(str(value))
