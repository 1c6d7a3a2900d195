"""A GSI added by UpdateTable under a transition delay: CREATING and Backfilling, not
readable, until the lakebox clock passes the delay; then ACTIVE and holding every item
already in the table."""
import pytest
from ddb_helpers import definitions, error_of, key_schema

pytestmark = pytest.mark.local_only


def test_added_index_backfills_on_the_clock(slow_server):
    ddb = slow_server.client("dynamodb")
    ddb.create_table(TableName="orders", KeySchema=key_schema("pk"), AttributeDefinitions=definitions(pk="S"),
                     BillingMode="PAY_PER_REQUEST")
    slow_server.advance_clock(31)
    for i in range(5):
        ddb.put_item(TableName="orders", Item={"pk": {"S": f"o{i}"}, "status": {"S": "open" if i % 2 else "shipped"}})
    ddb.update_table(TableName="orders", AttributeDefinitions=definitions(status="S"), GlobalSecondaryIndexUpdates=[
        {"Create": {"IndexName": "by-status", "KeySchema": key_schema("status"), "Projection": {"ProjectionType": "KEYS_ONLY"}}}])
    table = ddb.describe_table(TableName="orders")["Table"]
    [index] = table["GlobalSecondaryIndexes"]
    assert (table["TableStatus"], index["IndexStatus"], index["Backfilling"]) == ("UPDATING", "CREATING", True)
    open_orders = {"TableName": "orders", "IndexName": "by-status", "KeyConditionExpression": "#s = :s",
                   "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {":s": {"S": "open"}}}
    assert error_of(ddb.query, **open_orders) == ("ValidationException", "Cannot read from backfilling global secondary index: by-status")
    ddb.put_item(TableName="orders", Item={"pk": {"S": "o9"}, "status": {"S": "open"}})   # writes go on meanwhile
    slow_server.advance_clock(31)
    table = ddb.describe_table(TableName="orders")["Table"]
    [index] = table["GlobalSecondaryIndexes"]
    assert (table["TableStatus"], index["IndexStatus"], "Backfilling" in index) == ("ACTIVE", "ACTIVE", False)
    assert sorted(item["pk"]["S"] for item in ddb.query(**open_orders)["Items"]) == ["o1", "o3", "o9"]


def test_index_made_with_its_table_is_creating_without_backfilling(slow_server):
    """An index created with its table is CREATING with it, in CreateTable's answer and
    in DescribeTable's, with no Backfilling (nothing to backfill: the aws cli's
    create-table example)."""
    ddb = slow_server.client("dynamodb")
    index = {"IndexName": "by-status", "KeySchema": key_schema("status"), "Projection": {"ProjectionType": "ALL"}}
    created = ddb.create_table(TableName="shipments", KeySchema=key_schema("pk"), BillingMode="PAY_PER_REQUEST",
                               AttributeDefinitions=definitions(pk="S", status="S"),
                               GlobalSecondaryIndexes=[index])["TableDescription"]
    described = ddb.describe_table(TableName="shipments")["Table"]
    for table in (created, described):
        [made] = table["GlobalSecondaryIndexes"]
        assert (table["TableStatus"], made["IndexStatus"], "Backfilling" in made) == ("CREATING", "CREATING", False)
    slow_server.advance_clock(31)
    [made] = ddb.describe_table(TableName="shipments")["Table"]["GlobalSecondaryIndexes"]
    assert (made["IndexStatus"], "Backfilling" in made) == ("ACTIVE", False)
