"""An SRE runs the quarterly restore drill for a payments table encrypted with a KMS key:
an on-demand backup (CreateBackup, DescribeBackup, ListBackups by table), a restore into a
new table that keeps the key schema, the indexes, the billing mode and the encryption of
the source, then point-in-time recovery: refused while PITR is off (as is a recovery
period given with a disable), enabled, restored with UseLatestRestorableTime, and a
RestoreDateTime outside the restorable window refused with InvalidRestoreTimeException.
The restored tables are listed by paging ListTables."""
import datetime

import pytest
from boto3.dynamodb.conditions import Key

from trip_helpers import error_of, wait_for


@pytest.fixture
def payments(resource, client, table_name):
    ddb = client("dynamodb")
    table = resource("dynamodb").create_table(
        TableName=table_name, BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 4, "WriteCapacityUnits": 3},
        KeySchema=[{"AttributeName": "account", "KeyType": "HASH"}, {"AttributeName": "paid_at", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"},
                              {"AttributeName": "paid_at", "AttributeType": "S"},
                              {"AttributeName": "merchant", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "by-merchant",
                                 "KeySchema": [{"AttributeName": "merchant", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"},
                                 "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 1}}],
        SSESpecification={"Enabled": True, "SSEType": "KMS"})
    table.wait_until_exists()
    with table.batch_writer() as batch:
        for n in range(6):
            batch.put_item(Item={"account": f"a{n % 2}", "paid_at": f"2024-07-0{n + 1}", "merchant": f"m{n % 3}",
                                 "cents": n * 1000})
    yield table
    for suffix in ("-restored", "-pitr"):
        try:
            ddb.delete_table(TableName=table_name + suffix)
        except ddb.exceptions.ResourceNotFoundException:
            pass


def test_restore_drill(payments, resource, client):
    ddb, name = client("dynamodb"), payments.name
    source = ddb.describe_table(TableName=name)["Table"]
    backup = ddb.create_backup(TableName=name, BackupName="drill-q3")["BackupDetails"]
    assert (backup["BackupName"], backup["BackupType"]) == ("drill-q3", "USER")
    assert backup["BackupArn"].startswith(f"{source['TableArn']}/backup/")
    described = wait_for(lambda: (d := ddb.describe_backup(BackupArn=backup["BackupArn"])["BackupDescription"])[
        "BackupDetails"]["BackupStatus"] == "AVAILABLE" and d)
    details = described["SourceTableDetails"]
    assert (details["TableName"], details["TableId"], details["TableArn"], details["ItemCount"],
            details["BillingMode"], details["KeySchema"]) == (
        name, source["TableId"], source["TableArn"], 6, "PROVISIONED", source["KeySchema"])
    assert described["SourceTableFeatureDetails"]["SSEDescription"]["SSEType"] == "KMS"
    listed = ddb.list_backups(TableName=name)["BackupSummaries"]
    assert [(b["BackupName"], b["BackupArn"], b["BackupStatus"]) for b in listed] == [
        ("drill-q3", backup["BackupArn"], "AVAILABLE")]

    restored = ddb.restore_table_from_backup(TargetTableName=name + "-restored",
                                             BackupArn=backup["BackupArn"])["TableDescription"]
    assert restored["RestoreSummary"]["SourceBackupArn"] == backup["BackupArn"]
    assert restored["RestoreSummary"]["SourceTableArn"] == source["TableArn"]
    assert error_of(ddb.restore_table_from_backup, TargetTableName=name + "-restored",
                    BackupArn=backup["BackupArn"]) == (
        "TableAlreadyExistsException", f"Table already exists: {name}-restored")
    copy = resource("dynamodb").Table(name + "-restored")
    copy.wait_until_exists()
    table = ddb.describe_table(TableName=name + "-restored")["Table"]
    # the billing mode shows while the copy is restored, not once ACTIVE (stackd backup_provisioned_restore.json)
    assert restored["BillingModeSummary"]["BillingMode"] == "PROVISIONED" and "BillingModeSummary" not in table
    assert (table["KeySchema"], table["ItemCount"],
            table["ProvisionedThroughput"]["ReadCapacityUnits"], table["SSEDescription"]["KMSMasterKeyArn"]) == (
        source["KeySchema"], 6, 4, source["SSEDescription"]["KMSMasterKeyArn"])
    assert table["TableId"] != source["TableId"]
    wait_for(lambda: ddb.describe_table(TableName=name + "-restored")["Table"]["GlobalSecondaryIndexes"][0][
        "IndexStatus"] == "ACTIVE")
    assert [i["paid_at"] for i in copy.query(IndexName="by-merchant", KeyConditionExpression=Key("merchant").eq(
        "m1"))["Items"]] in (["2024-07-02", "2024-07-05"], ["2024-07-05", "2024-07-02"])

    assert ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"] == {
        "ContinuousBackupsStatus": "ENABLED",
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}}
    assert error_of(ddb.restore_table_to_point_in_time, SourceTableName=name, TargetTableName=name + "-pitr",
                    UseLatestRestorableTime=True) == (
        "PointInTimeRecoveryUnavailableException", f"Point in time recovery is not enabled for table '{name}'")
    assert error_of(ddb.update_continuous_backups, TableName=name, PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": False, "RecoveryPeriodInDays": 7}) == (
        "ValidationException", "Invalid Request: Cannot specify RecoveryPeriodInDays when disabling point-in-time "
                               "recovery.")
    enabled = ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert enabled["PointInTimeRecoveryStatus"] == "ENABLED"
    assert enabled["EarliestRestorableDateTime"] <= enabled["LatestRestorableDateTime"]
    assert error_of(ddb.restore_table_to_point_in_time, SourceTableName=name, TargetTableName=name + "-pitr",
                    RestoreDateTime=datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc))[0] == \
        "InvalidRestoreTimeException"
    pitr = ddb.restore_table_to_point_in_time(SourceTableName=name, TargetTableName=name + "-pitr",
                                              UseLatestRestorableTime=True)["TableDescription"]
    assert (pitr["RestoreSummary"]["SourceTableArn"], pitr["RestoreSummary"]["RestoreInProgress"]) == (
        source["TableArn"], True)
    resource("dynamodb").Table(name + "-pitr").wait_until_exists()
    assert ddb.scan(TableName=name + "-pitr", Select="COUNT")["Count"] == 6

    seen, start = [], {}
    while True:
        page = ddb.list_tables(Limit=2, **start)
        seen += page["TableNames"]
        if "LastEvaluatedTableName" not in page:
            break
        assert page["LastEvaluatedTableName"] == page["TableNames"][-1]
        start = {"ExclusiveStartTableName": page["LastEvaluatedTableName"]}
    assert [n for n in seen if n.startswith(name)] == [name, name + "-pitr", name + "-restored"]
    assert seen == sorted(seen)
