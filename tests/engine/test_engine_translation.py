"""Athena (Trino) SQL run by lakebox's engine: input SQL, expected rows as Trino gives
them. Each line is a construct users write every day."""
import datetime

import pytest

from lakebox.engine import dialect, new_engine

CASES = [
    ("window functions",
     "SELECT x, row_number() OVER (ORDER BY x DESC) AS r, sum(x) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED "
     "PRECEDING AND CURRENT ROW) AS running FROM (VALUES 1, 2, 3) AS t(x) ORDER BY x",
     [(1, 3, 1), (2, 2, 3), (3, 1, 6)]),
    ("rollup",
     "SELECT a, b, count(*) AS n FROM (VALUES ('x', 1), ('x', 2), ('y', 1)) AS t(a, b) GROUP BY ROLLUP (a, b) "
     "ORDER BY a NULLS LAST, b NULLS LAST",
     [("x", 1, 1), ("x", 2, 1), ("x", None, 2), ("y", 1, 1), ("y", None, 1), (None, None, 3)]),
    ("grouping sets",
     "SELECT a, count(*) AS n FROM (VALUES ('x', 1), ('y', 1)) AS t(a, b) GROUP BY GROUPING SETS ((a), ()) "
     "ORDER BY a NULLS LAST", [("x", 1), ("y", 1), (None, 2)]),
    ("unnest with ordinality", "SELECT v, i FROM UNNEST(ARRAY['a', 'b']) WITH ORDINALITY AS t(v, i)",
     [("a", 1), ("b", 2)]),
    ("lambdas", "SELECT transform(ARRAY[1, 2], x -> x * 10), filter(ARRAY[1, 2, 3], x -> x > 1)",
     [([10, 20], [2, 3])]),
    ("date_parse and date_trunc",
     "SELECT date_parse('2024-03-05 10:11:12', '%Y-%m-%d %H:%i:%s'), date_trunc('month', DATE '2024-03-05')",
     [(datetime.datetime(2024, 3, 5, 10, 11, 12), datetime.date(2024, 3, 1))]),
    ("json", "SELECT json_extract_scalar('{\"a\": {\"b\": 7}}', '$.a.b'), json_format(json_parse('[1,2]'))",
     [("7", "[1,2]")]),
    ("regexp", "SELECT regexp_extract('abc123', '[0-9]+'), regexp_like('abc', '^a'), regexp_replace('a-b', '-', '+')",
     [("123", True, "a+b")]),
    ("approximate aggregates", "SELECT approx_distinct(x), approx_percentile(x, 0.5) FROM (VALUES 1, 2, 3) AS t(x)",
     [(3, 2)]),
    ("try and try_cast", "SELECT try(CAST('x' AS integer)), try_cast('1' AS integer)", [(None, 1)]),
    ("try of what Trino fails", "SELECT try(CAST('1.5' AS bigint)), try(ARRAY[1, 2][5])", [(None, None)]),
    ("maps and rows",
     "SELECT element_at(MAP(ARRAY['a'], ARRAY[1]), 'a'), CAST(ROW(1, 'x') AS ROW(n integer, s varchar)).s, "
     "cardinality(ARRAY[1, 2])", [(1, "x", 2)]),
    ("date arithmetic",
     "SELECT DATE '2024-01-31' + INTERVAL '1' DAY, date_diff('day', DATE '2024-01-01', DATE '2024-01-31')",
     [(datetime.date(2024, 2, 1), 30)]),
    ("strings",
     "SELECT split('a,b', ','), array_join(ARRAY['a', 'b'], '-'), concat('a', 'b'), substr('abcdef', 2, 3), "
     "strpos('abc', 'c')", [(["a", "b"], "a-b", "ab", "bcd", 3)]),
    ("aggregates", "SELECT arbitrary(x) IS NOT NULL, array_agg(x ORDER BY x), max_by(x, y), count_if(x > 1) "
     "FROM (VALUES (1, 'b'), (2, 'a')) AS t(x, y)", [(True, [1, 2], 1, 1)]),
    ("integer arithmetic", "SELECT 7 / 2, -7 / 2, 10 % 3", [(3, -3, 1)]),
]


@pytest.mark.parametrize("name,sql,expected", CASES, ids=[case[0] for case in CASES])
def test_translation(name, sql, expected):
    query = new_engine().prepare(dialect.parse(sql), [], "default")
    query.bind()
    assert query.rows() == expected
