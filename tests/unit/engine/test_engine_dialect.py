"""Each of lakebox's fixes to the Trino -> DuckDB translation, run on DuckDB."""
import decimal

import duckdb
import pytest

from lakebox.engine import dialect, new_engine, strict
from lakebox.engine.dialect import NotSupported, SqlSyntaxError


def run(sql):
    query = new_engine().prepare(dialect.parse(sql), [], "default")
    query.bind()
    return query.result_columns, query.rows()


def test_unnamed_columns_are_numbered_by_position():
    columns, _ = run("SELECT 1, 'x' AS named, 2 + 3")
    assert [name for name, _ in columns] == ["_col0", "named", "_col2"]


def test_integer_division_truncates_toward_zero():
    assert run("SELECT 7 / 2, -7 / 2, 7.0 / 2")[1] == [(3, -3, 3.5)]


def test_date_plus_interval_stays_a_date():
    columns, rows = run("SELECT DATE '2024-01-31' + INTERVAL '1' MONTH AS d")
    assert columns == [("d", "DATE")]
    assert str(rows[0][0]) == "2024-02-29"


def test_sum_of_integers_is_bigint():
    columns, rows = run("SELECT sum(x) AS s FROM (VALUES 1, 2) AS t(x)")
    assert columns == [("s", "BIGINT")] and rows == [(3,)]


def test_reduce_with_a_finishing_function():
    assert run("SELECT reduce(ARRAY[1, 2], 0, (s, x) -> s + x, s -> s * 10) AS r")[1] == [(30,)]


def test_syntax_error_names_line_and_column():
    with pytest.raises(SqlSyntaxError) as caught:
        dialect.parse("SELECT a,\n  FROM")
    assert str(caught.value).startswith("line 2:")


def test_settings_forbid_extension_downloads():
    assert any("autoinstall_known_extensions = false" in statement for _, statement in dialect.SETTINGS)


def test_date_add_on_a_date_stays_a_date():
    columns, rows = run("SELECT date_add('day', 2, DATE '2024-01-01') AS d")
    assert columns == [("d", "DATE")] and str(rows[0][0]) == "2024-01-03"


def on_a_date_and_a_timestamp(sql):
    """(DuckDB types, values as text) of the translated `sql` over table t: a date
    column `day` (2024-01-31) and a timestamp column `ts` (2024-01-31 10:00)."""
    translated = dialect.translate(dialect.parse(sql), {"day": "date", "ts": "timestamp"})
    connection = duckdb.connect()
    strict.install(connection)              # the macros a translation may call
    connection.execute("CREATE TABLE t AS SELECT DATE '2024-01-31' AS day, TIMESTAMP '2024-01-31 10:00' AS ts")
    answer = connection.execute(translated)
    return [column[1] for column in answer.description], [str(value) for value in answer.fetchone()]


def test_date_trunc_of_a_date_stays_a_date():
    assert on_a_date_and_a_timestamp("SELECT date_trunc('month', day) AS a, date_trunc('week', DATE '2024-01-05') "
                                     "AS b, date_trunc('day', ts) AS c FROM t") == (
        ["DATE", "DATE", "TIMESTAMP"], ["2024-01-01", "2024-01-01", "2024-01-31 00:00:00"])


def test_reduce_with_an_identity_finish():
    assert run("SELECT reduce(ARRAY[1, 2, 3], 0, (s, x) -> s + x, s -> s) AS r")[1] == [(6,)]


def test_avg_of_a_decimal_column_keeps_its_type():
    sql = dialect.translate(dialect.parse("SELECT avg(price) AS a FROM t"), {"price": "decimal(15,2)"})
    assert "CAST(AVG(price) AS DECIMAL(15, 2))" in sql
    untyped = dialect.translate(dialect.parse("SELECT avg(n) AS a FROM t"), {"n": "bigint"})
    assert "CAST" not in untyped


