"""timestamp with time zone through Athena: in UTC Trino's values, printed form, typeof
and column type; a value of another zone printed in its zone as Athena prints it
(`2024-01-01 10:00:00.000 America/New_York`, typed `timestamp with time zone`), read
for its wall clock, instant or text, kept by date_trunc/date_add/max; where lakebox
cannot carry it, a NOT_SUPPORTED naming the construct, never a UTC value in disguise."""
import datetime

import pytest
from dateutil import tz

ONLY = (" is not supported (only UTC, a column of the result, or read by hour(), CAST AS date, timestamp or varchar, "
        "format_datetime, to_iso8601, to_unixtime, a comparison)")


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


def test_values_of_another_zone_as_athena_prints_them(query):
    _, rows, columns = query(
        "SELECT TIMESTAMP '2024-01-01 10:00:00 America/New_York' AS literal, "
        "at_timezone(TIMESTAMP '2024-01-01 12:00:00', 'Asia/Tokyo') AS tokyo, "
        "TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'Asia/Kolkata' AS kolkata, "
        "from_unixtime(1704110400, 'Europe/Berlin') AS berlin, from_unixtime(1704110400, -8, 0) AS offset, "
        "with_timezone(TIMESTAMP '2024-01-01 12:00:00', 'Asia/Tokyo') AS wall, "
        "from_iso8601_timestamp('2024-01-01T12:00:00+01:00') AS iso")
    assert rows[1] == ["2024-01-01 10:00:00.000 America/New_York", "2024-01-01 21:00:00.000 Asia/Tokyo",
                       "2024-01-01 17:30:00.000 Asia/Kolkata", "2024-01-01 13:00:00.000 Europe/Berlin",
                       "2024-01-01 04:00:00.000 -08:00", "2024-01-01 12:00:00.000 Asia/Tokyo",
                       "2024-01-01 12:00:00.000 +01:00"]
    assert {column["Type"] for column in columns} == {"timestamp with time zone"}


def test_current_timestamp_in_another_zone(query):
    _, rows, columns = query("SELECT current_timestamp AT TIME ZONE 'Asia/Tokyo' AS now_tokyo, "
                             "to_unixtime(current_timestamp AT TIME ZONE 'Asia/Tokyo') - "
                             "to_unixtime(current_timestamp) AS apart")
    assert rows[1][0].endswith(" Asia/Tokyo") and rows[1][1] == "0.0"
    assert columns[0]["Type"] == "timestamp with time zone"


def test_reading_a_value_of_another_zone(query):
    _, rows, _ = query(
        "SELECT CAST(TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'Asia/Tokyo' AS varchar) AS text, "
        "to_iso8601(TIMESTAMP '2024-07-01 10:00:00 America/New_York') AS iso, "
        "TIMESTAMP '2024-01-01 12:00:00 Europe/Berlin' = TIMESTAMP '2024-01-01 11:00:00 UTC' AS same, "
        "typeof(at_timezone(current_timestamp, 'America/New_York')) AS kind, "
        "hour(from_iso8601_timestamp('2024-01-01T12:00:00+01:00')) AS h")
    assert rows[1] == ["2024-01-01 21:00:00.000 Asia/Tokyo", "2024-07-01T10:00:00.000-04:00", "true",
                       "timestamp(3) with time zone", "12"]


def test_daily_buckets_in_a_local_zone(query):
    _, rows, _ = query(
        "SELECT date_trunc('day', ts AT TIME ZONE 'America/New_York') AS day, count(*) AS n, "
        "max(ts AT TIME ZONE 'America/New_York') AS last "
        "FROM (VALUES TIMESTAMP '2024-01-02 03:00:00', TIMESTAMP '2024-01-02 06:00:00', "
        "TIMESTAMP '2024-01-02 07:00:00') AS t(ts) GROUP BY 1 ORDER BY 1")
    assert rows[1:] == [["2024-01-01 00:00:00.000 America/New_York", "1", "2024-01-01 22:00:00.000 America/New_York"],
                        ["2024-01-02 00:00:00.000 America/New_York", "2", "2024-01-02 02:00:00.000 America/New_York"]]
    _, rows, _ = query("SELECT date_add('day', 1, TIMESTAMP '2024-03-09 12:00:00 America/New_York') AS next_day, "
                       "TIMESTAMP '2024-01-01 23:00:00 America/New_York' + INTERVAL '1' HOUR AS next_hour")
    assert rows[1] == ["2024-03-10 12:00:00.000 America/New_York", "2024-01-02 00:00:00.000 America/New_York"]


