"""ExecuteTransaction as applications retry it: a ClientRequestToken makes a repeated
transaction (an SDK retry after a lost answer) succeed without running again, the same
token with other statements is IdempotentParameterMismatchException, and a statement's
ReturnValuesOnConditionCheckFailure puts the item into its cancellation reason, as
TransactWriteItems does (ExecuteTransaction and ParameterizedStatement API references). A
statement of a table that does not exist cancels the transaction with a ResourceNotFound
reason, and is not checked further (a public test suite's records of DynamoDB's answers)."""
import uuid

import pytest
from botocore.exceptions import ClientError
from ddb_helpers import error_of


@pytest.fixture
def orders(make_table, ddb):
    """A table of orders whose item (stock, 0) holds 5 units."""
    table = make_table(range=("seq", "N"))
    ddb.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': 'stock', 'seq': 0, 'units': 5}}")
    return table


def _order_and_take_one(table, order):
    return [
        {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'order', 'seq': {order}}}"},
        {"Statement": f"UPDATE \"{table}\" SET units = units - 1 WHERE pk = 'stock' AND seq = 0"},
    ]


def _left(ddb, table):
    item = ddb.get_item(TableName=table, Key={"pk": {"S": "stock"}, "seq": {"N": "0"}})["Item"]
    return item["units"]["N"]


def test_a_repeated_token_runs_the_transaction_once(ddb, orders):
    statements, token = _order_and_take_one(orders, 1), str(uuid.uuid4())
    first = ddb.execute_transaction(TransactStatements=statements, ClientRequestToken=token,
                                    ReturnConsumedCapacity="TOTAL")
    assert first["Responses"] == []     # writes answer no member (stackd data.json, call 76)
    # The retry of the same call succeeds: the INSERT is not refused as a duplicate and
    # the stock is not taken twice. (ReturnConsumedCapacity is part of what the token is
    # bound to: stackd transaction_tokens.json.)
    again = ddb.execute_transaction(TransactStatements=statements, ClientRequestToken=token,
                                    ReturnConsumedCapacity="TOTAL")
    assert again["Responses"] == first["Responses"]
    assert again["ConsumedCapacity"][0]["TableName"] == orders
    assert _left(ddb, orders) == "4"


def test_the_same_token_with_other_statements_is_a_mismatch(ddb, orders):
    token = str(uuid.uuid4())
    ddb.execute_transaction(TransactStatements=_order_and_take_one(orders, 2), ClientRequestToken=token)
    assert error_of(ddb.execute_transaction, TransactStatements=_order_and_take_one(orders, 3),
                    ClientRequestToken=token) == (
        "IdempotentParameterMismatchException",
        "Specified idempotent token was used with different request parameters within the idempotency window")
    assert _left(ddb, orders) == "4"
    assert "Item" not in ddb.get_item(TableName=orders, Key={"pk": {"S": "order"}, "seq": {"N": "3"}})


def test_without_a_token_a_second_run_is_a_new_transaction(ddb, orders):
    statements = _order_and_take_one(orders, 4)
    ddb.execute_transaction(TransactStatements=statements)
    with pytest.raises(ClientError) as caught:
        ddb.execute_transaction(TransactStatements=statements)
    assert [r["Code"] for r in caught.value.response["CancellationReasons"]] == ["DuplicateItem", "None"]


def test_a_failed_condition_returns_the_old_item_when_asked(ddb, orders):
    statements = [
        {"Statement": f"UPDATE \"{orders}\" SET units = 0 WHERE pk = 'stock' AND seq = 0 AND units > 10",
         "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
        {"Statement": f"UPDATE \"{orders}\" SET n = 1 WHERE pk = 'missing' AND seq = 0",
         "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
    ]
    with pytest.raises(ClientError) as caught:
        ddb.execute_transaction(TransactStatements=statements)
    reasons = caught.value.response["CancellationReasons"]
    assert reasons == [
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
         "Item": {"pk": {"S": "stock"}, "seq": {"N": "0"}, "units": {"N": "5"}}},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
    ]


def test_a_table_that_does_not_exist_cancels_the_transaction(ddb, orders):
    missing = "UPDATE \"no-such-orders\" SET units = 1 WHERE pk = 'stock' AND seq = 0"
    with pytest.raises(ClientError) as caught:
        ddb.execute_transaction(TransactStatements=[
            {"Statement": missing + " RETURNING ALL NEW *"},
            {"Statement": f"UPDATE \"{orders}\" SET units = 0 WHERE pk = 'stock' AND seq = 0"}])
    assert caught.value.response["CancellationReasons"] == [
        {"Code": "ResourceNotFound", "Message": "Requested resource not found"}, {"Code": "None"}]
    with pytest.raises(ClientError) as caught:
        ddb.execute_transaction(TransactStatements=[
            {"Statement": f"SELECT * FROM \"{orders}\" WHERE pk = 'stock' AND seq = 0"},
            {"Statement": "SELECT * FROM \"no-such-orders\".\"by-day\" WHERE pk = 'x' AND seq = 0"}])
    assert caught.value.response["CancellationReasons"] == [
        {"Code": "None"}, {"Code": "ResourceNotFound", "Message": "Requested resource not found"}]
    assert error_of(ddb.execute_transaction, TransactStatements=[
        {"Statement": missing},
        {"Statement": f"UPDATE \"{orders}\" SET units = 0 WHERE pk = 'stock' AND seq = 0 RETURNING ALL NEW *"}]) == (
        "ValidationException",
        "Validation failed in TransactStatements[1]: RETURNING clause is not supported in ExecuteTransaction.")
    assert _left(ddb, orders) == "5"
