"""On-demand backups and point-in-time recovery: a restore is a new table with the items
(and indexes) exactly as they were."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from ddb_helpers import error_of, key_schema


def _restore_name():
    return f"restored-{uuid.uuid4().hex[:10]}"


def _wait(ddb, name):
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})


def _items(ddb, name):
    return {i["pk"]["S"]: i for i in ddb.scan(TableName=name, ConsistentRead=True)["Items"]}


def test_backup_and_restore(ddb, make_table):
    table = make_table(extra_definitions=[("g", "S")],
                       GlobalSecondaryIndexes=[{"IndexName": "by-g", "KeySchema": key_schema("g"),
                                                "Projection": {"ProjectionType": "ALL"}}])
    for i in range(20):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{i}"}, "g": {"S": f"g{i % 2}"}})
    details = ddb.create_backup(TableName=table, BackupName="nightly")["BackupDetails"]
    assert details["BackupStatus"] == "CREATING" and details["BackupName"] == "nightly"
    ddb.delete_item(TableName=table, Key={"pk": {"S": "k0"}})
    described = ddb.describe_backup(BackupArn=details["BackupArn"])["BackupDescription"]
    assert described["BackupDetails"]["BackupStatus"] == "AVAILABLE"
    assert described["SourceTableDetails"]["ItemCount"] == 20
    assert details["BackupArn"] in [b["BackupArn"] for b in ddb.list_backups(TableName=table)["BackupSummaries"]]

    target = _restore_name()
    restored = ddb.restore_table_from_backup(TargetTableName=target, BackupArn=details["BackupArn"])
    assert restored["TableDescription"]["RestoreSummary"]["SourceBackupArn"] == details["BackupArn"]
    _wait(ddb, target)
    try:
        assert len(_items(ddb, target)) == 20
        odd = ddb.query(TableName=target, IndexName="by-g", KeyConditionExpression="g = :g",
                        ExpressionAttributeValues={":g": {"S": "g1"}})
        assert odd["Count"] == 10
        assert error_of(ddb.restore_table_from_backup, TargetTableName=target, BackupArn=details["BackupArn"]) == (
            "TableAlreadyExistsException", f"Table already exists: {target}")
    finally:
        ddb.delete_table(TableName=target)
    assert ddb.delete_backup(BackupArn=details["BackupArn"])["BackupDescription"]["BackupDetails"][
        "BackupStatus"] == "DELETED"
    assert error_of(ddb.describe_backup, BackupArn=details["BackupArn"])[0] == "BackupNotFoundException"


def test_point_in_time_recovery_settings(ddb, make_table):
    table = make_table()
    assert ddb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"
    answer = ddb.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 7})
    description = answer["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert (description["PointInTimeRecoveryStatus"], description["RecoveryPeriodInDays"]) == ("ENABLED", 7)
    assert error_of(ddb.restore_table_to_point_in_time, SourceTableName="no-such-table",
                    TargetTableName=_restore_name(), UseLatestRestorableTime=True) == (
        "TableNotFoundException", "Table not found: no-such-table")


@pytest.mark.local_only
def test_restore_to_a_point_in_time_finds_items_as_they_were(ddb, make_table, clock):
    table = make_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "kept"}, "v": {"N": "1"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "deleted-later"}})
    ddb.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})
    clock(60)
    ddb.update_item(TableName=table, Key={"pk": {"S": "kept"}}, UpdateExpression="SET v = :two",
                    ExpressionAttributeValues={":two": {"N": "2"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "added"}})
    clock(60)
    middle = datetime.fromtimestamp(ddb.describe_continuous_backups(TableName=table)[
        "ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["EarliestRestorableDateTime"].timestamp()
        + 90, tz=timezone.utc)
    ddb.delete_item(TableName=table, Key={"pk": {"S": "deleted-later"}})
    ddb.update_item(TableName=table, Key={"pk": {"S": "kept"}}, UpdateExpression="SET v = :three",
                    ExpressionAttributeValues={":three": {"N": "3"}})
    clock(600)                                                    # past the five minutes DynamoDB lags
    target = _restore_name()
    ddb.restore_table_to_point_in_time(SourceTableName=table, TargetTableName=target, RestoreDateTime=middle)
    _wait(ddb, target)
    try:
        items = _items(ddb, target)
        assert sorted(items) == ["added", "deleted-later", "kept"]
        assert items["kept"]["v"] == {"N": "2"}
    finally:
        ddb.delete_table(TableName=target)
    too_late = datetime.now(timezone.utc) + timedelta(days=1)
    assert error_of(ddb.restore_table_to_point_in_time, SourceTableName=table, TargetTableName=_restore_name(),
                    RestoreDateTime=too_late)[0] == "InvalidRestoreTimeException"


@pytest.mark.local_only
def test_history_beyond_the_window_is_not_needed_for_restores(ddb, make_table, clock):
    table = make_table()
    ddb.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 1})
    for version in range(3):
        ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "v": {"N": str(version)}})
        clock(60)
    ddb.put_item(TableName=table, Item={"pk": {"S": "gone"}})
    ddb.delete_item(TableName=table, Key={"pk": {"S": "gone"}})
    clock(2 * 86400)                                          # the old versions leave the window
    target = _restore_name()
    ddb.restore_table_to_point_in_time(SourceTableName=table, TargetTableName=target,
                                       UseLatestRestorableTime=True)
    _wait(ddb, target)
    try:
        assert _items(ddb, target) == {"k": {"pk": {"S": "k"}, "v": {"N": "2"}}}
    finally:
        ddb.delete_table(TableName=target)
