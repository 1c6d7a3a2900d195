"""Trino's `timestamp with time zone` on DuckDB.

A DuckDB TIMESTAMPTZ is an instant without a zone of its own; lakebox's session zone is
UTC, so such a value is Trino's `timestamp(3) with time zone` in zone UTC, printed
`2024-01-01 12:00:00.000 UTC`. `AT TIME ZONE`, `at_timezone`, `with_timezone`,
`from_unixtime(x, zone)` and a TIMESTAMP literal naming a zone give a value of another
zone, named by a constant; `from_iso8601_timestamp` a value of its text's offset, known
per row when the text is a column's (`lakebox_iso_zone`). What reads it
decides what it becomes (`_consumer`): its wall clock there (`hour(...)`, `CAST(... AS
date)`, `format_datetime` without a zone letter), its instant (`to_unixtime`, a
comparison, ORDER BY, another zone), its text (`CAST(... AS varchar)`, `to_iso8601`);
shown as a column of the result, it is a STRUCT of the instant and the zone's name
(`ZONED_TYPE`), which the result file prints as Trino does (`2024-01-01 10:00:00.000
America/New_York`) and the metadata types `timestamp with time zone`; date_trunc,
date_add, interval arithmetic, max and min keep the zone. Anywhere else the query fails
with NOT_SUPPORTED naming the construct, never a UTC value in disguise (an ISO text of a
column is then checked as it is read: refused unless its offset is 0); so does a zone
read from a column, or a text of another zone cast from one.
"""
import functools
import re
import zoneinfo

from sqlglot import exp

from lakebox.engine import datetime_patterns, functions, parsed_zones, strict, zoned_patterns

# Trino's names of UTC (TimeZoneKey.isUtcZoneId), in lower case, with or without `etc/`.
_UTC_NAMES = {"utc", "z", "ut", "uct", "ut1", "gmt", "gmt0", "greenwich", "universal", "zulu"}
_UTC_OFFSET = re.compile(r"[+-]00:?00")

# An ISO 8601 text whose time ends in an offset that is not zero.
_OTHER_OFFSET = r"T.*[+-]([0-9]{2}:?[0-9]{2}|[0-9]{2})$"
_ZERO_OFFSET = r"T.*[+-]00(:?00)?$"

# The zone a text ends in after its time of day (`12:00:00 Europe/Berlin`, `12:00+01:00`).
_TEXT_ZONE = r"[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.][0-9]+)?)?\s*([A-Za-z][A-Za-z0-9_/+-]*|[+-][0-9]{2}(?::?[0-9]{2})?)\s*$"
_UTC_TEXT = "^(?:(?:etc/)?(?:" + "|".join(sorted(_UTC_NAMES)) + ")|[+-]00(?::?00)?)$"

def _text_timestamptz_macros():
    """CAST and TRY_CAST(text AS timestamp with time zone): a text naming a zone other
    than UTC keeps that zone in Trino, which lakebox cannot carry."""
    zone = f"regexp_extract(CAST(s AS VARCHAR), '{_TEXT_ZONE}', 1)"
    refused = strict.failure_sql("NOT_SUPPORTED", "'A timestamp with time zone other than UTC is not supported: ' "
                                                  "|| CAST(s AS VARCHAR)")
    for name, cast in (("text_timestamptz", "CAST"), ("try_text_timestamptz", "TRY_CAST")):
        yield (name, "s", f"CASE WHEN typeof(s) = 'VARCHAR' AND {zone} <> '' AND NOT regexp_matches(lower({zone}), "
                          f"'{_UTC_TEXT}') THEN {refused} ELSE {cast}(s AS TIMESTAMPTZ) END")


# A date and a time apart by a space: DuckDB reads it, Joda's ISO 8601 parser (Trino's
# from_iso8601_timestamp) stops at the space and names what is left.
_SPACED_ISO = "^[0-9]{4}-[0-9]{2}-[0-9]{2} "

