"""A service owner builds the ops page of a sessions table from the boto3 resource's Table
attributes (key schema, ARN, id, billing mode, item count and size, warm throughput, index
ARNs), tags the table for cost allocation (ListTagsOfResource, UntagResource), and turns
TTL on for `expires`: asking again is refused ("TimeToLive is already enabled"), naming
another attribute is refused, and turning it off straight away is refused because TTL may
change only once in a while. The page's "per-index cost" widget reads
ReturnConsumedCapacity=INDEXES from a query on the GSI."""
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Key

from trip_helpers import error_of


@pytest.fixture
def sessions(resource, table_name):
    table = resource("dynamodb").create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "sid", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "sid", "AttributeType": "S"},
                              {"AttributeName": "uid", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "by-user", "KeySchema": [{"AttributeName": "uid", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "KEYS_ONLY"}}],
        Tags=[{"Key": "team", "Value": "identity"}])
    table.wait_until_exists()
    with table.batch_writer() as batch:
        for n in range(5):
            batch.put_item(Item={"sid": f"s{n}", "uid": f"u{n % 2}", "expires": Decimal(1700000000 + n)})
    return table


def test_ops_page(sessions, client):
    ddb, name = client("dynamodb"), sessions.name
    sessions.reload()
    assert sessions.key_schema == [{"AttributeName": "sid", "KeyType": "HASH"}]
    assert sessions.table_arn.startswith("arn:aws:dynamodb:") and sessions.table_arn.endswith(f":table/{name}")
    assert len(sessions.table_id) == 36
    assert sessions.billing_mode_summary["BillingMode"] == "PAY_PER_REQUEST"
    assert sessions.table_status == "ACTIVE"
    assert sessions.global_secondary_indexes[0]["IndexArn"] == f"{sessions.table_arn}/index/by-user"
    assert sessions.global_secondary_indexes[0]["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert sessions.provisioned_throughput["ReadCapacityUnits"] == 0
    assert sessions.warm_throughput["Status"] == "ACTIVE"

    ddb.tag_resource(ResourceArn=sessions.table_arn, Tags=[{"Key": "cost-center", "Value": "cc-42"},
                                                          {"Key": "team", "Value": "auth"}])
    tags = ddb.list_tags_of_resource(ResourceArn=sessions.table_arn)["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("cost-center", "cc-42"), ("team", "auth")]
    ddb.untag_resource(ResourceArn=sessions.table_arn, TagKeys=["team", "not-there"])
    assert ddb.list_tags_of_resource(ResourceArn=sessions.table_arn)["Tags"] == [
        {"Key": "cost-center", "Value": "cc-42"}]

    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}
    on = ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    assert on["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "expires"}
    assert error_of(ddb.update_time_to_live, TableName=name,
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}) == (
        "ValidationException", "TimeToLive is already enabled")
    assert error_of(ddb.update_time_to_live, TableName=name,
                    TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"}) == (
        "ValidationException", "Time to live has been modified multiple times within a fixed interval")
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]["AttributeName"] == "expires"

    mine = sessions.query(IndexName="by-user", KeyConditionExpression=Key("uid").eq("u0"),
                          ReturnConsumedCapacity="INDEXES")
    assert sorted(i["sid"] for i in mine["Items"]) == ["s0", "s2", "s4"]
    assert mine["ConsumedCapacity"]["TableName"] == name
    assert mine["ConsumedCapacity"]["CapacityUnits"] == 0.5
    assert mine["ConsumedCapacity"]["GlobalSecondaryIndexes"]["by-user"]["CapacityUnits"] == 0.5
