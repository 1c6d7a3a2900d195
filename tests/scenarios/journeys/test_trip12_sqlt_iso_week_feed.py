"""A planning analyst loads a partner's CSV of ISO 8601 dates in S3 and reads them with
from_iso8601_date through boto3's Athena client: calendar dates (also `2024-03` and a
bare year), ISO week dates (`2024-W10-2`, `2020-W53-5` in the next calendar year) and
ordinal dates (`2024-065`) all become dates, which week_of_year, year_of_week,
day_of_week and date_trunc('week') agree with; a row the parser cannot read fails the
query with Trino's INVALID_FUNCTION_ARGUMENT in Joda-Time's words (`Invalid format:
"x" is malformed at "..."`, `Cannot parse "x": Value 13 for monthOfYear must be in the
range [1,12]`). Facts: Trino's DateTimeFunctions.fromISO8601Date (Joda's
ISODateTimeFormat.dateElementParser, its failures as INVALID_FUNCTION_ARGUMENT)."""
import pytest

from trip_helpers import athena_execution, athena_failure, athena_rows

FEED = """p1,2024-03-05
p2,2024-W10-2
p3,2024-065
p4,2020-W53-5
p5,2024-03
p6,2024
"""


@pytest.fixture
def feed(client, bucket, database):
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="plan/good/feed.csv", Body=FEED.encode())
    s3.put_object(Bucket=bucket, Key="plan/bad-month/feed.csv", Body=b"q1,2024-13-01\n")
    s3.put_object(Bucket=bucket, Key="plan/bad-time/feed.csv", Body=b"q2,2024-03-05T10:00\n")
    s3.put_object(Bucket=bucket, Key="plan/bad-text/feed.csv", Body=b"q3,soon\n")
    athena, output = client("athena"), f"s3://{bucket}/results/"
    for name in ("good", "bad-month", "bad-time", "bad-text"):
        athena_execution(athena, f"""CREATE EXTERNAL TABLE plan_{name.replace('-', '_')} (id string, day string)
                                     ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
                                     LOCATION 's3://{bucket}/plan/{name}/'""", database, output)
    return lambda run, sql: run(athena, sql, database, output)


def test_every_iso_form_is_a_date(feed, client):
    execution = feed(athena_execution, """
        SELECT id, from_iso8601_date(day) AS d, week_of_year(from_iso8601_date(day)),
               year_of_week(from_iso8601_date(day)), day_of_week(from_iso8601_date(day)),
               date_trunc('week', from_iso8601_date(day))
        FROM plan_good ORDER BY id""")
    page = client("athena").get_query_results(QueryExecutionId=execution["QueryExecutionId"])["ResultSet"]
    assert [[cell.get("VarCharValue") for cell in row["Data"]] for row in page["Rows"][1:]] == [
        ["p1", "2024-03-05", "10", "2024", "2", "2024-03-04"],
        ["p2", "2024-03-05", "10", "2024", "2", "2024-03-04"],
        ["p3", "2024-03-05", "10", "2024", "2", "2024-03-04"],
        ["p4", "2021-01-01", "53", "2020", "5", "2020-12-28"],
        ["p5", "2024-03-01", "9", "2024", "5", "2024-02-26"],
        ["p6", "2024-01-01", "1", "2024", "1", "2024-01-01"]]
    assert page["ResultSetMetadata"]["ColumnInfo"][1]["Type"] == "date"


def test_week_dates_filter_and_group(feed):
    assert feed(athena_rows, """
        SELECT from_iso8601_date(day) AS d, count(*) AS n, array_join(array_agg(id ORDER BY id), '+')
        FROM plan_good WHERE from_iso8601_date(day) >= DATE '2024-03-01'
        GROUP BY from_iso8601_date(day) ORDER BY d""") == [
        ["2024-03-01", "1", "p5"], ["2024-03-05", "3", "p1+p2+p3"]]


@pytest.mark.parametrize("table, reason", [
    ("plan_bad_month", 'INVALID_FUNCTION_ARGUMENT: Cannot parse "2024-13-01": Value 13 for monthOfYear must be '
                       "in the range [1,12]"),
    ("plan_bad_time", 'INVALID_FUNCTION_ARGUMENT: Invalid format: "2024-03-05T10:00" is malformed at "T10:00"'),
    ("plan_bad_text", 'INVALID_FUNCTION_ARGUMENT: Invalid format: "soon"'),
])
def test_unreadable_rows_fail_in_jodas_words(feed, table, reason):
    assert feed(athena_failure, f"SELECT id, from_iso8601_date(day) FROM {table}") == reason
