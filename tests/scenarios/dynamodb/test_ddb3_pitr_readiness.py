"""Point-in-time recovery settings of a table that is being created or deleted, as recorded
against DynamoDB (radkawar/stackd, testdata/aws/dynamodb/continuous_backup_readiness.json):
enabling recovery on a CREATING table is refused as unavailable (call 5) while its settings
read DISABLED (call 4), and a backup of it is refused alike
(backup_delete_regions.json, calls 7 and 22-23); a DELETING table's settings are not found, to read or to change
(calls 36-40); nor has a copy being restored, from a backup or to a point in time
(continuous_backup_restore_readiness.json, calls 32-41)."""
import pytest
from ddb_helpers import definitions, error_of, key_schema

pytestmark = pytest.mark.local_only


def test_recovery_settings_of_tables_coming_and_going(slow_server):
    ddb = slow_server.client("dynamodb")
    ddb.create_table(TableName="ready", KeySchema=key_schema("pk"), AttributeDefinitions=definitions(pk="S"),
                     BillingMode="PAY_PER_REQUEST")
    assert ddb.describe_continuous_backups(TableName="ready")["ContinuousBackupsDescription"] == {
        "ContinuousBackupsStatus": "DISABLED", "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}}
    unavailable = ("ContinuousBackupsUnavailableException", "Backups are being enabled for the table: ready. Please retry later")
    assert error_of(ddb.update_continuous_backups, TableName="ready",
                    PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}) == unavailable
    # nor can it be backed up yet (backup_delete_regions.json, calls 7 and 22-23)
    assert error_of(ddb.create_backup, TableName="ready", BackupName="early") == unavailable
    slow_server.advance_clock(31)
    ddb.update_continuous_backups(TableName="ready", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})

    # a copy being restored has no recovery settings yet (continuous_backup_restore_readiness.json, calls 32-41)
    arn = ddb.create_backup(TableName="ready", BackupName="snap")["BackupDetails"]["BackupArn"]
    ddb.restore_table_from_backup(TargetTableName="copy", BackupArn=arn)
    ddb.restore_table_to_point_in_time(SourceTableName="ready", TargetTableName="pitr", UseLatestRestorableTime=True)
    for copy in ("copy", "pitr"):
        gone = ("TableNotFoundException", f"Table not found: {copy}")
        assert error_of(ddb.describe_continuous_backups, TableName=copy) == gone
        for enabled in (False, True):
            assert error_of(ddb.update_continuous_backups, TableName=copy,
                            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": enabled}) == gone
    slow_server.advance_clock(31)
    for copy in ("copy", "pitr"):
        assert ddb.describe_continuous_backups(TableName=copy)["ContinuousBackupsDescription"][
            "PointInTimeRecoveryDescription"] == {"PointInTimeRecoveryStatus": "DISABLED"}
        ddb.delete_table(TableName=copy)

    deleted = ddb.delete_table(TableName="ready")["TableDescription"]
    assert deleted["TableStatus"] == "DELETING" and deleted["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert "KeySchema" not in ddb.describe_table(TableName="ready")["Table"]
    missing = ("TableNotFoundException", "Table not found: ready")
    assert error_of(ddb.describe_continuous_backups, TableName="ready") == missing
    assert error_of(ddb.update_continuous_backups, TableName="ready",
                    PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}) == missing
    slow_server.advance_clock(31)
