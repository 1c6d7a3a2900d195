"""PartiQL reads inside BatchExecuteStatement and ExecuteTransaction: each reads one item
named by its key. A batch's SELECT without the whole key (or on an index) is that
statement's ValidationError (the code BatchStatementErrorCodeEnum names, never
"Validation"); a transaction's SELECT names its item by the key alone, reads no index, and
no statement of a transaction returns values: each refused in DynamoDB's words with the
statement's place ("Validation failed in TransactStatements[n]: ...", as DynamoDB Local
words it and public records of DynamoDB's answers give it), while a faulty Parameters
value stays the request's own error, found before the statement is read. A read by key
alone names each key attribute with `=` or a one-value IN and nothing else, in a batch as
in a transaction (a public test suite's records of DynamoDB's answers)."""
import pytest
from ddb_helpers import error_of, table_with_gsi

PLACE = "Validation failed in TransactStatements[{}]: "
KEY_ONLY = "Select statements within ExecuteTransaction must specify the primary key in the where clause."


@pytest.fixture
def accounts(make_table, ddb):
    """Accounts by owner and number, with a GSI by branch; (ann, 1) is in branch north."""
    table = table_with_gsi(make_table, "owner", "number", "by-branch", "branch")
    ddb.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE "
                                    "{'owner': 'ann', 'number': 1, 'branch': 'north', 'balance': 10}")
    return table


def test_a_batch_select_without_the_whole_key_is_that_statements_error(ddb, accounts):
    refused = {"Code": "ValidationError", "Message": "Select statements within BatchExecuteStatement must specify "
                                                     "the primary key in the where clause."}
    answer = ddb.batch_execute_statement(Statements=[
        {"Statement": f"SELECT * FROM \"{accounts}\" WHERE owner = 'ann'"},
        {"Statement": f"SELECT balance FROM \"{accounts}\" WHERE owner = 'ann' AND number = 1"},
        {"Statement": f"SELECT * FROM \"{accounts}\".\"by-branch\" WHERE branch = 'north'"},
    ])["Responses"]
    assert answer == [{"Error": refused}, {"TableName": accounts, "Item": {"balance": {"N": "10"}}},
                      {"Error": refused}]


def test_a_batch_statements_validation_error_has_the_enums_code(ddb, accounts):
    answer = ddb.batch_execute_statement(Statements=[
        {"Statement": f"UPDATE \"{accounts}\" SET balance = 0 WHERE owner = 'ann'"}])["Responses"]
    assert answer[0]["Error"]["Code"] == "ValidationError"


def test_a_transaction_reads_by_the_key_alone(ddb, accounts):
    select = f"SELECT * FROM \"{accounts}\" WHERE "
    read = ddb.execute_transaction(TransactStatements=[
        {"Statement": select + "owner = 'ann' AND number = 1"},
        {"Statement": select + "number = 2 AND owner = 'ann'"}])["Responses"]
    assert read == [{"Item": {"owner": {"S": "ann"}, "number": {"N": "1"}, "branch": {"S": "north"},
                              "balance": {"N": "10"}}}, {}]
    for where in ("owner = 'ann' AND number = 1 AND balance = 10", "owner = 'ann'"):
        assert error_of(ddb.execute_transaction, TransactStatements=[
            {"Statement": select + "owner = 'bob' AND number = 1"}, {"Statement": select + where}]) == (
            "ValidationException", PLACE.format(1) + KEY_ONLY)


def test_a_transaction_reads_no_index(ddb, accounts):
    assert error_of(ddb.execute_transaction, TransactStatements=[
        {"Statement": f"SELECT * FROM \"{accounts}\".\"by-branch\" WHERE branch = 'north'"}]) == (
        "ValidationException", PLACE.format(0) + "Reads on indices are not supported within transactions.")


def test_a_transaction_returns_no_values(ddb, accounts):
    update = f"UPDATE \"{accounts}\" SET balance = 0 WHERE owner = 'ann' AND number = 1"
    assert error_of(ddb.execute_transaction, TransactStatements=[{"Statement": update + " RETURNING ALL OLD *"}]) == (
        "ValidationException", PLACE.format(0) + "RETURNING clause is not supported in ExecuteTransaction.")
    code, message = error_of(ddb.execute_transaction, TransactStatements=[
        {"Statement": update}, {"Statement": f"UPDATE \"{accounts}\" SET WHERE owner = 'bob'"}])
    assert (code, message.startswith(PLACE.format(1) + "Statement wasn't well formed")) == ("ValidationException", True)
    balance = ddb.get_item(TableName=accounts, Key={"owner": {"S": "ann"}, "number": {"N": "1"}})["Item"]["balance"]
    assert balance == {"N": "10"}


def test_a_faulty_parameter_stays_the_requests_error(ddb, accounts):
    assert error_of(ddb.execute_transaction, TransactStatements=[
        {"Statement": f"UPDATE \"{accounts}\" SET tags = ? WHERE owner = 'ann' AND number = 1",
         "Parameters": [{"SS": ["a", "a"]}]}]) == (
        "ValidationException",
        "One or more parameter values were invalid: Input collection [a, a] contains duplicates.")


def test_a_read_by_key_alone_may_name_it_with_a_one_value_in(ddb, accounts):
    select = f"SELECT balance FROM \"{accounts}\" WHERE "
    read = ddb.execute_transaction(TransactStatements=[
        {"Statement": select + "owner IN ['ann'] AND number IN [1]"}])["Responses"]
    assert read == [{"Item": {"balance": {"N": "10"}}}]
    assert error_of(ddb.execute_transaction, TransactStatements=[
        {"Statement": select + "owner IN ['bob'] AND owner = 'ann' AND number = 1"}]) == (
        "ValidationException", PLACE.format(0) + KEY_ONLY)
    refused = {"Code": "ValidationError", "Message": "Select statements within BatchExecuteStatement must specify "
                                                     "the primary key in the where clause."}
    answer = ddb.batch_execute_statement(Statements=[
        {"Statement": select + "owner IN ['ann'] AND number = 1"},
        {"Statement": select + "owner = 'ann' AND number = 1 AND balance = 10"},
        {"Statement": select + "owner = 'ann' AND number = 1 AND owner = 'bob'"}])["Responses"]
    assert answer == [{"TableName": accounts, "Item": {"balance": {"N": "10"}}}, {"Error": refused},
                      {"Error": refused}]


def test_parameters_are_checked_before_the_statement(ddb, accounts):
    duplicates = "One or more parameter values were invalid: Input collection [a, a] contains duplicates."
    assert error_of(ddb.execute_statement, Statement=f"UPDATE \"{accounts}\" SET WHERE",
                    Parameters=[{"SS": ["a", "a"]}]) == ("ValidationException", duplicates)
    assert error_of(ddb.execute_transaction, TransactStatements=[
        {"Statement": f"INSERT INTO \"{accounts}\" VALUE {{'owner': 'cy', 'number': 1, 'tags': [<<'a', 'a'>>]}}"}]) == (
        "ValidationException", PLACE.format(0) + duplicates)