def test_iso8601_texts_of_a_table_keep_their_offsets(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="events/part-0.json", Body=b'{"id": 1, "at": "2024-01-01T12:00:00+01:00"}\n'
                  b'{"id": 2, "at": "2024-01-01T12:00:00Z"}\n{"id": 3, "at": "2024-07-01T08:30:00.250-0530"}\n')
    query("CREATE EXTERNAL TABLE events (id int, at string) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
          f"LOCATION 's3://{bucket}/events/'")
    _, rows, columns = query("SELECT id, from_iso8601_timestamp(at) AS ts, hour(from_iso8601_timestamp(at)) AS h, "
                             "to_unixtime(from_iso8601_timestamp(at)) AS epoch FROM events ORDER BY id")
    assert rows[1:] == [["1", "2024-01-01 12:00:00.000 +01:00", "12", "1.7041068E9"],
                        ["2", "2024-01-01 12:00:00.000 UTC", "12", "1.7041104E9"],
                        ["3", "2024-07-01 08:30:00.250 -05:30", "8", "1.71984240025E9"]]
    assert columns[1]["Type"] == "timestamp with time zone"
    _, rows, _ = query("SELECT max(from_iso8601_timestamp(at)) AS last FROM events")
    assert rows[1] == ["2024-07-01 08:30:00.250 -05:30"]


def test_pyathena_reads_a_zoned_value_as_an_aware_datetime(lakebox_server, bucket, database):
    from pyathena import connect
    cursor = connect(s3_staging_dir=f"s3://{bucket}/pyathena/", region_name="us-east-1", schema_name=database,
                     aws_access_key_id="test", aws_secret_access_key="test",
                     endpoint_url=lakebox_server.endpoint).cursor()
    cursor.execute("SELECT TIMESTAMP '2024-01-01 10:00:00 America/New_York' AS t")
    (value,), = cursor.fetchall()
    assert value == datetime.datetime(2024, 1, 1, 10, 0, tzinfo=tz.gettz("America/New_York"))
    assert value.utcoffset() == datetime.timedelta(hours=-5)


@pytest.mark.parametrize("sql, reason", [
    ("SELECT ARRAY[TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'Europe/Berlin']",
     "NOT_SUPPORTED: AT TIME ZONE 'Europe/Berlin'" + ONLY),
    ("SELECT date_diff('hour', from_unixtime(1704110400, 'Europe/Berlin'), current_timestamp)",
     "NOT_SUPPORTED: Function 'from_unixtime' with time zone 'Europe/Berlin'" + ONLY),
    ("SELECT format_datetime(with_timezone(TIMESTAMP '2024-01-01 12:00:00', 'Australia/Sydney'), 'HH z')",
     "NOT_SUPPORTED: Function 'format_datetime' with the name ('z') of time zone Australia/Sydney is not "
     "supported"),
    ("SELECT date_format(c.created AT TIME ZONE 'AMERICA/NEW_YORK', '%Y-%m-%d') "
     "FROM (VALUES TIMESTAMP '2024-01-01 12:00:00') AS c(created)",
     "NOT_SUPPORTED: Time zone not supported: AMERICA/NEW_YORK"),
    ("SELECT date_diff('second', from_iso8601_timestamp(s), current_timestamp) "
     "FROM (VALUES '2024-01-01T12:00:00+01:00') AS t(s)",
     "NOT_SUPPORTED: from_iso8601_timestamp of a time zone other than UTC is not supported: "
     "2024-01-01T12:00:00+01:00"),
])
def test_other_zones_are_refused_by_name(query, sql, reason):
    execution, _, _ = query(sql, expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == reason
