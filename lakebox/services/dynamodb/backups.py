"""On-demand backups and point-in-time recovery.

A backup is a copy of the table's definition and of its item rows, taken in one SQL
statement. Point-in-time recovery keeps every version of every item from the moment it
is switched on (a snapshot, then one row per write), so a restore to any second of the
window finds, per item, the last version written at or before it. A restore creates a
new table holding those items; its indexes are then built by the backfill job, and the
table is CREATING until they are."""
import uuid
from datetime import datetime, timezone

import orjson

from lakebox.services.dynamodb import backfill, backup_arns, describe, lookup, sse, store, tagging
from lakebox.services.dynamodb.errors import (
    BackupNotFoundException, ContinuousBackupsUnavailableException, InvalidRestoreTimeException,
    PointInTimeRecoveryUnavailableException, ServiceError, TableAlreadyExistsException, TableNotFoundException,
    ValidationException)

DAY_MS = 86_400_000
LATEST_LAG_MS = 5 * 60 * 1000        # DynamoDB can restore to about five minutes ago, not later
DEFAULT_RECOVERY_DAYS = 35
KEPT_SPEC = ("KeySchema", "AttributeDefinitions", "BillingMode", "ProvisionedThroughput", "LocalSecondaryIndexes",
             "GlobalSecondaryIndexes", "TableClass", "SSEDescription", "OnDemandThroughput")


def _table(ctx, name):
    try:
        return lookup.find(ctx, name)
    except ServiceError:
        raise TableNotFoundException(f"Table not found: {lookup.where(ctx, name)[2]}") from None


# --- on-demand backups ---------------------------------------------------------------------

def create_backup(ctx, params):
    table = _table(ctx, params["TableName"])
    if lookup.status(ctx, table) == "CREATING":
        # backups of a new table become available a little after it (recorded against DynamoDB:
        # stackd backup_delete_regions.json calls 7 and 22-23, refused even once it was ACTIVE)
        raise ContinuousBackupsUnavailableException(f"Backups are being enabled for the table: {table.name}. "
                                                    "Please retry later")
    now = lookup.now_ms(ctx)
    arn = f"{lookup.arn_of(table)}/backup/{now:014d}-{uuid.uuid4().hex[:8]}"     # 01576616366715-b4e58d3a
    spec = {k: table.spec[k] for k in KEPT_SPEC if k in table.spec}
    spec.update(_features_not_restored(table.spec))
    with ctx.state.db.transaction():
        store.insert_backup(ctx.state.db, table.account, table.region, arn, params["BackupName"], table,
                            orjson.dumps(spec).decode(), now)
    # The backup is taken at once, but CreateBackup's answer says CREATING, as the aws
    # cli's create-backup example shows; DescribeBackup and ListBackups say AVAILABLE.
    return {"BackupDetails": _details(store.backup(ctx.state.db, table.account, table.region, arn), "CREATING")}


