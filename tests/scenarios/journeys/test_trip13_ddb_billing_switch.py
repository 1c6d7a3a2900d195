"""A team moves a provisioned table to on-demand, as recorded against DynamoDB (radkawar/stackd,
testdata/aws/dynamodb/billing_mode_limits.json, calls 8-20; data.json calls 1-12): naming
PROVISIONED again without ProvisionedThroughput is refused; the switch reads as a decrease
(LastDecreaseDateTime, zero units) and the table shows when it became on-demand
(LastUpdateToPayPerRequestDateTime) only once it is ACTIVE again, as a new on-demand table
does once created."""
from trip_helpers import error_of, wait_for


def test_billing_switch(client, table_name):
    ddb = client("dynamodb")
    ddb.create_table(TableName=table_name, BillingMode="PROVISIONED",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 2})
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    assert error_of(ddb.update_table, TableName=table_name, BillingMode="PROVISIONED") == (
        "ValidationException",
        "One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is "
        "PROVISIONED")

    switched = ddb.update_table(TableName=table_name, BillingMode="PAY_PER_REQUEST")["TableDescription"]
    assert switched["TableStatus"] == "UPDATING"
    assert switched["BillingModeSummary"] == {"BillingMode": "PAY_PER_REQUEST"}
    units = switched["ProvisionedThroughput"]
    assert (units["ReadCapacityUnits"], units["WriteCapacityUnits"], units["NumberOfDecreasesToday"]) == (0, 0, 0)
    assert "LastDecreaseDateTime" in units
    active = wait_for(lambda: (t := ddb.describe_table(TableName=table_name)["Table"])["TableStatus"] == "ACTIVE" and t)
    assert active["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"] == units["LastDecreaseDateTime"]
