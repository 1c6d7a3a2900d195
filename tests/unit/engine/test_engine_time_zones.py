"""timestamp with time zone: UTC answered as Trino does; another zone shown in that zone, read
for its wall clock, instant or text, or kept by date_trunc/date_add/max; elsewhere refused by name."""
import pytest

from engine_helpers import result_line
from lakebox.engine.base import EngineError
from lakebox.engine.dialect import NotSupported

NOON_UTC = '"2024-01-01 12:00:00.000 UTC"'


@pytest.mark.parametrize("select, line", [
    ("TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'UTC'", NOON_UTC),
    ("TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'Etc/UTC'", NOON_UTC),
    ("from_unixtime(1704110400) AT TIME ZONE '+00:00'", NOON_UTC),
    ("from_unixtime(1704110400, 'UTC')", NOON_UTC),
    ("from_unixtime(1704110400, 0, 0)", NOON_UTC),
    ("at_timezone(from_unixtime(1704110400), 'GMT')", NOON_UTC),
    ("with_timezone(TIMESTAMP '2024-01-01 12:00:00', 'Z')", NOON_UTC),
    ("from_iso8601_timestamp('2024-01-01T12:00:00Z')", NOON_UTC),
    ("from_iso8601_timestamp('2024-01-01T12:00:00+00:00')", NOON_UTC),
    ("typeof(TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'UTC')", '"timestamp(3) with time zone"'),
    ("typeof(with_timezone(TIMESTAMP '2024-01-01 12:00:00', 'UTC'))", '"timestamp(3) with time zone"'),
    ("hour(TIMESTAMP '2024-01-01 12:34:00' AT TIME ZONE 'UTC')", '"12"'),
    ("date_trunc('hour', TIMESTAMP '2024-01-01 12:34:00' AT TIME ZONE 'UTC')", NOON_UTC),
    ("format_datetime(from_unixtime(1704110400, 'UTC'), 'yyyy-MM-dd HH:mm')", '"2024-01-01 12:00"'),
    # Joda's Z, ZZ and ZZZ of a UTC value
    ("format_datetime(from_unixtime(0), 'yyyy-MM-dd''T''HH:mm:ssZ'), format_datetime(from_unixtime(0), 'HH ZZ'), "
     "format_datetime(from_unixtime(0), 'ZZZ')", '"1970-01-01T00:00:00+0000","00 +00:00","UTC"'),
    ("to_unixtime(from_iso8601_timestamp('2024-01-01T12:00:00Z'))", '"1.7041104E9"'),
    ("current_timestamp AT TIME ZONE 'UTC' > TIMESTAMP '2020-01-01 00:00:00'", '"true"'),
    ("CAST(from_unixtime(1704110400) AS varchar), CAST(max(TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'UTC') "
     "AS varchar)", NOON_UTC + "," + NOON_UTC),
    ("CAST('2024-01-01 12:00:00 UTC' AS timestamp with time zone)", NOON_UTC),
    ("CAST(s AS timestamp with time zone), TRY_CAST('x' AS timestamp with time zone) "
     "FROM (VALUES '2024-01-01 12:00:00+00:00') AS t(s)", NOON_UTC + ","),
    # another zone, where only the wall clock or the instant is read
    ("hour(TIMESTAMP '2024-07-01 12:00:00' AT TIME ZONE 'Europe/Berlin')", '"14"'),
    ("EXTRACT(HOUR FROM (TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'Europe/Berlin'))", '"13"'),
    ("CAST(from_unixtime(1704150000, 'America/New_York') AS date)", '"2024-01-01"'),
    ("format_datetime(at_timezone(from_unixtime(1704110400), 'Asia/Tokyo'), 'yyyy-MM-dd HH:mm')",
     '"2024-01-01 21:00"'),
    ("to_unixtime(with_timezone(TIMESTAMP '2024-01-01 13:00:00', 'Europe/Berlin'))", '"1.7041104E9"'),
    ("hour(with_timezone(TIMESTAMP '2024-01-01 13:00:00', 'Europe/Berlin'))", '"13"'),
    # an ISO text's column read through a subquery or WITH query: an instant in UTC
    ("date_trunc('day', at) FROM (SELECT from_iso8601_timestamp(s) AS at FROM (VALUES '2024-03-01T10:15:00Z') AS t(s))",
     '"2024-03-01 00:00:00.000 UTC"'),
    ("CAST(at AS date) FROM (WITH c AS (SELECT from_iso8601_timestamp(s) AS at FROM (VALUES '2024-03-01T23:15:00Z') "
     "AS t(s)) SELECT at FROM c)", '"2024-03-01"'),
])
def test_utc_answers_as_trino(select, line):
    assert result_line("SELECT " + select) == line


