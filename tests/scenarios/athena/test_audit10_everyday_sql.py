"""The SQL analysts write every day, answered as Athena (Trino) answers it: window
frames, grouping sets, aggregates with an order, date patterns, regular expressions and
conversions that fail softly. Values are Trino's text forms in GetQueryResults."""


def test_window_functions_with_frames(query):
    _, rows, columns = query(
        "SELECT x, sum(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS moving, "
        "avg(x) OVER (ORDER BY x RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running, "
        "lag(x, 1) OVER (ORDER BY x) AS previous, lead(x, 1, -1) OVER (ORDER BY x) AS next, "
        "first_value(x) OVER (ORDER BY x ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS after, "
        "row_number() OVER (ORDER BY x DESC) AS rn, rank() OVER (ORDER BY x / 2) AS rk, "
        "dense_rank() OVER (ORDER BY x / 2) AS dr, ntile(2) OVER (ORDER BY x) AS half, "
        "cume_dist() OVER (ORDER BY x) AS cd FROM (VALUES 1, 2, 3, 4) AS t(x) ORDER BY x")
    assert rows == [["x", "moving", "running", "previous", "next", "after", "rn", "rk", "dr", "half", "cd"],
                    ["1", "1", "1.0", None, "2", "2", "4", "1", "1", "1", "0.25"],
                    ["2", "3", "1.5", "1", "3", "3", "3", "2", "2", "1", "0.5"],
                    ["3", "5", "2.0", "2", "4", "4", "2", "2", "2", "2", "0.75"],
                    ["4", "7", "2.5", "3", "-1", None, "1", "4", "3", "2", "1.0"]]
    assert [c["Type"] for c in columns] == ["integer", "bigint", "double", "integer", "integer", "integer",
                                            "bigint", "bigint", "bigint", "bigint", "double"]


SALES = "(VALUES ('a', 'x', 1), ('a', 'y', 2), ('b', 'x', 3)) AS t(k, g, v)"


def test_rollup_cube_and_grouping_sets(query):
    _, rows, _ = query(f"SELECT k, g, sum(v) AS s FROM {SALES} GROUP BY ROLLUP (k, g) "
                       "ORDER BY k NULLS LAST, g NULLS LAST")
    assert rows[1:] == [["a", "x", "1"], ["a", "y", "2"], ["a", None, "3"], ["b", "x", "3"], ["b", None, "3"],
                        [None, None, "6"]]
    _, rows, _ = query(f"SELECT k, g, sum(v) AS s, grouping(k, g) AS level FROM {SALES} GROUP BY CUBE (k, g) "
                       "ORDER BY level, k, g")
    assert rows[1:] == [["a", "x", "1", "0"], ["a", "y", "2", "0"], ["b", "x", "3", "0"], ["a", None, "3", "1"],
                        ["b", None, "3", "1"], [None, "x", "4", "2"], [None, "y", "2", "2"], [None, None, "6", "3"]]
    _, rows, _ = query(f"SELECT k, g, count(*) AS n FROM {SALES} GROUP BY GROUPING SETS ((k), (g), ()) ORDER BY k, g")
    assert rows[1:] == [["a", None, "2"], ["b", None, "1"], [None, "x", "2"], [None, "y", "1"], [None, None, "3"]]


def test_aggregates_analysts_reach_for(query):
    _, rows, columns = query(
        "SELECT approx_percentile(x, 0.5) AS median, approx_percentile(x, ARRAY[0.1, 0.9]) AS tails, "
        "approx_distinct(x) AS distinct_values FROM UNNEST(sequence(1, 101)) AS t(x)")
    assert rows[1] == ["51", "[11, 91]", "101"]
    assert [c["Type"] for c in columns] == ["bigint", "array", "bigint"]
    _, rows, columns = query(
        "SELECT array_agg(v ORDER BY v DESC) AS desc_values, map_agg(k, v) AS last_by_key, max_by(k, v) AS top, "
        "min_by(k, v) AS bottom, count_if(v > 1) AS big, bool_and(v > 0) AS positive, histogram(k) AS counts "
        "FROM (VALUES ('a', 1), ('b', 2), ('c', 3)) AS t(k, v)")
    assert rows[1] == ["[3, 2, 1]", "{a=1, b=2, c=3}", "c", "a", "2", "true", "{a=1, b=1, c=1}"]
    assert [c["Type"] for c in columns] == ["array", "map", "varchar", "varchar", "bigint", "boolean", "map"]


def test_date_patterns_and_epochs(query):
    _, rows, columns = query(
        "SELECT date_format(TIMESTAMP '2024-03-05 14:07:09', '%Y-%m-%d %H:%i:%s') AS shown, "
        "date_parse('05/03/2024 14:07', '%d/%m/%Y %H:%i') AS parsed, from_unixtime(1700000000) AS instant, "
        "to_unixtime(TIMESTAMP '2024-01-01 00:00:00') AS epoch, date_trunc('month', DATE '2024-03-15') AS month, "
        "DATE '2024-01-31' + INTERVAL '1' MONTH AS next_month, date_add('day', 3, DATE '2024-01-01') AS later, "
        "date_diff('day', DATE '2024-01-01', DATE '2024-03-01') AS days, day_of_week(DATE '2024-03-04') AS dow")
    assert rows[1] == ["2024-03-05 14:07:09", "2024-03-05 14:07:00.000", "2023-11-14 22:13:20.000 UTC",
                       "1.7040672E9", "2024-03-01", "2024-02-29", "2024-01-04", "60", "1"]
    assert [c["Type"] for c in columns] == ["varchar", "timestamp", "timestamp with time zone", "double", "date",
                                            "date", "date", "bigint", "bigint"]


def test_text_functions(query):
    _, rows, _ = query(
        r"SELECT regexp_extract_all('a1b22c333', '\d+') AS numbers, regexp_extract('a1b22', '([a-z])(\d+)', 2) AS "
        r"first_number, regexp_extract('abc', '\d') AS none, split_part('a,b,c', ',', 2) AS second, "
        "split('a,b', ',') AS parts, regexp_replace('abc', 'b', 'X') AS replaced, regexp_like('abc', '^a') AS starts, "
        "lpad('7', 3, '0') AS padded, format('%s-%d', 'a', 5) AS formatted")
    assert rows[1] == ["[1, 22, 333]", "1", None, "b", "[a, b]", "aXc", "true", "007", "a-5"]


def test_conversions_that_fail_softly(query):
    _, rows, columns = query("SELECT try_cast('x' AS integer) AS bad, try_cast('12' AS integer) AS good, "
                             "try(1 / 0) AS tried, typeof(try_cast('1.5' AS decimal(4,2))) AS kind, 7 / 2 AS quotient, "
                             "CAST(1.10 AS decimal(10,2)) * 2 AS doubled, NULL AS nothing")
    assert rows[1] == [None, "12", None, "decimal(4,2)", "3", "2.20", None]
    assert [c["Type"] for c in columns] == ["integer", "integer", "integer", "varchar", "integer", "decimal",
                                            "unknown"]


def test_lambdas_and_recursive_with(query):
    _, rows, _ = query("SELECT transform(ARRAY[1, 2, 3], x -> x * 2) AS doubled, filter(ARRAY[1, 2, 3], x -> x > 1) "
                       "AS kept, reduce(ARRAY[1, 2, 3], 0, (s, x) -> s + x, s -> s) AS total")
    assert rows[1] == ["[2, 4, 6]", "[2, 3]", "6"]
    _, rows, _ = query("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) "
                       "SELECT sum(n) FROM t")
    assert rows == [["_col0"], ["6"]]
