"""A query whose parameters (EXECUTE ... USING, or ExecutionParameters) are of the wrong
type fails where Trino analyses it: in the prepared text, each `?` standing for its value,
so a failure's place is that of the operator or call in the text with the `?` (Trino's
ParameterRewriter binds the values as expressions; the places are the statement's own)."""
import contextlib
import uuid


def _reason(execution):
    return execution["Status"]["StateChangeReason"]


@contextlib.contextmanager
def _prepared(athena, text):
    name = f"p{uuid.uuid4().hex[:8]}"
    athena.create_prepared_statement(StatementName=name, WorkGroup="primary", QueryStatement=text)
    try:
        yield name
    finally:
        athena.delete_prepared_statement(StatementName=name, WorkGroup="primary")


def test_execute_using_a_value_of_the_wrong_type(athena, query):
    with _prepared(athena, "SELECT ? * 2 AS d, x FROM (VALUES 1) AS t(x)\nWHERE ? = x") as name:
        assert _reason(query(f"EXECUTE {name} USING 'abc', 1", expect="FAILED")[0]) == \
            "TYPE_MISMATCH: line 1:10: Cannot apply operator: varchar(3) * integer"
        assert _reason(query(f"EXECUTE {name} USING 3, 'abc'", expect="FAILED")[0]) == \
            "TYPE_MISMATCH: line 2:9: Cannot apply operator: varchar(3) = integer"
        assert query(f"EXECUTE {name} USING 21, 1")[1] == [["d", "x"], ["42", "1"]]


def test_execution_parameters_of_the_wrong_type(query):
    execution, _, _ = query("SELECT upper(?) AS u, ? + 1 AS n", expect="FAILED",
                            ExecutionParameters=["'a'", "'12345'"])
    assert _reason(execution) == "TYPE_MISMATCH: line 1:25: Cannot apply operator: varchar(5) + integer"
    assert execution["Status"]["AthenaError"]["ErrorMessage"] == _reason(execution)


def test_like_of_a_parameter_that_is_no_text(athena, query):
    with _prepared(athena, "SELECT s FROM (VALUES 'a1') AS t(s) WHERE s LIKE ?") as name:
        assert _reason(query(f"EXECUTE {name} USING 12", expect="FAILED")[0]) == \
            "TYPE_MISMATCH: line 1:50: Pattern for LIKE expression must evaluate to a varchar (actual: integer)"
        assert query(f"EXECUTE {name} USING 'a%'")[1] == [["s"], ["a1"]]
