"""A dashboard tool runs a team's saved queries on a schedule and, as Redash and dbt do,
puts a comment before every statement saying who asked (`/* Username: ..., Query ID: ... */`).
The Trino statements run as written (a SELECT, a WITH query, a CTAS); Athena's Hive DDL
(MSCK REPAIR TABLE, DESCRIBE, CREATE EXTERNAL TABLE) fails at the block comment with
Hive's ParseException, and runs once the tool writes its note as a `--` line comment,
as dbt-athena does. The repaired table's partitions (an int year, a date day) are then
found through GetPartitions with Expression filters, and a typo after the comment is
refused at the line and column where it is."""
import pytest
from botocore.exceptions import ClientError

from trip_helpers import athena_execution, athena_failure, athena_rows, error_of

HEADER = "/* Username: ops@example.com, Query ID: 42, Queue: scheduled */\n"
LINE = "-- Username: ops@example.com, Query ID: 42, Queue: scheduled\n"
VISITS = {("2023", "2023-12-31"): b"1,home\n2,cart\n", ("2024", "2024-01-01"): b"3,home\n",
          ("2024", "2024-01-15"): b"4,search\n5,home\n6,buy\n"}


@pytest.fixture
def visits_files(client, bucket):
    s3 = client("s3")
    for (year, day), body in VISITS.items():
        s3.put_object(Bucket=bucket, Key=f"web/visits/year={year}/day={day}/part-0.csv", Body=body)


def test_commented_statements(client, bucket, database, visits_files):
    athena, glue, output = client("athena"), client("glue"), f"s3://{bucket}/athena/"
    create = (f"CREATE EXTERNAL TABLE visits (id int, page string) PARTITIONED BY (year int, day date) "
              f"ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/web/visits/'")

    assert athena_failure(athena, HEADER + create, database, output) == \
        "FAILED: ParseException line 1:0 cannot recognize input near '/' '*' 'Username'"
    assert [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]] == []
    athena_rows(athena, LINE + create, database, output)

    assert athena_failure(athena, HEADER + "MSCK REPAIR TABLE visits", database, output) == \
        "FAILED: ParseException line 1:0 cannot recognize input near '/' '*' 'Username'"
    assert glue.get_partitions(DatabaseName=database, TableName="visits")["Partitions"] == []
    assert athena_failure(athena, "-- nightly\n  /* {\"app\": \"dbt\"} */ DESCRIBE visits", database, output) == \
        "FAILED: ParseException line 2:2 cannot recognize input near '/' '*' '{'"
    athena_rows(athena, LINE + "MSCK REPAIR TABLE visits", database, output)

    def found(expression):
        parts = glue.get_partitions(DatabaseName=database, TableName="visits", Expression=expression)["Partitions"]
        return sorted(p["Values"] for p in parts)
    assert found("year = 2024") == [["2024", "2024-01-01"], ["2024", "2024-01-15"]]
    assert found("year < 2024 OR day >= '2024-01-10'") == [["2023", "2023-12-31"], ["2024", "2024-01-15"]]
    assert found("day BETWEEN '2024-01-01' AND '2024-01-14'") == [["2024", "2024-01-01"]]
    assert found("year IN (2022, 2023) AND day <> '2023-12-30'") == [["2023", "2023-12-31"]]
    assert error_of(glue.get_partitions, DatabaseName=database, TableName="visits",
                    Expression="year > 'last'") == ("InvalidInputException", "'last' is not a number")

    assert athena_rows(athena, HEADER + "SELECT year, count(*) FROM visits GROUP BY year ORDER BY year",
                       database, output) == [["2023", "2"], ["2024", "4"]]
    assert athena_rows(athena, HEADER + "WITH busy AS (SELECT day, count(*) AS n FROM visits GROUP BY day) "
                                        "SELECT CAST(day AS varchar), n FROM busy WHERE n > 1 ORDER BY day",
                       database, output) == [["2023-12-31", "2"], ["2024-01-15", "3"]]
    execution = athena_execution(athena, HEADER + f"CREATE TABLE pages WITH (format = 'PARQUET', external_location "
                                                  f"= 's3://{bucket}/web/pages/') AS SELECT page, count(*) AS hits "
                                                  f"FROM visits GROUP BY page", database, output)
    assert execution["StatementType"] == "DDL"
    assert athena_rows(athena, "SELECT page, hits FROM pages ORDER BY hits DESC, page", database, output) == [
        ["home", "3"], ["buy", "1"], ["cart", "1"], ["search", "1"]]

    with pytest.raises(ClientError) as refused:
        athena.start_query_execution(QueryString=HEADER + "SELEC page FROM visits",
                                     QueryExecutionContext={"Database": database},
                                     ResultConfiguration={"OutputLocation": output})
    assert refused.value.response["Error"]["Code"] == "InvalidRequestException"
    assert refused.value.response["Error"]["Message"].startswith("line 2:1: mismatched input 'SELEC'. Expecting: ")
