"""json_query's path and clauses evaluated as Trino's JsonQueryFunction does."""
import pytest

from lakebox.engine import dialect
from lakebox.engine.json_query import json_exists, json_query, json_value, parse_path
from lakebox.engine.strict import FAILURE_PREFIX

DOC = '{"a": [{"k": "x"}, {"k": "y"}], "o": {"z": 1.50, "b": null}}'


@pytest.mark.parametrize("path, wrapper, omit, expected", [
    ("lax $.o", "WITHOUT", False, '{"z":1.5,"b":null}'),
    ("lax $.a.k", "WITHOUT", False, None),
    ("lax $.a.k", "UNCONDITIONAL", False, '["x","y"]'),
    ("lax $.a[last].k", "WITHOUT", True, "y"),
    ("lax $.a[0]", "CONDITIONAL", False, '{"k":"x"}'),
    ("lax $.a[0].k", "CONDITIONAL", False, '["x"]'),
    ("strict $.a[0 to 1].k", "UNCONDITIONAL", False, '["x","y"]'),
    ("lax $.missing", "UNCONDITIONAL", False, None),
])
def test_paths_and_wrappers(path, wrapper, omit, expected):
    assert json_query(DOC, path, wrapper, omit, "NULL", "NULL") == expected


def test_empty_and_error_behaviors():
    assert json_query(DOC, "lax $.missing", "WITHOUT", False, "EMPTY ARRAY", "NULL") == "[]"
    assert json_query(DOC, "strict $.missing", "WITHOUT", False, "EMPTY ARRAY", "EMPTY OBJECT") == "{}"
    assert json_query("[...", "lax $", "WITHOUT", False, "NULL", "EMPTY ARRAY") == "[]"
    with pytest.raises(ValueError) as failed:
        json_query(DOC, "strict $.a[5]", "WITHOUT", False, "NULL", "ERROR")
    assert str(failed.value) == (f"{FAILURE_PREFIX}PATH_EVALUATION_ERROR:path evaluation failed: structural error: "
                                 "invalid array subscript: [5, 5] for array of size 2")


def test_paths_beyond_the_steps_are_left_alone():
    assert parse_path("lax $.a[*]?(@.k == \"x\")") is None
    assert parse_path("$.a") is None


def test_clauses_are_parsed_and_passed():
    sql = dialect.translate(dialect.parse(
        "SELECT json_query(j, 'lax $.a' WITH CONDITIONAL ARRAY WRAPPER EMPTY ARRAY ON EMPTY ERROR ON ERROR) FROM t"))
    assert "LAKEBOX_JSON_QUERY(CAST(j AS TEXT), 'lax $.a', 'CONDITIONAL', FALSE, 'EMPTY ARRAY', 'ERROR')" in sql


@pytest.mark.parametrize("path, expected", [
    ("lax $.o.z", "1.5"), ("lax $.a[0].k", "x"), ("lax $.o.b", None), ("lax $.o", None), ("lax $.a.k", None),
])
def test_json_value_gives_a_scalars_text(path, expected):
    assert json_value(DOC, path, "NULL", None, "NULL", None) == expected


def test_json_value_defaults_and_json_exists():
    assert json_value(DOC, "lax $.nope", "DEFAULT", "d", "NULL", None) == "d"
    assert json_value(DOC, "lax $.o", "NULL", None, "DEFAULT", "e") == "e"
    assert json_exists(DOC, "lax $.a[1].k", "FALSE") is True
    assert json_exists(DOC, "strict $.a[9]", "UNKNOWN") is None
    assert json_exists("{", "lax $", "FALSE") is False


def test_json_value_and_json_exists_clauses_are_passed():
    sql = dialect.translate(dialect.parse("SELECT json_value(j, 'lax $.a' DEFAULT 'x' ON EMPTY ERROR ON ERROR), "
                                          "json_exists(j, 'strict $.a' UNKNOWN ON ERROR) FROM t"))
    assert "LAKEBOX_JSON_VALUE(CAST(j AS TEXT), 'lax $.a', 'DEFAULT', CAST('x' AS TEXT), 'ERROR'" in sql
    assert "LAKEBOX_JSON_EXISTS(CAST(j AS TEXT), 'strict $.a', 'UNKNOWN')" in sql
