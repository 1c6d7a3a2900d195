"""A site-reliability engineer mines raw application log lines, kept one line per record
in a text table, with Athena's regexp and lambda functions through pyathena: fields cut
out with regexp_extract and regexp_extract_all, levels filtered with regexp_like, query
strings split into maps with split_to_map, latencies summed and averaged with reduce
(a ROW state and an output function), kept or dropped with filter and any_match,
paired with zip_with, tidied with transform and a Java-style regexp_replace replacement
and a lambda replacement, ordered with array_sort's comparator, and map values scaled with
transform_values."""
import pytest

from trip_helpers import pyathena_connect

LOG = """2024-05-17T10:00:01Z INFO GET /api/items?page=2&size=50 latencies=12,30,7 user=ann
2024-05-17T10:00:02Z ERROR POST /api/cart?id=9 latencies=250,900 user=ben
2024-05-17T10:00:05Z WARN GET /health latencies=1 user=-
2024-05-17T10:00:09Z INFO GET /api/items?page=3&size=50 latencies=15,45,22,18 user=ann
"""


@pytest.fixture
def log_cursor(lakebox_server, client, bucket, database):
    client("s3").put_object(Bucket=bucket, Key="applog/app.log", Body=LOG.encode())
    cursor = pyathena_connect(lakebox_server, bucket, database).cursor()
    cursor.execute(f"CREATE EXTERNAL TABLE applog (line string) LOCATION 's3://{bucket}/applog/'")
    return cursor


def test_fields_out_of_log_lines(log_cursor):
    log_cursor.execute("""
        SELECT regexp_extract(line, '^(\\S+) (\\w+)', 2) AS level,
               regexp_extract(line, ' (/[^ ?]*)', 1) AS path,
               split_to_map(regexp_extract(line, '\\?(\\S+)', 1), '&', '=') AS params,
               transform(regexp_extract_all(regexp_extract(line, 'latencies=(\\S+)', 1), '\\d+'),
                         s -> CAST(s AS integer)) AS latencies
        FROM applog WHERE regexp_like(line, ' (ERROR|WARN) ') OR line LIKE '%page=3%'
        ORDER BY 1, 2""")
    assert log_cursor.fetchall() == [
        ("ERROR", "/api/cart", {"id": "9"}, [250, 900]),
        ("INFO", "/api/items", {"page": "3", "size": "50"}, [15, 45, 22, 18]),
        ("WARN", "/health", None, [1])]


def test_latencies_with_lambdas(log_cursor):
    per_request = """
        WITH requests AS (
            SELECT regexp_extract(line, 'user=(\\S+)', 1) AS user_name, regexp_extract(line, '^(\\S+)', 1) AS at,
                   transform(split(regexp_extract(line, 'latencies=(\\S+)', 1), ','), s -> CAST(s AS integer)) AS ms
            FROM applog)"""
    log_cursor.execute(per_request + """
        SELECT at, reduce(ms, 0, (total, x) -> total + x, total -> total) AS total_ms,
               reduce(ms, CAST(ROW(0, 0) AS ROW(total INTEGER, n INTEGER)),
                      (state, x) -> CAST(ROW(state.total + x, state.n + 1) AS ROW(total INTEGER, n INTEGER)),
                      state -> CAST(state.total AS double) / state.n) AS mean_ms,
               filter(ms, x -> x >= 20) AS slow, any_match(ms, x -> x > 500) AS has_outlier,
               array_sort(ms, (a, b) -> IF(a > b, -1, IF(a = b, 0, 1))) AS slowest_first
        FROM requests ORDER BY at""")
    assert log_cursor.fetchall() == [
        ("2024-05-17T10:00:01Z", 49, 49 / 3, [30], False, [30, 12, 7]),
        ("2024-05-17T10:00:02Z", 1150, 575.0, [250, 900], True, [900, 250]),
        ("2024-05-17T10:00:05Z", 1, 1.0, [], False, [1]),
        ("2024-05-17T10:00:09Z", 100, 25.0, [45, 22], False, [45, 22, 18, 15])]

    log_cursor.execute(per_request + """
        SELECT zip_with(ms, sequence(1, cardinality(ms)), (x, i) -> format('%d:%d', i, x)) AS numbered,
               regexp_replace(at, '(\\d+)-(\\d+)-(\\d+)T', '$3.$2.$1 ') AS european,
               regexp_replace(user_name, '(\\w)(\\w*)', g -> upper(g[1]) || g[2]) AS display_name
        FROM requests WHERE user_name <> '-' ORDER BY at LIMIT 2""")
    assert log_cursor.fetchall() == [
        (["1:12", "2:30", "3:7"], "17.05.2024 10:00:01Z", "Ann"),
        (["1:250", "2:900"], "17.05.2024 10:00:02Z", "Ben")]

    log_cursor.execute(per_request + """
        SELECT user_name, transform_values(map_agg(at, cardinality(ms)), (k, v) -> v * 10) AS weighted
        FROM requests WHERE user_name = 'ann' GROUP BY user_name""")
    assert log_cursor.fetchall() == [("ann", {"2024-05-17T10:00:01Z": "30", "2024-05-17T10:00:09Z": "40"})]