MACROS = [
    ("iso8601_text", "s", f"CASE WHEN regexp_matches(s, '{_SPACED_ISO}') THEN "
     + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'Invalid format: \"' || s || '\" is malformed at \"' "
                                                       "|| substr(s, 11) || '\"'")
     + " ELSE lakebox_iso8601_timestamp_text(s) END"),      # as Joda reads it: iso8601_dates.py
    ("from_iso8601_timestamp", "s",
     f"CASE WHEN regexp_matches(s, '{_SPACED_ISO}') THEN CAST(lakebox_iso8601_text(s) AS TIMESTAMPTZ) "
     f"WHEN regexp_matches(s, '{_OTHER_OFFSET}') AND NOT regexp_matches(s, '{_ZERO_OFFSET}') THEN "
     + strict.failure_sql("NOT_SUPPORTED", "'from_iso8601_timestamp of a time zone other than UTC is not supported: ' "
                                           "|| s")
     + " ELSE CAST(lakebox_iso8601_text(s) AS TIMESTAMPTZ) END"),
    *_text_timestamptz_macros(),
    # the zone of an ISO 8601 text, as Trino names it: its offset (`+01:00`), UTC for none or 0
    ("iso_offset", "s", "regexp_extract(s, 'T.*([+-][0-9]{2}(:?[0-9]{2})?)$', 1)"),
    ("iso_zone", "s", "CASE WHEN lakebox_iso_offset(s) = '' OR regexp_matches(lakebox_iso_offset(s), "
                      "'^[+-]00:?(00)?$') THEN 'UTC' ELSE substr(lakebox_iso_offset(s), 1, 3) || ':' || "
                      "CASE WHEN length(replace(lakebox_iso_offset(s), ':', '')) = 5 "
                      "THEN right(lakebox_iso_offset(s), 2) ELSE '00' END END"),
    # from_unixtime_nanos: the instant (microseconds, floored), the nanoseconds' digits, its texts
    ("nanos_instant", "n", "CAST(make_timestamp(CAST((n - ((n % 1000) + 1000) % 1000) / 1000 AS BIGINT)) "
                           "AS TIMESTAMPTZ)"),
    ("nanos_digits", "n", "lpad(CAST(((n % 1000000000) + 1000000000) % 1000000000 AS VARCHAR), 9, '0')"),
    ("nanos_text", "n", "strftime(lakebox_nanos_instant(n), '%Y-%m-%d %H:%M:%S.') || lakebox_nanos_digits(n) "
                        "|| ' UTC'"),
    ("nanos_iso", "n", "strftime(lakebox_nanos_instant(n), '%Y-%m-%dT%H:%M:%S.') || lakebox_nanos_digits(n) || 'Z'"),
    # a value of another zone (named as Trino prints it: `zone_names`) as Trino prints it,
    # and in ISO 8601 (its offset there)
    ("duck_zone", "shown", "CASE WHEN shown[1] IN ('+', '-') THEN 'GMT' || shown ELSE shown END"),
    ("zoned_text", "i, shown", "strftime(timezone(lakebox_duck_zone(shown), i), '%Y-%m-%d %H:%M:%S.%g ') || shown"),
    ("zoned_offset", "i, shown", "CAST(epoch(timezone(lakebox_duck_zone(shown), i)) - epoch(i) AS BIGINT) // 60"),
    ("zoned_iso8601", "i, shown",
     "strftime(timezone(lakebox_duck_zone(shown), i), '%Y-%m-%dT%H:%M:%S.%g') || "
     "CASE WHEN lakebox_zoned_offset(i, shown) = 0 THEN 'Z' ELSE "      # a zero offset: Java's offset id Z
     "CASE WHEN lakebox_zoned_offset(i, shown) < 0 THEN '-' ELSE '+' END || "
     "lpad(CAST(abs(lakebox_zoned_offset(i, shown)) // 60 AS VARCHAR), 2, '0') || ':' || "
     "lpad(CAST(abs(lakebox_zoned_offset(i, shown)) % 60 AS VARCHAR), 2, '0') END"),
]


def install(db):
    for name, parameters, body in MACROS + parsed_zones.MACROS:
        db.execute(f"CREATE OR REPLACE MACRO lakebox_{name}({parameters}) AS {body}")


