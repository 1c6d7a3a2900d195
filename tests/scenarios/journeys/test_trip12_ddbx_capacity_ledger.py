"""A FinOps engineer checks what each call of an order service costs before moving its
table from on-demand to provisioned capacity. The table has a local index (all
attributes), a global index projecting everything and a global index projecting keys
only; every call asks for ReturnConsumedCapacity. The figures are DynamoDB's rules
(developer guide, "DynamoDB read and write operations" / "Provisioned throughput
considerations for secondary indexes"): a write costs one unit per started 1 KB of the
item, a read one unit per started 4 KB, halved when eventually consistent; a missing item
still costs a read; Query and Scan round the sum of what they read, BatchGetItem each
item; a transaction doubles the table's units (not an index's); an index write costs the size of the index entry, twice
when its key changes (a delete and a put), nothing when the change leaves it alone; an
index read puts 0 units on the table."""
from trip_helpers import client_table

BODY = "x" * 5000       # an order of about 5 KB: 5 write units, 2 read units


def order(pk, sk, status="gold", **extra):
    return {"pk": {"S": pk}, "sk": {"S": sk}, "status": {"S": status}, "placed": {"S": "2024-05-01"},
            "body": {"S": BODY}, **extra}


def units(n, kind):
    """An on-demand table's figure: CapacityUnits alone, outside transactions (recorded
    against DynamoDB, stackd capacity.json)."""
    return {"CapacityUnits": n}


def tx_units(n, kind):
    """A transaction's figure, which names its direction."""
    return {f"{kind}CapacityUnits": n, "CapacityUnits": n}


