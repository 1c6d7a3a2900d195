"""A help-desk back office keeps its tickets in DynamoDB and talks to it only in PartiQL,
the way its SQL-minded developers prefer: tickets are INSERTed with parameters (a
second INSERT of the same key is a DuplicateItemException), the queue view SELECTs a
partition with a filter on a non-key attribute and pages with Limit and NextToken (the
Limit counts the items read, not the items returned), agents UPDATE with SET and REMOVE
and read the new item back with RETURNING, an UPDATE guarded by a non-key condition
fails as a conditional check, closed tickets are DELETEd returning the old item, the
nightly sweep runs BatchExecuteStatement where each statement succeeds or fails on its
own, and a hand-over moves two tickets in one ExecuteTransaction that is cancelled
whole when one ticket is already gone (the PartiQL reference; DynamoDB's error codes)."""
import pytest
from botocore.exceptions import ClientError

from trip_helpers import client_table, error_of


def test_helpdesk_in_partiql(client, table_name):
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("queue", "S"), ("seq", "N"))
    table = f'"{table_name}"'
    for seq in range(1, 7):
        ddb.execute_statement(Statement=f"INSERT INTO {table} VALUE {{'queue': 'support', 'seq': ?, 'state': ?, "
                                        f"'prio': {seq % 3}}}",
                              Parameters=[{"N": str(seq)}, {"S": "open" if seq % 2 else "closed"}])
    assert error_of(ddb.execute_statement, Statement=f"INSERT INTO {table} VALUE {{'queue': 'support', 'seq': 3}}") == (
        "DuplicateItemException", "Duplicate primary key exists in table")

    view = f"SELECT seq FROM {table} WHERE queue = 'support' AND state = 'open'"
    pages, token = [], None
    while True:
        page = ddb.execute_statement(Statement=view, Limit=2, **({"NextToken": token} if token else {}))
        pages.append([item["seq"]["N"] for item in page["Items"]])
        token = page.get("NextToken")
        if not token:
            break
    # the third page reaches its Limit on the last item: no NextToken (stackd partiql_key_ordering.json)
    assert pages == [["1"], ["3"], ["5"]]
    assert ddb.execute_statement(Statement=f"SELECT seq, prio FROM {table} WHERE queue = ? AND seq > ? AND prio = ?",
                                 Parameters=[{"S": "support"}, {"N": "2"}, {"N": "1"}])["Items"] == [
        {"seq": {"N": "4"}, "prio": {"N": "1"}}]
    assert error_of(ddb.execute_statement, Statement=f"SELECT * FROM {table} WHERE queue = ?") == (
        "ValidationException", "Number of parameters in request and statement don't match.")

    assigned = ddb.execute_statement(Statement=f"UPDATE {table} SET state = 'pending' SET agent = 'kim' REMOVE prio "
                                               "WHERE queue = 'support' AND seq = 1 RETURNING ALL NEW *")
    assert assigned["Items"] == [{"queue": {"S": "support"}, "seq": {"N": "1"}, "state": {"S": "pending"},
                                  "agent": {"S": "kim"}}]
    assert error_of(ddb.execute_statement, Statement=f"UPDATE {table} SET agent = 'lee' "
                                                     "WHERE queue = 'support' AND seq = 2 AND state = 'open'") == (
        "ConditionalCheckFailedException", "The conditional request failed")
    assert error_of(ddb.execute_statement, Statement=f"DELETE FROM {table} WHERE queue = 'support'") == (
        "ValidationException", "Where clause does not contain a mandatory equality on all key attributes")
    removed = ddb.execute_statement(Statement=f"DELETE FROM {table} WHERE queue = 'support' AND seq = 6 "
                                              "RETURNING ALL OLD *")
    assert removed["Items"] == [{"queue": {"S": "support"}, "seq": {"N": "6"}, "state": {"S": "closed"},
                                 "prio": {"N": "0"}}]

    sweep = ddb.batch_execute_statement(Statements=[
        {"Statement": f"UPDATE {table} SET state = 'archived' WHERE queue = 'support' AND seq = 2"},
        {"Statement": f"INSERT INTO {table} VALUE {{'queue': 'support', 'seq': 4}}"},
        {"Statement": f"DELETE FROM {table} WHERE queue = 'support' AND seq = 3 AND state = 'closed'",
         "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
        {"Statement": "UPDATE \"no-such-tickets\" SET state = 'x' WHERE queue = 'support' AND seq = 1"},
    ])["Responses"]
    assert sweep == [
        {"TableName": table_name},
        {"TableName": table_name, "Error": {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"}},
        {"TableName": table_name, "Error": {
            "Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
            "Item": {"queue": {"S": "support"}, "seq": {"N": "3"}, "state": {"S": "open"}, "prio": {"N": "0"}}}},
        {"Error": {"Code": "ResourceNotFound", "Message": "Requested resource not found"}}]

    hand_over = [{"Statement": f"UPDATE {table} SET queue_owner = 'billing' WHERE queue = 'support' AND seq = ?",
                  "Parameters": [{"N": seq}]} for seq in ("3", "6")]
    hand_over[1]["Statement"] += " AND attribute_exists(seq)"
    with pytest.raises(ClientError) as caught:
        ddb.execute_transaction(TransactStatements=hand_over)
    assert caught.value.response["Error"] == {
        "Code": "TransactionCanceledException",
        "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons "
                   "[None, ConditionalCheckFailed]"}
    assert ddb.execute_transaction(TransactStatements=hand_over[:1])["Responses"] == []

    final = ddb.execute_statement(Statement=f"SELECT * FROM {table} WHERE queue = 'support'")["Items"]
    assert final == [
        {"queue": {"S": "support"}, "seq": {"N": "1"}, "state": {"S": "pending"}, "agent": {"S": "kim"}},
        {"queue": {"S": "support"}, "seq": {"N": "2"}, "state": {"S": "archived"}, "prio": {"N": "2"}},
        {"queue": {"S": "support"}, "seq": {"N": "3"}, "state": {"S": "open"}, "prio": {"N": "0"},
         "queue_owner": {"S": "billing"}},
        {"queue": {"S": "support"}, "seq": {"N": "4"}, "state": {"S": "closed"}, "prio": {"N": "1"}},
        {"queue": {"S": "support"}, "seq": {"N": "5"}, "state": {"S": "open"}, "prio": {"N": "2"}}]