def test_decimal_division_stays_decimal():
    types = {"price": "decimal(15,2)", "discount": "decimal(15,2)"}
    sql = dialect.translate(dialect.parse("SELECT 100.00 * sum(price * (1 - discount)) / sum(price) AS r FROM t"),
                            types)
    assert sql.startswith("SELECT CAST(100.00 * SUM(price * (1 - discount)) / SUM(price) AS DECIMAL(38, 6))")
    assert run("SELECT CAST(2 AS decimal(10,2)) / CAST(3 AS decimal(10,2)) AS q") == \
        ([("q", "DECIMAL(12,2)")], [(decimal.Decimal("0.67"),)])
    assert "CAST" not in dialect.translate(dialect.parse("SELECT a / b FROM t"), {"a": "double", "b": "double"})


def test_decimal_columns_of_subqueries_are_known():
    sql = dialect.translate(dialect.parse(
        "SELECT sum(v) / sum(v) AS share FROM (SELECT price * 2 AS v FROM t) AS s"), {"price": "decimal(15,2)"})
    assert "AS DECIMAL(38, 2)" in sql


def test_date_column_plus_interval_stays_a_date():
    assert on_a_date_and_a_timestamp("SELECT day + INTERVAL '1' DAY AS a, date_add('month', 1, day) AS b, "
                                     "ts + INTERVAL '1' DAY AS c, day + 3 * INTERVAL '1' DAY AS d FROM t") == (
        ["DATE", "DATE", "TIMESTAMP", "DATE"], ["2024-02-01", "2024-02-29", "2024-02-01 10:00:00", "2024-02-03"])


def test_regexp_extract_without_a_match_is_null():
    assert run("SELECT regexp_extract('a1', '\\d'), regexp_extract('ab', '\\d'), "
               "regexp_extract('k=v', 'k=(\\w*)', 1), regexp_extract('k=', 'k=(\\w*)', 1)")[1] == [
        ("1", None, "v", "")]


@pytest.mark.parametrize("sql, message", [
    ("SELECT * FROM t WHERE", "line 1:22: mismatched input '<EOF>'. Expecting: <expression>"),
    ("SELECT 1 +\n  ", "line 2:3: mismatched input '<EOF>'. Expecting: <expression>"),
    ("SELECT FROM WHERE", "line 1:13: mismatched input 'WHERE'. Expected table name"),
])
def test_syntax_errors_in_trinos_words(sql, message):
    with pytest.raises(dialect.SqlSyntaxError) as raised:
        dialect.parse(sql)
    assert str(raised.value) == message


@pytest.mark.parametrize("sql, place", [("SELECT `name` FROM t", (1, 8)), ("SELECT a,\n  `b` FROM t", (2, 3))])
def test_backquoted_identifiers_are_refused(sql, place):
    with pytest.raises(SqlSyntaxError) as caught:
        dialect.parse(sql)
    assert (caught.value.line, caught.value.column) == place
    assert str(caught.value) == (f"line {place[0]}:{place[1]}: backquoted identifiers are not supported; use double "
                                 "quotes to quote identifiers")


def test_backquotes_in_texts_identifiers_and_comments_are_theirs():
    dialect.parse("SELECT 'it''s `x`' AS a, \"we`ird\" FROM t -- `c`\n/* `d` */")


@pytest.mark.parametrize("sql, message", [
    ("SELECT id, FROM t", "line 1:12: mismatched input 'FROM'. Expecting: <expression>"),
    ("SELECT id,\n  name,\nfrom t", "line 3:1: mismatched input 'from'. Expecting: <expression>"),
    ("SELECT id FROM t WHERE name == 'bob'", "line 1:30: mismatched input '='. Expecting: <expression>"),
])
def test_other_dialects_tokens_are_refused(sql, message):
    with pytest.raises(SqlSyntaxError) as caught:
        dialect.parse(sql)
    assert str(caught.value) == message
