"""PartiQL: ExecuteStatement for SELECT/INSERT/UPDATE/DELETE, BatchExecuteStatement and
ExecuteTransaction, with parameters and DynamoDB's failures."""
import pytest
from ddb_helpers import error_of


@pytest.fixture
def table(make_table):
    return make_table(range=("seq", "N"))


def _run(ddb, statement, *parameters, **args):
    if parameters:
        args["Parameters"] = list(parameters)
    return ddb.execute_statement(Statement=statement, **args)


def test_insert_select_update_delete(ddb, table):
    for seq in range(5):
        _run(ddb, f'INSERT INTO "{table}" VALUE {{\'pk\': \'dev\', \'seq\': {seq}, \'tags\': <<\'a\'>>}}')
    assert error_of(_run, ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': 'dev', 'seq': 1}}") == (
        "DuplicateItemException", "Duplicate primary key exists in table")
    items = _run(ddb, f'SELECT seq FROM "{table}" WHERE pk = ? AND seq > ?', {"S": "dev"}, {"N": "2"})["Items"]
    assert items == [{"seq": {"N": "3"}}, {"seq": {"N": "4"}}]
    back = _run(ddb, f'SELECT * FROM "{table}" WHERE pk = \'dev\' ORDER BY seq DESC')["Items"]
    assert [i["seq"]["N"] for i in back] == ["4", "3", "2", "1", "0"]
    updated = _run(ddb, f"UPDATE \"{table}\" SET n = 7 SET tags = set_add(tags, <<'b'>>) WHERE pk = 'dev' AND seq = 1 "
                        "RETURNING ALL NEW *")["Items"][0]
    assert updated["n"] == {"N": "7"} and sorted(updated["tags"]["SS"]) == ["a", "b"]
    assert error_of(_run, ddb, f"UPDATE \"{table}\" SET n = 8 WHERE pk = 'dev' AND seq = 1 AND n = 0")[0] == \
        "ConditionalCheckFailedException"
    assert error_of(_run, ddb, f"UPDATE \"{table}\" SET n = 8 WHERE pk = 'dev'") == (
        "ValidationException", "Where clause does not contain a mandatory equality on all key attributes")
    _run(ddb, f"DELETE FROM \"{table}\" WHERE pk = 'dev' AND seq = 0")
    scanned = _run(ddb, f'SELECT * FROM "{table}" WHERE n = 7')["Items"]
    assert [(i["seq"]["N"]) for i in scanned] == ["1"]
    assert len(_run(ddb, f'SELECT * FROM "{table}"')["Items"]) == 4


def test_select_pages_with_next_token(ddb, table):
    for seq in range(7):
        _run(ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': 'p', 'seq': {seq}}}")
    seen, token = [], None
    while True:
        page = _run(ddb, f"SELECT * FROM \"{table}\" WHERE pk = 'p'", Limit=3, **({"NextToken": token} if token else {}))
        seen += [int(i["seq"]["N"]) for i in page["Items"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == list(range(7))


def test_malformed_statements(ddb, table):
    code, message = error_of(_run, ddb, f'SELEC * FROM "{table}"')
    assert code == "ValidationException" and message.startswith("Statement wasn't well formed, can't be processed")
    assert error_of(_run, ddb, f'SELECT * FROM "{table}" WHERE pk = ?') == (
        "ValidationException", "Number of parameters in request and statement don't match.")


def test_batch_execute_statement_reports_per_statement(ddb, table):
    ddb.batch_execute_statement(Statements=[{"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'b', 'seq': 1}}"}])
    answer = ddb.batch_execute_statement(Statements=[     # one item twice in a batch is refused whole
        {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'b', 'seq': 2}}"},
        {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'b', 'seq': 1}}"},
    ])["Responses"]
    assert "Error" not in answer[0]
    assert answer[1]["Error"]["Code"] == "DuplicateItem"
    read = ddb.batch_execute_statement(Statements=[
        {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'b' AND seq = 1"}])["Responses"]
    assert read[0]["Item"] == {"pk": {"S": "b"}, "seq": {"N": "1"}}


def test_execute_transaction_is_all_or_nothing(ddb, table):
    ddb.execute_transaction(TransactStatements=[
        {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 't', 'seq': 1, 'n': 1}}"},
        {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 't', 'seq': 2, 'n': 1}}"}])
    try:
        ddb.execute_transaction(TransactStatements=[
            {"Statement": f"UPDATE \"{table}\" SET n = n + 1 WHERE pk = 't' AND seq = 1"},
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 't', 'seq': 2}}"}])
        raise AssertionError("the transaction should have been cancelled")
    except ddb.exceptions.TransactionCanceledException as cancelled:
        assert [r["Code"] for r in cancelled.response["CancellationReasons"]] == ["None", "DuplicateItem"]
    got = ddb.execute_transaction(TransactStatements=[
        {"Statement": f"SELECT n FROM \"{table}\" WHERE pk = 't' AND seq = 1"}])["Responses"]
    assert got == [{"Item": {"n": {"N": "1"}}}]
