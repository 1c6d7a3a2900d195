"""A growth analyst sessionises page views with awswrangler: views land as a Parquet
dataset; read_sql_query (the default CTAS approach, then the plain CSV one) computes,
per user, the gap to the previous view with lag and date_diff, a rolling one-hour view
count with a RANGE frame of INTERVAL '1' HOUR (refused while it is ordered by two
columns), the local day in New York with AT TIME ZONE and date_trunc, ISO-8601 texts
parsed with from_iso8601_timestamp; the query is parameterised client side (wrangler's
named params) and server side (qmark, ExecutionParameters); a long result is read in
chunks; a recursive query started with wr.athena.start_query_execution is waited for
with wait_query, and one that would recurse deeper than Athena's limit of 10 fails."""
import datetime

import pandas as pd
import pytest

VIEWS = pd.DataFrame({
    "user_id": ["a", "a", "a", "a", "b", "b"],
    "viewed_at": pd.to_datetime(["2024-03-10 03:50:00", "2024-03-10 04:20:00", "2024-03-10 04:55:00",
                                 "2024-03-10 07:00:00", "2024-03-10 23:30:00", "2024-03-11 00:10:00"]),
    "page": ["/", "/pricing", "/signup", "/", "/", "/docs"],
})

SESSIONS = """
SELECT user_id, page,
       date_diff('minute', lag(viewed_at) OVER (PARTITION BY user_id ORDER BY viewed_at), viewed_at) AS gap_minutes,
       count(*) OVER (PARTITION BY user_id ORDER BY viewed_at
                      RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS views_last_hour,
       CAST(date_trunc('day', viewed_at AT TIME ZONE 'America/New_York') AS date) AS local_day
FROM views WHERE viewed_at >= :since
ORDER BY user_id, viewed_at"""


def test_sessions_with_frames_and_zones(wr, session, bucket, database):
    opts = {"boto3_session": session, "database": database, "s3_output": f"s3://{bucket}/athena/"}
    wr.s3.to_parquet(VIEWS, f"s3://{bucket}/views/", dataset=True, database=database, table="views",
                     boto3_session=session)

    frame = wr.athena.read_sql_query(SESSIONS, params={"since": datetime.datetime(2024, 3, 10)}, **opts)
    assert frame["page"].tolist() == ["/", "/pricing", "/signup", "/", "/", "/docs"]
    assert frame["gap_minutes"].tolist()[1:4] == [30, 35, 125] and frame["gap_minutes"].isna().tolist() == [
        True, False, False, False, True, False]
    assert frame["views_last_hour"].tolist() == [1, 2, 2, 1, 1, 2]     # 03:50 is more than an hour before 04:55
    # 04:55 UTC is 23:55 on the 9th in New York (EST); 07:00 UTC is 03:00 EDT on the 10th
    assert frame["local_day"].tolist() == [datetime.date(2024, 3, 9), datetime.date(2024, 3, 9),
                                           datetime.date(2024, 3, 9), datetime.date(2024, 3, 10),
                                           datetime.date(2024, 3, 10), datetime.date(2024, 3, 10)]

    # the analyst's first try ordered the frame by two columns: a RANGE offset takes one
    with pytest.raises(wr.exceptions.QueryFailed) as failed:
        wr.athena.read_sql_query("SELECT count(*) OVER (ORDER BY viewed_at, page RANGE BETWEEN INTERVAL '1' HOUR "
                                 "PRECEDING AND CURRENT ROW) AS n FROM views", ctas_approach=False, **opts)
    assert str(failed.value) == ("INVALID_ORDER_BY: line 1:23: Window frame of type RANGE PRECEDING or FOLLOWING "
                                 "requires single sort item in ORDER BY (actual: 2)")

    plain = wr.athena.read_sql_query(SESSIONS, params={"since": datetime.datetime(2024, 3, 10, 6)},
                                     ctas_approach=False, **opts)
    assert plain["user_id"].tolist() == ["a", "b", "b"] and plain["views_last_hour"].tolist() == [1, 1, 2]

    iso = wr.athena.read_sql_query(
        "SELECT to_iso8601(from_iso8601_timestamp(?) AT TIME ZONE 'Asia/Kolkata') AS local, "
        "date_diff('second', from_iso8601_timestamp(?), from_iso8601_timestamp(?)) AS seconds",
        params=["'2024-03-10T04:20:00Z'", "'2024-03-10T04:20:00Z'", "'2024-03-10T05:21:30Z'"],
        paramstyle="qmark", ctas_approach=False, **opts)
    assert iso.to_dict("records") == [{"local": "2024-03-10T09:50:00.000+05:30", "seconds": 3690}]


def test_chunks_and_started_queries(wr, session, bucket, database):
    opts = {"boto3_session": session, "database": database, "s3_output": f"s3://{bucket}/athena/"}
    chunks = list(wr.athena.read_sql_query(
        "SELECT n, n * n AS square FROM UNNEST(sequence(1, 2500)) AS t(n) ORDER BY n", ctas_approach=False,
        chunksize=1000, **opts))
    assert [len(chunk) for chunk in chunks] == [1000, 1000, 500]
    assert chunks[2]["square"].tolist()[-1] == 6250000

    # Athena's recursion stops at depth 10: the anchor and ten steps, the eleventh adding no rows
    query_id = wr.athena.start_query_execution(
        "WITH RECURSIVE fib(i, a, b) AS (SELECT 1, BIGINT '0', BIGINT '1' UNION ALL "
        "SELECT i + 1, b, a + b FROM fib WHERE i < 11) SELECT max(a) AS fib10, count(*) AS n FROM fib", **opts)
    execution = wr.athena.wait_query(query_id, boto3_session=session)
    assert (execution["Status"]["State"], execution["StatementType"]) == ("SUCCEEDED", "DML")
    result = wr.athena.get_query_results(query_id, boto3_session=session)
    assert result.to_dict("records") == [{"fib10": 55, "n": 11}]

    deeper = wr.athena.start_query_execution(
        "WITH RECURSIVE fib(i, a, b) AS (SELECT 1, BIGINT '0', BIGINT '1' UNION ALL "
        "SELECT i + 1, b, a + b FROM fib WHERE i < 50) SELECT max(a) AS fib49 FROM fib", **opts)
    with pytest.raises(wr.exceptions.QueryFailed) as failed:
        wr.athena.wait_query(deeper, boto3_session=session)
    assert str(failed.value) == ("NOT_SUPPORTED: Recursion depth limit exceeded (10). Use 'max_recursion_depth' "
                                 "session property to modify the limit.")