class ZoneNotSupported(ValueError):
    """A value of a zone other than UTC where lakebox cannot carry it, naming the construct."""


def is_utc(zone: exp.Expression) -> bool:
    """True when `zone` is a constant naming UTC as Trino does (`UTC`, `Z`, `GMT`, `+00:00`, ...)."""
    if not (isinstance(zone, exp.Literal) and zone.is_string):
        return False
    name = zone.this.strip().lower()
    name = name[4:] if name.startswith("etc/") else name
    return name in _UTC_NAMES or bool(_UTC_OFFSET.fullmatch(name))


INSTANT_FIELD, ZONE_FIELD, NANOS_FIELD = "__lakebox_instant", "__lakebox_zone", "__lakebox_nanos"
ZONED_TYPE = f"STRUCT({INSTANT_FIELD} TIMESTAMP WITH TIME ZONE, {ZONE_FIELD} VARCHAR)"
# from_unixtime_nanos's timestamp(9) with time zone (UTC) shown: its instant and its nanoseconds
NANOS_TYPE = f"STRUCT({INSTANT_FIELD} TIMESTAMP WITH TIME ZONE, {NANOS_FIELD} BIGINT)"
_OFFSET = re.compile(r"([+-])([0-9]{1,2})(?::?([0-9]{2}))?")


@functools.lru_cache(maxsize=1)
def _zone_names() -> frozenset:
    return frozenset(zoneinfo.available_timezones())


def zone_names(zone: exp.Literal) -> tuple[str, str]:
    """(the zone as Trino prints it, as DuckDB's functions take it): a region of the tz
    database, spelled as it spells it (Trino's engine 3 refuses `AMERICA/NEW_YORK`:
    https://help.sigmacomputing.com, "Invalid time zones"), or an offset as `+05:30`
    (DuckDB's `GMT+05:30`)."""
    text = zone.this.strip()
    offset = _OFFSET.fullmatch(text)
    if offset:
        sign, hours, minutes = offset.groups()
        shown = f"{sign}{int(hours):02}:{minutes or '00'}"
        return shown, "GMT" + shown
    if text not in _zone_names():
        raise ZoneNotSupported(f"Time zone not supported: {text}")
    return text, text


def zoned_value(instant: exp.Expression, zone: exp.Expression) -> exp.Expression:
    """The STRUCT a result column of another zone carries: its instant and its zone."""
    return exp.Anonymous(this="struct_pack", expressions=[
        exp.PropertyEQ(this=exp.to_identifier(INSTANT_FIELD), expression=exp.cast(instant, "TIMESTAMPTZ")),
        exp.PropertyEQ(this=exp.to_identifier(ZONE_FIELD), expression=_shown_zone(zone))])


def _is_constant(zone: exp.Expression) -> bool:
    return isinstance(zone, exp.Literal) and zone.is_string


def _row_zone(zone: exp.Expression) -> bool:
    """A zone lakebox computes per row, already named as Trino names it (an ISO text's offset)."""
    return isinstance(zone, exp.Anonymous) and zone.name in ("lakebox_iso_zone", "lakebox_text_zone")


def _shown_zone(zone: exp.Expression) -> exp.Expression:
    return exp.Literal.string(zone_names(zone)[0]) if _is_constant(zone) else zone.copy()


def _duck_zone(zone: exp.Expression) -> exp.Expression:
    if _is_constant(zone):
        return exp.Literal.string(zone_names(zone)[1])
    return exp.Anonymous(this="lakebox_duck_zone", expressions=[zone.copy()]) if _row_zone(zone) else zone


def _zone_text(zone: exp.Expression) -> str:
    return zone.sql(dialect="trino")


def _as_instant(value: exp.Expression) -> exp.Expression:
    """A timestamp read in the session zone (UTC), or an instant kept: Trino's value in UTC."""
    return exp.cast(value.copy(), "TIMESTAMPTZ")


def _local(instant: exp.Expression, zone: exp.Expression) -> exp.Expression:
    """The wall-clock time (a TIMESTAMP) of an instant in `zone`."""
    return exp.Anonymous(this="timezone", expressions=[_duck_zone(zone).copy(), instant])


