"""A team caps and then lifts the on-demand maxima of a table and of one of its global
indexes, as recorded against DynamoDB (radkawar/stackd, testdata/aws/dynamodb/
on_demand_limits.json, calls 47-62): an index's maximum out of range is refused naming
'index : <name>', an empty Update of its maxima as no update; an index's maxima merge with
those asked; an index created without maxima shows none; UpdateTable answers the
maxima as asked, -1 included, and once lifted (-1) the table or index shows no maximum."""
from trip_helpers import error_of, wait_for


def test_on_demand_maxima(client, table_name):
    ddb = client("dynamodb")
    ddb.create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "x", "AttributeType": "S"}],
        OnDemandThroughput={"MaxWriteRequestUnits": 29},
        GlobalSecondaryIndexes=[
            {"IndexName": "unlimited", "KeySchema": [{"AttributeName": "x", "KeyType": "HASH"}],
             "Projection": {"ProjectionType": "KEYS_ONLY"}},
            {"IndexName": "pressure", "KeySchema": [{"AttributeName": "x", "KeyType": "HASH"}],
             "Projection": {"ProjectionType": "KEYS_ONLY"},
             "OnDemandThroughput": {"MaxReadRequestUnits": 7, "MaxWriteRequestUnits": 8}}])
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})

    def indexes():
        return {i["IndexName"]: i for i in ddb.describe_table(TableName=table_name)["Table"]["GlobalSecondaryIndexes"]}

    assert "OnDemandThroughput" not in indexes()["unlimited"]
    assert indexes()["pressure"]["OnDemandThroughput"] == {"MaxReadRequestUnits": 7, "MaxWriteRequestUnits": 8}
    assert error_of(ddb.update_table, TableName=table_name, GlobalSecondaryIndexUpdates=[
        {"Update": {"IndexName": "pressure", "OnDemandThroughput": {"MaxWriteRequestUnits": 0}}}]) == (
        "ValidationException", "One or more parameter values were invalid: Requested MaxWriteRequestUnits for "
                               "OnDemandThroughput for index : pressure is outside of valid range")

    assert error_of(ddb.update_table, TableName=table_name, GlobalSecondaryIndexUpdates=[
        {"Update": {"IndexName": "pressure", "OnDemandThroughput": {}}}]) == (
        "ValidationException", "One or more parameter values were invalid: The only Updates for index: pressure when "
                               "TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput")

    # an index's maxima merge: the read one changed, the write one kept, then lifted (calls 47-52)
    ddb.update_table(TableName=table_name, GlobalSecondaryIndexUpdates=[
        {"Update": {"IndexName": "pressure", "OnDemandThroughput": {"MaxReadRequestUnits": 9}}}])
    wait_for(lambda: indexes()["pressure"]["IndexStatus"] == "ACTIVE", timeout=30)
    assert indexes()["pressure"]["OnDemandThroughput"] == {"MaxReadRequestUnits": 9, "MaxWriteRequestUnits": 8}
    answer = ddb.update_table(TableName=table_name, GlobalSecondaryIndexUpdates=[
        {"Update": {"IndexName": "pressure", "OnDemandThroughput": {"MaxWriteRequestUnits": -1}}}])["TableDescription"]
    pressure = {i["IndexName"]: i for i in answer["GlobalSecondaryIndexes"]}["pressure"]
    assert pressure["OnDemandThroughput"] == {"MaxReadRequestUnits": 9, "MaxWriteRequestUnits": -1}
    wait_for(lambda: indexes()["pressure"].get("OnDemandThroughput") == {"MaxReadRequestUnits": 9}, timeout=10)

    answer = ddb.update_table(TableName=table_name, GlobalSecondaryIndexUpdates=[
        {"Update": {"IndexName": "pressure", "OnDemandThroughput": {"MaxReadRequestUnits": -1}}}])["TableDescription"]
    pressure = {i["IndexName"]: i for i in answer["GlobalSecondaryIndexes"]}["pressure"]
    assert pressure["OnDemandThroughput"] == {"MaxReadRequestUnits": -1}
    wait_for(lambda: "OnDemandThroughput" not in indexes()["pressure"], timeout=10)     # settles within a second

    lifted = ddb.update_table(TableName=table_name, OnDemandThroughput={"MaxReadRequestUnits": -1,
                                                                        "MaxWriteRequestUnits": -1})["TableDescription"]
    assert lifted["OnDemandThroughput"] == {"MaxReadRequestUnits": -1, "MaxWriteRequestUnits": -1}
    wait_for(lambda: "OnDemandThroughput" not in ddb.describe_table(TableName=table_name)["Table"], timeout=10)
