"""Dates and timestamps in LazySimpleSerDe text as the Hive reader parses them (Trino's
HiveFormatUtils, as Hive's own Date.valueOf and Timestamp.valueOf do), NULL for the rest:

- a timestamp, trimmed, is `y-M-d` with an optional ` H:m:s` and `.fraction` (one or two
  digits a field, a 1-10 digit year), or else ISO's `yyyy-MM-ddTHH:mm[:ss[.fraction]]`;
  no zone, no `/`, no ` H:m` without its seconds;
- a date, trimmed and cut at its first space, is `y-M-d`;
- fields are resolved leniently: a month 13 is January of the next year, February 30 is
  the 1st of March, an hour 24 the next day's midnight.
"""

_DEFAULT = r"^(\d{1,10})-(\d{1,2})-(\d{1,2})(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?)?$"
_ISO = r"^(\d{4,10})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{0,9}))?)?$"
_DATE = r"^(\d{1,10})-(\d{1,2})-(\d{1,2})$"


def _trimmed(column: str) -> str:
    """Java's String.trim: every character up to the space off both ends."""
    return f"regexp_replace({column}, '^[\\x00-\\x20]+|[\\x00-\\x20]+$', '', 'g')"


def _lenient(text: str, pattern: str, with_time: bool) -> str:
    """The value of `text` matched by `pattern` (groups y, M, d[, H, m, s, fraction]),
    its fields added up from 1 January of the year, as Java's LENIENT resolver does."""
    def group(number: int) -> str:
        return f"regexp_extract({text}, '{pattern}', {number})"

    def number(index: int) -> str:
        return f"COALESCE(TRY_CAST(NULLIF({group(index)}, '') AS BIGINT), 0)"
    value = (f"(make_timestamp(CAST({group(1)} AS BIGINT), 1, 1, 0, 0, 0) + to_months(CAST({group(2)} AS INTEGER) - 1)"
             f" + to_days(CAST({group(3)} AS INTEGER) - 1))")
    if with_time:
        fraction = f"rpad(COALESCE({group(7)}, ''), 6, '0')"
        value = (f"({value} + to_hours({number(4)}) + to_minutes({number(5)}) + to_seconds({number(6)})"
                 f" + to_microseconds(COALESCE(TRY_CAST(substr({fraction}, 1, 6) AS BIGINT), 0)))")
    return value


def timestamp_sql(column: str) -> str:
    """DuckDB SQL of the TIMESTAMP a text field `column` holds, NULL where Hive's is."""
    text = _trimmed(column)
    return (f"CASE WHEN regexp_matches({text}, '{_DEFAULT}') THEN TRY({_lenient(text, _DEFAULT, True)}) "
            f"WHEN regexp_matches({text}, '{_ISO}') THEN TRY({_lenient(text, _ISO, True)}) END")


def date_sql(column: str) -> str:
    """DuckDB SQL of the DATE a text field `column` holds, NULL where Hive's is."""
    text = f"split_part({_trimmed(column)}, ' ', 1)"
    return f"CASE WHEN regexp_matches({text}, '{_DATE}') THEN TRY(CAST({_lenient(text, _DATE, False)} AS DATE)) END"
