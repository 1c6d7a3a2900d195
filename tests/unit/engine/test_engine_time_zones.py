"""timestamp with time zone: UTC answered as Trino does, any other zone refused by name."""
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
])
def test_utc_answers_as_trino(select, line):
    assert result_line("SELECT " + select) == line


@pytest.mark.parametrize("select, named", [
    ("TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'Europe/Berlin'", "AT TIME ZONE 'Europe/Berlin'"),
    ("from_unixtime(1704110400, 'Europe/Berlin')", "'from_unixtime' with time zone 'Europe/Berlin'"),
    ("from_unixtime(1704110400, 2, 0)", "'from_unixtime' with an offset"),
    ("at_timezone(current_timestamp, 'America/New_York')", "'at_timezone' with time zone 'America/New_York'"),
    ("with_timezone(TIMESTAMP '2024-01-01 12:00:00', 'Asia/Tokyo')", "'with_timezone' with time zone 'Asia/Tokyo'"),
    ("hour(from_iso8601_timestamp('2024-01-01T12:00:00+01:00'))", "from_iso8601_timestamp of a time zone"),
    ("TIMESTAMP '2024-01-01 12:00:00 Europe/Berlin'", "A timestamp with time zone Europe/Berlin"),
    ("CAST(s AS timestamp with time zone) FROM (VALUES '2024-01-01 12:00 +01:00') AS t(s)",
     "A timestamp with time zone other than UTC"),
    ("TRY_CAST(s AS timestamp with time zone) FROM (VALUES '2024-01-01 12:00:00 Asia/Tokyo') AS t(s)",
     "A timestamp with time zone other than UTC"),
    ("format_datetime(TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'Europe/Berlin', 'HH z')",
     "AT TIME ZONE 'Europe/Berlin'"),
    ("hour(x AT TIME ZONE z) FROM (VALUES (TIMESTAMP '2024-01-01 12:00:00', 'UTC')) AS t(x, z)", "AT TIME ZONE z"),
])
def test_other_zones_are_refused_by_name(select, named):
    with pytest.raises((NotSupported, EngineError)) as caught:
        result_line("SELECT " + select)
    assert getattr(caught.value, "error_name", "NOT_SUPPORTED") == "NOT_SUPPORTED" and named in str(caught.value)
