"""ReturnConsumedCapacity INDEXES on writes to a table with a GSI and an LSI, as the
developer guide counts them: a write to an index only when the item enters it, leaves it,
changes its index key (two writes: delete and put) or changes a projected attribute."""
import pytest

INDEXED = {"pk": {"S": "a"}, "sk": {"S": "1"}}


@pytest.fixture
def indexed(ddb, make_table):
    """A table whose GSI `by-g` projects keys only and whose LSI `by-l` projects all."""
    return make_table(range=("sk", "S"), extra_definitions=[("g", "S"), ("l", "S")],
                      GlobalSecondaryIndexes=[{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                               "Projection": {"ProjectionType": "KEYS_ONLY"}}],
                      LocalSecondaryIndexes=[{"IndexName": "by-l", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                                                  {"AttributeName": "l", "KeyType": "RANGE"}],
                                              "Projection": {"ProjectionType": "ALL"}}])


def units(consumed):
    """{'Table': n, 'by-g': n, 'by-l': n} from a ConsumedCapacity with INDEXES."""
    found = {"Table": consumed["Table"]["CapacityUnits"]}
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        found.update({name: index["CapacityUnits"] for name, index in consumed.get(kind, {}).items()})
    assert consumed["CapacityUnits"] == sum(found.values())
    return found


def put(ddb, name, item):
    return units(ddb.put_item(TableName=name, Item=item, ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"])


def update(ddb, name, expression, values=None):
    args = {"ExpressionAttributeValues": values} if values else {}
    return units(ddb.update_item(TableName=name, Key=INDEXED, UpdateExpression=expression,
                                 ReturnConsumedCapacity="INDEXES", **args)["ConsumedCapacity"])


def test_index_writes_follow_the_item(ddb, indexed):
    assert put(ddb, indexed, {**INDEXED, "g": {"S": "x"}, "l": {"S": "y"}}) == {"Table": 1.0, "by-g": 1.0, "by-l": 1.0}
    # a new non-key attribute: projected into the LSI (ALL), not into the GSI (KEYS_ONLY)
    assert put(ddb, indexed, {**INDEXED, "g": {"S": "x"}, "l": {"S": "y"}, "o": {"S": "o"}}) == {"Table": 1.0, "by-l": 1.0}
    assert update(ddb, indexed, "SET g = :g", {":g": {"S": "x2"}}) == {"Table": 1.0, "by-g": 2.0, "by-l": 1.0}
    assert update(ddb, indexed, "REMOVE g") == {"Table": 1.0, "by-g": 1.0, "by-l": 1.0}
    assert update(ddb, indexed, "REMOVE l") == {"Table": 1.0, "by-l": 1.0}
    consumed = ddb.delete_item(TableName=indexed, Key=INDEXED, ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert units(consumed) == {"Table": 1.0}


def test_items_outside_the_indexes_cost_the_table_only(ddb, indexed):
    assert put(ddb, indexed, {"pk": {"S": "b"}, "sk": {"S": "1"}, "o": {"S": "o"}}) == {"Table": 1.0}
    missing = ddb.delete_item(TableName=indexed, Key={"pk": {"S": "none"}, "sk": {"S": "1"}},
                              ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert units(missing) == {"Table": 1.0}


def test_batches_sum_and_transactions_double(ddb, indexed):
    requests = [{"PutRequest": {"Item": {"pk": {"S": "c"}, "sk": {"S": str(i)}, "g": {"S": "q"}}}} for i in range(3)]
    [batch] = ddb.batch_write_item(RequestItems={indexed: requests}, ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert batch["TableName"] == indexed and units(batch) == {"Table": 3.0, "by-g": 3.0}
    [transaction] = ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": indexed, "Item": {"pk": {"S": "d"}, "sk": {"S": "1"}, "g": {"S": "q"}}}}],
        ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    # the table's units are doubled, an index's are not (stackd index_capacity.json)
    assert units(transaction) == {"Table": 2.0, "by-g": 1.0}


def test_total_has_no_breakdown(ddb, indexed):
    consumed = ddb.put_item(TableName=indexed, Item={**INDEXED, "g": {"S": "x"}},
                            ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    # an on-demand table's PutItem names no direction (recorded against DynamoDB, stackd capacity.json)
    assert consumed == {"TableName": indexed, "CapacityUnits": 2.0}
