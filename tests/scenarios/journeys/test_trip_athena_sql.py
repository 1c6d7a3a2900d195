"""An analyst's everyday Athena SQL over a JSON-lines clickstream: json_extract_scalar,
date parsing and formatting, window functions, UNNEST of an array column, approx
percentiles, regexp, `$path` and quoted database.table names."""
import json
import time

import pytest


@pytest.fixture
def clicks(client, bucket, database):
    s3, glue = client("s3"), client("glue")
    rows = [{"user": "u1", "ts": "2024-03-01 10:00:00", "url": "https://shop.io/p/12?ref=mail", "tags": ["a", "b"],
             "payload": json.dumps({"device": {"os": "ios"}, "ms": 120})},
            {"user": "u1", "ts": "2024-03-01 10:05:00", "url": "https://shop.io/p/7", "tags": ["b"],
             "payload": json.dumps({"device": {"os": "ios"}, "ms": 80})},
            {"user": "u2", "ts": "2024-03-02 09:00:00", "url": "https://shop.io/cart", "tags": [],
             "payload": json.dumps({"device": {"os": "android"}, "ms": 300})}]
    s3.put_object(Bucket=bucket, Key="clicks/part-0.json", Body="\n".join(json.dumps(r) for r in rows).encode())
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "clicks", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "json"},
        "StorageDescriptor": {
            "Columns": [{"Name": "user", "Type": "string"}, {"Name": "ts", "Type": "string"},
                        {"Name": "url", "Type": "string"}, {"Name": "tags", "Type": "array<string>"},
                        {"Name": "payload", "Type": "string"}],
            "Location": f"s3://{bucket}/clicks/",
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}}})
    return "clicks"


def rows_of(client, sql, database, bucket):
    athena = client("athena")
    query_id = athena.start_query_execution(QueryString=sql, QueryExecutionContext={"Database": database},
                                            ResultConfiguration={"OutputLocation": f"s3://{bucket}/q/"})["QueryExecutionId"]
    for _ in range(600):
        status = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
        if status["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        time.sleep(0.05)
    assert status["State"] == "SUCCEEDED", status
    result = athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]["Rows"]
    return [[cell.get("VarCharValue") for cell in row["Data"]] for row in result[1:]]


def test_functions_analysts_use(client, bucket, database, clicks):
    q = lambda sql: rows_of(client, sql, database, bucket)      # noqa: E731
    assert q("SELECT user, json_extract_scalar(payload, '$.device.os') AS os, "
             "CAST(json_extract_scalar(payload, '$.ms') AS integer) AS ms FROM clicks ORDER BY ms") == [
        ["u1", "ios", "80"], ["u1", "ios", "120"], ["u2", "android", "300"]]
    assert q("SELECT date_format(date_parse(ts, '%Y-%m-%d %H:%i:%s'), '%Y/%m/%d %H:%i') AS t, "
             "day_of_week(date(date_parse(ts, '%Y-%m-%d %H:%i:%s'))) AS dow FROM clicks ORDER BY ts") == [
        ["2024/03/01 10:00", "5"], ["2024/03/01 10:05", "5"], ["2024/03/02 09:00", "6"]]
    assert q("SELECT user, url, row_number() OVER (PARTITION BY user ORDER BY ts DESC) AS rn, "
             "count(*) OVER (PARTITION BY user) AS n FROM clicks ORDER BY user, rn") == [
        ["u1", "https://shop.io/p/7", "1", "2"], ["u1", "https://shop.io/p/12?ref=mail", "2", "2"],
        ["u2", "https://shop.io/cart", "1", "1"]]
    assert q("SELECT tag, count(*) AS n FROM clicks CROSS JOIN UNNEST(tags) AS t(tag) GROUP BY tag ORDER BY tag") == [
        ["a", "1"], ["b", "2"]]
    assert q("SELECT regexp_extract(url, '/p/(\\d+)', 1) AS product, regexp_extract(url, 'ref=(\\w+)', 1) AS ref "
             "FROM clicks WHERE url LIKE '%/p/%' ORDER BY ts") == [["12", "mail"], ["7", None]]
    assert q("SELECT user, array_join(array_agg(cardinality(tags) ORDER BY ts), ',') AS sizes, "
             "max_by(url, ts) AS last_url FROM clicks GROUP BY user ORDER BY user") == [
        ["u1", "2,1", "https://shop.io/p/7"], ["u2", "0", "https://shop.io/cart"]]
    assert q("WITH t AS (SELECT CAST(json_extract_scalar(payload, '$.ms') AS double) AS ms FROM clicks) "
             "SELECT approx_percentile(ms, 0.5) AS p50, round(avg(ms), 2) AS mean FROM t") == [["120.0", "166.67"]]
    assert q(f'SELECT count(*) FROM "{database}"."clicks" WHERE "$path" LIKE \'%part-0.json\'') == [["3"]]
    assert q("SELECT try_cast('x' AS integer) AS bad, coalesce(NULL, 'd') AS c, "
             "from_unixtime(0) AS epoch, to_unixtime(TIMESTAMP '1970-01-02 00:00:00') AS day") == [
        [None, "d", "1970-01-01 00:00:00.000 UTC", "86400.0"]]

