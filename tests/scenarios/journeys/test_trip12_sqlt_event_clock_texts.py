"""A platform engineer turns event times into texts for a downstream API with boto3's
Athena client: a Hive table's `timestamp` column has no zone, so format_datetime with a
zone letter (`Z`, `z`) fails as Trino's FormatDateTime fails it (INVALID_FUNCTION_ARGUMENT
naming the TIMESTAMP type) while a quoted 'Z' is text, and the value read AT TIME ZONE
'UTC' prints its offset and name; an Iceberg table's `timestamp` is `timestamp(6)`,
whose to_iso8601 keeps the six fractional digits as its CAST to varchar does, while
format_datetime and date_format print it rounded to the millisecond (Joda-Time's
precision). Facts: Trino's FormatDateTime, DateFormat and ToIso8601 (timestamp(p)) and
TestDateTimeFunctions (testFormatDateCannotImplicitlyAddTimeZoneToTimestampLiteral),
code corpus."""
import pytest

from trip_helpers import athena_execution, athena_failure, athena_rows

EVENTS = """e1,2024-03-05 07:08:09.123
e2,2024-12-31 23:59:59.999
"""
REFUSED = ("INVALID_FUNCTION_ARGUMENT: format_datetime for TIMESTAMP type, cannot use 'Z' nor 'z' in format, "
           "as this type does not contain TZ information")


@pytest.fixture
def lake(client, bucket, database):
    client("s3").put_object(Bucket=bucket, Key="events/part-0.csv", Body=EVENTS.encode())
    athena, output = client("athena"), f"s3://{bucket}/results/"
    athena_execution(athena, f"""CREATE EXTERNAL TABLE events (id string, at timestamp)
                                 ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
                                 LOCATION 's3://{bucket}/events/'""", database, output)
    athena_execution(athena, f"""CREATE TABLE ticks (id string, at timestamp) LOCATION 's3://{bucket}/ticks/'
                                 TBLPROPERTIES ('table_type' = 'ICEBERG')""", database, output)
    athena_execution(athena, "INSERT INTO ticks VALUES ('t1', TIMESTAMP '2024-03-05 07:08:09.123456'), "
                             "('t2', TIMESTAMP '2024-03-05 07:08:09.999600')", database, output)
    return lambda run, sql: run(athena, sql, database, output)


def test_zone_letters_need_a_zoned_value(lake):
    assert lake(athena_rows, """
        SELECT id, format_datetime(at, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z'''),
               format_datetime(at AT TIME ZONE 'UTC', 'yyyy-MM-dd HH:mm:ssZZ z'),
               date_format(at, '%Y-%m-%dT%H:%i:%s.%fZ'), to_iso8601(at), to_iso8601(at AT TIME ZONE 'UTC')
        FROM events ORDER BY id""") == [
        ["e1", "2024-03-05T07:08:09.123Z", "2024-03-05 07:08:09+00:00 UTC", "2024-03-05T07:08:09.123000Z",
         "2024-03-05T07:08:09.123", "2024-03-05T07:08:09.123Z"],
        ["e2", "2024-12-31T23:59:59.999Z", "2024-12-31 23:59:59+00:00 UTC", "2024-12-31T23:59:59.999000Z",
         "2024-12-31T23:59:59.999", "2024-12-31T23:59:59.999Z"]]


@pytest.mark.parametrize("pattern", ["yyyy-MM-dd HH:mm Z", "HH:mm z", "zzzz", "yyyy-MM-dd''T''HH:mmZZ"])
def test_a_zone_letter_over_a_timestamp_fails(lake, pattern):
    assert lake(athena_failure, f"SELECT format_datetime(at, '{pattern}') FROM events") == REFUSED


def test_microseconds_of_an_iceberg_timestamp_stay(lake):
    assert lake(athena_rows, """
        SELECT id, typeof(at), CAST(at AS varchar), to_iso8601(at), to_unixtime(at) FROM ticks ORDER BY id""") == [
        ["t1", "timestamp(6)", "2024-03-05 07:08:09.123456", "2024-03-05T07:08:09.123456", "1.709622489123456E9"],
        ["t2", "timestamp(6)", "2024-03-05 07:08:09.999600", "2024-03-05T07:08:09.999600", "1.7096224899996E9"]]


def test_patterns_print_an_iceberg_timestamp_to_the_millisecond(lake):
    # Joda-Time holds milliseconds: Trino rounds a timestamp(6) to them before printing
    assert lake(athena_rows, """
        SELECT id, format_datetime(at, 'HH:mm:ss.SSSSSS'), format_datetime(at, 'HH:mm:ss.SSS'),
               date_format(at, '%H:%i:%s.%f') FROM ticks ORDER BY id""") == [
        ["t1", "07:08:09.123000", "07:08:09.123", "07:08:09.123000"],
        ["t2", "07:08:10.000000", "07:08:10.000", "07:08:10.000000"]]


def test_truncated_iceberg_times_keep_six_digits(lake):
    # Trino's DateTrunc answers a timestamp(p) of the same p
    assert lake(athena_rows, """
        SELECT date_trunc('hour', at) AS hour, count(*), typeof(date_trunc('hour', at)),
               date_trunc('second', max(at)), date_trunc('month', min(at))
        FROM ticks GROUP BY date_trunc('hour', at) ORDER BY 1""") == [
        ["2024-03-05 07:00:00.000000", "2", "timestamp(6)", "2024-03-05 07:08:09.000000",
         "2024-03-01 00:00:00.000000"]]
