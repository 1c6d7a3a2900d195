"""Values as Athena writes them in a result file (and GetQueryResults reads back):
Trino's text forms, not DuckDB's.

- arrays `[1, 2]`, maps `{k=v}`, rows `{a=1, b=x}` (a row without field names
  `{1, x}`), nested at any depth, a NULL inside them `null`, strings unquoted;
- timestamps with 3 fractional digits (`2024-01-01 10:00:00.000`), times too;
- doubles and reals as Java prints them: plain between 10^-3 and 10^7, else
  `1.0E10`, `1.0E-5`; `NaN`, `Infinity`, `-Infinity`, `0.0`;
- varbinary as hex bytes separated by spaces (`68 65 6c 6c 6f`), which pyathena's
  converter reads back.

`as_text(sql, kind)` is the SQL of a VARCHAR expression giving that text for the
value of `sql`, of DuckDB type `kind` (a DuckDBPyType), NULL for a NULL.
"""
import re

import numpy

JAVA_DOUBLE_FUNCTION = "lakebox_java_double"
JAVA_REAL_FUNCTION = "lakebox_java_real"

_TIMESTAMP_TYPES = {"TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"}
_ANONYMOUS_FIELD = re.compile(r"_\d+")      # sqlglot's names for ROW(1, 'x')'s fields


def as_text(sql: str, kind, depth: int = 0) -> str:
    type_id = kind.id
    if type_id in ("list", "array"):
        element = dict(kind.children)["child"]
        item = f"__e{depth}"
        inner = _or_null(as_text(item, element, depth + 1))
        return f"CASE WHEN {sql} IS NOT NULL THEN '[' || array_to_string(list_transform({sql}, lambda {item}: {inner}), " \
               f"', ') || ']' END"
    if type_id == "map":
        types = dict(kind.children)
        item = f"__e{depth}"
        key = _or_null(as_text(f"{item}.key", types["key"], depth + 1))
        value = _or_null(as_text(f"{item}.value", types["value"], depth + 1))
        return f"CASE WHEN {sql} IS NOT NULL THEN '{{' || array_to_string(list_transform(map_entries({sql}), " \
               f"lambda {item}: {key} || '=' || {value}), ', ') || '}}' END"
    if type_id in ("struct", "tuple"):
        return _struct(sql, kind, depth)
    return _scalar(sql, str(kind).upper())


def _struct(sql: str, kind, depth: int) -> str:
    fields = list(kind.children)
    anonymous = all(not name or _ANONYMOUS_FIELD.fullmatch(name) for name, _ in fields)
    parts = []
    for position, (name, field_type) in enumerate(fields, start=1):
        access = f"struct_extract({sql}, {_quote(name) if name else position})"
        value = _or_null(as_text(access, field_type, depth + 1))
        parts.append(value if anonymous else f"{_quote(name + '=')} || {value}")
    body = " || ', ' || ".join(parts) if parts else "''"
    return f"CASE WHEN {sql} IS NOT NULL THEN '{{' || {body} || '}}' END"


def _scalar(sql: str, upper: str) -> str:
    if upper in _TIMESTAMP_TYPES:
        return f"strftime(CAST({sql} AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%g')"
    if upper == "TIMESTAMP WITH TIME ZONE":
        return f"strftime({sql}, '%Y-%m-%d %H:%M:%S.%g UTC')"
    if upper == "TIME":
        return f"strftime(DATE '1970-01-01' + {sql}, '%H:%M:%S.%g')"
    if upper in ("DOUBLE", "FLOAT"):
        function = JAVA_DOUBLE_FUNCTION if upper == "DOUBLE" else JAVA_REAL_FUNCTION
        # Java's plain range is DuckDB's too; only the rest goes through Python.
        return f"CASE WHEN abs({sql}) >= 0.001 AND abs({sql}) < 10000000 THEN CAST({sql} AS VARCHAR) " \
               f"ELSE {function}({sql}) END"
    if upper == "BLOB":
        return f"rtrim(regexp_replace(lower(hex({sql})), '(..)', '\\1 ', 'g'))"
    if upper == "VARCHAR":
        return sql
    return f"CAST({sql} AS VARCHAR)"


def _or_null(sql: str) -> str:
    return f"coalesce({sql}, 'null')"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def java_double(value: float) -> str:
    """Java's Double.toString of `value` (shortest digits that read back the same)."""
    return _java(value, repr(float(value)))


def java_real(value: float) -> str:
    """Java's Float.toString: the shortest digits of the 32-bit value."""
    return _java(value, str(numpy.float32(value)))


def _java(value: float, shortest: str) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    sign = "-" if shortest.startswith("-") else ""
    digits, exponent = _digits(shortest.lstrip("-"))
    if not digits.strip("0"):
        return sign + "0.0"
    if 1e-3 <= abs(value) < 1e7:
        point = exponent + 1
        if point <= 0:
            return f"{sign}0.{'0' * -point}{digits}"
        whole, fraction = digits[:point].ljust(point, "0"), digits[point:]
        return f"{sign}{whole}.{fraction or '0'}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exponent}"


def _digits(text: str) -> tuple[str, int]:
    """'1.25e+10' or '0.00125' -> ('125', exponent of the first digit)."""
    mantissa, _, power = text.lower().partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    leading = len(whole + fraction) - len(digits)
    exponent = (int(power) if power else 0) + len(whole) - 1 - leading
    return digits.rstrip("0") or "0", exponent
