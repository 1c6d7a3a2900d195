"""Values as Athena writes them in a result file (and GetQueryResults reads back):
Trino's text forms, not DuckDB's.

- arrays `[1, 2]`, maps `{k=v}`, rows `{a=1, b=x}` (field names in lower case; a
  row without field names names them by position, `{field0=1, field1=x}`, as the
  Athena User Guide's "Create a ROW" example shows), nested at any depth, a NULL
  inside them `null`, strings unquoted;
- timestamps with 3 fractional digits (`2024-01-01 10:00:00.000`), times too;
- doubles and reals as Java prints them: plain between 10^-3 and 10^7, else
  `1.0E10`, `1.0E-5`; `NaN`, `Infinity`, `-Infinity`, `0.0`;
- varbinary as hex bytes separated by spaces (`68 65 6c 6c 6f`), which pyathena's
  converter reads back;
- intervals as `1 02:03:04.500` (day to second) or `1-2` (year to month);
- a timestamp with time zone in its zone: `2024-01-01 10:00:00.000 America/New_York`.

`as_text(sql, kind)` is the SQL of a VARCHAR expression giving that text for the
value of `sql`, of DuckDB type `kind` (a DuckDBPyType), NULL for a NULL.
"""
import re
import struct

from lakebox.engine.time_zones import INSTANT_FIELD, NANOS_FIELD, ZONE_FIELD

JAVA_DOUBLE_FUNCTION = "lakebox_java_double"
JAVA_REAL_FUNCTION = "lakebox_java_real"
INTERVAL_FUNCTION = "lakebox_trino_interval"

_TIMESTAMP_TYPES = {"TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"}
_ANONYMOUS_FIELD = re.compile(r"_\d+")      # sqlglot's names for ROW(1, 'x')'s fields


def install(db):
    """The Python functions the text forms use, created once in the engine's database."""
    db.create_function(JAVA_DOUBLE_FUNCTION, java_double, ["DOUBLE"], "VARCHAR")
    db.create_function(JAVA_REAL_FUNCTION, java_real, ["FLOAT"], "VARCHAR")
    db.create_function(INTERVAL_FUNCTION, trino_interval, ["BIGINT", "BIGINT", "BIGINT"], "VARCHAR")


_ALL_FRACTION = re.compile(r"DECIMAL\((\d+),\1\)")


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
    if type_id in ("struct", "tuple") and [name for name, _ in kind.children] == [INSTANT_FIELD, ZONE_FIELD]:
        # a timestamp with time zone of another zone than UTC (`time_zones.ZONED_TYPE`)
        return f"lakebox_zoned_text({sql}.{INSTANT_FIELD}, {sql}.{ZONE_FIELD})"
    if type_id in ("struct", "tuple") and [name for name, _ in kind.children] == [INSTANT_FIELD, NANOS_FIELD]:
        return f"lakebox_nanos_text({sql}.{NANOS_FIELD})"        # from_unixtime_nanos's timestamp(9)
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
        # Trino's row fields are named in lower case, as the catalog's are (the JSON
        # reader may spell them as the files do); unnamed ones are field0, field1, ...
        label = f"field{position - 1}" if anonymous else name.lower()
        parts.append(f"{_quote(label + '=')} || {value}")
    body = " || ', ' || ".join(parts) if parts else "''"
    return f"CASE WHEN {sql} IS NOT NULL THEN '{{' || {body} || '}}' END"


def _scalar(sql: str, upper: str) -> str:
    if upper == "TIMESTAMP_NS":         # timestamp(6): dialect.microsecond_timestamps
        return f"strftime(CAST({sql} AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%f')"
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
    if upper == "INTERVAL":
        return f"{INTERVAL_FUNCTION}(datepart('year', {sql}) * 12 + datepart('month', {sql}), " \
               f"datepart('day', {sql}), (datepart('hour', {sql}) * 3600 + datepart('minute', {sql}) * 60) " \
               f"* 1000000 + datepart('microseconds', {sql}))"
    if upper == "BLOB":
        return f"rtrim(regexp_replace(lower(hex({sql})), '(..)', '\\1 ', 'g'))"
    if upper == "VARCHAR":
        return sql
    if _ALL_FRACTION.fullmatch(upper):      # DuckDB writes 0.50 of a decimal(2,2) as .50, Java as 0.50
        return f"regexp_replace(CAST({sql} AS VARCHAR), '^(-?)[.]', '\\10.')"
    return f"CAST({sql} AS VARCHAR)"


def _or_null(sql: str) -> str:
    return f"coalesce({sql}, 'null')"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def trino_interval(months: int, days: int, micros: int) -> str:
    """An interval as Trino prints it: year to month (`1-2`) when it has only months,
    else day to second (`1 02:03:04.500`)."""
    if months and not days and not micros:
        return f"{'-' if months < 0 else ''}{abs(months) // 12}-{abs(months) % 12}"
    total = days * 86_400_000_000 + micros
    millis = abs(total) // 1000
    day, rest = divmod(millis, 86_400_000)
    hour, rest = divmod(rest, 3_600_000)
    minute, rest = divmod(rest, 60_000)
    second, milli = divmod(rest, 1000)
    return f"{'-' if total < 0 else ''}{day} {hour:02}:{minute:02}:{second:02}.{milli:03}"


def java_double(value: float) -> str:
    """Java's Double.toString of `value` (shortest digits that read back the same)."""
    return _java(value, repr(float(value)))


def java_real(value: float) -> str:
    """Java's Float.toString: the shortest digits that read back as the same 32-bit value."""
    if value != value or value in (float("inf"), float("-inf")):
        return _java(value, "")
    single = _single(value)
    shortest = next(text for text in (f"{single:.{digits}g}" for digits in range(1, 10))
                    if _single(float(text)) == single)
    return _java(single, shortest)


def _single(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


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