def test_capacity_of_each_call(client, table_name):
    ddb = client("dynamodb")
    ddb.create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "status", "placed")],
        LocalSecondaryIndexes=[{"IndexName": "by-placed", "Projection": {"ProjectionType": "ALL"}, "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "placed", "KeyType": "RANGE"}]}],
        GlobalSecondaryIndexes=[
            {"IndexName": "by-status", "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}]},
            {"IndexName": "status-keys", "Projection": {"ProjectionType": "KEYS_ONLY"},
             "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}]}])
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    key = {"pk": {"S": "c-1"}, "sk": {"S": "o-1"}}

    put = ddb.put_item(TableName=table_name, Item=order("c-1", "o-1"), ReturnConsumedCapacity="INDEXES")
    assert put["ConsumedCapacity"] == {
        "TableName": table_name, **units(16.0, "Write"), "Table": units(5.0, "Write"),
        "LocalSecondaryIndexes": {"by-placed": units(5.0, "Write")},
        "GlobalSecondaryIndexes": {"by-status": units(5.0, "Write"), "status-keys": units(1.0, "Write")}}

    moved = ddb.update_item(TableName=table_name, Key=key, UpdateExpression="SET #s = :s",
                            ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": {"S": "silver"}},
                            ReturnConsumedCapacity="INDEXES")
    assert moved["ConsumedCapacity"]["GlobalSecondaryIndexes"] == {
        "by-status": units(10.0, "Write"), "status-keys": units(2.0, "Write")}          # delete + put
    assert moved["ConsumedCapacity"]["CapacityUnits"] == 22.0

    noted = ddb.update_item(TableName=table_name, Key=key, UpdateExpression="SET note = :n",
                            ExpressionAttributeValues={":n": {"S": "gift"}}, ReturnConsumedCapacity="INDEXES")
    assert noted["ConsumedCapacity"] == {                     # the keys-only index is left alone
        "TableName": table_name, **units(15.0, "Write"), "Table": units(5.0, "Write"),
        "LocalSecondaryIndexes": {"by-placed": units(5.0, "Write")},
        "GlobalSecondaryIndexes": {"by-status": units(5.0, "Write")}}

    total = ddb.update_item(TableName=table_name, Key=key, UpdateExpression="SET note = :n",
                            ExpressionAttributeValues={":n": {"S": "wrap"}}, ReturnConsumedCapacity="TOTAL")
    assert total["ConsumedCapacity"] == {"TableName": table_name, **units(15.0, "Write")}
    assert "ConsumedCapacity" not in ddb.get_item(TableName=table_name, Key=key, ReturnConsumedCapacity="NONE")

    def read(**args):
        return ddb.get_item(TableName=table_name, ReturnConsumedCapacity="TOTAL", **args)["ConsumedCapacity"]
    assert read(Key=key) == {"TableName": table_name, **units(1.0, "Read")}
    assert read(Key=key, ConsistentRead=True) == {"TableName": table_name, **units(2.0, "Read")}
    assert read(Key=key, ProjectionExpression="pk") == {"TableName": table_name, **units(1.0, "Read")}
    assert read(Key={"pk": {"S": "c-9"}, "sk": {"S": "o-9"}}) == {"TableName": table_name, **units(0.5, "Read")}
    assert read(Key={"pk": {"S": "c-9"}, "sk": {"S": "o-9"}}, ConsistentRead=True) == {
        "TableName": table_name, **units(1.0, "Read")}

    small = {"pk": {"S": "c-1"}, "sk": {"S": "o-2"}, "status": {"S": "gold"}, "placed": {"S": "2024-05-02"}}
    ddb.put_item(TableName=table_name, Item=small)
    counted = ddb.query(TableName=table_name, KeyConditionExpression="pk = :p", Select="COUNT",
                        ExpressionAttributeValues={":p": {"S": "c-1"}}, ReturnConsumedCapacity="INDEXES")
    assert (counted["Count"], counted["ConsumedCapacity"]) == (2, {   # ~5.1 KB read together: 2 units, halved
        "TableName": table_name, **units(1.0, "Read"), "Table": units(1.0, "Read")})
    by_keys = ddb.query(TableName=table_name, IndexName="status-keys", KeyConditionExpression="#s = :s",
                        ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": {"S": "gold"}},
                        ReturnConsumedCapacity="INDEXES")
    assert by_keys["Items"] == [{"pk": {"S": "c-1"}, "sk": {"S": "o-2"}, "status": {"S": "gold"}}]
    assert by_keys["ConsumedCapacity"] == {"TableName": table_name, **units(0.5, "Read"), "Table": {"CapacityUnits": 0.0},
                                           "GlobalSecondaryIndexes": {"status-keys": units(0.5, "Read")}}
    local = ddb.query(TableName=table_name, IndexName="by-placed", KeyConditionExpression="pk = :p",
                      ExpressionAttributeValues={":p": {"S": "c-1"}}, ReturnConsumedCapacity="INDEXES", ConsistentRead=True)
    assert [i["sk"]["S"] for i in local["Items"]] == ["o-1", "o-2"]
    assert local["ConsumedCapacity"] == {"TableName": table_name, **units(2.0, "Read"), "Table": {"CapacityUnits": 0.0},
                                         "LocalSecondaryIndexes": {"by-placed": units(2.0, "Read")}}

    # The same reads in PartiQL cost the same, on the same index.
    selected = ddb.execute_statement(Statement=f'SELECT pk, sk FROM "{table_name}"."status-keys" WHERE status = ?',
                                     Parameters=[{"S": "gold"}], ReturnConsumedCapacity="INDEXES")
    assert selected["Items"] == [{"pk": {"S": "c-1"}, "sk": {"S": "o-2"}}]
    assert selected["ConsumedCapacity"] == by_keys["ConsumedCapacity"]

    batch = ddb.batch_get_item(RequestItems={table_name: {"Keys": [key, {"pk": small["pk"], "sk": small["sk"]},
                                                                   {"pk": {"S": "c-9"}, "sk": {"S": "o-9"}}]}},
                               ReturnConsumedCapacity="TOTAL")
    assert batch["ConsumedCapacity"] == [{"TableName": table_name, **units(2.0, "Read")}]   # 1 + 0.5 + 0.5, each rounded

    written = ddb.batch_write_item(RequestItems={table_name: [
        {"PutRequest": {"Item": order("c-2", "o-1", status="bronze")}},
        {"DeleteRequest": {"Key": {"pk": {"S": "c-9"}, "sk": {"S": "o-9"}}}}]}, ReturnConsumedCapacity="INDEXES")
    assert written["ConsumedCapacity"] == [{
        "TableName": table_name, **units(17.0, "Write"), "Table": units(6.0, "Write"),
        "LocalSecondaryIndexes": {"by-placed": units(5.0, "Write")},
        "GlobalSecondaryIndexes": {"by-status": units(5.0, "Write"), "status-keys": units(1.0, "Write")}}]

    transaction = ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": table_name, "Item": order("c-3", "o-1")}},
        {"ConditionCheck": {"TableName": table_name, "Key": {"pk": small["pk"], "sk": small["sk"]},
                            "ConditionExpression": "attribute_exists(pk)"}}],
        ReturnConsumedCapacity="TOTAL")
    # 5 * 2 for the put, 5 + 5 + 1 for its indexes (an index write is not doubled: stackd
    # index_capacity.json), 1 * 2 for the small item's check
    assert transaction["ConsumedCapacity"] == [{"TableName": table_name, **tx_units(23.0, "Write")}]
    missing = {"pk": {"S": "c-9"}, "sk": {"S": "o-9"}}
    got = ddb.transact_get_items(TransactItems=[{"Get": {"TableName": table_name, "Key": key}},
                                                {"Get": {"TableName": table_name, "Key": missing}}],
                                 ReturnConsumedCapacity="TOTAL")
    assert got["ConsumedCapacity"] == [{"TableName": table_name, **tx_units(6.0, "Read")}]     # (2 + 1) * 2

    gone = ddb.delete_item(TableName=table_name, Key=key, ReturnConsumedCapacity="INDEXES")
    assert gone["ConsumedCapacity"] == {
        "TableName": table_name, **units(16.0, "Write"), "Table": units(5.0, "Write"),
        "LocalSecondaryIndexes": {"by-placed": units(5.0, "Write")},
        "GlobalSecondaryIndexes": {"by-status": units(5.0, "Write"), "status-keys": units(1.0, "Write")}}
    again = ddb.delete_item(TableName=table_name, Key=key, ReturnConsumedCapacity="INDEXES")
    assert again["ConsumedCapacity"] == {"TableName": table_name, **units(1.0, "Write"), "Table": units(1.0, "Write")}
