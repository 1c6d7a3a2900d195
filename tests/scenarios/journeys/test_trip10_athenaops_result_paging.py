"""A reporting service reads big Athena results page by page. Its pyathena cursor streams
2,500 rows with fetchmany under an arraysize of 300 (each GetQueryResults page at most
that many rows) and types its columns from cursor.description; its own low-level reader
calls GetQueryResults by hand: the header row comes on the first page only, a page that
is full always names a next one (which may be empty), the page size is 1 to 1000, a
token it never got is "Malformed nextPageToken <token>", a SHOW's first row is data, and
a query that failed has no results to read (INVALID_QUERY_EXECUTION_STATE). Facts: the
GetQueryResults API reference and replies recorded from Athena (a public measurement
log of GetQueryResults paging)."""
import pytest
from pyathena.error import ProgrammingError

from athenaops_helpers import athena_refusal as refusal, ended
from trip_helpers import athena_execution, pyathena_connect

REPORT = ("SELECT n, CAST(n AS varchar) AS label, n * 1.5e0 AS weight, CAST(n AS decimal(10,2)) AS price, "
          "n % 2 = 0 AS even, DATE '2024-01-01' + n * INTERVAL '1' DAY AS day, "
          "TIMESTAMP '2024-01-01 00:00:00' AS at FROM unnest(sequence(1, 2500)) AS t(n) ORDER BY n")


def values(page) -> list:
    return [[cell.get("VarCharValue") for cell in row["Data"]] for row in page["ResultSet"]["Rows"]]


def test_pyathena_streams_a_big_result_in_pages(lakebox_server, bucket, database):
    cursor = pyathena_connect(lakebox_server, bucket, database).cursor()
    assert cursor.arraysize == 1000
    cursor.execute(REPORT)
    assert cursor.description == [
        ("n", "bigint", None, None, 19, 0, "UNKNOWN"), ("label", "varchar", None, None, 2147483647, 0, "UNKNOWN"),
        ("weight", "double", None, None, 17, 0, "UNKNOWN"), ("price", "decimal", None, None, 10, 2, "UNKNOWN"),
        ("even", "boolean", None, None, 0, 0, "UNKNOWN"), ("day", "date", None, None, 0, 0, "UNKNOWN"),
        ("at", "timestamp", None, None, 3, 0, "UNKNOWN")]
    cursor.arraysize = 300
    batches = []
    while batch := cursor.fetchmany(250):
        batches.append(batch)
    assert [len(batch) for batch in batches] == [250] * 10
    rows = [row for batch in batches for row in batch]
    assert [row[0] for row in rows] == list(range(1, 2501))
    first = rows[0]
    assert (first[1], first[2], str(first[3]), first[4], str(first[5]), str(first[6])) == (
        "1", 1.5, "1.00", False, "2024-01-02", "2024-01-01 00:00:00")
    assert (rows[-1][1], str(rows[-1][5])) == ("2500", "2030-11-05")
    with pytest.raises(ProgrammingError):
        cursor.arraysize = 1001          # pyathena keeps within GetQueryResults' page size


def test_a_hand_written_reader_pages_get_query_results(client, bucket, database):
    athena, s3 = client("athena"), client("s3")
    output = f"s3://{bucket}/reports/"
    query_id = athena_execution(athena, "SELECT n, n * n AS square FROM unnest(sequence(1, 5)) AS t(n) ORDER BY n",
                                database, output)["QueryExecutionId"]

    first = athena.get_query_results(QueryExecutionId=query_id, MaxResults=3)
    assert values(first) == [["n", "square"], ["1", "1"], ["2", "4"]]        # the header counts as a row
    assert [c["Name"] for c in first["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]] == ["n", "square"]
    second = athena.get_query_results(QueryExecutionId=query_id, MaxResults=3, NextToken=first["NextToken"])
    assert values(second) == [["3", "9"], ["4", "16"], ["5", "25"]]           # no header again
    last = athena.get_query_results(QueryExecutionId=query_id, MaxResults=3, NextToken=second["NextToken"])
    assert (values(last), "NextToken" in last) == ([], False)                 # the full page named an empty one
    assert [c["Name"] for c in last["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]] == ["n", "square"]
    whole = athena.get_query_results(QueryExecutionId=query_id)
    assert (len(values(whole)), "NextToken" in whole, whole["UpdateCount"]) == (6, False, 0)

    paged = [values(page) for page in athena.get_paginator("get_query_results").paginate(
        QueryExecutionId=query_id, PaginationConfig={"PageSize": 2})]
    assert [row for page in paged for row in page] == values(whole)

    assert refusal(athena.get_query_results, QueryExecutionId=query_id, NextToken="not-a-token") == (
        "InvalidRequestException", "INVALID_INPUT", "Malformed nextPageToken not-a-token")

    # A SHOW answers rows of data only, from a text file.
    tables = athena_execution(athena, "SHOW TABLES", database, output)
    assert (tables["StatementType"], tables["SubstatementType"]) == ("UTILITY", "SHOW_TABLES")
    assert values(athena.get_query_results(QueryExecutionId=tables["QueryExecutionId"])) == []
    athena_execution(athena, "CREATE EXTERNAL TABLE scores (n int) LOCATION 's3://" + bucket + "/scores/'",
                     database, output)
    athena_execution(athena, "CREATE EXTERNAL TABLE ranks (n int) LOCATION 's3://" + bucket + "/ranks/'",
                     database, output)
    shown = athena_execution(athena, "SHOW TABLES", database, output)
    one = athena.get_query_results(QueryExecutionId=shown["QueryExecutionId"], MaxResults=1)
    assert values(one) == [["ranks"]]
    assert values(athena.get_query_results(QueryExecutionId=shown["QueryExecutionId"], MaxResults=1,
                                           NextToken=one["NextToken"])) == [["scores"]]
    body = s3.get_object(Bucket=bucket, Key=f"reports/{shown['QueryExecutionId']}.txt")["Body"].read()
    assert body == b"ranks\nscores"          # no newline after the last row

    # A failed query has nothing to page.
    failed_id = athena.start_query_execution(QueryString="SELECT * FROM no_such_report",
                                             QueryExecutionContext={"Database": database},
                                             ResultConfiguration={"OutputLocation": output})["QueryExecutionId"]
    assert ended(athena, failed_id)["Status"]["State"] == "FAILED"
    assert refusal(athena.get_query_results, QueryExecutionId=failed_id) == (
        "InvalidRequestException", "INVALID_QUERY_EXECUTION_STATE",
        "Query did not finish successfully. Final query state: FAILED")
    assert refusal(athena.get_query_results, QueryExecutionId=failed_id, NextToken="not-a-token") == (
        "InvalidRequestException", "INVALID_QUERY_EXECUTION_STATE",
        "Query did not finish successfully. Final query state: FAILED")
