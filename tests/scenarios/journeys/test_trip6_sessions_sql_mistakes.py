"""An analyst explores app sessions kept as JSON lines (a nested device struct, an array
of events, the start time as ISO text): JSON functions over a raw payload column,
UNNEST of the events, window functions for each user's sessions (running totals, the
previous session, rank), times shown in the user's zone; and the mistakes made on the
way, answered with Athena's words: a text column compared with now() or current_date,
a JSON path without its `$`, a text given to date_format, an ISO text cast to a timestamp,
one with a space read by from_iso8601_timestamp, a struct field that does not exist,
a non-aggregated column, another dialect's nvl, Hive's backquotes and a misspelled
keyword (the last two refused before they run)."""
import json

import pytest
from botocore.exceptions import ClientError

from trip_helpers import athena_failure, athena_rows

SESSIONS = [
    {"user": "ana", "started": "2024-03-09T23:30:00Z", "device": {"os": "ios", "version": "17.2"},
     "events": [{"name": "open", "ms": 10}, {"name": "buy", "ms": 250}],
     "payload": '{"cart": {"items": [{"sku": "A1", "qty": 2}, {"sku": "B7", "qty": 1}]}, "coupon": null}'},
    {"user": "ana", "started": "2024-03-10T08:00:00Z", "device": {"os": "ios", "version": "17.3"},
     "events": [{"name": "open", "ms": 12}],
     "payload": '{"cart": {"items": []}, "coupon": "SPRING"}'},
    {"user": "ben", "started": "2024-03-10T12:15:00Z", "device": {"os": "android", "version": "14"},
     "events": [{"name": "open", "ms": 30}, {"name": "search", "ms": 90}, {"name": "buy", "ms": 400}],
     "payload": '{"cart": {"items": [{"sku": "C3", "qty": 5}]}, "coupon": null}'},
    {"user": "ana", "started": "2024-03-11T19:45:00Z", "device": {"os": "web", "version": "1"},
     "events": [{"name": "open", "ms": 8}, {"name": "buy", "ms": 120}],
     "payload": '{"cart": {"items": [{"sku": "A1", "qty": 1}]}, "coupon": "SPRING"}'},
]


@pytest.fixture
def sessions(client, bucket, database):
    body = "".join(json.dumps(s) + "\n" for s in SESSIONS).encode()
    client("s3").put_object(Bucket=bucket, Key="app/sessions/part-0.json", Body=body)
    athena_rows(client("athena"), f"""CREATE EXTERNAL TABLE sessions (
        `user` string, started string, device struct<os:string, version:string>,
        events array<struct<name:string, ms:int>>, payload string)
        ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://{bucket}/app/sessions/'""",
                database, f"s3://{bucket}/athena/")
    return "sessions"


