"""Rows of `CROSS JOIN UNNEST(array)` in the array's order, through a filter.

DuckDB (2.0.1) plans `FROM t CROSS JOIN UNNEST(t.a) AS u(x) WHERE x > 1` as a join of t
with its decorrelated unnest, the filter pushed below the join: the hash join gives the
elements back last first (4, 3, 2), and `array_agg(x)` over it `[5, 4]`. Trino keeps the
array's order (Athena's docs show `[4, 5]`). Unnesting in the select list of a subquery
over t (`FROM (SELECT t.*, unnest(t.a) AS x FROM t) AS t`) is a projection, which keeps
it; references to `u.x` become `t.x`. So does `WITH ORDINALITY AS u(x, n)`, whose
positions are unnested beside the elements.
"""
from sqlglot import exp

from lakebox.engine import functions


def unnest_keeps_the_array_order(tree: exp.Expression, column_types: dict) -> exp.Expression:
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    for select in list(tree.find_all(exp.Select)):
        unnest = _single_unnest(select, column_types, ctes)
        if unnest is not None:
            _into_select_list(select, unnest)
    return tree


def _single_unnest(select: exp.Select, column_types: dict, ctes: set) -> exp.Unnest | None:
    """The one UNNEST of one array a filtered SELECT of one table cross joins, if the name
    of its column is none of the tables' (a subquery's `t.*` would bring a second one)."""
    source = select.args.get("from_")
    joins = select.args.get("joins") or []
    if select.args.get("where") is None or source is None or len(joins) != 1:
        return None
    table, join, unnest = source.this, joins[0], joins[0].this
    if not isinstance(table, exp.Table) or table.name.lower() in ctes or not isinstance(unnest, exp.Unnest):
        return None
    alias = unnest.args.get("alias")
    if join.args.get("on") or join.args.get("using") or join.side or (join.kind or "CROSS").upper() != "CROSS" \
            or len(unnest.expressions) != 1 or alias is None or len(alias.columns) != 1 or \
            alias.columns[0].name.lower() in column_types or _ordinality(unnest).lower() in column_types or \
            row_fields(unnest.expressions[0], column_types) == 1:     # a row's one field: the other rule's
        return None
    return unnest


def _ordinality(unnest: exp.Unnest) -> str:
    """The name of the WITH ORDINALITY column, '' without one."""
    offset = unnest.args.get("offset")
    return (offset.name if isinstance(offset, exp.Expression) else "ordinality") if offset else ""


def _into_select_list(select: exp.Select, unnest: exp.Unnest):
    table = select.args["from_"].this
    relation = table.alias_or_name
    alias = unnest.args["alias"]
    column, unnest_name = alias.columns[0].name, alias.name
    inner = exp.select(exp.Column(this=exp.Star(), table=exp.to_identifier(relation, quoted=True)),
                       exp.alias_(exp.Anonymous(this="unnest", expressions=[unnest.expressions[0].copy()]),
                                  column, quoted=True)).from_(table.copy())
    if _ordinality(unnest):      # the positions 1..n, zipped with the elements
        inner = inner.select(exp.alias_(functions.template(
            "unnest(range(1, len(__a) + 1))", a=unnest.expressions[0]), _ordinality(unnest), quoted=True))
    select.set("joins", None)
    select.set("from_", exp.From(this=exp.Subquery(this=inner, alias=exp.TableAlias(
        this=exp.to_identifier(relation, quoted=True)))))
    if not unnest_name:
        return
    for reference in select.find_all(exp.Column):
        if reference.table and reference.table.lower() == unnest_name.lower():
            reference.set("table", exp.to_identifier(relation, quoted=True))


def row_fields(array: exp.Expression, column_types: dict) -> int | None:
    """How many fields the rows of an array have, when it is known to be an array of rows:
    a catalog column `array<struct<...>>`, or `ARRAY[ROW(...), ...]`; else None.
    `UNNEST(rows) AS t(a, b)` gives one column per field in Trino."""
    if isinstance(array, exp.Array) and array.expressions and isinstance(array.expressions[0], exp.Struct):
        return len(array.expressions[0].expressions)
    kind = column_types.get(array.name.lower(), "").lower().replace(" ", "") if isinstance(array, exp.Column) else ""
    if not (kind.startswith("array<struct<") and kind.endswith(">>")):
        return None
    depth, fields = 0, 1
    for char in kind[len("array<struct<"):-2]:
        depth += char in "<(" and 1 or char in ">)" and -1 or 0
        fields += char == "," and depth == 0
    return fields
