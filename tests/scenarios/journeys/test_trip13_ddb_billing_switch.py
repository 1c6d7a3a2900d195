"""A team moves a provisioned table to on-demand, as recorded against DynamoDB (radkawar/stackd,
testdata/aws/dynamodb/billing_mode_limits.json, calls 8-20; data.json calls 1-12): naming
PROVISIONED again without ProvisionedThroughput is refused; the switch reads as a decrease
(LastDecreaseDateTime, zero units) and the table shows when it became on-demand
(LastUpdateToPayPerRequestDateTime) only once it is ACTIVE again, as a new on-demand table
does once created. The decrease time shows only while the table switches, as does the
increase time of the switch back (calls 88-203); earlier increases and decreases show again
once it is ACTIVE, on demand too, with the day's decreases (decrease_limits.json, roundtrip); naming on demand again answers UPDATING
without counting (call 90); the fifth switch in a day is refused naming the last switch and
when the oldest leaves the window (call 205), and a table created on demand has used one
(call 393)."""
import re
from datetime import timedelta

from trip_helpers import error_of, wait_for

LIMIT = (r"Subscriber limit exceeded: Update to PayPerRequest mode are limited to 4 in 1 day\(s\)\. "
         r"Last update at (\w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4})\. Next update can be made at "
         r"(\w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4})")
THROUGHPUT = {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}


def _java(moment):
    return moment.strftime("%a %b %d %H:%M:%S UTC %Y")


def _create(ddb, name, **billing):
    ddb.create_table(TableName=name, AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], **billing)
    return _active(ddb, name)


def _active(ddb, name):
    return wait_for(lambda: (t := ddb.describe_table(TableName=name)["Table"])["TableStatus"] == "ACTIVE" and t)


def test_billing_switch(client, table_name):
    ddb = client("dynamodb")
    _create(ddb, table_name, BillingMode="PROVISIONED", ProvisionedThroughput=THROUGHPUT)
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
    active = _active(ddb, table_name)
    first = active["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"]
    assert first >= units["LastDecreaseDateTime"]       # when the switch completed
    assert "LastDecreaseDateTime" not in active["ProvisionedThroughput"]

    again = ddb.update_table(TableName=table_name, BillingMode="PAY_PER_REQUEST")["TableDescription"]
    assert again["TableStatus"] == "UPDATING"
    assert "LastDecreaseDateTime" not in again["ProvisionedThroughput"]
    _active(ddb, table_name)

    last = first
    for switch in range(4):
        back = ddb.update_table(TableName=table_name, BillingMode="PROVISIONED",
                                ProvisionedThroughput=THROUGHPUT)["TableDescription"]
        assert "LastIncreaseDateTime" in back["ProvisionedThroughput"]
        provisioned = _active(ddb, table_name)
        assert provisioned["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, **THROUGHPUT}   # no times
        if switch == 3:
            break
        ddb.update_table(TableName=table_name, BillingMode="PAY_PER_REQUEST")
        last = _active(ddb, table_name)["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"]
    code, message = error_of(ddb.update_table, TableName=table_name, BillingMode="PAY_PER_REQUEST")
    assert code == "LimitExceededException"
    named = re.fullmatch(LIMIT, message)
    assert named and named.group(1) == _java(last)
    assert named.group(2) == _java(first + timedelta(days=1))


def test_switches_keep_earlier_changes(client, table_name):
    ddb = client("dynamodb")
    _create(ddb, table_name, BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": 16, "WriteCapacityUnits": 16})
    ddb.update_table(TableName=table_name, ProvisionedThroughput={"ReadCapacityUnits": 8, "WriteCapacityUnits": 8})
    decreased = _active(ddb, table_name)["ProvisionedThroughput"]
    ddb.update_table(TableName=table_name, ProvisionedThroughput={"ReadCapacityUnits": 9, "WriteCapacityUnits": 8})
    earlier = _active(ddb, table_name)["ProvisionedThroughput"]
    assert earlier["NumberOfDecreasesToday"] == 1 and earlier["LastDecreaseDateTime"] == decreased["LastDecreaseDateTime"]

    switching = ddb.update_table(TableName=table_name, BillingMode="PAY_PER_REQUEST")["TableDescription"]
    assert switching["ProvisionedThroughput"]["LastIncreaseDateTime"] == earlier["LastIncreaseDateTime"]
    assert switching["ProvisionedThroughput"]["LastDecreaseDateTime"] > earlier["LastDecreaseDateTime"]
    on_demand = _active(ddb, table_name)["ProvisionedThroughput"]
    assert on_demand == {**earlier, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}

    back = ddb.update_table(TableName=table_name, BillingMode="PROVISIONED",
                            ProvisionedThroughput=THROUGHPUT)["TableDescription"]["ProvisionedThroughput"]
    assert back["LastIncreaseDateTime"] > earlier["LastIncreaseDateTime"]
    assert back["LastDecreaseDateTime"] == earlier["LastDecreaseDateTime"]
    assert _active(ddb, table_name)["ProvisionedThroughput"] == {**earlier, **THROUGHPUT}


def test_created_on_demand_uses_a_switch(client, table_name):
    ddb = client("dynamodb")
    created_table = _create(ddb, table_name, BillingMode="PAY_PER_REQUEST")
    assert "OnDemandThroughput" not in created_table     # no maxima asked, none shown (on_demand_limits.json)
    created = created_table["CreationDateTime"]
    for _ in range(3):
        ddb.update_table(TableName=table_name, BillingMode="PROVISIONED", ProvisionedThroughput=THROUGHPUT)
        _active(ddb, table_name)
        ddb.update_table(TableName=table_name, BillingMode="PAY_PER_REQUEST")
        _active(ddb, table_name)
    ddb.update_table(TableName=table_name, BillingMode="PROVISIONED", ProvisionedThroughput=THROUGHPUT)
    _active(ddb, table_name)
    code, message = error_of(ddb.update_table, TableName=table_name, BillingMode="PAY_PER_REQUEST")
    named = re.fullmatch(LIMIT, message)
    assert code == "LimitExceededException" and named
    assert named.group(2) == _java(created + timedelta(days=1))


def test_index_maxima_must_be_positive(client, table_name):
    """-1 lifts a maximum only in UpdateTable's Update; a new index refuses it, named
    (stackd on_demand_limits.json, index-create calls 1 and 8)."""
    ddb = client("dynamodb")
    index = {"IndexName": "sentinel-index", "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"}],
             "Projection": {"ProjectionType": "ALL"},
             "OnDemandThroughput": {"MaxReadRequestUnits": -1, "MaxWriteRequestUnits": 3}}
    refusal = ("ValidationException", "One or more parameter values were invalid: Requested MaxReadRequestUnits for "
                                      "OnDemandThroughput for index: sentinel-index is outside of valid range")
    assert error_of(ddb.create_table, TableName=table_name, BillingMode="PAY_PER_REQUEST",
                    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                          {"AttributeName": "gpk", "AttributeType": "S"}],
                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], GlobalSecondaryIndexes=[index]) == refusal
    _create(ddb, table_name, BillingMode="PAY_PER_REQUEST")
    assert error_of(ddb.update_table, TableName=table_name,
                    AttributeDefinitions=[{"AttributeName": "gpk", "AttributeType": "S"}],
                    GlobalSecondaryIndexUpdates=[{"Create": index}]) == refusal