# Calls whose answer of a zoned value depends only on its wall-clock fields in its zone.
_LOCAL_FIELDS = (exp.Hour, exp.Minute, exp.Second, exp.Day, exp.DayOfMonth, exp.Month, exp.Year, exp.Quarter,
                 exp.DayOfWeekIso, exp.DayOfYear, exp.WeekOfYear, exp.Date, exp.Extract)
_PATTERN_CALLS = {"format_datetime", "date_format"}


_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Between, exp.NullSafeEQ, exp.NullSafeNEQ)
# Calls whose answer depends only on an instant: another zone's, its type, seconds since 1970
_INSTANT_CALLS = (exp.TimeToUnix, exp.AtTimeZone, exp.Ordered, exp.Group, *_COMPARISONS)
_INSTANT_NAMES = {"at_timezone", "typeof", "to_unixtime"}
# Calls that read the offset from UTC of a zoned value's zone at its instant.
_OFFSET_CALLS = {"timezone_hour", "timezone_minute"}


def _consumer(node: exp.Expression) -> str | None:
    """What reads the zoned value `node`: "local" when it needs only its wall-clock
    fields (hour(), CAST AS date or timestamp, a pattern without a zone), "instant" when
    only its instant (to_unixtime, a comparison, ORDER BY, GROUP BY, another zone), "text" for
    CAST AS varchar, "iso" for to_iso8601, "shown" for a column of the result, "derived"
    when it gives a value of the same zone (`_derived_instant`); else None."""
    parent = node.parent
    while isinstance(parent, exp.Paren):
        node, parent = parent, parent.parent
    if isinstance(parent, _INSTANT_CALLS) or (isinstance(parent, exp.Anonymous) and parent.name.lower() in
                                              _INSTANT_NAMES and parent.expressions[0] is node):
        return "instant"
    if isinstance(parent, _LOCAL_FIELDS) and node.arg_key in ("this", "expression"):
        return "local"
    if _derives(parent, node):
        return "derived"
    if isinstance(parent, exp.Cast) and parent.to.this in (exp.DataType.Type.DATE, exp.DataType.Type.TIMESTAMP):
        return "local"
    if isinstance(parent, exp.Cast) and parent.to.this in (exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT) \
            and not parent.to.expressions:
        return "text"
    if isinstance(parent, exp.Anonymous) and parent.name.lower() == "to_iso8601" and len(parent.expressions) == 1:
        return "iso"
    if isinstance(parent, exp.Anonymous) and parent.name.lower() in _OFFSET_CALLS and \
            len(parent.expressions) == 1:
        return "offset"
    if isinstance(parent, exp.Anonymous) and parent.name.lower() in _PATTERN_CALLS and \
            parent.expressions and parent.expressions[0] is node and len(parent.expressions) == 2:
        pattern = parent.expressions[1]
        if isinstance(pattern, exp.Literal) and pattern.is_string:
            named = parent.name.lower() == "format_datetime" and datetime_patterns.names_a_zone(pattern.this)
            return "pattern" if named else "local"
    return "shown" if _is_result_column(node) else None


def _is_result_column(node: exp.Expression) -> bool:
    """Whether `node` is (the alias of) a column of a SELECT's result (the statement's, or
    a subquery's that the statement reads)."""
    while isinstance(node.parent, exp.Alias):
        node = node.parent
    return isinstance(node.parent, exp.Select) and node.arg_key == "expressions"


_LOCAL_UNITS = {"DAY", "WEEK", "MONTH", "QUARTER", "YEAR"}


def _unit(node: exp.Expression) -> str:
    unit = node.args.get("unit")
    return (unit.name if unit is not None else "DAY").upper().rstrip("S")


def _derives(reader: exp.Expression, node: exp.Expression) -> bool:
    """Whether `reader` makes of `node`, a value of a zone, a value of the same zone."""
    if isinstance(reader, (exp.Max, exp.Min)):
        return True
    if isinstance(reader, (exp.Add, exp.Sub)):
        return node.arg_key == "this" and isinstance(reader.expression, exp.Interval)
    return isinstance(reader, (exp.TimestampTrunc, exp.DateAdd)) and node.arg_key == "this"


