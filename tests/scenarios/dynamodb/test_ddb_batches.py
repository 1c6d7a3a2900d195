"""Batches and transactions: BatchGetItem, BatchWriteItem (and boto3's batch_writer),
TransactWriteItems with CancellationReasons and idempotency tokens, TransactGetItems."""
import pytest
from ddb_helpers import error_of


@pytest.fixture
def table(make_table):
    return make_table()


def _key(i):
    return {"pk": {"S": f"k{i}"}}


def test_batch_writer_then_batch_get(ddb, resource, table):
    with resource.Table(table).batch_writer() as batch:
        for i in range(60):
            batch.put_item(Item={"pk": f"k{i}", "n": i})
        batch.delete_item(Key={"pk": "k0"})
    answer = ddb.batch_get_item(RequestItems={table: {"Keys": [_key(i) for i in range(10)],
                                                      "ProjectionExpression": "n"}},
                                ReturnConsumedCapacity="TOTAL")
    assert sorted(int(i["n"]["N"]) for i in answer["Responses"][table]) == list(range(1, 10))
    assert answer["UnprocessedKeys"] == {}
    assert answer["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 5.0}]    # on demand: no direction


def test_batch_limits_and_duplicates(ddb, table, make_table):
    other = make_table()
    assert error_of(ddb.batch_get_item, RequestItems={table: {"Keys": [_key(i) for i in range(60)]},
                                                      other: {"Keys": [_key(i) for i in range(41)]}}) == (
        "ValidationException", "Too many items requested for the BatchGetItem call")
    assert error_of(ddb.batch_write_item, RequestItems={table: [{"PutRequest": {"Item": _key(1)}}] * 2}) == (
        "ValidationException", "Provided list of item keys contains duplicates")
    assert error_of(ddb.batch_get_item, RequestItems={table: {"Keys": [_key(1), _key(1)]}}) == (
        "ValidationException", "Provided list of item keys contains duplicates")


def test_batch_write_is_checked_whole_before_anything_is_written(ddb, table):
    code, _ = error_of(ddb.batch_write_item, RequestItems={table: [
        {"PutRequest": {"Item": _key(1)}}, {"PutRequest": {"Item": {"pk": {"N": "2"}}}}]})
    assert code == "ValidationException"
    assert "Item" not in ddb.get_item(TableName=table, Key=_key(1))


def test_transaction_commits_every_action(ddb, table):
    ddb.put_item(TableName=table, Item={**_key(1), "balance": {"N": "10"}})
    ddb.put_item(TableName=table, Item={**_key(9), "old": {"BOOL": True}})
    ddb.transact_write_items(TransactItems=[
        {"Update": {"TableName": table, "Key": _key(1), "UpdateExpression": "SET balance = balance - :x",
                    "ConditionExpression": "balance >= :x", "ExpressionAttributeValues": {":x": {"N": "4"}}}},
        {"Put": {"TableName": table, "Item": {**_key(2), "balance": {"N": "4"}}}},
        {"Delete": {"TableName": table, "Key": _key(9)}},
    ])
    got = ddb.transact_get_items(TransactItems=[{"Get": {"TableName": table, "Key": _key(i)}} for i in (1, 2, 9)])
    assert [r.get("Item", {}).get("balance") for r in got["Responses"]] == [{"N": "6"}, {"N": "4"}, None]


def test_cancelled_transaction_changes_nothing_and_says_why(ddb, table):
    ddb.put_item(TableName=table, Item={**_key(1), "balance": {"N": "1"}})
    try:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": {**_key(2), "balance": {"N": "5"}}}},
            {"ConditionCheck": {"TableName": table, "Key": _key(1), "ConditionExpression": "balance >= :x",
                                "ExpressionAttributeValues": {":x": {"N": "5"}},
                                "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
        ])
        raise AssertionError("the transaction should have been cancelled")
    except ddb.exceptions.TransactionCanceledException as cancelled:
        assert cancelled.response["Error"]["Message"] == (
            "Transaction cancelled, please refer cancellation reasons for specific reasons [None, "
            "ConditionalCheckFailed]")
        assert cancelled.response["CancellationReasons"] == [
            {"Code": "None"},
            {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
             "Item": {**_key(1), "balance": {"N": "1"}}}]
    assert "Item" not in ddb.get_item(TableName=table, Key=_key(2))


def test_one_item_twice_in_a_transaction(ddb, table):
    assert error_of(ddb.transact_write_items, TransactItems=[
        {"Put": {"TableName": table, "Item": _key(1)}}, {"Delete": {"TableName": table, "Key": _key(1)}}]) == (
        "ValidationException", "Transaction request cannot include multiple operations on one item")


def test_client_request_token_makes_a_retry_harmless(ddb, table):
    def transfer():
        return ddb.transact_write_items(ClientRequestToken="transfer-0001", TransactItems=[
            {"Update": {"TableName": table, "Key": _key(1), "UpdateExpression": "ADD n :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}}])
    transfer()
    transfer()
    assert ddb.get_item(TableName=table, Key=_key(1))["Item"]["n"] == {"N": "1"}
    code, _ = error_of(ddb.transact_write_items, ClientRequestToken="transfer-0001", TransactItems=[
        {"Put": {"TableName": table, "Item": _key(3)}}])
    assert code == "IdempotentParameterMismatchException"


def test_transactions_cost_double(ddb, table):
    answer = ddb.transact_write_items(ReturnConsumedCapacity="TOTAL", TransactItems=[
        {"Put": {"TableName": table, "Item": _key(i)}} for i in range(3)])
    assert answer["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 6.0, "WriteCapacityUnits": 6.0}]
    got = ddb.transact_get_items(ReturnConsumedCapacity="TOTAL",
                                 TransactItems=[{"Get": {"TableName": table, "Key": _key(0)}}])
    assert got["ConsumedCapacity"][0]["CapacityUnits"] == 2.0
