"""A timestamp's precision kept through date_trunc, as Trino's DateTrunc answers a
`timestamp(p)` of the same p: a timestamp(6) (an Iceberg column, DuckDB's TIMESTAMP_NS)
truncated prints its six digits (`2024-03-05 07:00:00.000000`), where DuckDB's
date_trunc answers a TIMESTAMP (printed with three). The truncation of a column (or of
its max or min) is written `x - (x - date_trunc(u, x))`: the same instant, of the
column's own type (a timestamp(3) stays a timestamp(3); a date's truncation is left to
the fix that casts it back to a date)."""
from sqlglot import exp


def date_trunc_keeps_the_precision(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """After the date fixes: a date's truncation (cast back to DATE) is left as it is."""
    for node in list(tree.find_all(exp.TimestampTrunc)):
        column = node.this
        if not _plain(column) or isinstance(node.parent, (exp.Sub, exp.Cast)):
            continue
        named = column if isinstance(column, exp.Column) else column.this
        if column_types.get(named.name.lower(), "").lower() == "date":
            continue
        since = exp.Paren(this=exp.Sub(this=column.copy(), expression=node.copy()))
        node.replace(exp.Sub(this=column.copy(), expression=since))
    return tree


def _plain(value: exp.Expression) -> bool:
    """A column, or the max or min of one: written three times, it is still one value."""
    return isinstance(value, exp.Column) or (
        isinstance(value, (exp.Max, exp.Min)) and isinstance(value.this, exp.Column))
