"""TableDescription and its parts, in the shapes of the model."""
from lakebox.services.dynamodb import decreases, lookup, replicas, store, warm
from lakebox.services.dynamodb.model import Table



def throughput(ctx, spec: dict, billing_mode: str, switching=False) -> dict:
    """ProvisionedThroughput: zero units on demand, which keeps the decreases of the day and
    the times of the last increase and decrease. A billing-mode switch shows as a decrease
    (to on demand) or an increase (to provisioned) only while the table is UPDATING for it;
    once ACTIVE again the earlier times show, as recorded against DynamoDB (stackd
    billing_mode_limits.json calls 11-88 and 93-203; decrease_limits.json, roundtrip)."""
    provisioned = spec.get("ProvisionedThroughput", {}) if billing_mode != "PAY_PER_REQUEST" else {}
    result = {"NumberOfDecreasesToday": decreases.today(spec, lookup.now_ms(ctx)),
              "ReadCapacityUnits": provisioned.get("ReadCapacityUnits", 0),
              "WriteCapacityUnits": provisioned.get("WriteCapacityUnits", 0)}
    for member, key in (("LastIncreaseDateTime", "last_increase_ms"), ("LastDecreaseDateTime", "last_decrease_ms")):
        if spec.get(key):
            result[member] = lookup.timestamp(spec[key])
    switched = spec.get("billing_switch_ms") if switching else None
    if switched:
        member = "LastDecreaseDateTime" if billing_mode == "PAY_PER_REQUEST" else "LastIncreaseDateTime"
        result[member] = lookup.timestamp(switched)
    return result


def projection(index: dict) -> dict:
    """An index's Projection, its NonKeyAttributes sorted by name as DynamoDB answers them
    (ACK controller's lab against AWS, DDB-TABLE-125)."""
    described = dict(index["Projection"])
    if "NonKeyAttributes" in described:
        described["NonKeyAttributes"] = sorted(described["NonKeyAttributes"])
    return described


def table_description(ctx, table: Table, status=None, with_counts=True) -> dict:
    spec = table.spec
    billing = spec["BillingMode"]
    arn = lookup.arn_of(table)
    status = status or lookup.status(ctx, table)
    description = {
        # Sorted by name, as DynamoDB answers (ACK controller's lab against AWS, DDB-TABLE-125).
        "AttributeDefinitions": sorted(spec["AttributeDefinitions"], key=lambda d: d["AttributeName"]),
        "TableName": table.name,
        "KeySchema": spec["KeySchema"],
        "TableStatus": status,
        "CreationDateTime": lookup.timestamp(table.created_ms),
        "ProvisionedThroughput": throughput(ctx, spec, billing, switching=status == "UPDATING"),
        "TableArn": arn,
        "TableId": table.table_id,
    }
    # a copy being restored from a backup shows neither deletion protection nor warm
    # throughput, nor its global indexes' status (recorded against DynamoDB: stackd
    # backups.json calls 42-59, RestoreInProgress true)
    copying = bool(spec.get("restoring") and spec.get("RestoreSummary") and status == "CREATING")
    if not copying:
        description["DeletionProtectionEnabled"] = spec.get("DeletionProtectionEnabled", False)
        description["WarmThroughput"] = warm.describe(spec, billing, description["TableStatus"])
    elif billing == "PAY_PER_REQUEST":
        # nor, on demand, the day's decreases (backups.json calls 132-145)
        description["ProvisionedThroughput"].pop("NumberOfDecreasesToday", None)
    if with_counts:
        description["ItemCount"], description["TableSizeBytes"] = store.table_totals(ctx.state.db, table.uid)
    else:
        description["ItemCount"] = description["TableSizeBytes"] = 0
    restoring = spec.get("restoring") and description["TableStatus"] == "CREATING"
    if billing == "PAY_PER_REQUEST" or spec.get("billing_set") or restoring:
        summary = {"BillingMode": billing}
        # an on-demand table shows when it became one once it is ACTIVE, not while it is
        # being created or switched (recorded against DynamoDB: stackd data.json calls 1-12,
        # billing_mode_limits.json calls 11-20)
        settling = billing == "PAY_PER_REQUEST" and description["TableStatus"] in ("CREATING", "UPDATING")
        if spec.get("on_demand_since_ms") and not settling:
            summary["LastUpdateToPayPerRequestDateTime"] = lookup.timestamp(spec["on_demand_since_ms"])
        description["BillingModeSummary"] = summary
    if billing == "PAY_PER_REQUEST" and spec.get("OnDemandThroughput"):
        # only the maxima asked for: an on-demand table without any shows none (recorded
        # against DynamoDB: stackd on_demand_limits.json calls 2-7, billing_mode_limits.json call 11)
        description["OnDemandThroughput"] = spec["OnDemandThroughput"]
    if spec.get("TableClass"):
        description["TableClassSummary"] = table_class_summary(spec)
    if spec.get("SSEDescription"):
        description["SSEDescription"] = spec["SSEDescription"]
    _describe_stream(table, description)
    description.update(replicas.describe(table))
    restored = spec.get("RestoreSummary")
    # only while the copy is restored: once ACTIVE a restored table shows no RestoreSummary
    # (recorded against DynamoDB: stackd backups.json call 117, continuous_backup_restore_readiness.json call 308)
    if restored and copying:
        summary = {"RestoreDateTime": lookup.timestamp(restored["at_ms"]),
                   "RestoreInProgress": description["TableStatus"] == "CREATING"}
        summary.update({k: restored[k] for k in ("SourceBackupArn", "SourceTableArn") if k in restored})
        description["RestoreSummary"] = summary
    lsis = [_lsi(ctx, table, index, arn, with_counts) for index in spec.get("LocalSecondaryIndexes", [])]
    if lsis:
        description["LocalSecondaryIndexes"] = lsis
    creating = description["TableStatus"] == "CREATING"
    gsis = [_gsi(ctx, table, index, arn, billing, with_counts, creating)
            for index in spec.get("GlobalSecondaryIndexes", [])]
    if copying:
        for gsi in gsis:
            gsi.pop("IndexStatus", None)
            gsi.pop("WarmThroughput", None)
    if gsis:
        description["GlobalSecondaryIndexes"] = gsis
    if status == "DELETING":
        _as_deleting(description, billing)
    return description


