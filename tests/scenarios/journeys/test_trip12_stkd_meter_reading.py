"""A cost dashboard sums ConsumedCapacity over every call its service makes against an
on-demand table with a KEYS_ONLY index. On such a table DynamoDB reports CapacityUnits
alone for single-item reads and writes, Query, Scan, the batches and ExecuteStatement (the
Table and index parts too, with INDEXES); only transactions add ReadCapacityUnits or
WriteCapacityUnits. The figures: a missing item still costs a read, a 1025-byte item two
write units, a KEYS_ONLY index its own unit. All as recorded against DynamoDB
(radkawar/stackd, testdata/aws/dynamodb/capacity.json and capacity_item_sizes.json)."""
import uuid


def item(pk, sk, size, **extra):
    """An item of `size` bytes (names plus string values)."""
    used = 2 + len(pk) + 2 + len(sk) + 7 + sum(len(k) + len(v["S"]) for k, v in extra.items())
    return {"pk": {"S": pk}, "sk": {"S": sk}, "payload": {"S": "x" * (size - used)}, **extra}


def test_on_demand_meter_readings(client, table_name):
    ddb = client("dynamodb")
    ddb.create_table(TableName=table_name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "g")],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                     GlobalSecondaryIndexes=[{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                              "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    t = table_name

    def used(answer):
        return answer["ConsumedCapacity"]

    assert used(ddb.put_item(TableName=t, Item=item("S", "one", 64), ReturnConsumedCapacity="TOTAL")) == {
        "TableName": t, "CapacityUnits": 1.0}
    assert used(ddb.put_item(TableName=t, Item=item("S", "two", 64), ReturnConsumedCapacity="INDEXES")) == {
        "TableName": t, "CapacityUnits": 1.0, "Table": {"CapacityUnits": 1.0}}
    assert used(ddb.get_item(TableName=t, Key={"pk": {"S": "S"}, "sk": {"S": "one"}},
                             ReturnConsumedCapacity="TOTAL")) == {"TableName": t, "CapacityUnits": 0.5}
    assert used(ddb.query(TableName=t, KeyConditionExpression="pk = :p", ExpressionAttributeValues={
        ":p": {"S": "nothing"}}, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")) == {
        "TableName": t, "CapacityUnits": 1.0}
    keys = [{"pk": {"S": "S"}, "sk": {"S": sk}} for sk in ("one", "two", "missing")]
    for consistent, units in ((False, 1.5), (True, 3.0)):
        answer = ddb.batch_get_item(RequestItems={t: {"Keys": keys, "ConsistentRead": consistent}},
                                    ReturnConsumedCapacity="TOTAL")
        assert used(answer) == [{"TableName": t, "CapacityUnits": units}]
    answer = ddb.batch_write_item(RequestItems={t: [
        {"PutRequest": {"Item": item("W", "a", 64)}}, {"PutRequest": {"Item": item("W", "b", 1025)}},
        {"DeleteRequest": {"Key": {"pk": {"S": "W"}, "sk": {"S": "missing"}}}}]}, ReturnConsumedCapacity="TOTAL")
    assert used(answer) == [{"TableName": t, "CapacityUnits": 4.0}]
    select = f"SELECT * FROM \"{t}\" WHERE pk = 'S' AND sk = 'one'"
    assert used(ddb.execute_statement(Statement=select, ReturnConsumedCapacity="INDEXES")) == {
        "TableName": t, "CapacityUnits": 0.5, "Table": {"CapacityUnits": 0.5}}
    assert used(ddb.execute_statement(Statement=select, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")) == {
        "TableName": t, "CapacityUnits": 1.0}
    answer = ddb.put_item(TableName=t, Item=item("G", "1", 4097, g={"S": "k"}), ReturnConsumedCapacity="INDEXES")
    assert used(answer) == {"TableName": t, "CapacityUnits": 6.0, "Table": {"CapacityUnits": 5.0},
                            "GlobalSecondaryIndexes": {"by-g": {"CapacityUnits": 1.0}}}
    answer = ddb.query(TableName=t, IndexName="by-g", KeyConditionExpression="g = :g",
                       ExpressionAttributeValues={":g": {"S": "k"}}, ReturnConsumedCapacity="INDEXES")
    assert used(answer) == {"TableName": t, "CapacityUnits": 0.5, "Table": {"CapacityUnits": 0.0},
                            "GlobalSecondaryIndexes": {"by-g": {"CapacityUnits": 0.5}}}

    # transactions name the direction
    answer = ddb.transact_get_items(TransactItems=[{"Get": {"TableName": t, "Key": k}} for k in keys],
                                    ReturnConsumedCapacity="TOTAL")
    assert used(answer) == [{"TableName": t, "CapacityUnits": 6.0, "ReadCapacityUnits": 6.0}]
    write = {"TransactItems": [{"Put": {"TableName": t, "Item": item("T", "a", 1025)}},
                               {"Delete": {"TableName": t, "Key": {"pk": {"S": "T"}, "sk": {"S": "missing"}}}}],
             "ClientRequestToken": uuid.uuid4().hex, "ReturnConsumedCapacity": "INDEXES"}
    assert used(ddb.transact_write_items(**write)) == [{
        "TableName": t, "CapacityUnits": 6.0, "WriteCapacityUnits": 6.0,
        "Table": {"CapacityUnits": 6.0, "WriteCapacityUnits": 6.0}}]
    assert used(ddb.transact_write_items(**write)) == [{
        "TableName": t, "CapacityUnits": 4.0, "ReadCapacityUnits": 4.0,
        "Table": {"CapacityUnits": 4.0, "ReadCapacityUnits": 4.0}}]
