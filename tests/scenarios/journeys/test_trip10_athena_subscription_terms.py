"""A subscriptions analyst works out renewal dates from a CSV of sign-ups with boto3's
Athena client: a plan's term is an `interval year to month` (a CASE of INTERVAL '1' YEAR
and INTERVAL '1' MONTH), which GetQueryResults types as such and prints as `1-0`; a
month added to the 31st lands on the month's last day; the billing dates of a term come
from sequence() with a month step; the time a trial ran is an `interval day to second`
printed `2 03:04:05.000`; the weeks are named by year_of_week and week, as ISO 8601
numbers them across a new year; a trial's checkpoints are a sequence of timestamps, and
a sequence of dates by hours, one stepping away from its stop, one of more than 10000
entries and one of a zero step fail with Trino's words; grace days are a sequence of the
dates a WITH query or a VALUES list gives."""
import pytest

from trip_helpers import athena_execution, athena_failure, athena_rows

SIGNUPS = """ann,annual,2024-01-31,2024-01-31 09:00:00,2024-02-02 12:04:05
ben,monthly,2024-12-30,2024-12-30 22:00:00,2024-12-31 23:59:59
"""


@pytest.fixture
def signups(client, bucket, database):
    client("s3").put_object(Bucket=bucket, Key="signups/signups.csv", Body=SIGNUPS.encode())
    athena, output = client("athena"), f"s3://{bucket}/results/"
    athena_rows(athena, f"""CREATE EXTERNAL TABLE signups (customer string, plan string, start_day date,
                                                           trial_start timestamp, trial_end timestamp)
                            ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
                            LOCATION 's3://{bucket}/signups/'""", database, output)
    return athena, output


def test_terms_are_year_to_month_intervals(signups, database):
    athena, output = signups
    execution = athena_execution(athena, """
        SELECT customer, CASE plan WHEN 'annual' THEN INTERVAL '1' YEAR ELSE INTERVAL '1' MONTH END AS term,
               INTERVAL '1' YEAR + INTERVAL '6' MONTH AS grace, trial_end - trial_start AS trial
        FROM signups ORDER BY customer""", database, output)
    result = athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])["ResultSet"]
    assert [[cell.get("VarCharValue") for cell in row["Data"]] for row in result["Rows"]] == [
        ["customer", "term", "grace", "trial"],
        ["ann", "1-0", "1-6", "2 03:04:05.000"],
        ["ben", "0-1", "1-6", "1 01:59:59.000"]]
    assert [(column["Name"], column["Type"]) for column in result["ResultSetMetadata"]["ColumnInfo"]] == [
        ("customer", "varchar"), ("term", "interval year to month"), ("grace", "interval year to month"),
        ("trial", "interval day to second")]


def test_renewals_land_on_month_ends(signups, database):
    athena, output = signups
    assert athena_rows(athena, """
        SELECT customer, date_add('month', 1, start_day), start_day + INTERVAL '1' MONTH,
               last_day_of_month(start_day), date_diff('day', start_day, last_day_of_month(start_day)),
               date_add('year', 1, start_day)
        FROM signups ORDER BY customer""", database, output) == [
        ["ann", "2024-02-29", "2024-02-29", "2024-01-31", "0", "2025-01-31"],
        ["ben", "2025-01-30", "2025-01-30", "2024-12-31", "1", "2025-12-30"]]


def test_billing_dates_of_a_term(signups, database):
    athena, output = signups
    assert athena_rows(athena, """
        SELECT customer, sequence(start_day, date_add('month', 3, start_day), INTERVAL '1' MONTH)
        FROM signups ORDER BY customer""", database, output) == [
        ["ann", "[2024-01-31, 2024-02-29, 2024-03-31, 2024-04-30]"],
        ["ben", "[2024-12-30, 2025-01-30, 2025-02-28, 2025-03-30]"]]


def test_iso_weeks_across_the_new_year(signups, database):
    athena, output = signups
    assert athena_rows(athena, """
        SELECT customer, year_of_week(start_day), week(start_day), day_of_week(start_day),
               format_datetime(trial_start, 'xxxx-''W''ww-e'), date_format(trial_start, '%x-W%v')
        FROM signups ORDER BY customer""", database, output) == [
        ["ann", "2024", "5", "3", "2024-W05-3", "2024-W05"],
        ["ben", "2025", "1", "1", "2025-W01-1", "2025-W01"]]


def test_trial_checkpoints_and_bad_steps(signups, database):
    athena, output = signups
    assert athena_rows(athena, """
        SELECT customer, sequence(trial_start, trial_end, INTERVAL '12' HOUR),
               sequence(trial_end, trial_start, INTERVAL '-1' DAY)
        FROM signups WHERE customer = 'ann'""", database, output) == [
        ["ann", "[2024-01-31 09:00:00.000, 2024-01-31 21:00:00.000, 2024-02-01 09:00:00.000, "
                "2024-02-01 21:00:00.000, 2024-02-02 09:00:00.000]",
         "[2024-02-02 12:04:05.000, 2024-02-01 12:04:05.000, 2024-01-31 12:04:05.000]"]]
    refused = {
        "SELECT sequence(start_day, date_add('day', 3, start_day), INTERVAL '12' HOUR) FROM signups":
            "INVALID_FUNCTION_ARGUMENT: sequence step must be a day interval if start and end values are dates",
        "SELECT sequence(start_day, DATE '2020-01-01', INTERVAL '1' MONTH) FROM signups":
            "INVALID_FUNCTION_ARGUMENT: sequence stop value should be greater than or equal to start value if step "
            "is greater than zero otherwise stop should be less than or equal to start",
        "SELECT sequence(trial_start, trial_end, INTERVAL '1' SECOND) FROM signups":
            "INVALID_FUNCTION_ARGUMENT: result of sequence function must not have more than 10000 entries",
        "SELECT sequence(trial_start, trial_end, INTERVAL '0' MINUTE) FROM signups":
            "INVALID_FUNCTION_ARGUMENT: step must not be zero",
    }
    assert {sql: athena_failure(athena, sql, database, output) for sql in refused} == refused


def test_grace_days_of_a_with_query(signups, database):
    athena, output = signups
    assert athena_rows(athena, """
        WITH starts AS (SELECT customer, start_day AS first_day FROM signups),
             promo(first_day) AS (VALUES DATE '2024-02-28')
        SELECT customer, sequence(first_day, first_day + INTERVAL '2' DAY) FROM starts
        UNION ALL SELECT 'promo', sequence(first_day, date_add('day', 2, first_day)) FROM promo
        ORDER BY 1""", database, output) == [
        ["ann", "[2024-01-31, 2024-02-01, 2024-02-02]"],
        ["ben", "[2024-12-30, 2024-12-31, 2025-01-01]"],
        ["promo", "[2024-02-28, 2024-02-29, 2024-03-01]"]]
