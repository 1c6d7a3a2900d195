"""Everyday calls Athena (engine version 3, Trino) answers in its own way: a call with a
number of arguments no signature of the function takes, the order of UNNEST's rows."""

_SUBSTR = ("substr(char(x), bigint) char(x), substr(char(x), bigint, bigint) char(x), "
           "substr(varbinary, bigint) varbinary, substr(varbinary, bigint, bigint) varbinary, "
           "substr(varchar(x), bigint) varchar(x), substr(varchar(x), bigint, bigint) varchar(x)")


def _reason(execution):
    return execution["Status"]["StateChangeReason"], execution["Status"]["AthenaError"]["ErrorCategory"]


def test_a_call_with_too_few_or_too_many_arguments_lists_the_signatures(query):
    execution, _, _ = query("SELECT substr('abc')", expect="FAILED")
    assert _reason(execution) == (
        f"FUNCTION_NOT_FOUND: line 1:8: Unexpected parameters (varchar(3)) for function substr. Expected: {_SUBSTR}", 2)
    execution, _, _ = query("SELECT 1,\n  substr('abc', 1, 2, 3)", expect="FAILED")
    assert _reason(execution) == (
        "FUNCTION_NOT_FOUND: line 2:3: Unexpected parameters (varchar(3), integer, integer, integer) "
        f"for function substr. Expected: {_SUBSTR}", 2)
    execution, _, _ = query("SELECT split('a,b')", expect="FAILED")
    assert _reason(execution) == (
        "FUNCTION_NOT_FOUND: line 1:8: Unexpected parameters (varchar(3)) for function split. Expected: "
        "split(varchar(x), varchar(y)) array(varchar(x)), split(varchar(x), varchar(y), bigint) array(varchar(x))", 2)
    execution, _, _ = query("SELECT upper('a', ARRAY[1])", expect="FAILED")
    assert _reason(execution) == (
        "FUNCTION_NOT_FOUND: line 1:8: Unexpected parameters (varchar(1), array(integer)) for function upper. "
        "Expected: upper(char(x)) char(x), upper(varchar(x)) varchar(x)", 2)


def test_round_without_an_argument_is_no_syntax_error(query):
    execution, _, _ = query("SELECT round()", expect="FAILED")
    reason, category = _reason(execution)
    assert reason.startswith("FUNCTION_NOT_FOUND: line 1:8: Unexpected parameters () for function round. "
                             "Expected: round(bigint) bigint, round(bigint, integer) bigint, ")
    assert category == 2


def test_the_right_number_of_arguments_still_runs(query):
    assert query("SELECT substr('abc', 2), round(2.5), split('a,b', ',')")[1][1] == ["bc", "3", "[a, b]"]


def test_unnest_keeps_the_array_order_through_a_filter_and_an_aggregate(query, bucket):
    query(f"CREATE TABLE nested WITH (external_location = 's3://{bucket}/nested/') AS "
          "SELECT * FROM (VALUES (1, ARRAY[1, 2, 3, 4]), (2, ARRAY[1, 4, 5])) AS t(id, a)")
    rows = query("SELECT id, x FROM nested CROSS JOIN UNNEST(a) AS u(x) WHERE x > 1 AND id = 1")[1]
    assert rows[1:] == [["1", "2"], ["1", "3"], ["1", "4"]]
    rows = query("SELECT n.id, array_agg(u.x) FROM nested AS n CROSS JOIN UNNEST(n.a) AS u(x) "
                 "WHERE u.x > 1 GROUP BY n.id ORDER BY n.id")[1]
    assert rows[1:] == [["1", "[2, 3, 4]"], ["2", "[4, 5]"]]
    assert query("SELECT * FROM nested CROSS JOIN UNNEST(a) AS u(x) WHERE x = 5")[1] == [
        ["id", "a", "x"], ["2", "[1, 4, 5]", "5"]]
