"""format_datetime of a timestamp with time zone prints Joda's zone letters in the value's zone."""
import pytest

from engine_helpers import result_line

TOKYO = "TIMESTAMP '2024-03-01 10:00:00' AT TIME ZONE 'Asia/Tokyo'"


@pytest.mark.parametrize("select, line", [
    (f"format_datetime({TOKYO}, 'yyyy-MM-dd HH:mm Z|ZZ|ZZZ|z|zzzz')",
     '"2024-03-01 19:00 +0900|+09:00|Asia/Tokyo|JST|Japan Standard Time"'),
    ("format_datetime(with_timezone(TIMESTAMP '2024-07-01 10:00:00', 'America/New_York'), 'HH:mm:ss.SSS Z z zzzz')",
     '"10:00:00.000 -0400 EDT Eastern Daylight Time"'),
    ("format_datetime(with_timezone(TIMESTAMP '2024-01-01 10:00:00', 'America/New_York'), 'z zzzz')",
     '"EST Eastern Standard Time"'),
    # an offset zone's id and names are its offset (Trino's testFormatDatetime: `+07:09`)
    ("format_datetime(TIMESTAMP '2024-03-01 10:00:00' AT TIME ZONE '-03:30', 'HH:mm Z ZZ ZZZZ z')",
     '"06:30 -0330 -03:30 -03:30 -03:30"'),
    ("format_datetime(from_iso8601_timestamp('2024-03-01T10:00:00+05:30'), 'yyyy-MM-dd''T''HH:mmZZ')",
     '"2024-03-01T10:00+05:30"'),
    ("format_datetime(from_iso8601_timestamp(s), 'HH:mm ZZ zzzz') FROM (VALUES '2024-03-01T10:00:00Z') AS t(s)",
     '"10:00 +00:00 Coordinated Universal Time"'),
    # a quoted Z is text: the wall clock in the zone
    (f"format_datetime({TOKYO}, 'yyyy-MM-dd''T''HH:mm''Z''')", '"2024-03-01T19:00Z"'),
    (f"format_datetime(CAST(NULL AS timestamp) AT TIME ZONE 'Asia/Tokyo', 'HH ZZZ')", ""),
])
def test_zone_letters_print_the_values_zone(select, line):
    assert result_line("SELECT " + select) == line
