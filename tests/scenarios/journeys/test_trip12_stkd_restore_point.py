"""An operator restores a table to a point in time from a runbook script and gets its
arguments wrong before getting them right: no point at all, UseLatestRestorableTime false
alone, both a point and UseLatestRestorableTime, then points outside the restorable
window. DynamoDB refuses the first three as invalid requests before it looks at the
table, and the last with InvalidRestoreTimeException naming the asked time and the
window in UTC ('2026-09-18T15:07:28Z', a fraction only when there is one) and the table.
Nothing is created. Words as recorded against DynamoDB (radkawar/stackd,
testdata/aws/dynamodb/point_in_time_recovery.json, calls 45-49)."""
import re
from datetime import datetime, timedelta, timezone

from trip_helpers import client_table, error_of

EITHER = ("ValidationException", "Invalid Request: Either one of RestoreDateTime or UseLatestRestorableTime must "
                                 "be specified, but not both")
BOTH = ("ValidationException", "Invalid Request: Both RestoreDateTime and UseLatestRestorableTime cannot be set for "
                               "point-in-time restore request. Please specify either RestoreDateTime time or "
                               "UseLatestRestorableTime")
INSTANT = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?Z"


def test_restore_arguments(client, table_name):
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("pk", "S"))
    ddb.update_continuous_backups(TableName=table_name,
                                  PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    target = f"{table_name}-restored"
    restore = ddb.restore_table_to_point_in_time
    assert error_of(restore, SourceTableName=table_name, TargetTableName=target) == EITHER
    assert error_of(restore, SourceTableName=table_name, TargetTableName=target,
                    UseLatestRestorableTime=False) == EITHER
    now = datetime.now(timezone.utc).replace(microsecond=0)
    assert error_of(restore, SourceTableName=table_name, TargetTableName=target,
                    UseLatestRestorableTime=True, RestoreDateTime=now) == BOTH
    for asked in (now - timedelta(hours=1), now + timedelta(hours=1)):
        code, message = error_of(restore, SourceTableName=table_name, TargetTableName=target, RestoreDateTime=asked)
        assert code == "InvalidRestoreTimeException"
        assert re.fullmatch(f"RestoreDateTime '{asked:%Y-%m-%dT%H:%M:%S}Z' must be within EarliestRestorableDateTime "
                            f"'{INSTANT}' and LatestRestorableDateTime '{INSTANT}' for table '{re.escape(table_name)}'",
                            message), message
    assert target not in ddb.list_tables()["TableNames"]
