"""An airline's operations team prints a departure board from flights stored in UTC (a CSV
in S3, read through boto3's Athena client): format_datetime of a timestamp with time zone
prints the Joda zone letters in the value's zone, Z as +0900, ZZ as +09:00, ZZZ as the
zone's id, z as its short name and zzzz as its long name (EST in winter, EDT in summer);
an offset zone's id and names are its offset; ISO 8601 texts with offsets keep theirs
per row; a quoted 'Z' is text. Facts: Trino's TestDateTimeFunctions testFormatDatetime
(ZZZZ of an offset zone is `+07:09`, of a region its id; code corpus), Joda-Time's
DateTimeFormat pattern letters (Z offset, ZZ offset with a colon, ZZZ zone id, z short
name, zzzz long name)."""
import pytest

from sqla_helpers import loaded_table

FLIGHTS = """NH10,2024-01-15 01:30:00,2024-01-15T10:30:00+09:00
UA80,2024-07-04 13:05:00,2024-07-04T09:05:00-04:00
AI302,2024-03-10 20:45:00,2024-03-11T02:15:00+05:30
"""

DDL = """CREATE EXTERNAL TABLE flights (flight string, departs_utc string, departs_local string)
         ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/flights/'"""


@pytest.fixture
def board(client, bucket, database):
    rows, _ = loaded_table(client, bucket, database, "flights/board.csv", FLIGHTS.encode(),
                           DDL.format(bucket=bucket))
    return lambda sql: rows(sql)[1]


def test_departures_in_tokyo_time(board):
    assert board("""
        SELECT flight,
               format_datetime(CAST(departs_utc AS timestamp) AT TIME ZONE 'Asia/Tokyo', 'yyyy-MM-dd HH:mm Z'),
               format_datetime(CAST(departs_utc AS timestamp) AT TIME ZONE 'Asia/Tokyo', 'HH:mm ZZ ZZZ'),
               format_datetime(CAST(departs_utc AS timestamp) AT TIME ZONE 'Asia/Tokyo', 'HH:mm z (zzzz)')
        FROM flights ORDER BY flight""") == [
        ["AI302", "2024-03-11 05:45 +0900", "05:45 +09:00 Asia/Tokyo", "05:45 JST (Japan Standard Time)"],
        ["NH10", "2024-01-15 10:30 +0900", "10:30 +09:00 Asia/Tokyo", "10:30 JST (Japan Standard Time)"],
        ["UA80", "2024-07-04 22:05 +0900", "22:05 +09:00 Asia/Tokyo", "22:05 JST (Japan Standard Time)"]]


def test_new_york_names_follow_daylight_saving(board):
    assert board("""
        SELECT flight,
               format_datetime(with_timezone(CAST(departs_utc AS timestamp), 'America/New_York'),
                               'EEE dd MMM HH:mm z Z'),
               format_datetime(at_timezone(CAST(departs_utc AS timestamp), 'America/New_York'), 'HH:mm zzzz')
        FROM flights ORDER BY flight""") == [
        ["AI302", "Sun 10 Mar 20:45 EDT -0400", "16:45 Eastern Daylight Time"],
        ["NH10", "Mon 15 Jan 01:30 EST -0500", "20:30 Eastern Standard Time"],
        ["UA80", "Thu 04 Jul 13:05 EDT -0400", "09:05 Eastern Daylight Time"]]


def test_local_texts_keep_their_offsets(board):
    assert board("""
        SELECT flight, format_datetime(from_iso8601_timestamp(departs_local), 'yyyy-MM-dd HH:mm ZZ'),
               format_datetime(from_iso8601_timestamp(departs_local), 'Z ZZZ z'),
               format_datetime(CAST(departs_utc AS timestamp) AT TIME ZONE '-03:30', 'HH:mm Z ZZZ zzzz'),
               format_datetime(CAST(departs_utc AS timestamp) AT TIME ZONE 'Asia/Tokyo', 'yyyy-MM-dd''T''HH:mm''Z''')
        FROM flights ORDER BY flight""") == [
        ["AI302", "2024-03-11 02:15 +05:30", "+0530 +05:30 +05:30", "17:15 -0330 -03:30 -03:30",
         "2024-03-11T05:45Z"],
        ["NH10", "2024-01-15 10:30 +09:00", "+0900 +09:00 +09:00", "22:00 -0330 -03:30 -03:30",
         "2024-01-15T10:30Z"],
        ["UA80", "2024-07-04 09:05 -04:00", "-0400 -04:00 -04:00", "09:35 -0330 -03:30 -03:30",
         "2024-07-04T22:05Z"]]
