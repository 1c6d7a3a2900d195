"""Trino's interval literals of several fields (`INTERVAL '1-2' YEAR TO MONTH`, `INTERVAL
'1 02:03:04.5' DAY TO SECOND`, `INTERVAL '10:30' HOUR TO MINUTE`), which DuckDB does not
parse, written as DuckDB's interval text; and which intervals are of Trino's type
`interval year to month` (DuckDB has one interval type)."""
import re

import sqlglot
from sqlglot import exp

from lakebox.engine import strict

_DAY_FIELDS = ("DAY", "HOUR", "MINUTE", "SECOND")
_YEAR_MONTH = re.compile(r"\s*([+-]?)(\d+)-(\d+)\s*")


def _day_time_text(text: str, start: str, end: str) -> str | None:
    """'1 02:03:04.5' of DAY TO SECOND as '1 days 2 hours 3 minutes 4.5 seconds' (each
    field of the sign the literal starts with)."""
    fields = _DAY_FIELDS[_DAY_FIELDS.index(start):_DAY_FIELDS.index(end) + 1]
    sign, body = ("-", text.strip()[1:]) if text.strip().startswith("-") else ("", text.strip().lstrip("+"))
    days, _, clock = body.partition(" ") if start == "DAY" else ("", "", body)
    values = ([days] if start == "DAY" else []) + (clock.split(":") if clock else [])
    number = r"\d+(?:\.\d+)?" if end == "SECOND" else r"\d+"
    if len(values) != len(fields) or not all(re.fullmatch(r"\d+", value) for value in values[:-1]) \
            or not re.fullmatch(number, values[-1]):
        return None
    return " ".join(f"{sign}{value} {field.lower()}s" for value, field in zip(values, fields))


def spans_as_duckdb(tree: exp.Expression) -> exp.Expression:
    """Each interval literal of a span of fields (`YEAR TO MONTH`, `DAY TO SECOND`, ...)
    as the interval text DuckDB reads; a text that is no value of its span is left to fail."""
    for node in list(tree.find_all(exp.Interval)):
        span, value = node.args.get("unit"), node.this
        if not isinstance(span, exp.IntervalSpan) or not (isinstance(value, exp.Literal) and value.is_string):
            continue
        start, end = span.this.name.upper(), span.expression.name.upper()
        if (start, end) == ("YEAR", "MONTH"):
            found = _YEAR_MONTH.fullmatch(value.this)
            text = found and f"{found.group(1)}{found.group(2)} years {found.group(1)}{found.group(3)} months"
        elif start in _DAY_FIELDS and end in _DAY_FIELDS and _DAY_FIELDS.index(start) < _DAY_FIELDS.index(end):
            text = _day_time_text(value.this, start, end)
        else:
            text = None
        if text:
            node.replace(exp.Interval(this=exp.Literal.string(text)))
    return tree


def is_year_month(node: exp.Expression) -> bool:
    """Whether an interval expression is of Trino's `interval year to month`: a literal of
    years or months (either alone or as a span), negated, scaled or added to another."""
    if isinstance(node, (exp.Paren, exp.Neg)):
        return is_year_month(node.this)
    if isinstance(node, exp.Mul):
        return is_year_month(node.this) or is_year_month(node.expression)
    if isinstance(node, (exp.Add, exp.Sub)):
        return is_year_month(node.this) and is_year_month(node.expression)
    if isinstance(node, (exp.Case, exp.If)):           # every branch that is not NULL
        branches = [branch.args.get("true") for branch in node.args.get("ifs") or []] + \
            [node.args.get("true"), node.args.get("default"), node.args.get("false")]
        branches = [branch for branch in branches if branch is not None and not isinstance(branch, exp.Null)]
        return bool(branches) and all(is_year_month(branch) for branch in branches)
    if not isinstance(node, exp.Interval):
        return False
    unit = node.args.get("unit")
    if isinstance(unit, exp.IntervalSpan):
        return unit.this.name.upper() == "YEAR" and unit.expression.name.upper() == "MONTH"
    if unit is not None:
        return unit.name.upper().rstrip("S") in ("YEAR", "MONTH")
    words = re.findall(r"[a-z]+", node.this.name.lower()) if isinstance(node.this, exp.Literal) else []
    return bool(words) and all(word.rstrip("s") in ("year", "month") for word in words)


YEAR_MONTH = "INTERVAL YEAR TO MONTH"       # the result type of such a column (types.column_info)


def year_month_positions(tree: exp.Expression) -> set[int]:
    """The positions of the result columns a SELECT gives an `interval year to month`
    (none when a `*` leaves the positions unknown)."""
    items = tree.expressions if isinstance(tree, exp.Select) else []
    if any(isinstance(item, exp.Star) or isinstance(item.this, exp.Star) for item in items):
        return set()
    return {position for position, item in enumerate(items) if is_year_month(item.unalias())}


def is_day_interval(node) -> bool:
    """Whether an interval is of whole days, weeks, months, quarters or years (a date plus
    it stays a date)."""
    if isinstance(node, exp.Paren):
        return is_day_interval(node.this)
    if isinstance(node, exp.Mul):           # n * INTERVAL '1' DAY is a day interval too
        return is_day_interval(node.this) or is_day_interval(node.expression)
    if not isinstance(node, exp.Interval):
        return False
    micros = _micros(node)
    if micros is not None:
        return micros % _DAY_MICROS == 0
    unit = (node.unit.name if node.unit else "").upper()
    if not unit and isinstance(node.this, exp.Literal):      # INTERVAL '1 day'
        unit = node.this.name.split()[-1].upper() if " " in node.this.name else ""
    return unit.rstrip("S") in ("DAY", "WEEK", "MONTH", "YEAR", "QUARTER")


_DAY_MICROS = 86_400_000_000
_FIELD_MICROS = {"day": _DAY_MICROS, "hour": 3_600_000_000, "minute": 60_000_000, "second": 1_000_000}
_AMOUNT = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s+([a-z]+)\s*", re.IGNORECASE)


def _micros(node: exp.Interval) -> int | None:
    """The length of a literal interval of days to seconds in microseconds, else None (an
    interval of months, or not a literal)."""
    if not (isinstance(node.this, exp.Literal) and node.this.is_string):
        return None
    unit = node.args.get("unit")
    text = node.this.this if unit is None else f"{node.this.this} {unit.name}" if isinstance(unit, exp.Var) else ""
    total, position = 0, 0
    for found in _AMOUNT.finditer(text):
        field = found.group(2).lower().removesuffix("s")
        if found.start() != position or field not in _FIELD_MICROS:
            return None
        total += round(float(found.group(1)) * _FIELD_MICROS[field])
        position = found.end()
    return total if position and position == len(text) else None


def is_time_of_day(node) -> bool:
    """Whether a literal interval has hours, minutes or seconds beyond whole days."""
    micros = _micros(node) if isinstance(node, exp.Interval) else None
    return micros is not None and micros % _DAY_MICROS != 0


def time_of_day_failure(date: exp.Expression, adding: bool) -> exp.Expression:
    """Trino's failure of a date plus or minus hours, minutes or seconds (NULL for a NULL
    date, which the operator never sees)."""
    words = "Cannot add hour, minutes or seconds to a date" if adding else \
        "Cannot subtract hour, minutes or seconds from a date"
    failure = strict.failure_sql("INVALID_FUNCTION_ARGUMENT", f"'{words}'")
    return exp.cast(exp.Case(ifs=[exp.If(this=exp.Not(this=exp.Is(this=date.copy(), expression=exp.Null())),
                                         true=sqlglot.parse_one(failure, read="duckdb"))]), "DATE")
