"""A team restores a provisioned table with a global and a local index from its backup, once
as it was and once on demand without the indexes, as recorded against DynamoDB
(radkawar/stackd, testdata/aws/dynamodb/backups.json, calls 42-59 and 132-195): while the
copy is restored it shows neither deletion protection nor warm throughput, nor its global
index's status; the copy without the indexes defines only the attributes of its key schema
and keeps the on-demand maxima asked for, and while restoring answers no
NumberOfDecreasesToday. Deleting the source answers only the few members of a table going
away (calls 124-128). The source, created naming BillingMode PROVISIONED, has no
BillingModeSummary (call 4). Once ACTIVE a copy shows no RestoreSummary (call 117). Deleting the
backup by an ARN naming another region answers that ARN (backup_delete_regions.json, call 28)."""
from trip_helpers import wait_for

KEYS = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]


def _source(ddb, name):
    made = ddb.create_table(
        TableName=name, BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 2},
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t}
                              for a, t in (("pk", "S"), ("sk", "N"), ("gpk", "S"), ("rank", "N"))],
        KeySchema=KEYS,
        GlobalSecondaryIndexes=[{"IndexName": "by-group", "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"},
                                                                          {"AttributeName": "sk", "KeyType": "RANGE"}],
                                 "Projection": {"ProjectionType": "ALL"},
                                 "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}}],
        LocalSecondaryIndexes=[{"IndexName": "by-rank", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                                        {"AttributeName": "rank", "KeyType": "RANGE"}],
                                "Projection": {"ProjectionType": "ALL"}}])["TableDescription"]
    # BillingMode PROVISIONED named on CreateTable shows no BillingModeSummary (call 4)
    assert "BillingModeSummary" not in made
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    for rank in (1, 2, 3):
        ddb.put_item(TableName=name, Item={"pk": {"S": "partition"}, "sk": {"N": str(rank)}, "gpk": {"S": "group"},
                                           "rank": {"N": str(rank * 10)}})


def test_restore_copies(client, table_name):
    ddb = client("dynamodb")
    _source(ddb, table_name)
    copies = [f"{table_name}-default", f"{table_name}-excluded"]
    arn = ddb.create_backup(TableName=table_name, BackupName="snapshot")["BackupDetails"]["BackupArn"]
    try:
        wait_for(lambda: ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"]
                 == "AVAILABLE")
        copy = ddb.restore_table_from_backup(TargetTableName=copies[0], BackupArn=arn)["TableDescription"]
        assert copy["TableStatus"] == "CREATING" and copy["RestoreSummary"]["RestoreInProgress"] is True
        assert "DeletionProtectionEnabled" not in copy and "WarmThroughput" not in copy
        index = copy["GlobalSecondaryIndexes"][0]
        assert "IndexStatus" not in index and "WarmThroughput" not in index
        assert copy["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 2,
                                                 "WriteCapacityUnits": 2}
        assert {d["AttributeName"] for d in copy["AttributeDefinitions"]} == {"pk", "sk", "gpk", "rank"}

        bare = ddb.restore_table_from_backup(
            TargetTableName=copies[1], BackupArn=arn, BillingModeOverride="PAY_PER_REQUEST",
            GlobalSecondaryIndexOverride=[], LocalSecondaryIndexOverride=[],
            OnDemandThroughputOverride={"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": 10})["TableDescription"]
        assert sorted(d["AttributeName"] for d in bare["AttributeDefinitions"]) == ["pk", "sk"]
        assert bare["OnDemandThroughput"] == {"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": 10}
        assert bare["ProvisionedThroughput"] == {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
        assert bare["BillingModeSummary"] == {"BillingMode": "PAY_PER_REQUEST"}
        assert "GlobalSecondaryIndexes" not in bare and "LocalSecondaryIndexes" not in bare

        for name in copies:
            ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 5, "MaxAttempts": 120})
        ready = ddb.describe_table(TableName=copies[0])["Table"]
        assert ready["GlobalSecondaryIndexes"][0]["IndexStatus"] == "ACTIVE"
        assert ready["DeletionProtectionEnabled"] is False and "RestoreSummary" not in ready
        bare = ddb.describe_table(TableName=copies[1])["Table"]
        assert sorted(d["AttributeName"] for d in bare["AttributeDefinitions"]) == ["pk", "sk"]
        assert bare["OnDemandThroughput"] == {"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": 10}
        assert "RestoreSummary" not in bare

        # the source deleted: its answer is the few members of a table going away (calls 124-128)
        deleted = ddb.delete_table(TableName=table_name)["TableDescription"]
        assert sorted(deleted) == ["DeletionProtectionEnabled", "ItemCount", "ProvisionedThroughput", "TableArn",
                                   "TableId", "TableName", "TableSizeBytes", "TableStatus"]
        assert deleted["TableStatus"] == "DELETING"
        assert deleted["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 2,
                                                    "WriteCapacityUnits": 2}
        # deleting the backup by an ARN naming another region answers that ARN (backup_delete_regions.json, call 28)
        region = arn.split(":")[3]
        other = arn.replace(f":{region}:", ":us-west-2:" if region != "us-west-2" else ":us-east-1:", 1)
        gone = ddb.delete_backup(BackupArn=other)["BackupDescription"]["BackupDetails"]
        assert (gone["BackupArn"], gone["BackupStatus"]) == (other, "DELETED")
        arn = None
    finally:
        for name in copies:
            try:
                ddb.delete_table(TableName=name)
            except ddb.exceptions.ResourceNotFoundException:
                pass
        if arn:
            ddb.delete_backup(BackupArn=arn)
