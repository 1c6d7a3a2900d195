"""Trino's `timestamp with time zone`, as far as DuckDB can carry it.

A DuckDB TIMESTAMPTZ is an instant without a zone of its own; lakebox's session zone is
UTC, so such a value is Trino's `timestamp(3) with time zone` in zone UTC, printed
`2024-01-01 12:00:00.000 UTC`. `AT TIME ZONE`, `at_timezone`, `with_timezone` and
`from_unixtime` to a UTC zone answer as Trino does; to any other zone (whose values
Trino prints in that zone, and whose `hour()` is that zone's) the query fails with
NOT_SUPPORTED naming the construct, never a UTC value in disguise. So does
`from_iso8601_timestamp` of a text with an offset other than UTC.
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

MACROS = [
    ("from_iso8601_timestamp", "s",
     f"CASE WHEN regexp_matches(s, '{_OTHER_OFFSET}') AND NOT regexp_matches(s, '{_ZERO_OFFSET}') THEN "
     + strict.failure("NOT_SUPPORTED", "'from_iso8601_timestamp of a time zone other than UTC is not supported: ' "
                                       "|| s")
     + " ELSE CAST(s AS TIMESTAMPTZ) END"),
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


def _at_time_zone(node: exp.AtTimeZone):
    zone = node.args["zone"]
    if not is_utc(zone):
        raise ZoneNotSupported(f"AT TIME ZONE {_zone_text(zone)} is not supported (only UTC)")
    node.replace(_as_instant(node.this))


def _unix_to_time(node: exp.UnixToTime):
    zone, hours, minutes = node.args.get("zone"), node.args.get("hours"), node.args.get("minutes")
    if zone is not None and not is_utc(zone):
        raise ZoneNotSupported(f"Function 'from_unixtime' with time zone {_zone_text(zone)} is not supported "
                               "(only UTC)")
    offsets = [part for part in (hours, minutes) if part is not None]
    if any(not (isinstance(part, exp.Literal) and not part.is_string and float(part.this) == 0)
           for part in offsets):
        raise ZoneNotSupported("Function 'from_unixtime' with an offset other than 0 hours is not supported")
    node.set("zone", None)
    node.set("hours", None)
    node.set("minutes", None)


def _zone_function(node: exp.Anonymous):
    name = node.name.lower()
    if len(node.expressions) != 2:
        return
    value, zone = node.expressions
    if not is_utc(zone):
        raise ZoneNotSupported(f"Function '{name}' with time zone {_zone_text(zone)} is not supported (only UTC)")
    node.replace(_as_instant(value))


def _from_iso8601_timestamp(node: exp.FromISO8601Timestamp):
    node.replace(exp.Anonymous(this="lakebox_from_iso8601_timestamp", expressions=[node.this.copy()]))


ZONE_FUNCTIONS = {"at_timezone", "with_timezone"}
NODE_TYPES = {exp.AtTimeZone, exp.UnixToTime, exp.FromISO8601Timestamp, exp.Anonymous}


def rewrite(tree: exp.Expression) -> exp.Expression:
    """Every construct of a time zone made DuckDB's in UTC, or ZoneNotSupported (innermost first)."""
    for node in list(tree.find_all(*NODE_TYPES))[::-1]:
        if isinstance(node, exp.AtTimeZone):
            _at_time_zone(node)
        elif isinstance(node, exp.UnixToTime):
            _unix_to_time(node)
        elif isinstance(node, exp.FromISO8601Timestamp):
            _from_iso8601_timestamp(node)
        elif node.name.lower() in ZONE_FUNCTIONS:
            _zone_function(node)
    return tree