@pytest.mark.parametrize("select, line", [
    ("TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'Europe/Berlin'", '"2024-01-01 13:00:00.000 Europe/Berlin"'),
    ("TIMESTAMP '2024-01-01 10:00:00 America/New_York'", '"2024-01-01 10:00:00.000 America/New_York"'),
    ("TIMESTAMP '2024-01-01 10:00:00 +05:30'", '"2024-01-01 10:00:00.000 +05:30"'),
    ("from_unixtime(1704110400, 'Europe/Berlin')", '"2024-01-01 13:00:00.000 Europe/Berlin"'),
    ("from_unixtime(1704110400, 5, 30)", '"2024-01-01 17:30:00.000 +05:30"'),
    ("from_unixtime(1704110400, -8, 0)", '"2024-01-01 04:00:00.000 -08:00"'),
    ("at_timezone(TIMESTAMP '2024-01-01 12:00:00', 'Asia/Tokyo')", '"2024-01-01 21:00:00.000 Asia/Tokyo"'),
    ("at_timezone(TIMESTAMP '2024-01-01 10:00:00 America/New_York', 'Asia/Tokyo')",
     '"2024-01-02 00:00:00.000 Asia/Tokyo"'),
    ("with_timezone(TIMESTAMP '2024-01-01 12:00:00', 'Asia/Tokyo')", '"2024-01-01 12:00:00.000 Asia/Tokyo"'),
    ("from_iso8601_timestamp('2024-01-01T12:00:00+01:00')", '"2024-01-01 12:00:00.000 +01:00"'),
    ("hour(from_iso8601_timestamp('2024-01-01T12:00:00+01:00'))", '"12"'),
    ("CAST(TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'Asia/Tokyo' AS varchar)",
     '"2024-01-01 21:00:00.000 Asia/Tokyo"'),
    ("to_iso8601(TIMESTAMP '2024-07-01 10:00:00 America/New_York')", '"2024-07-01T10:00:00.000-04:00"'),
    ("to_iso8601(from_unixtime(1704110400, 5, 30))", '"2024-01-01T17:30:00.000+05:30"'),
    ("typeof(TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'Asia/Tokyo')", '"timestamp(3) with time zone"'),
    ("TIMESTAMP '2024-01-01 12:00:00 Europe/Berlin' = TIMESTAMP '2024-01-01 11:00:00 UTC'", '"true"'),
    ("date_trunc('day', TIMESTAMP '2024-01-01 23:00:00 America/New_York')",
     '"2024-01-01 00:00:00.000 America/New_York"'),
    ("date_add('hour', 1, TIMESTAMP '2024-01-01 23:00:00 America/New_York')",
     '"2024-01-02 00:00:00.000 America/New_York"'),
    ("date_add('day', 1, TIMESTAMP '2024-03-09 12:00:00 America/New_York')",     # across the DST change
     '"2024-03-10 12:00:00.000 America/New_York"'),
    ("TIMESTAMP '2024-01-01 23:00:00 America/New_York' + INTERVAL '1' HOUR",
     '"2024-01-02 00:00:00.000 America/New_York"'),
    ("max(x AT TIME ZONE 'Asia/Tokyo') FROM (VALUES TIMESTAMP '2024-06-01 10:00:00') AS t(x)",
     '"2024-06-01 19:00:00.000 Asia/Tokyo"'),
    ("t FROM (SELECT x AT TIME ZONE 'Asia/Tokyo' AS t FROM (VALUES TIMESTAMP '2024-06-01 10:00:00') AS v(x))",
     '"2024-06-01 19:00:00.000 Asia/Tokyo"'),
    # an ISO text's offset, per row
    ("from_iso8601_timestamp(s), CAST(from_iso8601_timestamp(s) AS timestamp), to_iso8601(from_iso8601_timestamp(s)) "
     "FROM (VALUES '2024-07-01T08:30:00.250-0530') AS t(s)",
     '"2024-07-01 08:30:00.250 -05:30","2024-07-01 08:30:00.250","2024-07-01T08:30:00.250-05:30"'),
    ("from_iso8601_timestamp(s), date_trunc('day', from_iso8601_timestamp(s)) "
     "FROM (VALUES '2024-01-01T01:00:00+00:00') AS t(s)", '"2024-01-01 01:00:00.000 UTC","2024-01-01 00:00:00.000 UTC"'),
    ("max(from_iso8601_timestamp(s)) FROM (VALUES '2024-01-01T12:00:00+01:00', '2024-01-01T12:00:00Z') AS t(s)",
     '"2024-01-01 12:00:00.000 UTC"'),
])
def test_other_zones_answer_as_trino(select, line):
    assert result_line("SELECT " + select) == line


@pytest.mark.parametrize("select, named", [
    ("CAST(s AS timestamp with time zone) FROM (VALUES '2024-01-01 12:00 +01:00') AS t(s)",
     "A timestamp with time zone other than UTC"),
    ("TRY_CAST(s AS timestamp with time zone) FROM (VALUES '2024-01-01 12:00:00 Asia/Tokyo') AS t(s)",
     "A timestamp with time zone other than UTC"),
    ("format_datetime(TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'Australia/Sydney', 'HH z')",
     "the name ('z') of time zone Australia/Sydney"),
    ("hour(x AT TIME ZONE z) FROM (VALUES (TIMESTAMP '2024-01-01 12:00:00', 'UTC')) AS t(x, z)", "AT TIME ZONE z"),
    # a region spelled otherwise than the tz database spells it, or none
    ("TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'AMERICA/NEW_YORK'", "Time zone not supported: AMERICA/NEW_YORK"),
    ("hour(TIMESTAMP '2024-01-01 10:00:00 Foo/Bar')", "Time zone not supported: Foo/Bar"),
    ("to_unixtime(from_unixtime(0, 'europe/paris'))", "Time zone not supported: europe/paris"),
    ("ARRAY[TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'Asia/Tokyo']", "AT TIME ZONE 'Asia/Tokyo'"),
    ("hour(t) FROM (SELECT x AT TIME ZONE 'Asia/Tokyo' AS t FROM (VALUES TIMESTAMP '2024-06-01 10:00:00') AS v(x))",
     "read from a subquery's column"),
    ("hour(at) FROM (SELECT from_iso8601_timestamp(s) AS at FROM (VALUES '2024-03-01T10:15:00+01:00') AS t(s))",
     "from_iso8601_timestamp of a time zone other than UTC is not supported: 2024-03-01T10:15:00+01:00"),
])
def test_other_zones_are_refused_by_name(select, named):
    with pytest.raises((NotSupported, EngineError)) as caught:
        result_line("SELECT " + select)
    assert getattr(caught.value, "error_name", "NOT_SUPPORTED") == "NOT_SUPPORTED" and named in str(caught.value)
