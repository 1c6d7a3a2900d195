"""Where Trino fails a query, Athena fails it with Trino's error name and words; where
Trino answers (a double divided by zero, a correlation of one row), Athena answers the
same. Never a different value."""
import pytest

FAILURES = [
    ("SELECT CAST('1.5' AS integer)", "INVALID_CAST_ARGUMENT: Cannot cast '1.5' to INT"),
    ("SELECT CAST(s AS bigint) FROM (VALUES '7', '2.0') AS t(s)", "INVALID_CAST_ARGUMENT: Cannot cast '2.0' to BIGINT"),
    ("SELECT ARRAY[1, 2, 3][5]",
     "INVALID_FUNCTION_ARGUMENT: Array subscript must be less than or equal to array length: 5 > 3"),
    ("SELECT 1 / 0", "DIVISION_BY_ZERO: Division by zero"),
    ("SELECT 8 + 'x'", "TYPE_MISMATCH: line 1:10: Cannot apply operator: integer + varchar(1)"),
    ("SELECT MAP(ARRAY['k'], ARRAY[1])['x']", "INVALID_FUNCTION_ARGUMENT: Key not present in map: x"),
    ("SELECT 'a' || 1", "FUNCTION_NOT_FOUND: line 1:12: Unexpected parameters (varchar(1), integer) for function "
                        "concat. Expected: concat(E, array(E)) E, concat(array(E)) E, concat(array(E), E) E, "
                        "concat(char(x), char(y)), concat(varbinary), concat(varchar)"),
    ("SELECT avg(DATE '2024-01-01')", "FUNCTION_NOT_FOUND: line 1:8: Unexpected parameters (date) for function avg. "
                                      "Expected: avg(bigint) double, avg(decimal(p,s)) decimal(p,s), avg(double) "
                                      "double, avg(interval day to second) interval day to second, avg(interval year "
                                      "to month) interval year to month, avg(real) real"),
]


