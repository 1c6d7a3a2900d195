"""The Athena basics flow of AWS's Python examples, step by step: a workgroup with a
result location (checked with GetWorkGroup), CREATE DATABASE, a CTAS table from VALUES,
a SELECT read with GetQueryResults, a named query saved, listed, fetched and run, the
workgroup's executions listed, then everything dropped and deleted; and the "hello"
example's ListWorkGroups."""
import uuid

import pytest
from botocore.exceptions import ClientError

from athena_helpers import all_rows, wait

MOVIES = """SELECT * FROM (VALUES
    (1, 'The Shawshank Redemption', 1994, 9.3), (2, 'The Godfather', 1972, 9.2),
    (3, 'The Dark Knight', 2008, 9.0), (4, 'Pulp Fiction', 1994, 8.9),
    (5, 'Forrest Gump', 1994, 8.8), (6, 'Inception', 2010, 8.8)
) AS t(id, title, year, rating)"""
TOP_RATED = "SELECT title, year, rating FROM movies WHERE rating >= 9.0 ORDER BY rating DESC"


def _run(athena, sql, workgroup, database=None):
    args = {"QueryExecutionContext": {"Database": database}} if database else {}
    query_id = athena.start_query_execution(QueryString=sql, WorkGroup=workgroup, **args)["QueryExecutionId"]
    execution = wait(athena, query_id)
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    assert execution["Statistics"]["EngineExecutionTimeInMillis"] >= 0
    return query_id


def test_basics_flow(athena, bucket):
    suffix = uuid.uuid4().hex[:8]
    workgroup, database = f"athena-basics-wg-{suffix}", f"athena_basics_db_{suffix}"
    output = f"s3://{bucket}/athena-results/"
    athena.create_work_group(Name=workgroup, Description="Athena basics scenario workgroup",
                             Configuration={"ResultConfiguration": {"OutputLocation": output},
                                            "EnforceWorkGroupConfiguration": True,
                                            "PublishCloudWatchMetricsEnabled": True})
    named_query_id = None
    try:
        group = athena.get_work_group(WorkGroup=workgroup)["WorkGroup"]
        assert group["Name"] == workgroup
        assert group["State"] == "ENABLED"
        assert group["Configuration"]["ResultConfiguration"]["OutputLocation"] == output
        assert group["Configuration"]["EnforceWorkGroupConfiguration"] is True
        assert group["Configuration"]["PublishCloudWatchMetricsEnabled"] is True

        ran = [_run(athena, f"CREATE DATABASE IF NOT EXISTS {database}", workgroup)]
        ran.append(_run(athena, f"CREATE TABLE {database}.movies AS {MOVIES}", workgroup, database))
        select_id = _run(athena, f"SELECT title, year, rating FROM {database}.movies "
                                 "WHERE rating >= 9.0 ORDER BY rating DESC", workgroup, database)
        ran.append(select_id)
        pages = list(athena.get_paginator("get_query_results").paginate(QueryExecutionId=select_id))
        assert [c["Name"] for c in pages[0]["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]] == [
            "title", "year", "rating"]
        rows = [[d.get("VarCharValue", "") for d in row["Data"]] for page in pages for row in page["ResultSet"]["Rows"]]
        assert rows == [["title", "year", "rating"], ["The Shawshank Redemption", "1994", "9.3"],
                        ["The Godfather", "1972", "9.2"], ["The Dark Knight", "2008", "9.0"]]
        assert athena.get_query_execution(QueryExecutionId=select_id)["QueryExecution"][
            "ResultConfiguration"]["OutputLocation"] == f"{output}{select_id}.csv"

        named_query_id = athena.create_named_query(
            Name="top-rated-movies", Description="Returns movies with a rating of 9.0 or higher",
            Database=database, QueryString=TOP_RATED, WorkGroup=workgroup)["NamedQueryId"]
        assert athena.list_named_queries(WorkGroup=workgroup)["NamedQueryIds"] == [named_query_id]
        saved = athena.get_named_query(NamedQueryId=named_query_id)["NamedQuery"]
        assert saved["QueryString"] == TOP_RATED
        assert saved["Database"] == database
        again = _run(athena, saved["QueryString"], workgroup, saved["Database"])
        ran.append(again)
        assert all_rows(athena, again)[0] == rows

        listed = [qid for page in athena.get_paginator("list_query_executions").paginate(WorkGroup=workgroup)
                  for qid in page["QueryExecutionIds"]]
        assert set(listed) == set(ran)
    finally:
        if named_query_id:
            athena.delete_named_query(NamedQueryId=named_query_id)
        _run(athena, f"DROP TABLE IF EXISTS {database}.movies", workgroup)
        _run(athena, f"DROP DATABASE IF EXISTS {database} CASCADE", workgroup)
        athena.delete_work_group(WorkGroup=workgroup, RecursiveDeleteOption=True)
    with pytest.raises(ClientError) as caught:
        athena.get_work_group(WorkGroup=workgroup)
    assert caught.value.response["Error"]["Code"] == "InvalidRequestException"
    with pytest.raises(ClientError) as caught:
        athena.get_named_query(NamedQueryId=named_query_id)
    assert caught.value.response["Error"]["Code"] == "InvalidRequestException"


def test_hello_lists_work_groups(athena):
    names = [group["Name"] for group in athena.list_work_groups()["WorkGroups"]]
    assert "primary" in names


def test_a_failed_query_reports_its_reason(athena, bucket, database):
    query_id = athena.start_query_execution(
        QueryString="SELECT * FROM table_that_is_not_there", QueryExecutionContext={"Database": database},
        ResultConfiguration={"OutputLocation": f"s3://{bucket}/results/"})["QueryExecutionId"]
    status = wait(athena, query_id)["Status"]
    assert status["State"] == "FAILED"
    assert "table_that_is_not_there" in status["StateChangeReason"]
    assert "table_that_is_not_there" in status["AthenaError"]["ErrorMessage"]
    with pytest.raises(ClientError) as caught:
        athena.get_query_results(QueryExecutionId=query_id)
    assert caught.value.response["Error"]["Code"] == "InvalidRequestException"
