"""INSERT INTO's values judged against the table's column types before anything runs,
as Trino's analyzer judges them (StatementAnalyzer.typesMatchForInsert): a value goes
into a column of its own kind, a number into any number column and a text into any text
column (the standard's store assignment: a guarded cast), a date into a timestamp and a
timestamp into a timestamp with time zone (implicit coercions). Anything else fails
TYPE_MISMATCH, 'line 1:1: Insert query has mismatched column types: Table: [integer,
varchar], Query: [varchar(1), integer]', and nothing is written (DuckDB cast the value,
and a text that is no number failed INVALID_CAST_ARGUMENT, or a number was written as
text). Only a query whose every value's type lakebox knows from the text is judged: a
literal, a table's column, a date or timestamp literal, now() and current_date, or every
column of one table (`INSERT INTO t SELECT * FROM staging`)."""
from sqlglot import exp

from lakebox.engine import EngineError, strict
from lakebox.engine.types import trino_type_of_hive

_NUMBERS = {"tinyint", "smallint", "integer", "bigint", "real", "double", "decimal"}
_TEXTS = {"varchar", "char"}
_COERCED = {("date", "timestamp"), ("timestamp", "timestamp with time zone")}


def _kind(trino_type: str) -> str:
    zoned = trino_type.endswith("with time zone")
    return trino_type.split("(")[0].strip() + (" with time zone" if zoned else "")


def assignable(value: str, column: str) -> bool:
    """Whether Trino writes a value of type `value` into a column of type `column`."""
    if value == "unknown":
        return True
    v, c = _kind(value), _kind(column)
    if c == "timestamp with time zone" and v.startswith("timestamp"):
        return True
    return v == c or {v, c} <= _NUMBERS or {v, c} <= _TEXTS or (v, c) in _COERCED


def _value_types(query, column_types: dict) -> list[str] | None:
    """The Trino types of the query's values (VALUES rows or a SELECT's items), or None
    when one is not known."""
    ctes = frozenset(cte.alias_or_name.lower() for cte in query.find_all(exp.CTE))

    def typed(node):
        if isinstance(node, exp.Null):
            return "unknown"
        return strict.trino_type(node.unalias() if isinstance(node, exp.Alias) else node, column_types, ctes)
    if isinstance(query, exp.Values):
        rows = [row.expressions if isinstance(row, exp.Tuple) else [row] for row in query.expressions]
        if len({len(row) for row in rows}) != 1:
            return None
        found = []
        for values in zip(*rows):
            kinds = {typed(value) for value in values} - {"unknown"}
            texts = [kind for kind in kinds if kind and kind.startswith("varchar(")]
            if len(kinds) == 1:
                found.append(kinds.pop())
            elif not kinds:
                found.append("unknown")
            elif texts and len(texts) == len(kinds):        # VALUES ('a'), ('bb'): varchar(2)
                found.append(f"varchar({max(int(kind[8:-1]) for kind in texts)})")
            else:
                return None
        return None if None in found else found
    if not isinstance(query, exp.Select):
        return None
    if any(item.is_star for item in query.selects):
        return None
    found = [typed(item) for item in query.selects]
    return None if None in found else found


def _star_types(query, sources) -> list[str] | None:
    """`SELECT * FROM t` (one table, no join): the table's columns, then its partition
    keys, in Trino's types."""
    if not isinstance(query, exp.Select) or len(query.selects) != 1 or not isinstance(query.selects[0], exp.Star) \
            or query.args.get("joins") or not isinstance((query.args.get("from_") or exp.From()).this, exp.Table):
        return None
    table = query.args["from_"].this
    found = [s for s in sources if s.name.lower() == table.name.lower()
             and (not table.db or s.database.lower() == table.db.lower())]
    if len(found) != 1:
        return None
    return [trino_type_of_hive(kind) for _, kind in found[0].columns + found[0].partition_keys]


def check(query, table_types: list[str] | None, sources) -> None:
    """Raise Trino's TYPE_MISMATCH when a value of `query` cannot go into its column
    (`table_types`, in the order the INSERT lists its columns)."""
    if not table_types:
        return
    column_types, seen = {}, {}
    for source in sources:
        for name, kind in source.columns + source.partition_keys:
            seen.setdefault(name.lower(), set()).add(kind.lower())
    column_types = {name: kinds.pop() for name, kinds in seen.items() if len(kinds) == 1}   # two tables' `id`: unsure
    found = _value_types(query, column_types) or _star_types(query, sources)
    if found is None or len(found) != len(table_types):
        return
    if not all(assignable(value, column) for value, column in zip(found, table_types)):
        raise EngineError("TYPE_MISMATCH", f"line 1:1: Insert query has mismatched column types: "
                                           f"Table: [{', '.join(table_types)}], Query: [{', '.join(found)}]")