def _derived_instant(reader, zone, instant, local) -> exp.Expression:
    """The instant of what `reader` (`_derives`) makes of a value of `zone` (`instant`,
    `local` its wall clock there): date_trunc and, for days and longer, date_add and
    interval arithmetic work on its wall clock (read back in the zone); shorter steps,
    max and min on its instant."""
    if isinstance(reader, (exp.Max, exp.Min)):
        return type(reader)(this=instant)
    if isinstance(reader, exp.TimestampTrunc):
        changed, on_local = exp.TimestampTrunc(this=local, unit=reader.args["unit"].copy()), True
    elif isinstance(reader, exp.DateAdd):
        on_local = _unit(reader) in _LOCAL_UNITS
        unit = reader.args.get("unit")
        changed = exp.DateAdd(this=local if on_local else instant, expression=reader.expression.copy(),
                              unit=unit.copy() if unit is not None else None)
    else:
        on_local = _unit(reader.expression) in ("MONTH", "QUARTER", "YEAR")     # year to month: on the wall clock
        changed = type(reader)(this=local if on_local else instant, expression=reader.expression.copy())
    if on_local:
        return exp.Anonymous(this="timezone", expressions=[_duck_zone(zone).copy(), changed])
    return exp.cast(changed, "TIMESTAMPTZ")


def _zoned(node: exp.Expression, what: str, zone: exp.Expression, instant: exp.Expression, local=None):
    """`node`, a value of `zone`, replaced by what its reader needs (`_consumer`): in UTC
    its instant; else ZoneNotSupported naming the construct (`what`)."""
    if is_utc(zone):
        node.replace(instant)
        return
    if _is_constant(zone):
        zone_names(zone)            # a zone Trino does not know is refused whatever reads it
    consumer = _consumer(node) if _is_constant(zone) or _row_zone(zone) else None
    if consumer is None:
        raise ZoneNotSupported(f"{what} is not supported (only UTC, a column of the result, or read by hour(), "
                               "CAST AS date, timestamp or varchar, format_datetime, to_iso8601, to_unixtime, "
                               "a comparison)")
    if consumer == "instant":
        node.replace(instant)
    elif consumer == "local":
        node.replace(local if local is not None else _local(instant, zone))
    elif consumer == "shown":
        node.replace(zoned_value(instant, zone))
    elif consumer == "pattern":          # format_datetime with zone letters: zoned_patterns.py
        reader = node.parent
        while isinstance(reader, exp.Paren):
            reader = reader.parent
        try:
            reader.replace(zoned_patterns.formatted(reader.expressions[1].this, local if local is not None else
                                                    _local(instant, zone), instant, zone, _shown_zone(zone)))
        except zoned_patterns.NameNotKnown as error:
            raise ZoneNotSupported(f"{error} is not supported") from None
    elif consumer == "derived":          # its reader is a value of the zone in turn
        reader = node.parent
        while isinstance(reader, exp.Paren):
            node, reader = reader, reader.parent
        wall = local if local is not None else _local(instant, zone)
        _zoned(reader, what, zone, _derived_instant(reader, zone, instant, wall))
    elif consumer == "offset":           # Java's division: -03:30 is hour -3, minute -30
        reader = node.parent
        while isinstance(reader, exp.Paren):
            reader = reader.parent
        minutes = functions.template("CAST(round((epoch(__l) - epoch(timezone('UTC', __i))) / 60) AS BIGINT)",
                                  l=local if local is not None else _local(instant, zone), i=instant)
        sql = "CAST(trunc(__m / 60) AS BIGINT)" if reader.name.lower() == "timezone_hour" else "__m % 60"
        reader.replace(functions.template(sql, m=minutes))
    else:
        reader = node.parent
        while isinstance(reader, exp.Paren):
            reader = reader.parent
        macro = "lakebox_zoned_text" if consumer == "text" else "lakebox_zoned_iso8601"
        reader.replace(exp.Anonymous(this=macro, expressions=[instant, _shown_zone(zone)]))


