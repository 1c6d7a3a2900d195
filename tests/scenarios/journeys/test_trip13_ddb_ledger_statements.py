"""A ledger service keeps per-tenant counters in a table with a hyphenated name and moves
them with PartiQL, as recorded against DynamoDB (radkawar/stackd,
testdata/aws/dynamodb/data.json, calls 64 and 70-79): the table name must be quoted (an
unquoted `FROM my-table` is 'Unexpected from source'); a batch may not mix reads and
writes; a transaction of writes answers an empty Responses list (reads answer one member
each, {} for a missing item); a transaction mixing reads and writes is refused in
ExecuteTransaction's words; a cancelled transaction changes nothing; a token reused with
other parameters is IdempotentParameterMismatchException in DynamoDB's words; an empty set in
PutItem's item is request validation."""
import uuid

from trip_helpers import client_table, error_of


def test_ledger_statements(client, table_name):
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("pk", "S"), ("sk", "N"))
    quoted = f'"{table_name}"'
    for sk, n in (("1", "10"), ("2", "20")):
        ddb.put_item(TableName=table_name, Item={"pk": {"S": "tenant-a"}, "sk": {"N": sk}, "n": {"N": n}})

    assert error_of(ddb.execute_statement, Statement=f"SELECT * FROM {table_name} WHERE pk = ?",
                    Parameters=[{"S": "tenant-a"}]) == ("ValidationException", "Unexpected from source")

    def key(sk):
        return [{"S": "tenant-a"}, {"N": sk}]

    select = f'SELECT * FROM {quoted} WHERE "pk" = ? AND "sk" = ?'
    bump = f'UPDATE {quoted} SET "n" = "n" + 1 WHERE "pk" = ? AND "sk" = ?'
    assert error_of(ddb.batch_execute_statement, Statements=[
        {"Statement": select, "Parameters": key("1")},
        {"Statement": f'DELETE FROM {quoted} WHERE "pk" = ? AND "sk" = ?', "Parameters": key("2")},
    ]) == ("ValidationException", "Read and write requests together in the same batch is not supported.")

    reads = ddb.execute_transaction(TransactStatements=[
        {"Statement": select, "Parameters": key(sk)} for sk in ("2", "99", "1")])
    assert reads["Responses"] == [
        {"Item": {"pk": {"S": "tenant-a"}, "sk": {"N": "2"}, "n": {"N": "20"}}}, {},
        {"Item": {"pk": {"S": "tenant-a"}, "sk": {"N": "1"}, "n": {"N": "10"}}}]

    token = uuid.uuid4().hex
    writes = [{"Statement": bump, "Parameters": key(sk)} for sk in ("1", "2")]
    wrote = ddb.execute_transaction(TransactStatements=writes, ReturnConsumedCapacity="TOTAL",
                                    ClientRequestToken=token)
    assert wrote["Responses"] == []
    assert wrote["ConsumedCapacity"] == [{"TableName": table_name, "CapacityUnits": 4.0, "WriteCapacityUnits": 4.0}]
    assert ddb.execute_transaction(TransactStatements=writes, ReturnConsumedCapacity="TOTAL",
                                   ClientRequestToken=token)["Responses"] == []
    assert error_of(ddb.execute_transaction, TransactStatements=writes[:1], ReturnConsumedCapacity="TOTAL",
                    ClientRequestToken=token) == (
        "IdempotentParameterMismatchException",
        "Specified idempotent token was used with different request parameters within the idempotency window")

    cancelled = error_of(ddb.execute_transaction, TransactStatements=[
        writes[0], {"Statement": bump + ' AND "n" = 0', "Parameters": key("2")}])
    assert cancelled == ("TransactionCanceledException", "Transaction cancelled, please refer cancellation reasons "
                                                          "for specific reasons [None, ConditionalCheckFailed]")
    assert [r["Item"]["n"] for r in ddb.execute_transaction(TransactStatements=[
        {"Statement": select, "Parameters": key(sk)} for sk in ("1", "2")])["Responses"]] == [{"N": "11"}, {"N": "21"}]

    assert error_of(ddb.execute_transaction, TransactStatements=[
        {"Statement": select, "Parameters": key("2")}, writes[0]]) == (
        "ValidationException",
        "ExecuteTransaction API does not support both read and write operations in the same request.")


def test_an_empty_set_in_a_put_is_request_validation(client, table_name):
    """PutItem with an empty string set is refused as request validation, with
    '1 validation error detected: ' before DynamoDB's words, and nothing is stored (stackd
    data.json, calls 22 and 38)."""
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("pk", "S"), ("sk", "N"))
    key = {"pk": {"S": "tenant-a"}, "sk": {"N": "99"}}
    assert error_of(ddb.put_item, TableName=table_name, Item={**key, "tags": {"SS": []}}) == (
        "ValidationException",
        "1 validation error detected: One or more parameter values were invalid: An string set  may not be empty")
    assert "Item" not in ddb.get_item(TableName=table_name, Key=key, ConsistentRead=True)
