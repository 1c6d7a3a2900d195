"""An inventory table indexes each item's bin (x) in three local and three global
secondary indexes (keys only, including p, all attributes), and its transactions report
capacity per index. As recorded against DynamoDB (radkawar/stackd,
testdata/aws/dynamodb/index_capacity.json, calls 65-67; data.json, call 62): a
transaction doubles the table's write units, never an index's. Moving an item to another
bin while it grows from 1525 to 2550 bytes charges the table 6 units and each index the
delete of its old entry plus the put of its new one at their sizes (keys-only 1 + 1,
including p 1 + 3, all 2 + 3); removing the bin takes the item out of every index, each
charging the delete of its entry once."""
INDEXES = (("keys", {"ProjectionType": "KEYS_ONLY"}),
           ("include", {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["p"]}),
           ("all", {"ProjectionType": "ALL"}))


def _units(name, table, each):
    """ConsumedCapacity (INDEXES) of a transaction: the table's units and {kind: units} of
    every index kind, the same for the local and the global index of a kind."""
    def write(units):
        return {"WriteCapacityUnits": units, "CapacityUnits": units}
    total = table + 2 * sum(each.values())
    return {"TableName": name, "CapacityUnits": total, "WriteCapacityUnits": total,
            "Table": write(table),
            "LocalSecondaryIndexes": {f"lsi-{kind}": write(units) for kind, units in each.items()},
            "GlobalSecondaryIndexes": {f"gsi-{kind}": write(units) for kind, units in each.items()}}


def test_index_writes_in_transactions(client, table_name):
    ddb = client("dynamodb")
    ddb.create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "x")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        LocalSecondaryIndexes=[{"IndexName": f"lsi-{kind}", "Projection": projection,
                                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                              {"AttributeName": "x", "KeyType": "RANGE"}]}
                               for kind, projection in INDEXES],
        GlobalSecondaryIndexes=[{"IndexName": f"gsi-{kind}", "Projection": projection,
                                 "KeySchema": [{"AttributeName": "x", "KeyType": "HASH"}]}
                                for kind, projection in INDEXES])
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    key = {"pk": {"S": "updtxn00"}, "sk": {"S": "0"}}        # 15 bytes with x
    # 1525 bytes: the keys-only entry 15, the one including p 1024, the whole item 1525
    ddb.put_item(TableName=table_name, Item={**key, "x": {"S": "A"}, "p": {"S": "a" * 1008}, "q": {"S": "q" * 500}})

    def update(expression, values):
        answer = ddb.transact_write_items(ReturnConsumedCapacity="INDEXES", TransactItems=[{"Update": {
            "TableName": table_name, "Key": key, "UpdateExpression": expression,
            "ExpressionAttributeNames": {"#p": "p", "#q": "q", "#x": "x"},
            "ExpressionAttributeValues": values}}])
        return answer["ConsumedCapacity"]

    grown = update("SET #p = :p, #q = :q, #x = :x", {":p": {"S": "a" * 2033}, ":q": {"S": "q" * 500},
                                                     ":x": {"S": "B"}})
    assert grown == [_units(table_name, 6.0, {"keys": 2.0, "include": 4.0, "all": 5.0})]
    shrunk = update("SET #p = :p, #q = :q, #x = :x", {":p": {"S": "a" * 1008}, ":q": {"S": "q" * 500},
                                                      ":x": {"S": "A"}})
    assert shrunk == [_units(table_name, 6.0, {"keys": 2.0, "include": 4.0, "all": 5.0})]
    left = update("SET #p = :p, #q = :q REMOVE #x", {":p": {"S": "a" * 1008}, ":q": {"S": "q" * 500}})
    assert left == [_units(table_name, 4.0, {"keys": 1.0, "include": 1.0, "all": 2.0})]
    entered = update("SET #p = :p, #q = :q, #x = :x", {":p": {"S": "a" * 1008}, ":q": {"S": "q" * 500},
                                                       ":x": {"S": "A"}})
    assert entered == [_units(table_name, 4.0, {"keys": 1.0, "include": 1.0, "all": 2.0})]