def _at_time_zone(node: exp.AtTimeZone):
    zone = node.args["zone"]
    _zoned(node, f"AT TIME ZONE {_zone_text(zone)}", zone, _as_instant(node.this))


def _unix_to_time(node: exp.UnixToTime):
    zone, hours, minutes = node.args.get("zone"), node.args.get("hours"), node.args.get("minutes")
    instant = node.copy()
    for key in ("zone", "hours", "minutes"):
        instant.set(key, None)
    if hours is not None:       # from_unixtime(x, hours, minutes): a zone of that offset
        parts = [_whole_number(part) for part in (hours, minutes or exp.Literal.number(0))]
        if None in parts:
            raise ZoneNotSupported("Function 'from_unixtime' with an offset that is not a constant is not supported")
        total = parts[0] * 60 + parts[1]
        zone = exp.Literal.string(f"{'-' if total < 0 else '+'}{abs(total) // 60:02}:{abs(total) % 60:02}")
    if zone is None:
        node.replace(instant)
    else:
        _zoned(node, f"Function 'from_unixtime' with time zone {_zone_text(zone)}", zone, instant)


def _whole_number(node: exp.Expression) -> int | None:
    """The value of a constant whole number (`5`, `-8`), else None."""
    if isinstance(node, exp.Neg):
        found = _whole_number(node.this)
        return None if found is None else -found
    return int(node.this) if isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit() else None


def _zone_function(node: exp.Anonymous):
    name = node.name.lower()
    if len(node.expressions) != 2:
        return
    value, zone = node.expressions
    if name == "with_timezone":       # the wall clock given, read in the zone
        instant = _as_instant(value) if is_utc(zone) else exp.Anonymous(
            this="timezone", expressions=[_duck_zone(zone).copy(), exp.cast(value.copy(), "TIMESTAMP")])
        _zoned(node, f"Function '{name}' with time zone {_zone_text(zone)}", zone, instant,
               exp.cast(value.copy(), "TIMESTAMP"))
    else:
        _zoned(node, f"Function '{name}' with time zone {_zone_text(zone)}", zone, _as_instant(value))


def _cast_to_timestamptz(node: exp.Cast | exp.TryCast):
    """A constant text (a TIMESTAMP literal naming a zone) is read here, any other operand
    as it is read (refused when it names another zone than UTC)."""
    if isinstance(node.this, exp.Literal) and node.this.is_string:
        found = re.search(_TEXT_ZONE, node.this.this)
        if found and not is_utc(exp.Literal.string(found.group(1))):
            zone = exp.Literal.string(found.group(1))
            wall = exp.cast(exp.Literal.string(node.this.this[:found.start(1)].strip()), "TIMESTAMP")
            instant = exp.Anonymous(this="timezone", expressions=[_duck_zone(zone), wall])
            _zoned(node, f"A timestamp with time zone {found.group(1)}", zone, instant, wall.copy())
        return
    name = "lakebox_try_text_timestamptz" if isinstance(node, exp.TryCast) else "lakebox_text_timestamptz"
    node.replace(exp.Anonymous(this=name, expressions=[node.this.copy()]))


_ISO_OFFSET = re.compile(r"T.*?([+-][0-9]{2}(?::?[0-9]{2})?)$")


def _carries_row_zone(node: exp.Expression) -> bool:
    """Whether the value of a zone per row that `node` makes reaches a reader that can
    take it: its wall clock, instant or text, or a column of the statement's result. A
    column of a subquery or WITH query cannot carry it to the readers outside (they would
    meet the STRUCT): there the text is read as an instant in UTC and checked as it is
    read (`lakebox_from_iso8601_timestamp`), as the everyday `Z` texts are."""
    consumer = _consumer(node)
    while consumer == "derived":            # date_trunc, date_add, max, min: a value of the same zone
        reader = node.parent
        while isinstance(reader, exp.Paren):
            reader = reader.parent
        if isinstance(reader, (exp.Max, exp.Min)):
            return True                     # decided with max and min's own reader
        node, consumer = reader, _consumer(reader)
    return consumer is not None and (consumer != "shown" or _is_statement_column(node))