def test_sessions_explored_and_mistakes_answered(client, bucket, database, sessions):
    athena, output = client("athena"), f"s3://{bucket}/athena/"

    def rows(sql):
        return athena_rows(athena, sql, database, output)

    assert rows("""SELECT "user", device.os, cardinality(events),
                          json_extract_scalar(payload, '$.cart.items[0].sku'),
                          json_array_length(json_extract(payload, '$.cart.items')),
                          coalesce(json_extract_scalar(payload, '$.coupon'), 'none')
                   FROM sessions ORDER BY started""") == [
        ["ana", "ios", "2", "A1", "2", "none"], ["ana", "ios", "1", None, "0", "SPRING"],
        ["ben", "android", "3", "C3", "1", "none"], ["ana", "web", "2", "A1", "1", "SPRING"]]

    assert rows("""SELECT item.sku, sum(item.qty) FROM sessions
                   CROSS JOIN UNNEST(CAST(json_extract(payload, '$.cart.items')
                                          AS ARRAY(ROW(sku varchar, qty integer)))) AS t(item)
                   GROUP BY item.sku ORDER BY item.sku""") == [["A1", "3"], ["B7", "1"], ["C3", "5"]]
    assert rows("""SELECT e.name, count(*), max(e.ms) FROM sessions CROSS JOIN UNNEST(events) AS t(e)
                   GROUP BY e.name ORDER BY count(*) DESC, e.name""") == [
        ["open", "4", "30"], ["buy", "3", "400"], ["search", "1", "90"]]

    assert rows("""SELECT "user", started, cardinality(events),
                          sum(cardinality(events)) OVER (PARTITION BY "user" ORDER BY started),
                          lag(device.os) OVER (PARTITION BY "user" ORDER BY started),
                          rank() OVER (ORDER BY cardinality(events) DESC)
                   FROM sessions ORDER BY "user", started""") == [
        ["ana", "2024-03-09T23:30:00Z", "2", "2", None, "2"],
        ["ana", "2024-03-10T08:00:00Z", "1", "3", "ios", "4"],
        ["ana", "2024-03-11T19:45:00Z", "2", "5", "ios", "2"],
        ["ben", "2024-03-10T12:15:00Z", "3", "3", None, "1"]]

    assert rows("""SELECT "user", from_iso8601_timestamp(started) AT TIME ZONE 'America/New_York',
                          date(from_iso8601_timestamp(started) AT TIME ZONE 'Asia/Tokyo'),
                          format_datetime(from_iso8601_timestamp(started), 'yyyy-MM-dd HH:mm')
                   FROM sessions WHERE "user" = 'ana' ORDER BY started""") == [
        ["ana", "2024-03-09 18:30:00.000 America/New_York", "2024-03-10", "2024-03-09 23:30"],
        ["ana", "2024-03-10 04:00:00.000 America/New_York", "2024-03-10", "2024-03-10 08:00"],
        ["ana", "2024-03-11 15:45:00.000 America/New_York", "2024-03-12", "2024-03-11 19:45"]]
    assert rows("""SELECT count(*) FROM sessions
                   WHERE from_iso8601_timestamp(started) >= from_iso8601_timestamp('2024-03-10T00:00:00Z')
                     AND from_iso8601_timestamp(started) < now()""") == [["3"]]

    assert athena_failure(athena, "SELECT count(*) FROM sessions WHERE started > now() - interval '7' day",
                   database, output) == \
        "TYPE_MISMATCH: line 1:45: Cannot apply operator: varchar < timestamp(3) with time zone"
    assert athena_failure(athena, "SELECT count(*) FROM sessions WHERE started >= current_date", database, output) == \
        "TYPE_MISMATCH: line 1:45: Cannot apply operator: varchar <= date"
    assert athena_failure(athena, "SELECT json_extract_scalar(payload, 'coupon') FROM sessions", database,
                          output) == "INVALID_FUNCTION_ARGUMENT: Invalid JSON path: 'coupon'"
    assert athena_failure(athena, "SELECT date_format(started, '%Y-%m') FROM sessions", database, output) == (
        "FUNCTION_NOT_FOUND: line 1:8: Unexpected parameters (varchar, varchar(5)) for function date_format. "
        "Expected: date_format(timestamp(p), varchar(x)) varchar, date_format(timestamp(p) with time zone, "
        "varchar(x)) varchar")
    assert athena_failure(athena, "SELECT max(CAST(started AS timestamp)) FROM sessions WHERE \"user\" = 'ben'",
                          database, output) == \
        "INVALID_CAST_ARGUMENT: Value cannot be cast to timestamp: 2024-03-10T12:15:00Z"
    assert athena_failure(athena, "SELECT from_iso8601_timestamp(replace(started, 'T', ' ')) FROM sessions",
                   database, output) == \
        'INVALID_FUNCTION_ARGUMENT: Invalid format: "2024-03-09 23:30:00Z" is malformed at " 23:30:00Z"'
    assert athena_failure(athena, "SELECT device.model FROM sessions", database, output) == (
        "COLUMN_NOT_FOUND: line 1:8: Column 'device.model' cannot be resolved or requester is not authorized to "
        "access requested resources")
    assert athena_failure(athena, 'SELECT "user", count(*) FROM sessions', database, output) == \
        "EXPRESSION_NOT_AGGREGATE: line 1:8: '\"user\"' must be an aggregate expression or appear in GROUP BY clause"
    assert athena_failure(athena, "SELECT nvl(json_extract_scalar(payload, '$.coupon'), 'none') FROM sessions",
                          database, output) == "FUNCTION_NOT_FOUND: line 1:8: Function 'nvl' not registered"
    with pytest.raises(ClientError) as backquoted:
        athena.start_query_execution(QueryString="SELECT `user` FROM sessions",
                                     QueryExecutionContext={"Database": database},
                                     ResultConfiguration={"OutputLocation": output})
    assert backquoted.value.response["Error"]["Message"] == \
        "line 1:8: backquoted identifiers are not supported; use double quotes to quote identifiers"
    with pytest.raises(ClientError) as refused:
        athena.start_query_execution(QueryString='SELECT "user" FROM sessions ORDER "user"',
                                     QueryExecutionContext={"Database": database},
                                     ResultConfiguration={"OutputLocation": output})
    assert refused.value.response["Error"]["Code"] == "InvalidRequestException"
    assert refused.value.response["Error"]["Message"].startswith("line 1:35: mismatched input '\"user\"'. ")
