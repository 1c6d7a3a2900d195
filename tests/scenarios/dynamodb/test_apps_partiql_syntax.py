"""PartiQL text as people type it (a public test suite's records of DynamoDB's answers): a
trailing semicolon, line and block comments, `n=n-1` written without spaces, signs before
numbers (`- - 1`, `+5`, `[- 1]`), and a token left over after the statement ("Unexpected
token after expression"); the columns a SELECT list answers in, each path named by its
last named step and the list indexes after it (`m.k[0]` is `k[0]`); arithmetic on a literal
that is no number, a function of attributes given a value, an IN list past 100 values and
a SELECT decomposed into more than 50 reads, each refused before any item is read."""
import pytest
from ddb_helpers import error_of


@pytest.fixture
def counters(make_table, ddb):
    """Counter (hits, 1) at 5, with a note holding comment-like text."""
    table = make_table(hash=("counter", "S"), range=("shard", "N"))
    ddb.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE "
                                    "{'counter': 'hits', 'shard': 1, 'n': 5, 'note': 'a--b /*c*/'}")
    return table


def _items(ddb, statement):
    return ddb.execute_statement(Statement=statement)["Items"]


def test_semicolons_and_comments(ddb, counters):
    semicolon = f"SELECT shard FROM \"{counters}\" WHERE counter = 'hits' AND n > -5;"
    assert _items(ddb, semicolon) == [{"shard": {"N": "1"}}]
    commented = _items(ddb, f"SELECT/**/note FROM \"{counters}\" -- the table\nWHERE counter/* key */ = 'hits' --")
    assert commented == [{"note": {"S": "a--b /*c*/"}}]


def test_arithmetic_and_signs_without_spaces(ddb, counters):
    key = "WHERE counter = 'hits' AND shard = 1"
    ddb.execute_statement(Statement=f"UPDATE \"{counters}\" SET n=n-1 {key}")
    new = _items(ddb, f"UPDATE \"{counters}\" SET n = n - - 2, l = [- 1, +2] {key} RETURNING MODIFIED NEW *")
    assert new == [{"n": {"N": "6"}, "l": {"L": [{"N": "-1"}, {"N": "2"}]}}]
    assert len(_items(ddb, f"SELECT shard FROM \"{counters}\" {key} AND n = - - 6 AND n BETWEEN - 2 AND +7")) == 1


def test_a_token_after_the_statement(ddb, counters):
    assert error_of(ddb.execute_statement,
                    Statement=f"UPDATE \"{counters}\" SET t = 1 WHERE counter = 'hits' AND shard = 1 garbage") == (
        "ValidationException", "Statement wasn't well formed, can't be processed: Unexpected token after expression")


def test_a_path_answers_in_a_column_named_by_its_last_step(ddb, counters):
    ddb.execute_statement(Statement=f"UPDATE \"{counters}\" SET m = {{'k': ['c', 'd'], 'j': {{'x': 1}}}} "
                                    "WHERE counter = 'hits' AND shard = 1")
    key = "WHERE counter = 'hits' AND shard = 1"
    assert _items(ddb, f"SELECT m.k[1], m.j.x, m.k, n, m.nope FROM \"{counters}\" {key}") == [
        {"k[1]": {"S": "d"}, "x": {"N": "1"}, "k": {"L": [{"S": "c"}, {"S": "d"}]}, "n": {"N": "5"}}]
    assert error_of(ddb.execute_statement, Statement=f"SELECT m.j.x, x FROM \"{counters}\" {key}") == (
        "ValidationException", "Duplicate identifiers in select clause: x")


def _values(count):
    return ", ".join(f"'v{n}'" for n in range(count))


@pytest.mark.parametrize("expression, op, kind", [("'a' + 1", "+", "S"), ("n - null", "-", "NULL"),
                                                  ("n + [1]", "+", "L")])
def test_arithmetic_on_a_literal_that_is_no_number(ddb, counters, expression, op, kind):
    # refused before the item is read: the WHERE's extra condition would fail
    statement = f"UPDATE \"{counters}\" SET n = {expression} WHERE counter = 'hits' AND shard = 1 AND nope = 'x'"
    assert error_of(ddb.execute_statement, Statement=statement) == (
        "ValidationException", f"Incorrect operand type for operator or function; operator or function: {op}, "
                               f"operand type: {kind}")


def test_attribute_functions_take_a_path(ddb, counters):
    assert error_of(ddb.execute_statement, Statement=f"SELECT shard FROM \"{counters}\" WHERE counter = 'hits' "
                                                     "AND attribute_exists('n')") == (
        "ValidationException", "Operator or function requires a document path; operator or function: attribute_exists")


def test_in_lists_and_the_reads_they_decompose_into(ddb, counters):
    select = f"SELECT shard FROM \"{counters}\" WHERE "
    too_many_reads = ("ValidationException", "Too many decomposed read operations for a given query.")
    for where in (f"counter IN [{_values(51)}]", f"counter = 'hits' AND shard IN [{', '.join(map(str, range(51)))}]",
                  f"counter IN [{_values(26)}] AND shard IN [1, 2]"):
        assert error_of(ddb.execute_statement, Statement=select + where) == too_many_reads
    assert _items(ddb, select + f"counter IN [{_values(50)}]") == []
    assert _items(ddb, select + f"counter IN [{_values(51)}] OR n = 5") == [{"shard": {"N": "1"}}]
    assert error_of(ddb.execute_statement, Statement=select + f"counter = 'hits' AND note IN [{_values(101)}]") == (
        "ValidationException", "The IN operator is provided with too many operands; number of operands: 101")
