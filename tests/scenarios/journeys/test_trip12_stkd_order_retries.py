"""An order service retries its transactions with the ClientRequestToken it minted for each
order, and its retries are not byte-identical: another SDK writes numbers in another form,
a map's members in another order, a PartiQL statement with a trailing space. DynamoDB binds
the token to what the request means, not its bytes: those retries are replays, answered as
a transactional read of each item the first run touched at the size it had then (2 units
up to 4 KB, 4 for 4097 bytes), even after the item grew or went away. A retry that asks for
other capacity figures, lists the actions in another order or names another table is
IdempotentParameterMismatchException; TransactWriteItems and ExecuteTransaction share the
tokens. A cancelled transaction keeps its token bound to its request: another request with
it is a mismatch, the same one runs again once its condition holds. A request refused as
malformed binds nothing. All as recorded against DynamoDB (radkawar/stackd,
testdata/aws/dynamodb/transaction_tokens.json)."""
import uuid

from trip_helpers import client_table, error_of

MISMATCH = ("IdempotentParameterMismatchException",
            "Specified idempotent token was used with different request parameters within the idempotency window")


def test_retries_with_one_token(client, table_name):
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("pk", "S"))
    other = f"{table_name}-b"
    client_table(ddb, other, ("pk", "S"))
    try:
        _journey(ddb, table_name, other)
    finally:
        ddb.delete_table(TableName=other)


def _journey(ddb, table, other):
    def write(token, items, **extra):
        return ddb.transact_write_items(TransactItems=items, ClientRequestToken=token, **extra)

    def put(pk, number="1", name=table, members=("x", "y")):
        return {"Put": {"TableName": name, "Item": {"pk": {"S": pk}, "n": {"N": number},
                                                      "m": {"M": {k: {"S": k} for k in members}},
                                                      "pad": {"S": "p" * 4000}}}}

    token = uuid.uuid4().hex
    first = write(token, [put("o1"), put("o2")], ReturnConsumedCapacity="TOTAL")
    assert first["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 16.0, "WriteCapacityUnits": 16.0}]
    ddb.put_item(TableName=table, Item={"pk": {"S": "o1"}, "pad": {"S": "p" * 9000}})    # grown since
    ddb.delete_item(TableName=table, Key={"pk": {"S": "o2"}})                             # and gone
    replay = [{"TableName": table, "CapacityUnits": 4.0, "ReadCapacityUnits": 4.0}]
    for number in ("1", "1.0", "1e0", "01", "+1"):
        again = write(token, [put("o1", number, members=("y", "x")), put("o2")], ReturnConsumedCapacity="TOTAL")
        assert again["ConsumedCapacity"] == replay
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "o2"}}, ConsistentRead=True)
    for changed in ({"ReturnConsumedCapacity": "INDEXES"}, {"ReturnConsumedCapacity": "NONE"}, {},
                    {"ReturnConsumedCapacity": "TOTAL", "ReturnItemCollectionMetrics": "SIZE"}):
        assert error_of(write, token, [put("o1"), put("o2")], **changed) == MISMATCH
    assert error_of(write, token, [put("o2"), put("o1")], ReturnConsumedCapacity="TOTAL") == MISMATCH
    assert error_of(write, token, [put("o1", name=other), put("o2", name=other)],
                    ReturnConsumedCapacity="TOTAL") == MISMATCH
    statement = f"INSERT INTO \"{table}\" VALUE {{'pk': 'p1'}}"
    assert error_of(ddb.execute_transaction, TransactStatements=[{"Statement": statement}],
                    ClientRequestToken=token) == MISMATCH

    # a 4097-byte item by PartiQL; its replay (with a trailing space) reads 4 units
    big = f"INSERT INTO \"{table}\" VALUE {{'pk': 'p2', 'pad': '{'q' * 4090}'}}"
    token = uuid.uuid4().hex
    inserted = ddb.execute_transaction(TransactStatements=[{"Statement": big}], ClientRequestToken=token,
                                       ReturnConsumedCapacity="TOTAL")
    assert inserted["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 10.0, "WriteCapacityUnits": 10.0}]
    replayed = ddb.execute_transaction(TransactStatements=[{"Statement": big + " "}], ClientRequestToken=token,
                                       ReturnConsumedCapacity="TOTAL")
    assert replayed["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 4.0, "ReadCapacityUnits": 4.0}]
    assert error_of(write, token, [put("p2")]) == MISMATCH

    # a cancelled transaction keeps its token bound to its request
    token = uuid.uuid4().hex
    guarded = [{"Put": {"TableName": table, "Item": {"pk": {"S": "c1"}}, "ConditionExpression": "attribute_exists(pk)"}}]
    assert error_of(write, token, guarded, ReturnConsumedCapacity="TOTAL")[0] == "TransactionCanceledException"
    assert error_of(write, token, [{"Put": {"TableName": table, "Item": {"pk": {"S": "c2"}}}}],
                    ReturnConsumedCapacity="TOTAL") == MISMATCH
    ddb.put_item(TableName=table, Item={"pk": {"S": "c1"}})
    ran = write(token, guarded, ReturnConsumedCapacity="TOTAL")
    assert ran["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}]
    again = write(token, guarded, ReturnConsumedCapacity="TOTAL")
    assert again["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 2.0, "ReadCapacityUnits": 2.0}]

    # a malformed request binds nothing
    token = uuid.uuid4().hex
    bad = [{"Update": {"TableName": table, "Key": {"pk": {"S": "v"}}, "UpdateExpression": "SET"}}]
    assert error_of(write, token, bad)[0] == "ValidationException"
    done = write(token, [{"Put": {"TableName": table, "Item": {"pk": {"S": "v"}}}}], ReturnConsumedCapacity="TOTAL")
    assert done["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}]
    again = write(token, [{"Put": {"TableName": table, "Item": {"pk": {"S": "v"}}}}], ReturnConsumedCapacity="TOTAL")
    assert again["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 2.0, "ReadCapacityUnits": 2.0}]