def _is_statement_column(node: exp.Expression) -> bool:
    """Whether `node` is (the alias of) a column of the statement's own result, not of a
    subquery's or a WITH query's."""
    while isinstance(node.parent, exp.Alias):
        node = node.parent
    select = node.parent
    return isinstance(select, exp.Select) and node.arg_key == "expressions" and \
        select.find_ancestor(exp.Select, exp.Subquery, exp.CTE) is None


def _from_iso8601_timestamp(node: exp.FromISO8601Timestamp):
    """A value of the text's offset (UTC for `Z` or none): a constant's known now, a
    column's per row (`lakebox_iso_zone`). Where lakebox cannot carry a zone per row, the
    text is checked as it is read (refused when its offset is not 0)."""
    text = node.this
    if _is_constant(text):
        offset = _ISO_OFFSET.search(text.this)
        if offset and not is_utc(exp.Literal.string(offset.group(1))):
            _zoned(node, f"Function 'from_iso8601_timestamp' with offset {offset.group(1)}",
                   exp.Literal.string(offset.group(1)), exp.cast(text.copy(), "TIMESTAMPTZ"))
            return
    elif _carries_row_zone(node):
        zone = exp.Anonymous(this="lakebox_iso_zone", expressions=[text.copy()])
        instant = exp.cast(exp.Anonymous(this="lakebox_iso8601_text", expressions=[text.copy()]), "TIMESTAMPTZ")
        if _row_zoned(node, "Function 'from_iso8601_timestamp'", zone, instant):
            return
    node.replace(exp.Anonymous(this="lakebox_from_iso8601_timestamp", expressions=[node.this.copy()]))


def _row_zoned(node: exp.Expression, what: str, zone: exp.Expression, instant: exp.Expression) -> bool:
    """`node`, a value of a zone per row, replaced as its reader needs (`_zoned`); its max or
    min only where their own reader takes it (False else: the caller falls back)."""
    reader = node.parent
    while isinstance(reader, exp.Paren):
        reader = reader.parent
    if not isinstance(reader, (exp.Max, exp.Min)):
        _zoned(node, what, zone, instant)
        return True
    # max/min of values whose zone varies by row: the STRUCT orders by its instant first
    outer = _consumer(reader)
    if outer == "instant" or (outer == "shown" and _is_statement_column(reader)):
        reader.replace(type(reader)(this=zoned_value(instant, zone) if outer == "shown" else instant))
        return True
    return False


def _parse_datetime(node: exp.Anonymous):
    """parse_datetime with a Z: a value of the zone its text names (`parsed_zones.py`), a
    constant's known now, a column's per row where a reader can take it; elsewhere a text in
    UTC is read as such, another refused as it is read."""
    if len(node.expressions) != 2 or not _is_constant(node.expressions[1]):
        return
    text, pattern = node.expressions
    converted = parsed_zones.strptime_pattern(pattern.this)
    if converted is None:
        return
    instant = parsed_zones.parsed_instant(text, converted)
    if _is_constant(text):
        zone = parsed_zones.constant_zone(text.this, converted)
        if zone is not None and (zone[0] in "+-Z" or is_utc(exp.Literal.string(zone)) or zone in _zone_names()):
            _zoned(node, f"Function 'parse_datetime' with time zone {zone}", exp.Literal.string(zone), instant)
            return
    zone = exp.Anonymous(this="lakebox_text_zone", expressions=[exp.Anonymous(
        this="regexp_extract", expressions=[text.copy(), exp.Literal.string(parsed_zones.zone_regex(converted)),
                                            exp.Literal.number(1)])])
    if _carries_row_zone(node) and _row_zoned(node, "Function 'parse_datetime'", zone, instant):
        return
    # where no reader takes the zone: UTC only, checked as each row is read
    refused = strict.failure_sql("NOT_SUPPORTED", "'A timestamp with time zone other than UTC is not supported: ' "
                                                  "|| __t")
    node.replace(functions.template(f"CASE WHEN try_strptime(__t, __f) IS NULL OR __z = 'UTC' THEN __i "
                                    f"ELSE {refused} END", t=text, f=exp.Literal.string(converted), z=zone,
                                    i=instant))