def _features_not_restored(spec) -> dict:
    """The stream and TTL settings a backup records for DescribeBackup's
    SourceTableFeatureDetails; a restore does not carry them over (the guide's "Backing
    up and restoring DynamoDB tables": streams and TTL must be set on the new table)."""
    features = {}
    stream = spec.get("Stream") or {}
    if stream.get("StreamEnabled"):
        features["StreamDescription"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    ttl = spec.get("TTL") or {}
    if ttl.get("enabled"):
        features["TimeToLiveDescription"] = {"TimeToLiveStatus": "ENABLED", "AttributeName": ttl["AttributeName"]}
    return features


def _index_info(index, with_throughput) -> dict:
    info = {k: index[k] for k in ("IndexName", "KeySchema", "Projection")}
    if with_throughput:
        info["ProvisionedThroughput"] = {k: index.get("ProvisionedThroughput", {}).get(k, 0)
                                         for k in ("ReadCapacityUnits", "WriteCapacityUnits")}
        if "OnDemandThroughput" in index:
            info["OnDemandThroughput"] = index["OnDemandThroughput"]
    return info


def _details(row, status="AVAILABLE") -> dict:
    return {"BackupArn": row["arn"], "BackupName": row["name"], "BackupSizeBytes": row["size"],
            "BackupStatus": status, "BackupType": "USER",
            "BackupCreationDateTime": lookup.timestamp(row["created_ms"])}


def _backup(ctx, arn):
    row = store.backup(ctx.state.db, ctx.account, ctx.region, backup_arns.stored_arn(ctx, arn))
    if row is None:
        raise BackupNotFoundException(f"Backup not found: {arn}")
    return row


def _description(row, status="AVAILABLE") -> dict:
    spec = orjson.loads(row["spec"])
    source = {"TableName": row["table_name"], "TableId": row["table_id"],
              "TableArn": lookup.table_arn(row["account"], row["region"], row["table_name"]),
              "TableSizeBytes": row["size"], "KeySchema": spec["KeySchema"],
              "TableCreationDateTime": lookup.timestamp(row["table_created_ms"]),
              "ProvisionedThroughput": {k: v for k, v in spec.get("ProvisionedThroughput", {
                  "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}).items()},
              "ItemCount": row["item_count"], "BillingMode": spec["BillingMode"]}
    features = {}
    for member in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
        if spec.get(member):
            # A GSI's info carries its throughput, an LSI's has none (GlobalSecondaryIndexInfo).
            features[member] = [_index_info(i, member == "GlobalSecondaryIndexes") for i in spec[member]]
    features.update({k: spec[k] for k in ("StreamDescription", "TimeToLiveDescription", "SSEDescription")
                     if spec.get(k)})
    return {"BackupDetails": _details(row, status), "SourceTableDetails": source,
            "SourceTableFeatureDetails": features}


def describe_backup(ctx, params):
    described = _description(_backup(ctx, params["BackupArn"]))
    described["BackupDetails"]["BackupArn"] = params["BackupArn"]       # as given, whatever region it names
    return {"BackupDescription": described}


def delete_backup(ctx, params):
    row = _backup(ctx, params["BackupArn"])
    description = _description(row, status="DELETED")
    # as given, whatever region it names (recorded against DynamoDB: stackd backup_delete_regions.json, call 28)
    description["BackupDetails"]["BackupArn"] = params["BackupArn"]
    store.delete_backup(ctx.state.db, row["uid"])
    return {"BackupDescription": description}


def list_backups(ctx, params):
    rows = store.backups(ctx.state.db, ctx.account, ctx.region)
    name = params.get("TableName")
    # Both bounds are inclusive, to the nearest millisecond (recorded against DynamoDB: stackd
    # backup_list_time_precision.json: .7164 finds a backup of .716, .7166 and an upper .7154 not)
    low, high = (None if params.get(bound) is None else round(params[bound].timestamp() * 1000)
                 for bound in ("TimeRangeLowerBound", "TimeRangeUpperBound"))
    if low is not None and high is not None and low > high:
        raise ValidationException("One or more parameter values were invalid: Time range lower bound must be less "
                                  "than or equal to upper bound")
    if params.get("BackupType", "ALL") not in ("USER", "ALL"):
        rows = []
    rows = [r for r in rows if (name is None or r["table_name"] == lookup.where(ctx, name)[2])
            and (low is None or r["created_ms"] >= low) and (high is None or r["created_ms"] <= high)]
    start = params.get("ExclusiveStartBackupArn")
    if start is not None:
        arns = [r["arn"] for r in rows]
        rows = rows[arns.index(start) + 1:] if start in arns else rows
    limit = params.get("Limit") or len(rows) or 1
    result = {"BackupSummaries": [_summary(r) for r in rows[:limit]]}
    if len(rows) > limit:
        result["LastEvaluatedBackupArn"] = rows[limit - 1]["arn"]
    return result


def _summary(row) -> dict:
    return {"TableName": row["table_name"], "TableId": row["table_id"],
            "TableArn": lookup.table_arn(row["account"], row["region"], row["table_name"]),
            "BackupArn": row["arn"], "BackupName": row["name"], "BackupType": "USER", "BackupStatus": "AVAILABLE",
            "BackupCreationDateTime": lookup.timestamp(row["created_ms"]), "BackupSizeBytes": row["size"]}


# --- restores ----------------------------------------------------------------------------------

def _restored_spec(ctx, spec, params, now) -> dict:
    spec = {k: v for k, v in spec.items() if k in KEPT_SPEC}
    if "BillingModeOverride" in params:
        spec["BillingMode"] = params["BillingModeOverride"]
        if spec["BillingMode"] == "PAY_PER_REQUEST":
            spec.pop("ProvisionedThroughput", None)
    if "ProvisionedThroughputOverride" in params:
        spec["ProvisionedThroughput"] = params["ProvisionedThroughputOverride"]
    if "OnDemandThroughputOverride" in params:
        # the copy's on-demand maxima (recorded against DynamoDB: stackd backups.json call 132)
        spec["OnDemandThroughput"] = params["OnDemandThroughputOverride"]
    override = params.get("SSESpecificationOverride")
    if override is not None:
        # The restored table's own encryption, else the backup's source's (API reference).
        spec.pop("SSEDescription", None)
        if override.get("Enabled"):
            spec["SSEDescription"] = sse.description(ctx, override)
    # DynamoDB's words (recorded: stackd backup_on_demand_restore.json, calls 175 and 177)
    provisioned = spec["BillingMode"] == "PROVISIONED"
    if provisioned and "ProvisionedThroughput" not in spec:
        raise ValidationException("Invalid Request: Must override ProvisionedThroughput if BillingMode is overridden "
                                  "to PROVISIONED")
    for member, override in (("GlobalSecondaryIndexes", "GlobalSecondaryIndexOverride"),
                             ("LocalSecondaryIndexes", "LocalSecondaryIndexOverride")):
        if override in params:
            _check_overrides(spec.get(member, []), params[override])
            spec[member] = params[override]
        indexes = [{k: v for k, v in i.items() if k in ("IndexName", "KeySchema", "Projection",
                                                         "ProvisionedThroughput", "OnDemandThroughput")}
                   for i in spec.get(member, [])]
        for index in indexes if provisioned and member == "GlobalSecondaryIndexes" else ():
            if "ProvisionedThroughput" not in index:
                raise ValidationException("Invalid Request: Must override ProvisionedThroughput if BillingMode is "
                                          f"overridden to PROVISIONED for index {index['IndexName']}")
        if indexes:
            spec[member] = indexes
            for index in indexes:
                backfill.start(spec, index)
        else:
            spec.pop(member, None)
    _keep_used_attributes(spec)
    # The copy keeps no table class, and shows its billing mode while restoring, after only
    # when asked for (recorded against DynamoDB: stackd backup_provisioned_restore.json, calls
    # 14-54: the STANDARD_INFREQUENT_ACCESS source's copy has no TableClassSummary, and no
    # BillingModeSummary once ACTIVE)
    spec.pop("TableClass", None)
    spec.update(ready_ms=now + lookup.transition_ms(ctx), busy="CREATING", restoring=True,
                billing_set="BillingModeOverride" in params, DeletionProtectionEnabled=False)
    if spec["BillingMode"] == "PAY_PER_REQUEST":
        # an on-demand copy became one when its restore ended (continuous_backup_restore_readiness.json call 308)
        spec["on_demand_since_ms"] = spec["ready_ms"]
    return spec


def _keep_used_attributes(spec):
    """The copy defines only the attributes its key schema and the indexes it keeps use
    (recorded against DynamoDB: stackd backups.json call 132, a copy without the source's
    indexes defines pk and sk only)."""
    used = {key["AttributeName"] for key in spec["KeySchema"]}
    for member in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        used.update(key["AttributeName"] for index in spec.get(member, []) for key in index["KeySchema"])
    spec["AttributeDefinitions"] = [d for d in spec["AttributeDefinitions"] if d["AttributeName"] in used]


def _projection(projection) -> tuple:
    return projection.get("ProjectionType", "ALL"), sorted(projection.get("NonKeyAttributes", []))


def _check_overrides(source, overrides):
    """A restore keeps or leaves out the source's indexes, never makes or reshapes one: an
    override index must have a source index's key schema and projection (recorded against
    DynamoDB: stackd backup_index_overrides.json, calls 13-14); its name may change
    (backup_on_demand_restore.json, call 179: ByGroup restored as RenamedGroup)."""
    shapes = [(index["KeySchema"], _projection(index["Projection"])) for index in source]
    for index in overrides:
        if (index["KeySchema"], _projection(index["Projection"])) not in shapes:
            raise ValidationException(f"Invalid Request: Index {index['IndexName']} does not match a secondary index "
                                      "that existed in the source table and cannot be created during the restore "
                                      "operation")


def _new_table(ctx, params, spec, fill, restore_summary):
    db = ctx.state.db
    name = params["TargetTableName"]
    if store.table(db, ctx.account, ctx.region, name) is not None:
        raise TableAlreadyExistsException(f"Table already exists: {name}")
    now = lookup.now_ms(ctx)
    spec = _restored_spec(ctx, spec, params, now)
    spec["RestoreSummary"] = restore_summary
    with db.transaction():
        store.insert_table(db, ctx.account, ctx.region, name, str(uuid.uuid4()), now, spec)
        table = lookup.find(ctx, name)
        fill(table)
        store.count_collections(db, table.uid)
        tagging.put(ctx, table, {t["Key"]: t["Value"] for t in params.get("Tags", [])})
    ctx.state.scheduler.poke("dynamodb")
    description = describe.table_description(ctx, table, status="CREATING", with_counts=False)
    description["RestoreSummary"] = {**_summary_shape(restore_summary), "RestoreInProgress": True}
    return {"TableDescription": description}


def _summary_shape(summary):
    result = {"RestoreDateTime": lookup.timestamp(summary["at_ms"])}
    for member in ("SourceBackupArn", "SourceTableArn"):
        if member in summary:
            result[member] = summary[member]
    return result


def restore_table_from_backup(ctx, params):
    region, _, _ = backup_arns.parse(ctx, params["BackupArn"])
    if region != ctx.region and "SSESpecificationOverride" not in params:
        raise ValidationException(backup_arns.CROSS_REGION)
    row = _backup(ctx, params["BackupArn"])
    # RestoreDateTime is the "point in time or source backup time" (the API reference):
    # the backup's own time, as the aws cli's restore-table-from-backup example shows.
    summary = {"SourceBackupArn": row["arn"], "at_ms": row["created_ms"],
               "SourceTableArn": lookup.table_arn(row["account"], row["region"], row["table_name"])}
    return _new_table(ctx, params, orjson.loads(row["spec"]),
                      lambda table: store.restore_backup_items(ctx.state.db, row["uid"], table.uid), summary)


# --- point-in-time recovery ------------------------------------------------------------------

def _pitr_description(ctx, table) -> dict:
    pitr = table.spec.get("PITR") or {}
    if not pitr.get("enabled"):
        # backups are not yet on for a table being created (continuous_backup_readiness.json, call 4)
        creating = lookup.status(ctx, table) == "CREATING"
        return {"ContinuousBackupsStatus": "DISABLED" if creating else "ENABLED",
                "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}}
    earliest, latest = _window(ctx, pitr)
    return {"ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": {
        "PointInTimeRecoveryStatus": "ENABLED", "RecoveryPeriodInDays": pitr["days"],
        "EarliestRestorableDateTime": lookup.timestamp(earliest), "LatestRestorableDateTime": lookup.timestamp(latest)}}


def _window(ctx, pitr):
    now = lookup.now_ms(ctx)
    earliest = max(pitr["since_ms"], now - pitr["days"] * DAY_MS)
    return earliest, max(earliest, now - LATEST_LAG_MS)


def _recovering_table(ctx, name):
    """A table being deleted, or restored, has no recovery settings to read or change
    (recorded against DynamoDB: stackd continuous_backup_readiness.json, calls 36-40;
    continuous_backup_restore_readiness.json, calls 32-34 and 39-41)."""
    table = _table(ctx, name)
    status = lookup.status(ctx, table)
    if status == "DELETING" or (status == "CREATING" and table.spec.get("RestoreSummary")):
        raise TableNotFoundException(f"Table not found: {table.name}")
    return table


def describe_continuous_backups(ctx, params):
    return {"ContinuousBackupsDescription": _pitr_description(ctx, _recovering_table(ctx, params["TableName"]))}


def update_continuous_backups(ctx, params):
    table = _recovering_table(ctx, params["TableName"])
    wanted = params["PointInTimeRecoverySpecification"]
    if wanted["PointInTimeRecoveryEnabled"] and lookup.status(ctx, table) == "CREATING":
        # continuous_backup_readiness.json, call 5
        raise ContinuousBackupsUnavailableException(f"Backups are being enabled for the table: {table.name}. "
                                                    "Please retry later")
    if not wanted["PointInTimeRecoveryEnabled"] and "RecoveryPeriodInDays" in wanted:
        # Recorded against AWS by the ACK controller's lab (DDB-TABLE-084), whatever the period.
        raise ValidationException("Invalid Request: Cannot specify RecoveryPeriodInDays when disabling "
                                  "point-in-time recovery.")
    days = wanted.get("RecoveryPeriodInDays", DEFAULT_RECOVERY_DAYS)
    if not 1 <= days <= 35:
        raise ValidationException("RecoveryPeriodInDays must be between 1 and 35")
    pitr = table.spec.get("PITR") or {}
    db = ctx.state.db
    with db.transaction():
        if wanted["PointInTimeRecoveryEnabled"] and not pitr.get("enabled"):
            now = lookup.now_ms(ctx)
            table.spec["PITR"] = {"enabled": True, "since_ms": now, "days": days}
            store.snapshot_history(db, table.uid, now)
        elif wanted["PointInTimeRecoveryEnabled"]:
            # an enabled table keeps its period when the request names none (recorded against
            # DynamoDB: stackd continuous_backup_controls.json, calls 21-25: 7 days stay 7)
            pitr["days"] = wanted.get("RecoveryPeriodInDays", pitr.get("days", DEFAULT_RECOVERY_DAYS))
        else:
            table.spec.pop("PITR", None)
            store.drop_history(db, table.uid)
        lookup.save(ctx, table)
    return {"ContinuousBackupsDescription": _pitr_description(ctx, lookup.find(ctx, table.name))}


def restore_table_to_point_in_time(ctx, params):
    # the words of DynamoDB's replies (stackd point_in_time_recovery.json), asked before the source
    if params.get("UseLatestRestorableTime") and "RestoreDateTime" in params:
        raise ValidationException("Invalid Request: Both RestoreDateTime and UseLatestRestorableTime cannot be set "
                                  "for point-in-time restore request. Please specify either RestoreDateTime time or "
                                  "UseLatestRestorableTime")
    if not params.get("UseLatestRestorableTime") and "RestoreDateTime" not in params:
        raise ValidationException("Invalid Request: Either one of RestoreDateTime or UseLatestRestorableTime must be "
                                  "specified, but not both")
    source = _table(ctx, params.get("SourceTableArn") or params.get("SourceTableName") or "")
    pitr = source.spec.get("PITR") or {}
    if not pitr.get("enabled"):
        raise PointInTimeRecoveryUnavailableException(f"Point in time recovery is not enabled for table "
                                                      f"'{source.name}'")
    earliest, latest = _window(ctx, pitr)
    if params.get("UseLatestRestorableTime"):
        at_ms = latest
    else:
        asked = params["RestoreDateTime"]
        at_ms = int(asked.timestamp() * 1000)
        if not earliest <= at_ms <= latest:
            raise InvalidRestoreTimeException(
                f"RestoreDateTime '{_instant(asked)}' must be within EarliestRestorableDateTime "
                f"'{_instant(_at(earliest))}' and LatestRestorableDateTime "
                f"'{_instant(_at(latest))}' for table '{source.name}'")
    summary = {"SourceTableArn": lookup.arn_of(source), "at_ms": at_ms}
    return _new_table(ctx, params, source.spec,
                      lambda table: store.restore_history(ctx.state.db, source.uid, table.uid, at_ms), summary)


def _at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms // 1000, tz=timezone.utc).replace(microsecond=ms % 1000 * 1000)


def _instant(when) -> str:
    """A time as DynamoDB's messages write it: UTC, 'Z', a fraction only when there is one
    (in groups of three digits): '2026-09-18T15:07:28Z', '2026-09-18T15:07:55.095Z'."""
    when = when.astimezone(timezone.utc)
    text = when.strftime("%Y-%m-%dT%H:%M:%S")
    micros = when.microsecond
    if micros:
        text += f".{micros // 1000:03d}" if micros % 1000 == 0 else f".{micros:06d}"
    return text + "Z"
