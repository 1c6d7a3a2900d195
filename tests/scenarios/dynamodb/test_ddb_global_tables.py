"""Global tables (2019.11.21): a replica added with UpdateTable's ReplicaUpdates holds the
table's items, and a write in either region is in both, with a change record in each
region's stream."""
import uuid

import pytest
from botocore.config import Config
from ddb_helpers import definitions, error_of, key_schema

REGIONS = ("us-east-1", "eu-west-1")


@pytest.fixture
def clients(lakebox_server):
    config = Config(retries={"total_max_attempts": 1})
    return {region: lakebox_server.client("dynamodb", region=region, config=config) for region in REGIONS}


def test_replica_gets_items_and_writes_in_both_directions(clients):
    home, away = clients["us-east-1"], clients["eu-west-1"]
    name = f"global-{uuid.uuid4().hex[:8]}"
    home.create_table(TableName=name, KeySchema=key_schema("pk"), AttributeDefinitions=definitions(pk="S"),
                      BillingMode="PAY_PER_REQUEST")
    home.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    home.put_item(TableName=name, Item={"pk": {"S": "before"}, "v": {"N": "1"}})
    home.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": "eu-west-1"}}])
    away.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    try:
        described = home.describe_table(TableName=name)["Table"]
        assert described["GlobalTableVersion"] == "2019.11.21"
        assert [r["RegionName"] for r in described["Replicas"]] == ["eu-west-1"]
        assert [r["RegionName"] for r in away.describe_table(TableName=name)["Table"]["Replicas"]] == ["us-east-1"]
        assert described["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}

        assert away.get_item(TableName=name, Key={"pk": {"S": "before"}})["Item"]["v"] == {"N": "1"}
        away.put_item(TableName=name, Item={"pk": {"S": "from-europe"}})
        home.update_item(TableName=name, Key={"pk": {"S": "before"}}, UpdateExpression="SET v = :two",
                         ExpressionAttributeValues={":two": {"N": "2"}})
        home.delete_item(TableName=name, Key={"pk": {"S": "from-europe"}})
        for client in (home, away):
            items = client.scan(TableName=name, ConsistentRead=True)["Items"]
            assert items == [{"pk": {"S": "before"}, "v": {"N": "2"}}]

        home.update_table(TableName=name, ReplicaUpdates=[{"Delete": {"RegionName": "eu-west-1"}}])
        assert "Replicas" not in home.describe_table(TableName=name)["Table"]
        assert away.list_tables()["TableNames"].count(name) == 0
    finally:
        home.delete_table(TableName=name)


def test_global_table_of_2017(clients):
    name = f"legacy-{uuid.uuid4().hex[:8]}"
    for client in clients.values():
        client.create_table(TableName=name, KeySchema=key_schema("pk"), AttributeDefinitions=definitions(pk="S"),
                            BillingMode="PAY_PER_REQUEST",
                            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    home, away = clients["us-east-1"], clients["eu-west-1"]
    try:
        created = home.create_global_table(GlobalTableName=name, ReplicationGroup=[
            {"RegionName": "us-east-1"}, {"RegionName": "eu-west-1"}])["GlobalTableDescription"]
        assert created["GlobalTableStatus"] == "CREATING"
        assert sorted(r["RegionName"] for r in created["ReplicationGroup"]) == sorted(REGIONS)
        described = home.describe_global_table(GlobalTableName=name)["GlobalTableDescription"]
        assert (described["GlobalTableName"], described["GlobalTableStatus"]) == (name, "ACTIVE")
        assert name in [g["GlobalTableName"] for g in home.list_global_tables()["GlobalTables"]]
        away.put_item(TableName=name, Item={"pk": {"S": "x"}})
        assert home.get_item(TableName=name, Key={"pk": {"S": "x"}})["Item"] == {"pk": {"S": "x"}}
        home.update_global_table(GlobalTableName=name, ReplicaUpdates=[{"Delete": {"RegionName": "eu-west-1"}}])
        home.put_item(TableName=name, Item={"pk": {"S": "y"}})
        assert "Item" not in away.get_item(TableName=name, Key={"pk": {"S": "y"}})
    finally:
        for client in clients.values():
            client.delete_table(TableName=name)


def test_global_table_settings_and_auto_scaling(clients):
    home = clients["us-east-1"]
    name = f"settings-{uuid.uuid4().hex[:8]}"
    home.create_table(TableName=name, KeySchema=key_schema("pk"), AttributeDefinitions=definitions(pk="S"),
                      ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    home.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    try:
        home.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": "eu-west-1"}}])
        updated = home.update_global_table_settings(GlobalTableName=name, GlobalTableProvisionedWriteCapacityUnits=9)
        assert sorted((r["RegionName"], r["ReplicaProvisionedWriteCapacityUnits"]) for r in updated["ReplicaSettings"]) \
            == [("eu-west-1", 9), ("us-east-1", 9)]
        scaling = home.update_table_replica_auto_scaling(TableName=name, ProvisionedWriteCapacityAutoScalingUpdate={
            "MinimumUnits": 5, "MaximumUnits": 50, "ScalingPolicyUpdate": {
                "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70.0}}})["TableAutoScalingDescription"]
        mine = next(r for r in scaling["Replicas"] if r["RegionName"] == "us-east-1")
        assert mine["ReplicaProvisionedWriteCapacityAutoScalingSettings"]["MaximumUnits"] == 50
        described = home.describe_table_replica_auto_scaling(TableName=name)["TableAutoScalingDescription"]
        assert sorted(r["RegionName"] for r in described["Replicas"]) == ["eu-west-1", "us-east-1"]
    finally:
        home.update_table(TableName=name, ReplicaUpdates=[{"Delete": {"RegionName": "eu-west-1"}}])
        home.delete_table(TableName=name)


def test_replica_without_a_region_is_refused(ddb):
    assert error_of(ddb.create_global_table, GlobalTableName=f"gt-{uuid.uuid4().hex[:8]}",
                    ReplicationGroup=[{"RegionName": "us-east-1"}, {}]) == (
        "ValidationException", "1 validation error detected: Value null at 'replicationGroup.2.member.regionName' "
        "failed to satisfy constraint: Member must not be null")
