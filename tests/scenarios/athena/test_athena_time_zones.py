"""timestamp with time zone through Athena: in UTC Trino's values, printed form, typeof
and column type; in any other zone a NOT_SUPPORTED naming the construct, never a UTC
value in disguise."""
import pytest


def test_utc_values_as_trino_prints_and_types_them(query):
    _, rows, columns = query(
        "SELECT TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'UTC' AS at_utc, from_unixtime(1704110400, 'UTC') AS u, "
        "from_iso8601_timestamp('2024-01-01T12:00:00Z') AS iso, "
        "typeof(with_timezone(TIMESTAMP '2024-01-01 12:00:00', 'UTC')) AS kind, "
        "hour(at_timezone(from_unixtime(1704110400), 'UTC')) AS h, "
        "to_unixtime(from_iso8601_timestamp('2024-01-01T12:00:00Z')) AS epoch")
    assert rows[1] == ["2024-01-01 12:00:00.000 UTC"] * 3 + ["timestamp(3) with time zone", "12", "1.7041104E9"]
    assert [column["Type"] for column in columns[:3]] == ["timestamp with time zone"] * 3


@pytest.mark.parametrize("sql, reason", [
    ("SELECT TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'Europe/Berlin'",
     "NOT_SUPPORTED: AT TIME ZONE 'Europe/Berlin' is not supported (only UTC)"),
    ("SELECT from_unixtime(1704110400, 'Europe/Berlin')",
     "NOT_SUPPORTED: Function 'from_unixtime' with time zone 'Europe/Berlin' is not supported (only UTC)"),
    ("SELECT with_timezone(TIMESTAMP '2024-01-01 12:00:00', 'Asia/Tokyo')",
     "NOT_SUPPORTED: Function 'with_timezone' with time zone 'Asia/Tokyo' is not supported (only UTC)"),
    ("SELECT from_iso8601_timestamp('2024-01-01T12:00:00+01:00')",
     "NOT_SUPPORTED: from_iso8601_timestamp of a time zone other than UTC is not supported: "
     "2024-01-01T12:00:00+01:00"),
])
def test_other_zones_are_refused_by_name(query, sql, reason):
    execution, _, _ = query(sql, expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == reason
