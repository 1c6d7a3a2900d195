"""Trino's from_iso8601_date: Joda-Time's ISO 8601 date element parser (a calendar date
`2024-03-05`, `2024-03`, `2024`; a week date `2024-W10-2`, `2024-W10`; an ordinal date
`2024-065`), the longest of the three readings winning (the first on a tie). A text it
cannot read fails as Trino fails it: INVALID_FUNCTION_ARGUMENT with Joda's words
(`Invalid format: "x"`, `... is malformed at "rest"`, `Cannot parse "x": Value 13 for
monthOfYear must be in the range [1,12]`). from_iso8601_timestamp's texts are read by
the same parts (a date, `T`, a time of day, an offset) before DuckDB casts them."""
import calendar
import datetime
import re

from sqlglot import exp

from lakebox.engine.strict import FAILURE_PREFIX

FUNCTION = "lakebox_from_iso8601_date"
TIMESTAMP_TEXT = "lakebox_iso8601_timestamp_text"

_YEAR = r"(?P<y>[+-]?\d{1,9})"
_READINGS = [re.compile(_YEAR + r"(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?"),
             re.compile(_YEAR + r"-W(?P<w>\d{1,2})(?:-(?P<e>\d))?"),
             re.compile(_YEAR + r"-(?P<doy>\d{1,3})")]


class _Invalid(ValueError):
    def __init__(self, message: str):
        super().__init__(f"{FAILURE_PREFIX}INVALID_FUNCTION_ARGUMENT:{message}")


def _bounded(text: str, value: int, field: str, low: int, high: int) -> int:
    if not low <= value <= high:
        raise _Invalid(f'Cannot parse "{text}": Value {value} for {field} must be in the range [{low},{high}]')
    return value


def _weeks(year: int) -> int:
    return datetime.date(year, 12, 28).isocalendar()[1]


def from_iso8601_date(text: str) -> datetime.date:
    best = None
    for reading in _READINGS:
        found = reading.match(text)
        if found is not None and (best is None or found.end() > best.end()):
            best = found
    if best is None:
        raise _Invalid(f'Invalid format: "{text}"')
    if best.end() < len(text):
        raise _Invalid(f'Invalid format: "{text}" is malformed at "{text[best.end():]}"')
    parts = {key: int(value) for key, value in best.groupdict().items() if value is not None}
    year = _bounded(text, parts["y"], "year", 1, 9999)      # Python's dates end where Joda's year field goes on
    if "w" in parts:
        week = _bounded(text, parts["w"], "weekOfWeekyear", 1, _weeks(year))
        return datetime.date.fromisocalendar(year, week, _bounded(text, parts.get("e", 1), "dayOfWeek", 1, 7))
    if "doy" in parts:
        day = _bounded(text, parts["doy"], "dayOfYear", 1, 366 if calendar.isleap(year) else 365)
        return datetime.date(year, 1, 1) + datetime.timedelta(days=day - 1)
    month = _bounded(text, parts.get("m", 1), "monthOfYear", 1, 12)
    day = _bounded(text, parts.get("d", 1), "dayOfMonth", 1, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


_TIME = re.compile(r"T(?P<H>\d{1,2})(?::(?P<M>\d{1,2})(?::(?P<S>\d{1,2})(?:[.,](?P<f>\d+))?)?)?"
                   r"(?P<z>Z|[+-]\d{1,2}(?::?\d{2})?)?")


def iso8601_timestamp_text(text: str) -> str:
    """A text of Trino's from_iso8601_timestamp (Joda's ISO dateTimeParser: a date, then
    `T` and a time of day and an offset, each part optional after the date) in the one
    form DuckDB reads (`2024-03-05T07:08:09.123+01:00`, to the millisecond); what Joda
    cannot read fails in its words."""
    date_end = max((found.end() for found in (reading.match(text) for reading in _READINGS) if found), default=0)
    time = _TIME.match(text, date_end) if date_end or text.startswith("T") else None
    end = time.end() if time else date_end
    if end == 0:
        raise _Invalid(f'Invalid format: "{text}"')
    if end < len(text):
        raise _Invalid(f'Invalid format: "{text}" is malformed at "{text[end:]}"')
    day = from_iso8601_date(text[:date_end]) if date_end else datetime.date(1970, 1, 1)
    parts = time.groupdict() if time else {}
    clock = [_bounded(text, int(parts.get(key) or 0), field, 0, high)
             for key, field, high in (("H", "hourOfDay", 23), ("M", "minuteOfHour", 59), ("S", "secondOfMinute", 59))]
    fraction = ((parts.get("f") or "") + "000")[:3]         # Joda holds milliseconds
    zone = parts.get("z") or "Z"
    if zone != "Z":
        digits = zone[1:].replace(":", "")
        zone = f"{zone[0]}{digits[:-2].zfill(2) if len(digits) > 2 else digits.zfill(2)}:" \
               f"{digits[-2:] if len(digits) > 2 else '00'}"
    offset = "+00:00" if zone == "Z" else zone
    return f"{day.isoformat()}T{clock[0]:02d}:{clock[1]:02d}:{clock[2]:02d}.{fraction}{offset}"


def install(db):
    db.create_function(FUNCTION, from_iso8601_date, ["VARCHAR"], "DATE")
    db.create_function(TIMESTAMP_TEXT, iso8601_timestamp_text, ["VARCHAR"], "VARCHAR")


def iso8601_dates_as_joda_reads_them(tree: exp.Expression) -> exp.Expression:
    """from_iso8601_date(s) (sqlglot's CAST(s AS DATE), which reads neither week nor
    ordinal dates and fails in DuckDB's words) as the engine's Joda reading."""
    for node in list(tree.find_all(exp.FromISO8601Date)):
        call = exp.Anonymous(this=FUNCTION, expressions=[exp.cast(node.this.copy(), "VARCHAR")])
        node.replace(exp.cast(call, "DATE"))        # typed a date for the fixes that keep dates dates
    return tree
