"""format_datetime of a timestamp with time zone of another zone than UTC, with the zone
letters of its Joda pattern (`time_zones.py` gives the value's wall clock, instant and zone).

Joda prints `Z` as the offset `+0900`, `ZZ` as `+09:00`, `ZZZ` (and longer) as the zone's
id (`Asia/Tokyo`; an offset zone's id is its offset, `+07:09`: Trino's TestDateTimeFunctions
testFormatDatetime), `z` as the zone's short name at that instant (`JST`, `EST`/`EDT`) and
`zzzz` as its long name (`Japan Standard Time`), both as Java names them in English; an
offset zone has no name and prints its offset. The pattern's other letters print the
value's wall clock (`format_datetime` of a timestamp, `datetime_patterns.py`).
"""
import functools
import re

from sqlglot import exp

from lakebox.engine import functions, strict

# Java's English (CLDR) short and long names of a region's zone, by its offset in minutes;
# a region not here has its z and zzzz refused rather than guessed.
_NAMES = {
    "Asia/Tokyo": {540: ("JST", "Japan Standard Time")},
    "Asia/Kolkata": {330: ("IST", "India Standard Time")},
    "Asia/Shanghai": {480: ("CST", "China Standard Time")},
    "America/New_York": {-300: ("EST", "Eastern Standard Time"), -240: ("EDT", "Eastern Daylight Time")},
    "America/Chicago": {-360: ("CST", "Central Standard Time"), -300: ("CDT", "Central Daylight Time")},
    "America/Denver": {-420: ("MST", "Mountain Standard Time"), -360: ("MDT", "Mountain Daylight Time")},
    "America/Los_Angeles": {-480: ("PST", "Pacific Standard Time"), -420: ("PDT", "Pacific Daylight Time")},
    "Europe/London": {0: ("GMT", "Greenwich Mean Time"), 60: ("BST", "British Summer Time")},
    **{region: {60: ("CET", "Central European Standard Time"), 120: ("CEST", "Central European Summer Time")}
       for region in ("Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam")},
}
_UTC_NAMES = ("UTC", "Coordinated Universal Time")

# a quoted text (`'...'`, `''` a quote), a run of one letter, or any other character
_RUNS = re.compile(r"'(?:[^']|'')*(?:'|$)|([A-Za-z])\1*|.")


class NameNotKnown(ValueError):
    """A zone whose Java name lakebox does not know (z, zzzz)."""


def pieces(pattern: str):
    """The pattern as (zone letter run | None, the rest's Joda text) in order."""
    found, text = [], ""
    for run in _RUNS.finditer(pattern):
        if run.group(1) in ("z", "Z"):
            if text:
                found.append((None, text))
            found.append((run.group(0), ""))
            text = ""
        else:
            text += run.group(0)
    if text:
        found.append((None, text))
    return found


def _offset(minutes: exp.Expression, colon: bool) -> exp.Expression:
    sql = ("CASE WHEN __m < 0 THEN '-' ELSE '+' END || lpad(CAST(abs(__m) // 60 AS VARCHAR), 2, '0') || "
           f"'{':' if colon else ''}' || lpad(CAST(abs(__m) % 60 AS VARCHAR), 2, '0')")
    return functions.template(sql, m=minutes)


def _name(letters: str, zone: exp.Expression, shown: exp.Expression, minutes: exp.Expression) -> exp.Expression:
    index = 0 if len(letters) < 4 else 1
    if isinstance(zone, exp.Literal) and zone.is_string:
        region = shown.this
        if region[0] in "+-":
            return exp.Literal.string(region)
        names = _NAMES.get(region)
        if names is None:
            raise NameNotKnown(f"Function 'format_datetime' with the name ('{letters}') of time zone {region}")
        cases = " ".join(f"WHEN {offset} THEN '{pair[index]}'" for offset, pair in names.items())
        refused = strict.failure_sql("NOT_SUPPORTED", f"'The name of time zone {region} at this time is not "
                                                      "supported'")
        return functions.template(f"CASE __m {cases} ELSE {refused} END", m=minutes)
    # a zone per row (an ISO 8601 text's offset, a parsed text's zone): UTC, an offset, which
    # prints as itself, or a region of the table
    cases = " ".join(f"WHEN __z = '{region}' AND __m = {offset} THEN '{pair[index]}'"
                     for region, names in _NAMES.items() for offset, pair in names.items())
    refused = strict.failure_sql("NOT_SUPPORTED", "'The name of time zone ' || __z || ' at this time is not "
                                                  "supported'")
    return functions.template(f"CASE WHEN __z = 'UTC' THEN '{_UTC_NAMES[index]}' WHEN __z[1] IN ('+', '-') "
                              f"THEN __z {cases} ELSE {refused} END", z=shown, m=minutes)


def formatted(pattern: str, local: exp.Expression, instant: exp.Expression, zone: exp.Expression,
              shown: exp.Expression) -> exp.Expression:
    """format_datetime(value, pattern) of a value of `zone` (`shown` its name as Trino prints
    it), `local` its wall clock there, `instant` its instant."""
    minutes = exp.Anonymous(this="lakebox_zoned_offset", expressions=[instant.copy(), shown.copy()])
    parts = []
    for letters, text in pieces(pattern):
        if letters is None:
            parts.append(exp.Anonymous(this="format_datetime", expressions=[local.copy(), exp.Literal.string(text)]))
        elif letters[0] == "Z" and len(letters) < 3:
            parts.append(_offset(minutes.copy(), colon=len(letters) == 2))
        elif letters[0] == "Z":
            parts.append(shown.copy())
        else:
            parts.append(_name(letters, zone, shown, minutes.copy()))
    # `||`: NULL when the value is NULL, as Trino's answer is
    return functools.reduce(lambda left, right: exp.DPipe(this=left, expression=right), parts)
