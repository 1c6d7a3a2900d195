"""An IoT engineer reads sensor readings whose times partners write in every ISO 8601
form Joda-Time's parser takes (a JSON table in S3) with from_iso8601_timestamp through
boto3's Athena client: `Z` and `+01:00`/`-0530` offsets, a bare date (midnight UTC), an
hour without minutes, an ordinal date (`2024-065T10:30`) and a week date
(`2024-W10-2T06:00Z`); fractions beyond the millisecond are cut (Joda holds
milliseconds). A reading whose time the parser cannot read fails the query with
INVALID_FUNCTION_ARGUMENT in Joda's words, not DuckDB's GENERIC_USER_ERROR. Facts:
Trino's DateTimeFunctions.fromISO8601Timestamp (ISODateTimeFormat.dateTimeParser,
parseDateTimeHelper's INVALID_FUNCTION_ARGUMENT), code corpus."""
import pytest

from trip_helpers import athena_failure, athena_rows

READINGS = "\n".join([
    '{"sensor": "s1", "at": "2024-03-05T07:08:09.123Z"}',
    '{"sensor": "s2", "at": "2024-03-05T07:08:09+01:00"}',
    '{"sensor": "s3", "at": "2024-03-05T07:08:09.9999-0530"}',
    '{"sensor": "s4", "at": "2024-03-05"}',
    '{"sensor": "s5", "at": "2024-03-05T07Z"}',
    '{"sensor": "s6", "at": "2024-065T10:30"}',
    '{"sensor": "s7", "at": "2024-W10-2T06:00Z"}',
]) + "\n"
BAD = {"hour": '{"sensor": "b1", "at": "2024-03-05T24:00Z"}\n',
       "spaced": '{"sensor": "b2", "at": "2024-03-05 07:08:09"}\n',
       "word": '{"sensor": "b3", "at": "yesterday"}\n'}
DDL = """CREATE EXTERNAL TABLE {name} (sensor string, at string)
         ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://{bucket}/{name}/'"""


@pytest.fixture
def sensors(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    place = {"database": database, "output": f"s3://{bucket}/results/"}
    for name, body in (("readings", READINGS), *((f"bad_{kind}", line) for kind, line in BAD.items())):
        s3.put_object(Bucket=bucket, Key=f"{name}/part-0.json", Body=body.encode())
        athena_rows(athena, DDL.format(name=name, bucket=bucket), **place)
    return lambda run, sql: run(athena, sql, **place)


def test_every_iso_form_is_an_instant(sensors):
    assert sensors(athena_rows, """
        SELECT sensor, from_iso8601_timestamp(at), to_unixtime(from_iso8601_timestamp(at)),
               CAST(from_iso8601_timestamp(at) AS date)
        FROM readings ORDER BY sensor""") == [
        ["s1", "2024-03-05 07:08:09.123 UTC", "1.709622489123E9", "2024-03-05"],
        ["s2", "2024-03-05 07:08:09.000 +01:00", "1.709618889E9", "2024-03-05"],
        ["s3", "2024-03-05 07:08:09.999 -05:30", "1.709642289999E9", "2024-03-05"],
        ["s4", "2024-03-05 00:00:00.000 UTC", "1.7095968E9", "2024-03-05"],
        ["s5", "2024-03-05 07:00:00.000 UTC", "1.709622E9", "2024-03-05"],
        ["s6", "2024-03-05 10:30:00.000 UTC", "1.7096346E9", "2024-03-05"],
        ["s7", "2024-03-05 06:00:00.000 UTC", "1.7096184E9", "2024-03-05"]]


def test_unreadable_times_fail_in_jodas_words(sensors):
    reasons = {kind: sensors(athena_failure, f"SELECT sensor, from_iso8601_timestamp(at) FROM bad_{kind}")
               for kind in BAD}
    assert reasons == {
        "hour": 'INVALID_FUNCTION_ARGUMENT: Cannot parse "2024-03-05T24:00Z": Value 24 for hourOfDay must be in '
                "the range [0,23]",
        "spaced": 'INVALID_FUNCTION_ARGUMENT: Invalid format: "2024-03-05 07:08:09" is malformed at " 07:08:09"',
        "word": 'INVALID_FUNCTION_ARGUMENT: Invalid format: "yesterday"'}
