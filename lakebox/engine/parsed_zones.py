"""parse_datetime with a Joda zone letter Z: a timestamp with time zone in the zone the text
names (Trino's parse_datetime parses with Joda's withOffsetParsed): `Z`/`ZZ` read an offset,
the value's zone is that offset (`+09:00`; UTC for a zero one), `ZZZ` reads a zone's id,
the value's zone is that region (`2024-03-01 10:00:00.000 Asia/Tokyo`). Trino's
TestDateTimeFunctions testParseDatetime (code corpus): `'1960/01/22 03:04 Asia/Oral'` with
`ZZZZZ` is `1960-01-22 03:04:00.000 Asia/Oral`, `+0500` with `Z` is `... +05:00`.

The zone is taken from the text by a regular expression made of the DuckDB strptime
pattern (`zone_regex`): the pattern's other fields match anything, its zone the zone.
"""
import re

from sqlglot import exp

from lakebox.engine import datetime_patterns, functions, zoned_patterns

_OFFSET = r"(Z|[+-][0-9]{2}(?::?[0-9]{2})?)"
_ID = r"([A-Za-z][A-Za-z0-9_/+-]*)"
_SPECIAL = set(".^$*+?()[]{}|\\")
_UTC_TEXT = r"^(?:(?:etc/)?(?:utc|z|ut|uct|gmt|gmt0|greenwich|universal|zulu)|[+-]00(?::?00)?)$"

MACROS = [
    # the zone of a parsed text as Trino prints it: UTC, an offset as +09:00, or the region
    ("text_zone", "z", f"CASE WHEN regexp_matches(lower(z), '{_UTC_TEXT}') THEN 'UTC' "
                       "WHEN z[1] IN ('+', '-') THEN substr(z, 1, 3) || ':' || "
                       "CASE WHEN length(replace(z, ':', '')) = 5 THEN right(z, 2) ELSE '00' END ELSE z END"),
]


def strptime_pattern(joda: str) -> str | None:
    """DuckDB's strptime pattern of a Joda pattern with a Z (ZZZ a zone id), else None."""
    letters = [letters for letters, _ in zoned_patterns.pieces(joda) if letters]
    if not letters or any(run[0] != "Z" for run in letters):
        return None
    converted = datetime_patterns.from_joda(joda, parsing=True)
    return converted if "%z" in converted or "%Z" in converted else None


def zone_regex(converted: str) -> str:
    """A regular expression of the texts `converted` reads, its zone the one group."""
    out, position = ["^"], 0
    while position < len(converted):
        char = converted[position]
        if char == "%" and position + 1 < len(converted):
            spec = converted[position + 1]
            if spec == "-" and position + 2 < len(converted):
                spec, position = converted[position + 2], position + 1
            out.append({"%": "%", "z": _OFFSET, "Z": _ID}.get(spec, ".*?"))
            position += 2
            continue
        out.append("\\" + char if char in _SPECIAL else char)
        position += 1
    return "".join(out) + "$"


def constant_zone(text: str, converted: str) -> str | None:
    """The zone a constant text names (None when it does not read)."""
    found = re.match(zone_regex(converted), text)
    return found.group(1) if found else None


def parsed_instant(text: exp.Expression, converted: str) -> exp.Expression:
    """The instant of a text read by `converted`: Joda's Z and ZZ also read `Z` itself as a
    zero offset (DateTimeFormat's offset parser, its zero-offset text `Z`), which DuckDB's
    `%z` does not."""
    parsed = exp.cast(exp.Anonymous(this="strptime", expressions=[text.copy(), exp.Literal.string(converted)]),
                      "TIMESTAMPTZ")
    if "%z" not in converted:
        return parsed
    at_zero = exp.Literal.string(converted.replace("%z", "Z"))
    return functions.template("CASE WHEN try_strptime(__t, __f) IS NULL AND try_strptime(__t, __z) IS NOT NULL "
                              "THEN CAST(strptime(__t, __z) AS TIMESTAMPTZ) ELSE __p END",
                              t=text, f=exp.Literal.string(converted), z=at_zero, p=parsed)
