"""Binding ExecutionParameters to a statement's `?` placeholders, and Trino's words when
their counts differ (`Incorrect number of parameters: expected 1 but found 0`, as Athena
reports it: aws/aws-sdk-js-v3 issue 3837)."""
import pytest

from lakebox.services.athena.statements import bind_parameters, takes_parameters


def test_placeholders_bound_in_order_outside_quotes_and_comments():
    sql = "SELECT '?', \"a?\" FROM t -- why?\nWHERE a = ? /* or ? */ AND b IN (?, ?)"
    assert bind_parameters(sql, ["1", "'x'", "DATE '2024-01-01'"]) == (
        "SELECT '?', \"a?\" FROM t -- why?\nWHERE a = 1 /* or ? */ AND b IN ('x', DATE '2024-01-01')")
    assert bind_parameters("SELECT 'it''s ?' WHERE x = ?", ["2"]) == "SELECT 'it''s ?' WHERE x = 2"


@pytest.mark.parametrize("sql, values, counts", [
    ("SELECT ?", [], (1, 0)), ("SELECT ? + ?", ["1"], (2, 1)), ("SELECT ?", ["1", "2"], (1, 2)),
    ("SELECT 1", ["1"], (0, 1))])
def test_counts_that_differ_name_both(sql, values, counts):
    with pytest.raises(ValueError) as raised:
        bind_parameters(sql, values)
    assert str(raised.value) == "Incorrect number of parameters: expected %d but found %d" % counts


def test_prepare_and_execute_keep_their_placeholders():
    assert not takes_parameters("PREPARE q FROM SELECT * FROM t WHERE a = ?")
    assert not takes_parameters("EXECUTE q USING 1")
    assert takes_parameters("SELECT * FROM t WHERE a = ?")
