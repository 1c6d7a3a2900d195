"""timestamp with time zone through Athena: in UTC Trino's values, printed form, typeof
and column type; a value of another zone answered where only its wall clock or instant
is read, else a NOT_SUPPORTED naming the construct, never a UTC value in disguise."""
import pytest

ONLY = " is not supported (only UTC, or read by hour(), CAST AS date or timestamp, format_datetime, to_unixtime)"


def test_utc_values_as_trino_prints_and_types_them(query):
    _, rows, columns = query(
        "SELECT TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'UTC' AS at_utc, from_unixtime(1704110400, 'UTC') AS u, "
        "from_iso8601_timestamp('2024-01-01T12:00:00Z') AS iso, "
        "typeof(with_timezone(TIMESTAMP '2024-01-01 12:00:00', 'UTC')) AS kind, "
        "hour(at_timezone(from_unixtime(1704110400), 'UTC')) AS h, "
        "to_unixtime(from_iso8601_timestamp('2024-01-01T12:00:00Z')) AS epoch")
    assert rows[1] == ["2024-01-01 12:00:00.000 UTC"] * 3 + ["timestamp(3) with time zone", "12", "1.7041104E9"]
    assert [column["Type"] for column in columns[:3]] == ["timestamp with time zone"] * 3
    _, rows, _ = query("SELECT CAST(from_unixtime(1704110400) AS varchar) AS text, "
                       "CAST('2024-01-01 12:00:00 UTC' AS timestamp with time zone) AS parsed")
    assert rows[1] == ["2024-01-01 12:00:00.000 UTC"] * 2


def test_wall_clock_and_instant_of_another_zone(query):
    _, rows, _ = query(
        "SELECT hour(TIMESTAMP '2024-07-01 12:00:00' AT TIME ZONE 'Europe/Berlin') AS h, "
        "CAST(from_unixtime(1704150000, 'America/New_York') AS date) AS d, "
        "format_datetime(at_timezone(from_unixtime(1704110400), 'Asia/Tokyo'), 'yyyy-MM-dd HH:mm') AS f, "
        "to_unixtime(with_timezone(TIMESTAMP '2024-01-01 13:00:00', 'Europe/Berlin')) AS epoch, "
        "CAST(TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'Europe/Berlin' AS timestamp) AS local")
    assert rows[1] == ["14", "2024-01-01", "2024-01-01 21:00", "1.7041104E9", "2024-01-01 13:00:00.000"]


@pytest.mark.parametrize("sql, reason", [
    ("SELECT TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'Europe/Berlin'",
     "NOT_SUPPORTED: AT TIME ZONE 'Europe/Berlin'" + ONLY),
    ("SELECT date_trunc('day', from_unixtime(1704110400, 'Europe/Berlin'))",
     "NOT_SUPPORTED: Function 'from_unixtime' with time zone 'Europe/Berlin'" + ONLY),
    ("SELECT with_timezone(TIMESTAMP '2024-01-01 12:00:00', 'Asia/Tokyo')",
     "NOT_SUPPORTED: Function 'with_timezone' with time zone 'Asia/Tokyo'" + ONLY),
    ("SELECT hour(TIMESTAMP '2024-01-01 12:00:00 Europe/Berlin')",
     "NOT_SUPPORTED: A timestamp with time zone Europe/Berlin is not supported (only UTC)"),
    ("SELECT from_iso8601_timestamp('2024-01-01T12:00:00+01:00')",
     "NOT_SUPPORTED: from_iso8601_timestamp of a time zone other than UTC is not supported: "
     "2024-01-01T12:00:00+01:00"),
])
def test_other_zones_are_refused_by_name(query, sql, reason):
    execution, _, _ = query(sql, expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == reason
