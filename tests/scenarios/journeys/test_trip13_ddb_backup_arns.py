"""An operator pastes backup ARNs by hand into DescribeBackup and RestoreTableFromBackup, as
recorded against DynamoDB (radkawar/stackd, testdata/aws/dynamodb/backup_arn_grammar.json,
backup_arn_case.json, backups.json supplemental calls 2-5): another account's ARN is
'Access is denied' whatever else it says; a resource that is not table/<name>/backup/<id>
is 'Invalid Backup ARN'; a bad partition, service, region or id is 'Invalid Request:
BackupArn is not valid'; the table name and id are case-sensitive; a region in the ARN
other than the caller's still finds the caller's backup (answered with the ARN as given),
but a restore from it is refused as cross-region; a restore cannot reshape an index."""
from trip_helpers import client_table, error_of, wait_for

INVALID = ("ValidationException", "Invalid Request: BackupArn is not valid")
BAD_ARN = ("ValidationException", "Invalid Backup ARN")
DENIED = ("AccessDeniedException", "Access is denied")


def test_backup_arns(client, table_name):
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("pk", "S"))
    arn = ddb.create_backup(TableName=table_name, BackupName="snapshot")["BackupDetails"]["BackupArn"]
    prefix, identity = arn.rsplit("/", 1)
    account = arn.split(":")[4]
    stamp, suffix = identity.split("-")
    try:
        def describe(candidate):
            return error_of(ddb.describe_backup, BackupArn=candidate)

        for candidate in (f"{prefix}/000{stamp}-{suffix}", f"{prefix}/{stamp}-{suffix * 4}", f"{prefix}/{stamp[1:]}-{suffix}",
                          f"{prefix}/{stamp}-zzzzzzzz", arn.replace("arn:aws:", "arn:AWS:"),
                          arn.replace(":dynamodb:", ":DYNAMODB:"), arn.replace(":us-east-1:", ":us-test-1:"),
                          arn.replace(":us-east-1:", ":us-east1:")):
            assert describe(candidate) == INVALID, candidate
        for candidate in (arn.replace(":table/", ":TABLE/").replace("/backup/", "/BACKUP/"),
                          arn.replace(f"table/{table_name}/", "table/x/"), arn.replace(f"table/{table_name}/", "table//")):
            assert describe(candidate) == BAD_ARN, candidate
        for candidate in (arn.replace(f":{account}:", ":999000999000:"), arn.replace(f":{account}:", "::"),
                          arn.replace(f":{account}:", ":999000999000:").replace(":dynamodb:", ":s3:")):
            assert describe(candidate) == DENIED, candidate
            assert error_of(ddb.restore_table_from_backup, BackupArn=candidate,
                            TargetTableName=f"{table_name}-copy") == DENIED
        for candidate in (f"{prefix}/{stamp}-{suffix.upper()}", arn.replace(f"table/{table_name}/", f"table/{table_name.upper()}/")):
            assert describe(candidate) == ("BackupNotFoundException", f"Backup not found: {candidate}")

        elsewhere = arn.replace(":us-east-1:", ":us-west-2:")
        described = ddb.describe_backup(BackupArn=elsewhere)["BackupDescription"]
        assert described["BackupDetails"]["BackupArn"] == elsewhere
        assert described["SourceTableDetails"]["TableName"] == table_name
        for candidate in (elsewhere, arn.replace(":us-east-1:", ":US-EAST-1:")):
            assert error_of(ddb.restore_table_from_backup, BackupArn=candidate, TargetTableName=f"{table_name}-copy") == (
                "ValidationException", "Invalid Request: sseSpecificationOverride must be provided for cross-region "
                                       "restores")
        assert error_of(ddb.describe_table, TableName=f"{table_name}-copy")[0] == "ResourceNotFoundException"
    finally:
        ddb.delete_backup(BackupArn=arn)


