"""A team trims an over-provisioned table and its index step by step, as recorded against
DynamoDB (radkawar/stackd testdata/aws/dynamodb/decrease_limits.json): four decreases a UTC
day come free, then the next waits an hour after the last one, refused in DynamoDB's words
naming the day's count, the last decrease and when the next can be made (calls 303 and 306);
the table and the index count their own, a refused request changes nothing, and increases
stay allowed."""
from datetime import timedelta, timezone

from trip_helpers import error_of

REFUSAL = ("Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. After the "
           "first 4 decreases, each subsequent decrease in the same UTC day can be performed at most once every 3600 "
           "seconds. Number of decreases today: 4. Last decrease at {last}. Next decrease can be made at {next}")


def _long(moment):
    moment = moment.astimezone(timezone.utc)
    return (f"{moment:%A}, {moment:%B} {moment.day}, {moment.year} at {moment.hour % 12 or 12}:{moment:%M:%S} "
            f"{moment:%p} Coordinated Universal Time")


def _units(read):
    return {"ReadCapacityUnits": read, "WriteCapacityUnits": 16}


def _index_update(read):
    return [{"Update": {"IndexName": "quota", "ProvisionedThroughput": _units(read)}}]


def test_decrease_limits(client, table_name):
    ddb = client("dynamodb")
    ddb.create_table(TableName=table_name, BillingMode="PROVISIONED", ProvisionedThroughput=_units(16),
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "x", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     GlobalSecondaryIndexes=[{"IndexName": "quota", "KeySchema": [{"AttributeName": "x",
                                                                                   "KeyType": "HASH"}],
                                              "Projection": {"ProjectionType": "KEYS_ONLY"},
                                              "ProvisionedThroughput": _units(16)}])
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    for read in (15, 14, 13, 12):
        ddb.update_table(TableName=table_name, ProvisionedThroughput=_units(read))
    table = ddb.describe_table(TableName=table_name)["Table"]
    units = table["ProvisionedThroughput"]
    assert (units["NumberOfDecreasesToday"], units["ReadCapacityUnits"]) == (4, 12)
    last = units["LastDecreaseDateTime"]
    assert error_of(ddb.update_table, TableName=table_name, ProvisionedThroughput=_units(11)) == (
        "LimitExceededException", REFUSAL.format(last=_long(last), next=_long(last + timedelta(hours=1))))

    # the index has its own allowance; a request with a refused part changes nothing
    for read in (15, 14, 13, 12):
        ddb.update_table(TableName=table_name, GlobalSecondaryIndexUpdates=_index_update(read))
    index = ddb.describe_table(TableName=table_name)["Table"]["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]
    assert (index["NumberOfDecreasesToday"], index["ReadCapacityUnits"]) == (4, 12)
    code, message = error_of(ddb.update_table, TableName=table_name, ProvisionedThroughput=_units(20),
                             GlobalSecondaryIndexUpdates=_index_update(11))
    assert code == "LimitExceededException" and message.startswith(REFUSAL[:120])
    after = ddb.describe_table(TableName=table_name)["Table"]
    assert after["ProvisionedThroughput"] == units
    assert after["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"] == index

    raised = ddb.update_table(TableName=table_name, ProvisionedThroughput=_units(20))["TableDescription"]
    assert raised["ProvisionedThroughput"]["ReadCapacityUnits"] == 20
