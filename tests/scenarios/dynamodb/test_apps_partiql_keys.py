"""PartiQL statements whose key values do not fit the table's key schema, in PartiQL's own
words rather than PutItem's or Query's (DynamoDB Local's PartiQL messages; public records
of DynamoDB's answers give "Key attribute's data type should match ..." for a parameter of
the wrong type): a key compared with `=` or IN to a value of another type, an INSERT
without a key attribute or with one of the wrong type, an UPDATE or DELETE giving a key
attribute two values. In a transaction a statement that names no one item cancels it with a
ValidationError reason in TransactWriteItems' words (as a public test suite records
DynamoDB's answers); in a batch it is that statement's error."""
import pytest
from botocore.exceptions import ClientError
from ddb_helpers import error_of

TYPE = "Key attribute's data type should match its data type in table's schema: Key {}"
MISMATCH = "The provided key element does not match the schema"


@pytest.fixture
def tickets(make_table, ddb):
    """Tickets by event (S) and seat (N); (gala, 1) is sold."""
    table = make_table(hash=("event", "S"), range=("seat", "N"))
    ddb.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE {{'event': 'gala', 'seat': 1}}")
    return table


@pytest.mark.parametrize("where, key", [
    ("event = 1", "event"),
    ("event = 1 OR event = 'gala'", "event"),
    ("event = 'gala' AND seat IN [1, '2']", "seat"),
])
def test_a_key_compared_with_another_type(ddb, tickets, where, key):
    assert error_of(ddb.execute_statement, Statement=f"SELECT * FROM \"{tickets}\" WHERE {where}") == (
        "ValidationException", TYPE.format(key))


def test_a_parameter_of_the_wrong_type_for_the_key(ddb, tickets):
    assert error_of(ddb.execute_statement, Statement=f"SELECT * FROM \"{tickets}\" WHERE event = ?",
                    Parameters=[{"N": "1"}]) == ("ValidationException", TYPE.format("event"))
    assert error_of(ddb.execute_statement, Statement=f"UPDATE \"{tickets}\" SET holder = 'x' WHERE event = 'gala' "
                                                     "AND seat = ?", Parameters=[{"S": "1"}]) == (
        "ValidationException", TYPE.format("seat"))


def test_an_insert_needs_its_whole_key_of_the_right_types(ddb, tickets):
    insert = f"INSERT INTO \"{tickets}\" VALUE "
    assert error_of(ddb.execute_statement, Statement=insert + "{'event': 'gala'}") == (
        "ValidationException", "Key attribute should be present in the item: Key seat")
    assert error_of(ddb.execute_statement, Statement=insert + "{'event': 7, 'seat': 2}") == (
        "ValidationException", TYPE.format("event"))


def test_in_a_transaction_a_wrong_key_cancels(ddb, tickets):
    select = f"SELECT * FROM \"{tickets}\" WHERE "
    with pytest.raises(ClientError) as caught:
        ddb.execute_transaction(TransactStatements=[{"Statement": select + "event = 'gala' AND seat = 1"},
                                                    {"Statement": select + "event = 1 AND seat = 1"}])
    assert caught.value.response["CancellationReasons"] == [
        {"Code": "None"}, {"Code": "ValidationError", "Message": MISMATCH}]
    with pytest.raises(ClientError) as caught:
        ddb.execute_transaction(TransactStatements=[
            {"Statement": f"INSERT INTO \"{tickets}\" VALUE {{'event': 'gala'}}"},
            {"Statement": f"UPDATE \"{tickets}\" SET holder = 'x' WHERE event = 'gala' AND seat = 1"}])
    assert caught.value.response["CancellationReasons"] == [
        {"Code": "ValidationError", "Message": "One or more parameter values were invalid: Missing the key seat in "
                                               "the item"},
        {"Code": "None"}]
    with pytest.raises(ClientError) as caught:
        ddb.execute_transaction(TransactStatements=[
            {"Statement": f"UPDATE \"{tickets}\" SET holder = 'x' WHERE event = 'gala'"},
            {"Statement": f"DELETE FROM \"{tickets}\" WHERE event = 'gala' AND seat = 1 AND event = 'ball'"},
            {"Statement": f"UPDATE \"{tickets}\" SET holder = 'x' WHERE event = 'gala' AND seat = '1'"}])
    assert caught.value.response["CancellationReasons"] == [{"Code": "ValidationError", "Message": MISMATCH}] * 3


def test_a_write_names_one_item(ddb, tickets):
    for statement in (f"UPDATE \"{tickets}\" SET holder = 'x' WHERE event = 'gala' AND seat = 1 AND event = 'ball'",
                      f"DELETE FROM \"{tickets}\" WHERE event = 'gala' AND seat = 1 AND seat = 2"):
        name = "event" if "ball" in statement else "seat"
        assert error_of(ddb.execute_statement, Statement=statement) == (
            "ValidationException", f"Multiple conditions on same key {name}. Only single item Update/Insert/Delete "
                                   "are supported")
    assert ddb.execute_statement(Statement=f"SELECT seat FROM \"{tickets}\" WHERE event = 'gala'")["Items"] == [
        {"seat": {"N": "1"}}]


def test_in_a_batch_a_wrong_key_is_that_statements_error(ddb, tickets):
    answer = ddb.batch_execute_statement(Statements=[
        {"Statement": f"SELECT * FROM \"{tickets}\" WHERE event = 1 AND seat = 1"},
        {"Statement": f"SELECT seat FROM \"{tickets}\" WHERE event = 'gala' AND seat = 1"}])["Responses"]
    assert answer == [{"Error": {"Code": "ValidationError", "Message": TYPE.format("event")}},
                      {"TableName": tickets, "Item": {"seat": {"N": "1"}}}]
