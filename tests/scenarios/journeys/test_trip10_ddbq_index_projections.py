"""A developer of a ticketing service reads one table through three secondary indexes
and learns what each returns: a KEYS_ONLY GSI of open tickets (sparse: only tickets with
a `queue` attribute are in it), an INCLUDE GSI keyed by a numeric priority and a binary
fingerprint, and a KEYS_ONLY LSI on the ticket's age. A Query on each returns just the
projected attributes; the LSI fetches the rest of the item from the table when asked for
it, a GSI refuses ALL_ATTRIBUTES, a projection naming what it does not project, and
consistent reads; a page's LastEvaluatedKey holds
the index key and the table key, and a start key without the index key is refused.
ReturnConsumedCapacity=INDEXES splits a write between the table and each index it
touches, and ReturnItemCollectionMetrics reports the item collection of the LSI's table.
A cleanup script then learns that the LSI is not a GSI to update or delete."""
import pytest

from trip_helpers import error_of


@pytest.fixture
def tickets(client, table_name):
    ddb = client("dynamodb")
    ddb.create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "proj", "KeyType": "HASH"}, {"AttributeName": "ticket", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in [
            ("proj", "S"), ("ticket", "S"), ("queue", "S"), ("priority", "N"), ("fp", "B"), ("age", "N")]],
        GlobalSecondaryIndexes=[
            {"IndexName": "open", "KeySchema": [{"AttributeName": "queue", "KeyType": "HASH"}],
             "Projection": {"ProjectionType": "KEYS_ONLY"}},
            {"IndexName": "urgent", "KeySchema": [{"AttributeName": "priority", "KeyType": "HASH"},
                                                  {"AttributeName": "fp", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title", "assignee"]}}],
        LocalSecondaryIndexes=[
            {"IndexName": "by-age", "KeySchema": [{"AttributeName": "proj", "KeyType": "HASH"},
                                                  {"AttributeName": "age", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    ddb.get_waiter("table_exists").wait(TableName=table_name)
    for n in range(6):
        item = {"proj": {"S": "web"}, "ticket": {"S": f"t{n}"}, "title": {"S": f"bug {n}"},
                "body": {"S": "x" * 10}, "age": {"N": str(10 - n)}}
        if n % 2 == 0:
            item["queue"] = {"S": "triage"}
        if n % 3 == 0:
            item["priority"], item["fp"] = {"N": "1"}, {"B": bytes([n, 255])}
        ddb.put_item(TableName=table_name, Item=item)
    return ddb


def test_what_each_index_returns(tickets, table_name):
    ddb = tickets
    described = ddb.describe_table(TableName=table_name)["Table"]
    assert [d["AttributeName"] for d in described["AttributeDefinitions"]] == [
        "age", "fp", "priority", "proj", "queue", "ticket"]                      # sorted by name
    assert [i["IndexName"] for i in described["GlobalSecondaryIndexes"]] == ["open", "urgent"]
    assert described["GlobalSecondaryIndexes"][1]["Projection"] == {"ProjectionType": "INCLUDE",
                                                                    "NonKeyAttributes": ["assignee", "title"]}
    triage = ddb.query(TableName=table_name, IndexName="open", KeyConditionExpression="queue = :q",
                       ExpressionAttributeValues={":q": {"S": "triage"}})
    assert sorted(triage["Items"], key=lambda i: i["ticket"]["S"]) == [
        {"proj": {"S": "web"}, "ticket": {"S": f"t{n}"}, "queue": {"S": "triage"}} for n in (0, 2, 4)]
    assert ddb.scan(TableName=table_name, IndexName="open", Select="COUNT")["Count"] == 3      # sparse

    urgent = ddb.query(TableName=table_name, IndexName="urgent", KeyConditionExpression="priority = :p AND fp > :f",
                       ExpressionAttributeValues={":p": {"N": "1"}, ":f": {"B": b"\x00\xff"}})
    assert urgent["Items"] == [{"proj": {"S": "web"}, "ticket": {"S": "t3"}, "priority": {"N": "1"},
                                "fp": {"B": b"\x03\xff"}, "title": {"S": "bug 3"}}]

    young = ddb.query(TableName=table_name, IndexName="by-age", KeyConditionExpression="proj = :p AND age <= :a",
                      ExpressionAttributeValues={":p": {"S": "web"}, ":a": {"N": "6"}})
    assert young["Items"] == [{"proj": {"S": "web"}, "ticket": {"S": "t5"}, "age": {"N": "5"}},
                              {"proj": {"S": "web"}, "ticket": {"S": "t4"}, "age": {"N": "6"}}]
    fetched = ddb.query(TableName=table_name, IndexName="by-age", KeyConditionExpression="proj = :p AND age < :a",
                        ExpressionAttributeValues={":p": {"S": "web"}, ":a": {"N": "6"}}, Select="ALL_ATTRIBUTES")
    assert fetched["Items"] == [{"proj": {"S": "web"}, "ticket": {"S": "t5"}, "title": {"S": "bug 5"},
                                 "body": {"S": "x" * 10}, "age": {"N": "5"}}]
    titles = ddb.query(TableName=table_name, IndexName="by-age", KeyConditionExpression="proj = :p AND age < :a",
                       ExpressionAttributeValues={":p": {"S": "web"}, ":a": {"N": "7"}}, ProjectionExpression="title")
    assert titles["Items"] == [{"title": {"S": "bug 5"}}, {"title": {"S": "bug 4"}}]

    assert error_of(ddb.query, TableName=table_name, IndexName="open", KeyConditionExpression="queue = :q",
                    ExpressionAttributeValues={":q": {"S": "triage"}}, Select="ALL_ATTRIBUTES") == (
        "ValidationException", "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
                               "supported for global secondary index open because its projection type is not ALL")
    assert error_of(ddb.query, TableName=table_name, IndexName="open", KeyConditionExpression="queue = :q",
                    ExpressionAttributeValues={":q": {"S": "triage"}}, ProjectionExpression="ticket, title, body") == (
        "ValidationException", "One or more parameter values were invalid: Global secondary index open does not "
                               "project [title, body]")
    assert error_of(ddb.scan, TableName=table_name, IndexName="urgent", ProjectionExpression="title, body") == (
        "ValidationException", "One or more parameter values were invalid: Global secondary index urgent does not "
                               "project [body]")
    titled = ddb.scan(TableName=table_name, IndexName="urgent", ProjectionExpression="title, fp")
    assert sorted(titled["Items"], key=lambda i: i["title"]["S"]) == [
        {"title": {"S": "bug 0"}, "fp": {"B": b"\x00\xff"}}, {"title": {"S": "bug 3"}, "fp": {"B": b"\x03\xff"}}]
    assert error_of(ddb.query, TableName=table_name, IndexName="open", KeyConditionExpression="queue = :q",
                    ExpressionAttributeValues={":q": {"S": "triage"}}, ConsistentRead=True) == (
        "ValidationException", "Consistent reads are not supported on global secondary indexes")
    assert error_of(ddb.query, TableName=table_name, KeyConditionExpression="proj = :p",
                    ExpressionAttributeValues={":p": {"S": "web"}}, Select="ALL_PROJECTED_ATTRIBUTES") == (
        "ValidationException", "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
    assert error_of(ddb.query, TableName=table_name, IndexName="missing", KeyConditionExpression="queue = :q",
                    ExpressionAttributeValues={":q": {"S": "triage"}}) == (
        "ValidationException", "The table does not have the specified index: missing")

    first = ddb.query(TableName=table_name, IndexName="by-age", KeyConditionExpression="proj = :p",
                      ExpressionAttributeValues={":p": {"S": "web"}}, Limit=2)
    assert first["LastEvaluatedKey"] == {"proj": {"S": "web"}, "ticket": {"S": "t4"}, "age": {"N": "6"}}
    rest = ddb.query(TableName=table_name, IndexName="by-age", KeyConditionExpression="proj = :p",
                     ExpressionAttributeValues={":p": {"S": "web"}}, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert [i["ticket"]["S"] for i in rest["Items"]] == ["t3", "t2", "t1", "t0"]
    assert error_of(ddb.query, TableName=table_name, IndexName="by-age", KeyConditionExpression="proj = :p",
                    ExpressionAttributeValues={":p": {"S": "web"}},
                    ExclusiveStartKey={"proj": {"S": "web"}, "ticket": {"S": "t4"}}) == (
        "ValidationException", "The provided starting key is invalid")

    written = ddb.put_item(TableName=table_name, Item={"proj": {"S": "web"}, "ticket": {"S": "t9"},
                                                       "queue": {"S": "triage"}, "age": {"N": "1"}},
                           ReturnConsumedCapacity="INDEXES", ReturnItemCollectionMetrics="SIZE")
    assert written["ConsumedCapacity"] == {
        "TableName": table_name, "CapacityUnits": 3.0,       # on demand: no directional figures
        "Table": {"CapacityUnits": 1.0},
        "LocalSecondaryIndexes": {"by-age": {"CapacityUnits": 1.0}},
        "GlobalSecondaryIndexes": {"open": {"CapacityUnits": 1.0}}}
    assert written["ItemCollectionMetrics"] == {"ItemCollectionKey": {"proj": {"S": "web"}},
                                                "SizeEstimateRangeGB": [0.0, 1.0]}

    # A cleanup script that treats every index alike: a local index cannot be updated or
    # deleted through GlobalSecondaryIndexUpdates, and no index name can be created twice.
    assert error_of(ddb.update_table, TableName=table_name,
                    GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-age"}}]) == (
        "ValidationException", "Cannot delete an index that is not a GlobalSecondaryIndex: by-age")
    assert error_of(ddb.update_table, TableName=table_name, GlobalSecondaryIndexUpdates=[{"Update": {
        "IndexName": "by-age", "OnDemandThroughput": {"MaxReadRequestUnits": 10}}}]) == (
        "ValidationException", "Cannot update an index that is not a GlobalSecondaryIndex: by-age")
    for taken in ("open", "by-age"):
        assert error_of(ddb.update_table, TableName=table_name, GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": taken, "KeySchema": [{"AttributeName": "queue", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"}}}]) == (
            "ValidationException", "Attempting to create an index which already exists")