@pytest.mark.parametrize("sql, reason", FAILURES)
def test_trinos_failures(query, sql, reason):
    execution, _, _ = query(sql, expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == reason
    assert execution["Status"]["AthenaError"]["ErrorCategory"] == 2


def _refused(query, sql):
    """The StateChangeReason of a query that fails."""
    return query(sql, expect="FAILED")[0]["Status"]["StateChangeReason"]


def test_arithmetic_of_a_number_and_a_text(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="counts/part-0.csv", Body=b"1,a\n")
    query("CREATE EXTERNAL TABLE counts (n bigint, s string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
          f"LOCATION 's3://{bucket}/counts/'")
    assert _refused(query, "SELECT n - 'x' FROM counts") == \
        "TYPE_MISMATCH: line 1:10: Cannot apply operator: bigint - varchar(1)"
    assert _refused(query, "SELECT s FROM counts WHERE n = '1'") == \
        "TYPE_MISMATCH: line 1:30: Cannot apply operator: bigint = varchar(1)"
    assert _refused(query, "SELECT n FROM counts WHERE s = 1") == \
        "TYPE_MISMATCH: line 1:30: Cannot apply operator: varchar = integer"


def test_avg_of_a_date_column(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="days/part-0.csv", Body=b"2024-01-01\n")
    query("CREATE EXTERNAL TABLE days (d date) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
          f"LOCATION 's3://{bucket}/days/'")
    execution, _, _ = query("SELECT avg(d) FROM days", expect="FAILED")
    assert execution["Status"]["StateChangeReason"].startswith(
        "FUNCTION_NOT_FOUND: line 1:8: Unexpected parameters (date) for function avg. Expected: avg(bigint) double")


def test_a_date_or_timestamp_compared_with_a_text(query, s3, bucket):
    """Trino compares a date with a date: `dt = '2024-01-01'` is refused, `dt = DATE
    '2024-01-01'` answers; a string partition column takes a text as ever, and prunes."""
    second_day = b"2024-01-02,2024-01-02 11:00:00,b\n"
    s3.put_object(Bucket=bucket, Key="visits/day=2024-01-01/part-0.csv", Body=b"2024-01-01,2024-01-01 10:00:00,a\n")
    s3.put_object(Bucket=bucket, Key="visits/day=2024-01-02/part-0.csv", Body=second_day)
    query("CREATE EXTERNAL TABLE visits (dt date, at timestamp, who string) PARTITIONED BY (day string) "
          f"ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/visits/'")
    query("MSCK REPAIR TABLE visits")
    assert _refused(query, "SELECT who FROM visits WHERE dt = '2024-01-01'") == \
        "TYPE_MISMATCH: line 1:33: Cannot apply operator: date = varchar(10)"
    assert _refused(query, "SELECT who FROM visits WHERE at >= '2024-01-02'") == \
        "TYPE_MISMATCH: line 1:33: Cannot apply operator: timestamp(3) <= varchar(10)"
    assert query("SELECT who FROM visits WHERE dt = DATE '2024-01-01'")[1] == [["who"], ["a"]]
    assert query("WITH v AS (SELECT CAST(dt AS varchar) AS dt, who FROM visits) "
                 "SELECT who FROM v WHERE dt = '2024-01-01'")[1] == [["who"], ["a"]]       # a text by then
    execution, rows, _ = query("SELECT who FROM visits WHERE day = '2024-01-02'")
    assert rows == [["who"], ["b"]]
    assert execution["Statistics"]["DataScannedInBytes"] == len(second_day)


def test_a_column_the_query_types_compared_with_a_text(query):
    """A column of a VALUES list or of a WITH query is of the type its values give it, as
    a table's column is of its catalog type: a date compared with a text is refused."""
    assert _refused(query, "SELECT d FROM (VALUES (DATE '2024-03-10', 1), (NULL, 2)) AS t(d, n) "
                           "WHERE d >= '2024-03-09'") == \
        "TYPE_MISMATCH: line 1:77: Cannot apply operator: date <= varchar(10)"
    assert _refused(query, "WITH v AS (SELECT CAST('2024-03-10' AS date) AS d) SELECT * FROM v WHERE d = '2024-03-10'") \
        == "TYPE_MISMATCH: line 1:76: Cannot apply operator: date = varchar(10)"
    assert _refused(query, "WITH v (s) AS (VALUES 'a', 'bcd') SELECT s FROM v WHERE s < 5") == \
        "TYPE_MISMATCH: line 1:59: Cannot apply operator: varchar(3) < integer"
    assert _refused(query, "SELECT d + 1 AS tomorrow FROM (VALUES DATE '2024-03-10') AS t(d)") == \
        "TYPE_MISMATCH: line 1:10: Cannot apply operator: date + integer"
    assert query("WITH v AS (SELECT CAST(d AS varchar) AS d FROM (VALUES DATE '2024-03-10') AS t(d)) "
                 "SELECT count(*) AS n FROM v WHERE d >= '2024-03-09'")[1] == [["n"], ["1"]]
    assert query("SELECT count(*) AS n FROM (VALUES DATE '2024-03-10') AS t(d) "
                 "WHERE d >= DATE '2024-03-09' AND any_match(ARRAY['x'], d -> d > 'a')")[1] == [["n"], ["1"]]


def test_trinos_answers(query):
    _, rows, _ = query("SELECT TRY_CAST('1.5' AS integer) AS t, element_at(ARRAY[1, 2, 3], 5) AS e, "
                       "1e0 / 0 AS inf, 0e0 / 0 AS nan, -1e0 / 0 AS neg")
    assert rows[1] == [None, None, "Infinity", "NaN", "-Infinity"]
    _, rows, _ = query("SELECT CAST(ROW(1, 'a') AS JSON) AS j")
    assert rows[1] == ['{"":1,"":"a"}']


def test_sign_keeps_its_arguments_type(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="signs/part-0.csv", Body=b"-7,2.5\n")
    query("CREATE EXTERNAL TABLE signs (n bigint, x double) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
          f"LOCATION 's3://{bucket}/signs/'")
    _, rows, columns = query("SELECT sign(n) AS a, sign(x) AS b, sign(-3) AS c, typeof(sign(-3)) AS d, "
                             "sign(nan()) AS e FROM signs")
    assert rows[1] == ["-1", "1.0", "-1", "integer", "NaN"]
    assert [column["Type"] for column in columns] == ["bigint", "double", "integer", "varchar", "double"]
    _, rows, _ = query("SELECT corr(x, y) AS c, stddev(x) AS s, stddev_pop(x) AS p "
                       "FROM (VALUES (1e0, 2e0)) AS t(x, y)")
    assert rows[1] == [None, None, "0.0"]


def test_a_double_column_divided_by_zero(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="ratios/part-0.csv", Body=b"3.0,0\n0.0,0\n-1.5,0\n1.0,4\n")
    query("CREATE EXTERNAL TABLE ratios (x double, y int) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
          f"LOCATION 's3://{bucket}/ratios/'")
    _, rows, _ = query("SELECT x / y AS q FROM ratios")
    assert sorted(row[0] for row in rows[1:]) == sorted(["Infinity", "NaN", "-Infinity", "0.25"])


def test_a_statement_ending_early_is_refused_in_trinos_words(athena, bucket):
    with pytest.raises(athena.exceptions.InvalidRequestException) as raised:
        athena.start_query_execution(QueryString="SELECT * FROM t WHERE",
                                     ResultConfiguration={"OutputLocation": f"s3://{bucket}/r/"})
    assert raised.value.response["Error"]["Message"] == \
        "line 1:22: mismatched input '<EOF>'. Expecting: <expression>"
    assert raised.value.response["AthenaErrorCode"] == "MALFORMED_QUERY"


def test_array_and_varbinary_operands(query):
    _, rows, _ = query("SELECT reverse(ARRAY[1, 2, 3]) AS r, length(to_utf8('h\u00e9llo')) AS n, "
                       "ARRAY[1, 2] || 3 AS a, 0 || ARRAY[1, 2] AS p")
    assert rows[1] == ["[3, 2, 1]", "6", "[1, 2, 3]", "[0, 1, 2]"]


def test_set_union_and_reduce_agg(query):
    _, rows, columns = query(
        "SELECT k, set_union(a) AS u, reduce_agg(v, 0, (s, x) -> s + x, (p, q) -> p + q) AS total "
        "FROM (VALUES (1, ARRAY[1, 2], 2), (1, ARRAY[2, 3], 3), (2, NULL, NULL)) AS t(k, a, v) GROUP BY k ORDER BY k")
    assert rows[1:] == [["1", "[1, 2, 3]", "5"], ["2", "[]", None]]
    assert [column["Type"] for column in columns] == ["integer", "array", "integer"]
