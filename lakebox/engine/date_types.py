"""Dates stay dates: the fixes (`dialect.TYPED_FIXES`) for the operations on a DATE that
DuckDB answers with a TIMESTAMP or a number where Trino answers with a DATE or an interval
of days, and the test of what is known to be a date (a cast, a CURRENT_DATE, a column
the catalog types `date`)."""
from sqlglot import exp

from lakebox.engine import intervals


def date_plus_interval_stays_date(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """`DATE 'x' + INTERVAL '1' DAY` is a DATE in Trino; DuckDB gives a TIMESTAMP. A
    day/month/year interval added to a date (a literal, or a column the catalog types
    `date`) is cast back (a constant is folded before the filter runs, so pruning still
    applies). An interval of hours, minutes or seconds that are not whole days fails the
    query, as Trino's operator does. Innermost first: a date plus two intervals is a date."""
    for node in list(tree.find_all(exp.Add, exp.Sub))[::-1]:
        left, right = node.this, node.expression
        if is_date(left, column_types) and intervals.is_day_interval(right):
            node.replace(exp.cast(node.copy(), "DATE"))
        elif is_date(left, column_types) and intervals.is_time_of_day(right):
            node.replace(intervals.time_of_day_failure(left, isinstance(node, exp.Add)))
    return tree


def date_minus_date_is_an_interval(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """`DATE 'b' - DATE 'a'` is an interval of days in Trino (`31 00:00:00.000`); DuckDB
    gives a number of days."""
    for node in list(tree.find_all(exp.Sub)):
        if is_date(node.this, column_types) and is_date(node.expression, column_types):
            node.replace(exp.Anonymous(this="to_days", expressions=[exp.cast(node.copy(), "INTEGER")]))
    return tree


def is_date(node, column_types: dict) -> bool:
    if isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.DATE:
        return True
    if isinstance(node, exp.Column):
        return column_types.get(node.name.lower(), "").lower() == "date"
    return isinstance(node, (exp.CurrentDate, exp.TsOrDsToDate)) or (
        isinstance(node, exp.Paren) and is_date(node.this, column_types))


def date_add_on_a_date_stays_date(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """`date_add('day', 2, DATE '2024-01-01')` is a DATE in Trino; DuckDB gives a TIMESTAMP."""
    for node in list(tree.find_all(exp.DateAdd)):
        unit = (node.unit.name if node.unit else "DAY").upper()
        if is_date(node.this, column_types) and unit.rstrip("S") in ("DAY", "WEEK", "MONTH", "YEAR", "QUARTER"):
            node.replace(exp.cast(node.copy(), "DATE"))
    return tree


def date_trunc_on_a_date_stays_date(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """`date_trunc('month', DATE '2024-01-05')` is a DATE in Trino (its result has the
    type of its operand); DuckDB gives a TIMESTAMP."""
    for node in list(tree.find_all(exp.TimestampTrunc, exp.DateTrunc)):
        if is_date(node.this, column_types):
            node.replace(exp.cast(node.copy(), "DATE"))
    return tree
