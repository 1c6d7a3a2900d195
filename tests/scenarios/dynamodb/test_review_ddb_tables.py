"""A user's table changes: a GSI added to a table in use, waited for and queried, then
removed; and the malformed index updates DynamoDB refuses before changing anything."""
import time

import pytest
from ddb_helpers import error_of


def _wait_for_index(ddb, name, index, status="ACTIVE"):
    for _ in range(100):
        indexes = ddb.describe_table(TableName=name)["Table"].get("GlobalSecondaryIndexes", [])
        found = [i for i in indexes if i["IndexName"] == index]
        if found and found[0]["IndexStatus"] == status or not found and status is None:
            return found
        time.sleep(0.1)
    raise AssertionError(f"index {index} never became {status}")


def test_gsi_added_to_a_table_in_use(ddb, make_table):
    name = make_table()
    for n in range(30):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"order-{n}"}, "status": {"S": "open" if n % 3 else "shipped"},
                                           "placed": {"N": str(n)}})
    ddb.update_table(TableName=name, AttributeDefinitions=[{"AttributeName": "status", "AttributeType": "S"},
                                                          {"AttributeName": "placed", "AttributeType": "N"}],
                     GlobalSecondaryIndexUpdates=[{"Create": {
                         "IndexName": "by-status", "Projection": {"ProjectionType": "KEYS_ONLY"},
                         "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"},
                                       {"AttributeName": "placed", "KeyType": "RANGE"}]}}])
    index = _wait_for_index(ddb, name, "by-status")[0]
    assert index["IndexArn"].endswith(f"table/{name}/index/by-status")
    assert ddb.get_waiter("table_exists").wait(TableName=name) is None
    shipped = ddb.query(TableName=name, IndexName="by-status", KeyConditionExpression="#s = :s AND placed >= :p",
                        ExpressionAttributeNames={"#s": "status"},
                        ExpressionAttributeValues={":s": {"S": "shipped"}, ":p": {"N": "20"}}, ScanIndexForward=False)
    assert [i["placed"]["N"] for i in shipped["Items"]] == ["27", "24", "21"]
    assert set(shipped["Items"][0]) == {"pk", "status", "placed"}
    ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-status"}}])
    _wait_for_index(ddb, name, "by-status", status=None)
    assert error_of(ddb.query, TableName=name, IndexName="by-status", KeyConditionExpression="#s = :s",
                    ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": {"S": "open"}}) == (
        "ValidationException", "The table does not have the specified index: by-status")


@pytest.mark.parametrize("updates, message", [
    ([{}], "One or more parameter values were invalid: One of GlobalSecondaryIndexUpdate.Update, "
           "GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null"),
    ([{"Delete": {"IndexName": "one"}, "Update": {"IndexName": "one", "ProvisionedThroughput": {
        "ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}],
     "One or more parameter values were invalid: Only one global secondary index action is allowed per "
     "GlobalSecondaryIndexUpdate object"),
])
def test_malformed_index_updates(ddb, make_table, updates, message):
    name = make_table(ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 2})
    assert error_of(ddb.update_table, TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 3,
                                                                              "WriteCapacityUnits": 3},
                    GlobalSecondaryIndexUpdates=updates) == ("ValidationException", message)
    assert ddb.describe_table(TableName=name)["Table"]["ProvisionedThroughput"]["ReadCapacityUnits"] == 2


@pytest.mark.parametrize("change, code", [
    ({"ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 3},
      "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "missing"}}]}, "ResourceNotFoundException"),
    ({"ProvisionedThroughput": {"ReadCapacityUnits": 4, "WriteCapacityUnits": 4},
      "StreamSpecification": {"StreamEnabled": False}}, "ValidationException"),
    ({"BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{"AttributeName": "g", "AttributeType": "S"}],
      "GlobalSecondaryIndexUpdates": [{"Create": {"IndexName": "by-g", "Projection": {"ProjectionType": "ALL"},
                                                  "KeySchema": [{"AttributeName": "undefined", "KeyType": "HASH"}]}}]},
     "ValidationException"),
])
def test_a_refused_update_changes_nothing(ddb, make_table, change, code):
    name = make_table(ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 2})
    before = ddb.describe_table(TableName=name)["Table"]
    assert error_of(ddb.update_table, TableName=name, **change)[0] == code
    after = ddb.describe_table(TableName=name)["Table"]
    assert after == before
    assert after["ProvisionedThroughput"]["ReadCapacityUnits"] == 2 and "BillingModeSummary" not in after
