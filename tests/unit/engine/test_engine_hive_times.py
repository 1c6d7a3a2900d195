"""Text dates and timestamps as Hive's reader parses them (Trino's HiveFormatUtils):
`y-M-d[ H:m:s[.f]]` or ISO's `yyyy-MM-ddTHH:mm[:ss[.f]]`, trimmed, resolved leniently;
anything else NULL."""
import datetime

import duckdb

from lakebox.engine import hive_times


def _read(value):
    return duckdb.connect().execute(f"SELECT {hive_times.timestamp_sql('x')}, {hive_times.date_sql('x')} "
                                    "FROM (SELECT ?::VARCHAR AS x)", [value]).fetchone()


def test_hive_timestamps_and_iso_ones_parse():
    assert _read("2024-01-05 10:11:12.123")[0] == datetime.datetime(2024, 1, 5, 10, 11, 12, 123000)
    assert _read("2024-1-5 1:2:3")[0] == datetime.datetime(2024, 1, 5, 1, 2, 3)
    assert _read(" 2024-01-05 ") == (datetime.datetime(2024, 1, 5), datetime.date(2024, 1, 5))
    assert _read("2024-01-05T10:11") == (datetime.datetime(2024, 1, 5, 10, 11), None)


def test_zones_slashes_and_short_times_are_null():
    for value in ("2024-01-05T10:11:12Z", "2024-01-05 10:11:12 UTC", "2024/01/05", "2024-01-05 10:11", "20240105", ""):
        assert _read(value)[0] is None, value
    assert _read("2024-01-05 10:11")[1] == datetime.date(2024, 1, 5)        # a date stops at its first space
    assert _read("2024/01/05")[1] is None


def test_out_of_range_fields_roll_over():
    assert _read("2024-13-01") == (datetime.datetime(2025, 1, 1), datetime.date(2025, 1, 1))
    assert _read("2024-02-30")[1] == datetime.date(2024, 3, 1)
    assert _read("2024-01-05 24:00:00")[0] == datetime.datetime(2024, 1, 6)