def _as_deleting(description, billing):
    """A table being deleted (DeleteTable's answer, DescribeTable until it is gone) shows
    neither its key schema, attributes, creation time, indexes nor warm throughput, and a
    provisioned table no billing summary (recorded against DynamoDB: stackd backups.json
    calls 124-128; the aws cli's delete-table example shows the same few members)."""
    for member in ("AttributeDefinitions", "KeySchema", "CreationDateTime", "LocalSecondaryIndexes",
                   "GlobalSecondaryIndexes", "WarmThroughput"):
        description.pop(member, None)
    if billing != "PAY_PER_REQUEST":
        description.pop("BillingModeSummary", None)


def _describe_stream(table, description):
    stream = table.spec.get("Stream")
    if stream is None:
        return
    if stream.get("StreamEnabled"):
        description["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    description["LatestStreamLabel"] = stream["label"]
    description["LatestStreamArn"] = lookup.stream_arn(table.account, table.region, table.name, stream["label"])


def _counts(ctx, table, name, with_counts):
    if not with_counts:
        return 0, 0
    return store.index_totals(ctx.state.db, table.uid, name)


def _lsi(ctx, table, index, arn, with_counts):
    count, size = _counts(ctx, table, index["IndexName"], with_counts)
    return {"IndexName": index["IndexName"], "KeySchema": index["KeySchema"], "Projection": projection(index),
            "IndexSizeBytes": size, "ItemCount": count, "IndexArn": f"{arn}/index/{index['IndexName']}"}


def _gsi(ctx, table, index, arn, billing, with_counts, table_creating):
    """An index of a table being created is CREATING with it (CreateTable's answer, as the
    aws cli's create-table example shows), with no Backfilling: only an index added to
    a table that exists backfills."""
    own_status = lookup.index_status(ctx, index)
    status = "CREATING" if table_creating else own_status
    count, size = _counts(ctx, table, index["IndexName"], with_counts)
    result = {"IndexName": index["IndexName"], "KeySchema": index["KeySchema"], "Projection": projection(index),
              "IndexStatus": status, "ProvisionedThroughput": throughput(ctx, index, billing),
              "IndexSizeBytes": size, "ItemCount": count, "IndexArn": f"{arn}/index/{index['IndexName']}"}
    result["WarmThroughput"] = warm.describe(index, billing, status)
    if own_status == "CREATING" and not table_creating:
        result["Backfilling"] = True
    if billing == "PAY_PER_REQUEST" and index.get("OnDemandThroughput"):
        # only the maxima asked for: an index without any shows none (recorded against
        # DynamoDB: stackd on_demand_limits.json, calls 56-62, the index 'unlimited')
        result["OnDemandThroughput"] = index["OnDemandThroughput"]
    return result


def table_class_summary(spec) -> dict | None:
    """TableClassSummary: none until a class is set; the time of the last switch once
    UpdateTable changed it (recorded replies)."""
    if not spec.get("TableClass"):
        return None
    summary = {"TableClass": spec["TableClass"]}
    if spec.get("table_class_set_ms"):
        summary["LastUpdateDateTime"] = lookup.timestamp(spec["table_class_set_ms"])
    return summary
