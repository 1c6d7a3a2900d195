"""Glue's partition Expression language compiled to SQLite, run over a small table."""
import json
import sqlite3

import pytest

from lakebox.services.glue.expression import ExpressionError, compile_filter, leading_equalities, not_an_integer

KEYS = [("region", "string"), ("hour", "int")]
ROWS = [["eu", "1"], ["eu", "10"], ["us", "2"], ["us-west", "20"], ["Eu", "3"]]


def matching(expression, rows=ROWS, with_suspects=False):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE p (vals TEXT)")
    conn.executemany("INSERT INTO p VALUES (?)", [(json.dumps(r),) for r in rows])
    found = compile_filter(expression, KEYS)
    sql = found.sql_with_suspects() if with_suspects else found.sql
    return [json.loads(v) for (v,) in conn.execute(f"SELECT vals FROM p WHERE COALESCE({sql}, 0)", found.args)]


@pytest.mark.parametrize("expression, expected", [
    ("region = 'eu'", [["eu", "1"], ["eu", "10"]]),
    ("hour >= 10", [["eu", "10"], ["us-west", "20"]]),
    ("hour < 3 or region like 'us%'", [["eu", "1"], ["us", "2"], ["us-west", "20"]]),
    ("REGION LIKE '_u'", [["eu", "1"], ["eu", "10"], ["Eu", "3"]]),
    ("region LIKE 'eu'", [["eu", "1"], ["eu", "10"]]),
    ("not (region = 'eu' or region = 'us')", [["us-west", "20"], ["Eu", "3"]]),
    ("hour in (1, 2, 3) and region <> 'Eu'", [["eu", "1"], ["us", "2"]]),
    ("hour between 2 and 10", [["eu", "10"], ["us", "2"], ["Eu", "3"]]),
    ("region = 'it''s'", []),
    ("`hour` = 20", [["us-west", "20"]]),
])
def test_filters(expression, expected):
    assert matching(expression) == expected


def test_integer_keys_compared_as_numbers_are_named_and_their_suspects_kept():
    rows = ROWS + [["eu", "null"], ["eu", ""], ["eu", "1.5"], ["eu", "-4"], ["eu", "+4"]]
    assert compile_filter("hour >= 0", KEYS).integer_keys == [1]
    assert compile_filter("region = 'eu' AND hour LIKE '1%'", KEYS).integer_keys == []
    assert compile_filter("hour IS NULL", KEYS).integer_keys == []
    assert matching("hour >= 10", rows, with_suspects=True) == [
        ["eu", "10"], ["us-west", "20"], ["eu", "null"], ["eu", ""], ["eu", "1.5"]]
    assert compile_filter("x > 1.5", [("x", "double")]).integer_keys == []


@pytest.mark.parametrize("values, bad", [
    (["eu", "10"], None), (["eu", "-4"], None), (["eu", "+4"], None), (["eu", "null"], "null"),
    (["eu", ""], ""), (["eu", "1.5"], "1.5"), (["eu", " 1"], " 1"),
])
def test_not_an_integer(values, bad):
    assert not_an_integer(values, [1]) == bad
    assert not_an_integer(values, []) is None


@pytest.mark.parametrize("expression", [
    "hour =", "hour = 1 and", "(hour = 1", "hour = 1)", "hour == 1", "hour between 1", "hour in ()",
    "region like hour", "minute = 1", "hour = 'abc'", "'a' = 'a' extra", "hour = 1 ; drop",
])
def test_refused(expression):
    with pytest.raises(ExpressionError):
        compile_filter(expression, KEYS)


@pytest.mark.parametrize("expression, pinned", [
    ("region = 'eu'", ["eu"]),
    ("'eu' = region AND hour > 3", ["eu"]),
    ("hour = 3 AND region = 'eu'", ["eu"]),
    ("region = 'eu' OR region = 'us'", []),
    ("NOT region = 'eu'", []),
    ("(region = 'eu')", []),
    ("region LIKE 'eu'", []),
    ("region BETWEEN 'a' AND 'b'", []),
])
def test_leading_equalities(expression, pinned):
    assert leading_equalities(expression, KEYS) == pinned


def test_leading_equalities_stop_at_numeric_keys_and_gaps():
    keys = [("a", "string"), ("b", "string"), ("c", "int")]
    assert leading_equalities("a = 'x' AND b = 'y' AND c = '1'", keys) == ["x", "y"]
    assert leading_equalities("b = 'y'", keys) == []
