"""PartiQL pages: a NextToken carries on the statement that gave it, with the same
parameters (a new Limit is fine); handed to another statement, or to the same one with
other parameters, it is "NextToken does not match request" (DynamoDB Local's words; a
public record of DynamoDB's answers), and one that was never given is "Invalid NextToken"."""
import pytest
from ddb_helpers import error_of


@pytest.fixture
def log(make_table, ddb):
    """Four log lines of host a, lines 0 to 3."""
    table = make_table(hash=("host", "S"), range=("line", "N"))
    for line in range(4):
        ddb.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE {{'host': 'a', 'line': {line}}}")
    return table


def test_a_token_carries_on_its_own_statement(ddb, log):
    statement, parameters = f"SELECT line FROM \"{log}\" WHERE host = ?", [{"S": "a"}]
    first = ddb.execute_statement(Statement=statement, Parameters=parameters, Limit=2)
    rest = ddb.execute_statement(Statement=statement, Parameters=parameters, Limit=3, NextToken=first["NextToken"])
    assert [i["line"]["N"] for i in first["Items"] + rest["Items"]] == ["0", "1", "2", "3"]


def test_a_token_of_another_request_is_refused(ddb, log):
    statement = f"SELECT line FROM \"{log}\" WHERE host = ?"
    token = ddb.execute_statement(Statement=statement, Parameters=[{"S": "a"}], Limit=1)["NextToken"]
    mismatch = ("ValidationException", "NextToken does not match request")
    assert error_of(ddb.execute_statement, Statement=statement, Parameters=[{"S": "b"}], NextToken=token) == mismatch
    assert error_of(ddb.execute_statement, Statement=f"SELECT * FROM \"{log}\"", NextToken=token) == mismatch
    assert error_of(ddb.execute_statement, Statement=statement, Parameters=[{"S": "a"}], NextToken="Zm9v") == (
        "ValidationException", "Invalid NextToken")
