"""parse_datetime with Joda's Z, ZZ, ZZZ: a timestamp with time zone in the zone its text names."""
import pytest

from engine_helpers import result_line
from lakebox.engine.base import EngineError
from lakebox.engine.parsed_zones import zone_regex


@pytest.mark.parametrize("select, line", [
    ("parse_datetime('2024-03-01 10:00:00 +0900', 'yyyy-MM-dd HH:mm:ss Z')", '"2024-03-01 10:00:00.000 +09:00"'),
    ("parse_datetime('2024-03-01 10:00:00 -05:30', 'yyyy-MM-dd HH:mm:ss ZZ')", '"2024-03-01 10:00:00.000 -05:30"'),
    ("parse_datetime('2024-03-01 10:00:00 Asia/Tokyo', 'yyyy-MM-dd HH:mm:ss ZZZ')",
     '"2024-03-01 10:00:00.000 Asia/Tokyo"'),
    ("parse_datetime('2024-03-01 10:00:00 +0000', 'yyyy-MM-dd HH:mm:ss Z')", '"2024-03-01 10:00:00.000 UTC"'),
    ("parse_datetime(s, 'yyyy-MM-dd HH:mm:ss ZZZ') FROM (VALUES '2024-03-01 10:00:00 Asia/Tokyo') AS t(s)",
     '"2024-03-01 10:00:00.000 Asia/Tokyo"'),
    ("parse_datetime(s, 'dd/MMM/yyyy:HH:mm:ss Z') FROM (VALUES '06/Feb/2019:00:00:38 +0100') AS t(s)",
     '"2019-02-06 00:00:38.000 +01:00"'),
    ("hour(parse_datetime(s, 'dd/MMM/yyyy:HH:mm:ss Z')), to_unixtime(parse_datetime(s, 'dd/MMM/yyyy:HH:mm:ss Z')) "
     "FROM (VALUES '06/Feb/2019:00:00:38 +0100') AS t(s)", '"0","1.549407638E9"'),
    ("format_datetime(parse_datetime(s, 'yyyy-MM-dd HH:mm:ss ZZZ'), 'HH:mm z ZZ zzzz') "
     "FROM (VALUES '2024-03-01 10:00:00 America/New_York') AS t(s)", '"10:00 EST -05:00 Eastern Standard Time"'),
    ("max(parse_datetime(s, 'yyyy-MM-dd HH:mm:ss ZZZ')) "
     "FROM (VALUES '2024-03-01 01:00:00 Asia/Tokyo', '2024-03-01 01:00:00 Europe/Berlin') AS t(s)",
     '"2024-03-01 01:00:00.000 Europe/Berlin"'),
    ("parse_datetime(s, 'yyyy-MM-dd''T''HH:mm:ssZ') FROM (VALUES '2024-03-01T10:00:00Z') AS t(s)",
     '"2024-03-01 10:00:00.000 UTC"'),
    ("hour(x) FROM (SELECT parse_datetime(s, 'yyyy-MM-dd''T''HH:mm:ssZZ') AS x "
     "FROM (VALUES '2024-03-01T10:00:00Z') AS t(s))", '"10"'),
    ("hour(x) FROM (SELECT parse_datetime(s, 'yyyy-MM-dd HH:mm:ss ZZZ') AS x "
     "FROM (VALUES '2024-03-01 10:00:00 UTC') AS t(s))", '"10"'),
])
def test_parsed_zone_is_kept(select, line):
    assert result_line("SELECT " + select) == line


@pytest.mark.parametrize("select, line", [
    ("to_iso8601(TIMESTAMP '2024-01-01 07:00:00' AT TIME ZONE 'Europe/London')", '"2024-01-01T07:00:00.000Z"'),
    ("to_iso8601(parse_datetime(s, 'yyyy-MM-dd HH:mm Z')) FROM (VALUES '2024-03-01 07:00 +0000') AS t(s)",
     '"2024-03-01T07:00:00.000Z"'),
])
def test_a_zero_offset_in_iso8601_is_z(select, line):
    assert result_line("SELECT " + select) == line


def test_a_subquerys_zone_id_other_than_utc_is_refused():
    with pytest.raises(EngineError, match="A timestamp with time zone other than UTC is not supported"):
        result_line("SELECT hour(x) FROM (SELECT parse_datetime(s, 'yyyy-MM-dd HH:mm:ss ZZZ') AS x "
                    "FROM (VALUES '2024-03-01 10:00:00 Asia/Tokyo') AS t(s))")


def test_zone_regex_captures_the_zone_only():
    assert zone_regex("%d/%b/%Y:%H:%M:%S %z") == r"^.*?/.*?/.*?:.*?:.*?:.*? (Z|[+-][0-9]{2}(?::?[0-9]{2})?)$"