def test_restore_cannot_reshape_an_index(client, table_name):
    """A restore keeps or leaves out the source's indexes but cannot make or reshape one: an
    index override with another key schema or projection is refused and no table is made
    (stackd backup_index_overrides.json, calls 13-14); the source's own index, as it was,
    is taken."""
    ddb = client("dynamodb")
    ddb.create_table(TableName=table_name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "gpk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     GlobalSecondaryIndexes=[{"IndexName": "ByGroup", "Projection": {"ProjectionType": "ALL"},
                                              "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"}]}])
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    arn = ddb.create_backup(TableName=table_name, BackupName="snapshot")["BackupDetails"]["BackupArn"]
    target = f"{table_name}-copy"
    try:
        for key, projection in (("pk", {"ProjectionType": "ALL"}), ("gpk", {"ProjectionType": "KEYS_ONLY"})):
            assert error_of(ddb.restore_table_from_backup, BackupArn=arn, TargetTableName=target,
                            GlobalSecondaryIndexOverride=[{"IndexName": "ByGroup", "Projection": projection,
                                                           "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}]}]) == (
                "ValidationException", "Invalid Request: Index ByGroup does not match a secondary index that existed "
                                       "in the source table and cannot be created during the restore operation")
            assert error_of(ddb.describe_table, TableName=target)[0] == "ResourceNotFoundException"
        # moving the copy to provisioned needs throughput for the table, then for each index
        # (backup_on_demand_restore.json, calls 175 and 177)
        units = {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}
        assert error_of(ddb.restore_table_from_backup, BackupArn=arn, TargetTableName=target,
                        BillingModeOverride="PROVISIONED") == (
            "ValidationException",
            "Invalid Request: Must override ProvisionedThroughput if BillingMode is overridden to PROVISIONED")
        assert error_of(ddb.restore_table_from_backup, BackupArn=arn, TargetTableName=target,
                        BillingModeOverride="PROVISIONED", ProvisionedThroughputOverride=units) == (
            "ValidationException", "Invalid Request: Must override ProvisionedThroughput if BillingMode is overridden "
                                   "to PROVISIONED for index ByGroup")
        assert error_of(ddb.describe_table, TableName=target)[0] == "ResourceNotFoundException"
        # the same index under another name is restored (backup_on_demand_restore.json, call 179)
        restored = ddb.restore_table_from_backup(
            BackupArn=arn, TargetTableName=target,
            GlobalSecondaryIndexOverride=[{"IndexName": "RenamedGroup", "Projection": {"ProjectionType": "ALL"},
                                           "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"}]}])
        assert [i["IndexName"] for i in restored["TableDescription"]["GlobalSecondaryIndexes"]] == ["RenamedGroup"]
        ddb.get_waiter("table_exists").wait(TableName=target, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        ddb.delete_table(TableName=target)
    finally:
        ddb.delete_backup(BackupArn=arn)


def test_backup_list_time_bounds(client, table_name):
    """ListBackups reads both time bounds as inclusive, to the nearest millisecond, and
    refuses a lower bound after the upper one (stackd backup_list_time_precision.json: an
    upper bound equal to the creation time finds the backup, .0004 s before it not; a lower
    bound .0004 s after it finds it, .0006 s after not; a window whose bounds meet within a
    millisecond finds it)."""
    import json
    from datetime import timedelta

    ddb = client("dynamodb")
    client_table(ddb, table_name, ("pk", "S"))
    details = ddb.create_backup(TableName=table_name, BackupName="snapshot")["BackupDetails"]
    arn, created = details["BackupArn"], details["BackupCreationDateTime"].timestamp()
    try:
        def listed(**bounds):
            """The backups listed for raw JSON bounds (boto3 sends whole seconds)."""
            def rewrite(request, **_):
                body = json.loads(request.body)
                body.update(bounds)
                request.data = json.dumps(body).encode()
                request.headers["Content-Length"] = str(len(request.data))
            ddb.meta.events.register_first("before-sign.dynamodb.ListBackups", rewrite, unique_id="bounds")
            try:
                return [s["BackupArn"] for s in ddb.list_backups(TableName=table_name)["BackupSummaries"]]
            finally:
                ddb.meta.events.unregister("before-sign.dynamodb.ListBackups", unique_id="bounds")

        assert listed(TimeRangeUpperBound=round(created, 3)) == [arn]
        assert listed(TimeRangeUpperBound=round(created - 0.0006, 4)) == []
        assert listed(TimeRangeLowerBound=round(created + 0.0004, 4)) == [arn]
        assert listed(TimeRangeLowerBound=round(created + 0.0006, 4)) == []
        assert listed(TimeRangeLowerBound=round(created + 0.0001, 4), TimeRangeUpperBound=round(created - 0.0001, 4)) == [arn]
        moment = details["BackupCreationDateTime"]
        assert error_of(ddb.list_backups, TableName=table_name, BackupType="SYSTEM",
                        TimeRangeLowerBound=moment + timedelta(seconds=10), TimeRangeUpperBound=moment) == (
            "ValidationException",
            "One or more parameter values were invalid: Time range lower bound must be less than or equal to upper bound")
    finally:
        ddb.delete_backup(BackupArn=arn)


def test_recovery_period_kept(client, table_name):
    """Point-in-time recovery enabled again without a RecoveryPeriodInDays keeps the period
    it has; enabled after a disable without one takes the default 35 (stackd
    continuous_backup_controls.json, calls 13-25 and 40)."""
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("pk", "S"))

    def update(**spec):
        described = ddb.update_continuous_backups(
            TableName=table_name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True, **spec})
        return described["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["RecoveryPeriodInDays"]

    assert update() == 35
    assert update(RecoveryPeriodInDays=7) == 7
    assert update() == 7
    described = ddb.describe_continuous_backups(TableName=table_name)["ContinuousBackupsDescription"]
    assert described["PointInTimeRecoveryDescription"]["RecoveryPeriodInDays"] == 7
    ddb.update_continuous_backups(TableName=table_name,
                                  PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False})
    assert update() == 35


def test_restored_copy_keeps_no_table_class(client, table_name):
    """A copy of a STANDARD_INFREQUENT_ACCESS provisioned table has no table class, and shows
    its billing mode while it is being restored only (stackd backup_provisioned_restore.json,
    calls 14-54)."""
    ddb = client("dynamodb")
    ddb.create_table(TableName=table_name, BillingMode="PROVISIONED", TableClass="STANDARD_INFREQUENT_ACCESS",
                     ProvisionedThroughput={"ReadCapacityUnits": 100, "WriteCapacityUnits": 100},
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    arn = ddb.create_backup(TableName=table_name, BackupName="snapshot")["BackupDetails"]["BackupArn"]
    target = f"{table_name}-copy"
    try:
        restoring = ddb.restore_table_from_backup(BackupArn=arn, TargetTableName=target)["TableDescription"]
        assert restoring["BillingModeSummary"] == {"BillingMode": "PROVISIONED"}
        assert "TableClassSummary" not in restoring
        ddb.get_waiter("table_exists").wait(TableName=target, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        copy = wait_for(lambda: (t := ddb.describe_table(TableName=target)["Table"])["TableStatus"] == "ACTIVE" and t)
        assert "BillingModeSummary" not in copy and "TableClassSummary" not in copy
        assert copy["ProvisionedThroughput"]["ReadCapacityUnits"] == 100
        ddb.delete_table(TableName=target)
    finally:
        ddb.delete_backup(BackupArn=arn)
