"""Date patterns of Trino's functions as DuckDB's strftime/strptime patterns.

`date_format`/`date_parse` take MySQL's `%` specifiers (Trino's table: `%i` minutes,
`%s` seconds, `%M` month name, `%W` weekday name, `%v`/`%x` ISO week and year; `%D`,
`%U`, `%u`, `%V`, `%w` and `%X` Trino refuses: `PatternRefused`; `%x` for any other
x is that character). `format_datetime`/`parse_datetime` take Joda-Time patterns
(`yyyy-MM-dd HH:mm:ss.SSS`, quoted text in `'...'`).
"""
import re

from lakebox.engine import strict


class PatternNotSupported(ValueError):
    pass


class PatternRefused(ValueError):
    """A specifier Trino itself refuses (INVALID_FUNCTION_ARGUMENT, in these words)."""


def _literal(text: str) -> str:
    return text.replace("%", "%%")


_MYSQL = {
    "a": "%a", "b": "%b", "c": "%-m", "d": "%d", "e": "%-d", "f": "%f", "H": "%H", "h": "%I", "I": "%I",
    "i": "%M", "j": "%j", "k": "%-H", "l": "%-I", "M": "%B", "m": "%m", "p": "%p", "r": "%I:%M:%S %p",
    "S": "%S", "s": "%S", "T": "%H:%M:%S", "v": "%V", "W": "%A", "x": "%G", "Y": "%Y", "y": "%y", "%": "%%",
}
_MYSQL_REFUSED = "DUuVwX"


def from_mysql(pattern: str, parsing: bool = False) -> str:
    out, position = [], 0
    while position < len(pattern):
        char = pattern[position]
        if char != "%" or position + 1 == len(pattern):
            out.append(_literal(char))
            position += 1
            continue
        spec = pattern[position + 1]
        if spec in _MYSQL_REFUSED:
            raise PatternRefused(f"%{spec} not supported in date format string")
        converted = _MYSQL.get(spec, _literal(spec))
        out.append(converted.replace("%-", "%") if parsing else converted)
        position += 2
    return "".join(out)


# Joda letters by run length: the longest rule not longer than the run applies.
_JODA = {
    "y": [(1, "%Y"), (2, "%y"), (3, "%Y")], "Y": [(1, "%Y"), (2, "%y"), (3, "%Y")], "x": [(1, "%G")],
    "M": [(1, "%-m"), (2, "%m"), (3, "%b"), (4, "%B")], "d": [(1, "%-d"), (2, "%d")],
    "D": [(1, "%-j"), (3, "%j")], "E": [(1, "%a"), (4, "%A")], "e": [(1, "%u")], "a": [(1, "%p")],
    "H": [(1, "%-H"), (2, "%H")], "h": [(1, "%-I"), (2, "%I")], "m": [(1, "%-M"), (2, "%M")],
    "s": [(1, "%-S"), (2, "%S")], "w": [(1, "%V")], "z": [(1, "%Z")],
}
_FRACTIONS = {3: "%g", 6: "%f", 9: "%n"}
_UTC_OFFSETS = {1: "+0000", 2: "+00:00", 3: "UTC"}      # Joda's Z, ZZ, ZZZ (the zone's id) in UTC
_UTC_NAMES = {1: "UTC", 4: "Coordinated Universal Time"}  # Joda's z (short name), zzzz (long name) of UTC


def from_joda(pattern: str, parsing: bool = False) -> str:
    out = []
    # A quote left open runs to the pattern's end, as Joda reads it: the Athena guide's ALB
    # query parses with 'yyyy-MM-dd''T''HH:mm:ss.SSSSSS''Z' (a literal Z at the end).
    for run in re.finditer(r"'(?:[^']|'')*(?:'|$)|([A-Za-z])\1*|.", pattern):
        text = run.group(0)
        if text.startswith("'"):
            closed = len(text) > 1 and text.endswith("'") and not text.endswith("''") or text == "''"
            body = text[1:-1] if closed else text[1:]
            out.append(_literal(body.replace("''", "'")) if text != "''" else "'")
            continue
        letter = text[0]
        if not letter.isalpha():
            out.append(_literal(text))
            continue
        if letter == "S" and len(text) in _FRACTIONS:
            out.append(_FRACTIONS[len(text)])
            continue
        if letter == "Z" and not parsing:
            # the offset of the zone the value is printed in: always UTC here (a value of
            # another zone read by a pattern naming its zone is refused: time_zones.py)
            out.append(_UTC_OFFSETS[min(len(text), 3)])
            continue
        if letter == "Z":       # parsing: an offset, +0000 or +00:00, or (ZZZ) a zone's id: parsed_zones.py
            out.append("%Z" if len(text) >= 3 else "%z")
            continue
        if letter == "z" and not parsing:           # DuckDB's %Z of a zoneless timestamp is empty
            out.append(_UTC_NAMES[1 if len(text) < 4 else 4])
            continue
        rules = _JODA.get(letter)
        if rules is None:
            raise PatternNotSupported(f"pattern letter '{letter}' is not supported")
        converted = [form for length, form in rules if length <= len(text)][-1]
        out.append(converted.replace("%-", "%") if parsing else converted)
    return "".join(out)


def names_a_zone(pattern: str) -> bool:
    """Whether a Joda pattern has a `z` or `Z` outside its quoted text (Trino's
    FormatDateTime.datetimeFormatSpecifiesZone: `''` opens and closes a quote)."""
    quoted = False
    for char in pattern:
        if quoted:
            quoted = char != "'"
        elif char in "zZ":
            return True
        elif char == "'":
            quoted = True
    return False


def printed_as_trino(name: str, pattern: str, converted: str) -> str:
    """DuckDB SQL of date_format/format_datetime (`__c`, the strftime call of the value
    `__x`) as Trino's DateFormat/FormatDateTime print: a timestamp(6) rounded to its
    milliseconds first (Joda's precision: `SSSSSS` and `%f` are `123000`), and a zone
    letter of format_datetime refused for a value that has no zone (a timestamp, or a
    date coerced to one), in Trino's words."""
    rounded = converted.replace("'", "''")
    sql = ("CASE WHEN typeof(__x) = 'TIMESTAMP_NS' THEN strftime(date_trunc('millisecond', __x + INTERVAL 500 "
           f"MICROSECOND), '{rounded}') ELSE __c END")
    if name == "format_datetime" and names_a_zone(pattern):
        sql = ("CASE WHEN typeof(__x) IN ('DATE', 'TIMESTAMP', 'TIMESTAMP_NS', 'TIMESTAMP_MS', 'TIMESTAMP_S') THEN "
               + strict.failure_sql("INVALID_FUNCTION_ARGUMENT",
                                    "'format_datetime for TIMESTAMP type, cannot use ''Z'' nor ''z'' in format, "
                                    "as this type does not contain TZ information'")
               + f" ELSE {sql} END")
    return sql
