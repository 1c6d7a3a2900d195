"""The columns a CTAS makes, judged before it runs as Trino's analyzer judges them
(StatementAnalyzer.validateColumns, at the statement: line 1:1): each needs a name
(`SELECT count(*)` has none: Trino names it `_col0` only in a result), and a type (a bare
NULL has none). awswrangler looks for both refusals ('Column name not specified',
'Column type is unknown') to tell its users to name and cast their columns. With a
column list (`CREATE TABLE t (a, b) AS ...`) the names are the list's, and a NULL is
refused by its position. Only the select list before any `*` is judged; names that
repeat are judged on the result (execution)."""
from sqlglot import exp

from lakebox.engine import EngineError


def _first_select(query) -> exp.Select | None:
    while isinstance(query, (exp.SetOperation, exp.Subquery)):
        query = query.this if isinstance(query, exp.Subquery) else query.left
    return query if isinstance(query, exp.Select) else None


def _name(item) -> str | None:
    if isinstance(item, exp.Alias):
        return item.alias
    if isinstance(item, (exp.Column, exp.Dot)):
        return item.name
    return None


def check(query, aliased: bool) -> None:
    select = _first_select(query)
    if select is None:
        return
    for position, item in enumerate(select.expressions, start=1):
        if item.is_star:
            return
        name = _name(item)
        if not aliased and not name:
            raise EngineError("MISSING_COLUMN_NAME", f"line 1:1: Column name not specified at position {position}")
        if isinstance(item.unalias() if isinstance(item, exp.Alias) else item, exp.Null):
            raise EngineError("COLUMN_TYPE_UNKNOWN", f"line 1:1: Column type is unknown at position {position}"
                              if aliased else f"line 1:1: Column type is unknown: {name}")