def _from_unixtime_nanos(node: exp.Anonymous):
    """Trino's `timestamp(9) with time zone` of nanoseconds since 1970, in UTC: DuckDB's
    instants hold microseconds, so the nanoseconds are kept beside the instant wherever
    they would show (a result column, or its max or min; its text, to_iso8601,
    to_unixtime, typeof); what would make a new timestamp(9) of it elsewhere (date_trunc,
    date_add, ...) is refused."""
    if len(node.expressions) != 1:
        return
    nanos = node.expressions[0].copy()
    instant = exp.Anonymous(this="lakebox_nanos_instant", expressions=[nanos])
    consumer = _consumer(node)
    reader = node.parent
    while isinstance(reader, exp.Paren):
        reader = reader.parent
    shown = exp.Anonymous(this="struct_pack", expressions=[
        exp.PropertyEQ(this=exp.to_identifier(INSTANT_FIELD), expression=instant),
        exp.PropertyEQ(this=exp.to_identifier(NANOS_FIELD), expression=exp.cast(nanos.copy(), "BIGINT"))])
    if consumer == "shown":
        node.replace(shown)
    elif isinstance(reader, (exp.Max, exp.Min)) and _consumer(reader) == "shown":
        reader.replace(type(reader)(this=shown))        # the STRUCT orders by its instant, then its nanoseconds
    elif isinstance(reader, exp.Anonymous) and reader.name.lower() == "typeof":
        reader.replace(exp.Literal.string("timestamp(9) with time zone"))
    elif isinstance(reader, exp.TimeToUnix) or (isinstance(reader, exp.Anonymous) and
                                                reader.name.lower() == "to_unixtime"):
        reader.replace(exp.Div(this=exp.cast(nanos, "DOUBLE"), expression=exp.Literal.number("1e9")))
    elif consumer in ("text", "iso"):
        reader.replace(exp.Anonymous(this=f"lakebox_nanos_{consumer}", expressions=[nanos]))
    elif consumer in ("instant", "local"):
        node.replace(instant)
    else:
        raise ZoneNotSupported("Function 'from_unixtime_nanos' is not supported there (only a column of the "
                               "result, or read by hour(), CAST AS date or varchar, format_datetime, to_iso8601, "
                               "to_unixtime, a comparison)")


ZONE_FUNCTIONS = {"at_timezone", "with_timezone"}
# The macros `rewrite` calls, each a timestamp with time zone (in UTC).
INSTANT_CALLS = {"lakebox_from_iso8601_timestamp", "lakebox_text_timestamptz", "lakebox_try_text_timestamptz"}
NODE_TYPES = {exp.AtTimeZone, exp.UnixToTime, exp.FromISO8601Timestamp, exp.Anonymous, exp.Cast, exp.TryCast}


def rewrite(tree: exp.Expression) -> exp.Expression:
    """Every construct of a time zone made DuckDB's in UTC, or ZoneNotSupported (innermost first)."""
    for node in list(tree.find_all(*NODE_TYPES))[::-1]:
        if isinstance(node, exp.AtTimeZone):
            _at_time_zone(node)
        elif isinstance(node, exp.UnixToTime):
            _unix_to_time(node)
        elif isinstance(node, exp.FromISO8601Timestamp):
            _from_iso8601_timestamp(node)
        elif isinstance(node, (exp.Cast, exp.TryCast)):
            if node.to.this == exp.DataType.Type.TIMESTAMPTZ:
                _cast_to_timestamptz(node)
        elif node.name.lower() == "parse_datetime":
            _parse_datetime(node)
        elif node.name.lower() == "from_unixtime_nanos":
            _from_unixtime_nanos(node)
        elif node.name.lower() in ZONE_FUNCTIONS:
            _zone_function(node)
    return tree
