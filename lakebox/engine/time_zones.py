"""Trino's `timestamp with time zone`, as far as DuckDB can carry it.

A DuckDB TIMESTAMPTZ is an instant without a zone of its own; lakebox's session zone is
UTC, so such a value is Trino's `timestamp(3) with time zone` in zone UTC, printed
`2024-01-01 12:00:00.000 UTC`. `AT TIME ZONE`, `at_timezone`, `with_timezone` and
`from_unixtime` to a UTC zone answer as Trino does. A value of any other zone (which
Trino prints in that zone) is answered only where what reads it needs just its wall
clock there (`hour(...)`, `CAST(... AS date)`, `format_datetime` without a zone letter)
or just its instant (`to_unixtime`); elsewhere the query fails with NOT_SUPPORTED naming
the construct, never a UTC value in disguise. So does `from_iso8601_timestamp` of a text
with an offset other than UTC.
"""
import re

from sqlglot import exp

from lakebox.engine import strict

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


MACROS = [
    ("from_iso8601_timestamp", "s",
     f"CASE WHEN regexp_matches(s, '{_OTHER_OFFSET}') AND NOT regexp_matches(s, '{_ZERO_OFFSET}') THEN "
     + strict.failure_sql("NOT_SUPPORTED", "'from_iso8601_timestamp of a time zone other than UTC is not supported: ' "
                                           "|| s")
     + " ELSE CAST(s AS TIMESTAMPTZ) END"),
    *_text_timestamptz_macros(),
]


def install(db):
    for name, parameters, body in MACROS:
        db.execute(f"CREATE OR REPLACE MACRO lakebox_{name}({parameters}) AS {body}")


class ZoneNotSupported(ValueError):
    """A time zone lakebox cannot carry (any but UTC), naming the construct."""


def is_utc(zone: exp.Expression) -> bool:
    """True when `zone` is a constant naming UTC as Trino does (`UTC`, `Z`, `GMT`, `+00:00`, ...)."""
    if not (isinstance(zone, exp.Literal) and zone.is_string):
        return False
    name = zone.this.strip().lower()
    name = name[4:] if name.startswith("etc/") else name
    return name in _UTC_NAMES or bool(_UTC_OFFSET.fullmatch(name))


def _zone_text(zone: exp.Expression) -> str:
    return zone.sql(dialect="trino")


def _as_instant(value: exp.Expression) -> exp.Expression:
    """A timestamp read in the session zone (UTC), or an instant kept: Trino's value in UTC."""
    return exp.cast(value.copy(), "TIMESTAMPTZ")


def _local(instant: exp.Expression, zone: exp.Expression) -> exp.Expression:
    """The wall-clock time (a TIMESTAMP) of an instant in `zone`."""
    return exp.Anonymous(this="timezone", expressions=[zone.copy(), instant])


# Calls whose answer of a zoned value depends only on its wall-clock fields in its zone.
_LOCAL_FIELDS = (exp.Hour, exp.Minute, exp.Second, exp.Day, exp.DayOfMonth, exp.Month, exp.Year, exp.Quarter,
                 exp.DayOfWeekIso, exp.DayOfYear, exp.WeekOfYear, exp.Date, exp.Extract)
_PATTERN_CALLS = {"format_datetime", "date_format"}


def _consumer(node: exp.Expression) -> str | None:
    """"local" when what reads the zoned value `node` needs only its wall-clock fields
    (hour(), CAST AS date or timestamp, a pattern without a zone), "instant" when only
    its instant (to_unixtime), else None: the value itself would be shown."""
    parent = node.parent
    while isinstance(parent, exp.Paren):
        node, parent = parent, parent.parent
    if isinstance(parent, exp.TimeToUnix):
        return "instant"
    if isinstance(parent, _LOCAL_FIELDS) and node.arg_key in ("this", "expression"):
        return "local"
    if isinstance(parent, exp.Cast) and parent.to.this in (exp.DataType.Type.DATE, exp.DataType.Type.TIMESTAMP):
        return "local"
    if isinstance(parent, exp.Anonymous) and parent.name.lower() in _PATTERN_CALLS and \
            parent.expressions and parent.expressions[0] is node and len(parent.expressions) == 2:
        pattern = parent.expressions[1]
        if isinstance(pattern, exp.Literal) and pattern.is_string and not set(pattern.this) & {"z", "Z"}:
            return "local"
    return None


def _zoned(node: exp.Expression, what: str, zone: exp.Expression, instant: exp.Expression, local=None):
    """`node`, a value of `zone`, replaced by its instant (UTC) or, where only its wall
    clock is read, by that; else ZoneNotSupported naming the construct (`what`)."""
    if is_utc(zone):
        node.replace(instant)
        return
    consumer = _consumer(node) if isinstance(zone, exp.Literal) and zone.is_string else None
    if consumer is None:
        raise ZoneNotSupported(f"{what} is not supported (only UTC, or read by hour(), CAST AS date or "
                               "timestamp, format_datetime, to_unixtime)")
    node.replace(instant if consumer == "instant" else (local if local is not None else _local(instant, zone)))


def _at_time_zone(node: exp.AtTimeZone):
    zone = node.args["zone"]
    _zoned(node, f"AT TIME ZONE {_zone_text(zone)}", zone, _as_instant(node.this))


def _unix_to_time(node: exp.UnixToTime):
    zone, hours, minutes = node.args.get("zone"), node.args.get("hours"), node.args.get("minutes")
    offsets = [part for part in (hours, minutes) if part is not None]
    if any(not (isinstance(part, exp.Literal) and not part.is_string and float(part.this) == 0)
           for part in offsets):
        raise ZoneNotSupported("Function 'from_unixtime' with an offset other than 0 hours is not supported")
    instant = node.copy()
    for key in ("zone", "hours", "minutes"):
        instant.set(key, None)
    if zone is None:
        node.replace(instant)
    else:
        _zoned(node, f"Function 'from_unixtime' with time zone {_zone_text(zone)}", zone, instant)


def _zone_function(node: exp.Anonymous):
    name = node.name.lower()
    if len(node.expressions) != 2:
        return
    value, zone = node.expressions
    if name == "with_timezone":       # the wall clock given, read in the zone
        instant = exp.Anonymous(this="timezone", expressions=[zone.copy(), exp.cast(value.copy(), "TIMESTAMP")])
        if is_utc(zone):
            instant = _as_instant(value)
        _zoned(node, f"Function '{name}' with time zone {_zone_text(zone)}", zone, instant,
               exp.cast(value.copy(), "TIMESTAMP"))
    else:
        _zoned(node, f"Function '{name}' with time zone {_zone_text(zone)}", zone, _as_instant(value))


def _cast_to_timestamptz(node: exp.Cast | exp.TryCast):
    """A constant text is checked here (the query refused before it runs), any other
    operand as it is read."""
    if isinstance(node.this, exp.Literal) and node.this.is_string:
        found = re.search(_TEXT_ZONE, node.this.this)
        if found and not is_utc(exp.Literal.string(found.group(1))):
            raise ZoneNotSupported(f"A timestamp with time zone {found.group(1)} is not supported (only UTC)")
        return
    name = "lakebox_try_text_timestamptz" if isinstance(node, exp.TryCast) else "lakebox_text_timestamptz"
    node.replace(exp.Anonymous(this=name, expressions=[node.this.copy()]))


def _from_iso8601_timestamp(node: exp.FromISO8601Timestamp):
    node.replace(exp.Anonymous(this="lakebox_from_iso8601_timestamp", expressions=[node.this.copy()]))


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
        elif node.name.lower() in ZONE_FUNCTIONS:
            _zone_function(node)
    return tree
