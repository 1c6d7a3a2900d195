"""Refreshing a developer's copy of a production table from an on-demand backup, as a
platform engineer scripts it: the orders table (provisioned, a GSI by status, a
NEW_AND_OLD_IMAGES stream, TTL on `expires_at`, cost tags) is backed up; the script
waits for the backup, checks what it recorded of the table (items, capacity, the
index, stream and TTL settings), restores it under the developer's name on demand and
without the GSI, and finds what a restore does not carry over (stream, TTL, tags) as
the DynamoDB guide says; the developer turns a stream on for the copy and sees an
update as MODIFY with both images. The old backup is deleted, and the script's slips
(restoring over an existing table, an unknown backup or table, a point-in-time restore
of a table without PITR) are answered with DynamoDB's exceptions."""
import uuid
from decimal import Decimal

import pytest

from trip_helpers import error_of, stream_records, wait_for


@pytest.fixture
def orders(client, resource, table_name):
    ddb = client("dynamodb")
    table = resource("dynamodb").create_table(
        TableName=table_name, BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 20,
                                                                                "WriteCapacityUnits": 10},
        KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "order_id", "AttributeType": "S"},
                              {"AttributeName": "status", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "by_status",
                                 "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "KEYS_ONLY"},
                                 "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        Tags=[{"Key": "env", "Value": "prod"}])
    table.wait_until_exists()
    ddb.update_time_to_live(TableName=table_name,
                            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"})
    with table.batch_writer() as batch:
        for n in range(25):
            batch.put_item(Item={"order_id": f"o-{n:03d}", "status": ["NEW", "PAID", "SHIPPED"][n % 3],
                                 "total": Decimal(n * 3), "expires_at": 4_102_444_800})
    return table


def test_refresh_dev_copy_from_backup(client, resource, orders):
    ddb, streams = client("dynamodb"), client("dynamodbstreams")
    dev_name = f"{orders.name}-dev-{uuid.uuid4().hex[:4]}"
    made = ddb.create_backup(TableName=orders.name, BackupName="nightly-refresh")["BackupDetails"]
    assert (made["BackupName"], made["BackupType"]) == ("nightly-refresh", "USER")
    assert made["BackupArn"].startswith(orders.table_arn + "/backup/")
    backup = wait_for(lambda: (d := ddb.describe_backup(BackupArn=made["BackupArn"])["BackupDescription"])
                      ["BackupDetails"]["BackupStatus"] == "AVAILABLE" and d)
    source = backup["SourceTableDetails"]
    assert (source["TableName"], source["ItemCount"], source["BillingMode"]) == (orders.name, 25, "PROVISIONED")
    assert source["ProvisionedThroughput"] == {"ReadCapacityUnits": 20, "WriteCapacityUnits": 10}
    assert source["KeySchema"] == [{"AttributeName": "order_id", "KeyType": "HASH"}]
    features = backup["SourceTableFeatureDetails"]
    assert features["GlobalSecondaryIndexes"] == [{
        "IndexName": "by_status", "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"},
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}]
    assert features["StreamDescription"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert features["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}
    listed = ddb.list_backups(TableName=orders.name)["BackupSummaries"]
    assert [(b["BackupArn"], b["BackupStatus"]) for b in listed] == [(made["BackupArn"], "AVAILABLE")]

    try:
        restored = ddb.restore_table_from_backup(TargetTableName=dev_name, BackupArn=made["BackupArn"],
                                                 BillingModeOverride="PAY_PER_REQUEST",
                                                 GlobalSecondaryIndexOverride=[])["TableDescription"]
        assert restored["RestoreSummary"]["SourceBackupArn"] == made["BackupArn"]
        assert restored["RestoreSummary"]["RestoreInProgress"] is True
        ddb.get_waiter("table_exists").wait(TableName=dev_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        dev = ddb.describe_table(TableName=dev_name)["Table"]
        assert dev["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        assert "RestoreSummary" not in dev     # once ACTIVE (stackd backups.json call 117)
        assert "GlobalSecondaryIndexes" not in dev and "StreamSpecification" not in dev
        ttl = ddb.describe_time_to_live(TableName=dev_name)["TimeToLiveDescription"]
        assert ttl == {"TimeToLiveStatus": "DISABLED"}
        assert ddb.list_tags_of_resource(ResourceArn=dev["TableArn"])["Tags"] == []
        copy = resource("dynamodb").Table(dev_name)
        assert sorted(i["order_id"] for i in copy.scan()["Items"]) == [f"o-{n:03d}" for n in range(25)]

        assert error_of(ddb.restore_table_from_backup, TargetTableName=dev_name, BackupArn=made["BackupArn"]) == (
            "TableAlreadyExistsException", f"Table already exists: {dev_name}")

        arn = ddb.update_table(TableName=dev_name, StreamSpecification={
            "StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})["TableDescription"]["LatestStreamArn"]
        copy.update_item(Key={"order_id": "o-004"}, UpdateExpression="SET #s = :s",
                         ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": "REFUNDED"})
        changes = stream_records(streams, arn)
        assert [c["eventName"] for c in changes] == ["MODIFY"]
        images = changes[0]["dynamodb"]
        assert (images["OldImage"]["status"], images["NewImage"]["status"]) == ({"S": "PAID"}, {"S": "REFUNDED"})
        assert images["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    finally:
        try:
            ddb.delete_table(TableName=dev_name)
        except ddb.exceptions.ResourceNotFoundException:
            pass

    gone = ddb.delete_backup(BackupArn=made["BackupArn"])["BackupDescription"]
    assert gone["BackupDetails"]["BackupStatus"] == "DELETED"
    assert error_of(ddb.describe_backup, BackupArn=made["BackupArn"]) == (
        "BackupNotFoundException", f"Backup not found: {made['BackupArn']}")
    assert error_of(ddb.create_backup, TableName="no-such-orders", BackupName="adhoc") == (
        "TableNotFoundException", "Table not found: no-such-orders")
    code, message = error_of(ddb.restore_table_to_point_in_time, SourceTableName=orders.name,
                             TargetTableName=dev_name, UseLatestRestorableTime=True)
    assert (code, message) == ("PointInTimeRecoveryUnavailableException",
                               f"Point in time recovery is not enabled for table '{orders.name}'")
