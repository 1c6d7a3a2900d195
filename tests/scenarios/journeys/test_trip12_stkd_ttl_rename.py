"""A team renames the expiry attribute of its sessions table from `expires` to `expires2`
and tries to switch TTL over in place. DynamoDB refuses: while TTL is enabled on another
attribute, enabling it on the new one (or disabling it under the new name) is a
ValidationException naming the current attribute; enabling the same attribute again is
'TimeToLive is already enabled'; disabling it right after enabling is refused as modified
too often. TTL stays enabled on `expires` throughout. Words as recorded against DynamoDB
(radkawar/stackd, testdata/aws/dynamodb/controls.json, calls 31-39)."""
from trip_helpers import client_table, error_of

OTHER = ("ValidationException", "TimeToLive is active on a different AttributeName: current AttributeName is expires")


def test_ttl_attribute_switch(client, table_name):
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("pk", "S"))
    arn = ddb.describe_table(TableName=table_name)["Table"]["TableArn"]
    assert ddb.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}
    answer = ddb.update_time_to_live(TableName=arn, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    assert answer["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "expires"}

    def switch(enabled, name):
        return error_of(ddb.update_time_to_live, TableName=table_name,
                        TimeToLiveSpecification={"Enabled": enabled, "AttributeName": name})

    assert switch(True, "expires") == ("ValidationException", "TimeToLive is already enabled")
    assert switch(True, "expires2") == OTHER
    assert switch(False, "expires2") == OTHER
    assert switch(False, "expires") == ("ValidationException",
                                        "Time to live has been modified multiple times within a fixed interval")
    assert switch(True, "expires2") == OTHER
    assert ddb.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
