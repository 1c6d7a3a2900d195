"""Capacity settings across regions: Describe/UpdateGlobalTableSettings and
Describe/UpdateTableReplicaAutoScaling. Billing modes and provisioned units are applied
to every replica; auto scaling settings are kept and described (lakebox does not move
provisioned capacity by itself: a table keeps the units it was given)."""
from lakebox.services.dynamodb import lookup, store
from lakebox.services.dynamodb.errors import GlobalTableNotFoundException, ValidationException
from lakebox.services.dynamodb.model import Table


def _members(ctx, name) -> list:
    """The tables of a global table, this region's first; GlobalTableNotFoundException when
    the table here is not part of one."""
    row = store.table(ctx.state.db, ctx.account, ctx.region, name)
    table = Table(row) if row else None
    if table is None or not (table.spec.get("Replicas") or "global_2017_ms" in table.spec):
        raise GlobalTableNotFoundException("Global table not found")
    regions = table.spec.get("Replicas") or [ctx.region]
    found = [table]
    for region in regions:
        if region != ctx.region:
            other = store.table(ctx.state.db, ctx.account, region, name)
            if other is not None:
                found.append(Table(other))
    return found


def _save(ctx, table):
    store.save_spec(ctx.state.db, table.uid, table.spec)
    ctx.state.cache("dynamodb").get("tables", {}).pop((table.account, table.region, table.name), None)


def _units(spec, member):
    return (spec.get("ProvisionedThroughput") or {}).get(member, 0)


def _scaling(settings) -> dict | None:
    """An AutoScalingSettingsDescription from the stored AutoScalingSettingsUpdate."""
    if not settings:
        return None
    result = {k: settings[k] for k in ("MinimumUnits", "MaximumUnits", "AutoScalingDisabled", "AutoScalingRoleArn")
              if k in settings}
    policy = settings.get("ScalingPolicyUpdate")
    if policy:
        result["ScalingPolicies"] = [{k: policy[k] for k in ("PolicyName", "TargetTrackingScalingPolicyConfiguration")
                                      if k in policy}]
    return result


def _replica_settings(table) -> dict:
    scaling = table.spec.get("AutoScaling", {})
    settings = {"RegionName": table.region, "ReplicaStatus": "ACTIVE",
                "ReplicaBillingModeSummary": {"BillingMode": table.spec["BillingMode"]},
                "ReplicaProvisionedReadCapacityUnits": _units(table.spec, "ReadCapacityUnits"),
                "ReplicaProvisionedWriteCapacityUnits": _units(table.spec, "WriteCapacityUnits"),
                "ReplicaGlobalSecondaryIndexSettings": [
                    {"IndexName": i["IndexName"], "IndexStatus": "ACTIVE",
                     "ProvisionedReadCapacityUnits": _units(i, "ReadCapacityUnits"),
                     "ProvisionedWriteCapacityUnits": _units(i, "WriteCapacityUnits")}
                    for i in table.spec.get("GlobalSecondaryIndexes", [])]}
    for member, key in (("ReplicaProvisionedReadCapacityAutoScalingSettings", "read"),
                        ("ReplicaProvisionedWriteCapacityAutoScalingSettings", "write")):
        if scaling.get(key):
            settings[member] = _scaling(scaling[key])
    return settings


def describe_global_table_settings(ctx, params):
    members = _members(ctx, params["GlobalTableName"])
    return {"GlobalTableName": params["GlobalTableName"], "ReplicaSettings": [_replica_settings(t) for t in members]}


def update_global_table_settings(ctx, params):
    members = _members(ctx, params["GlobalTableName"])
    billing = params.get("GlobalTableBillingMode")
    write_units = params.get("GlobalTableProvisionedWriteCapacityUnits")
    replica_updates = {u["RegionName"]: u for u in params.get("ReplicaSettingsUpdate", [])}
    with ctx.state.db.transaction():
        for table in members:
            spec = table.spec
            if billing is not None:
                spec["BillingMode"] = billing
                spec["billing_set"] = True
                if billing == "PAY_PER_REQUEST":
                    spec.pop("ProvisionedThroughput", None)
                else:
                    spec.setdefault("ProvisionedThroughput", {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
            if write_units is not None:
                if spec["BillingMode"] != "PROVISIONED":
                    raise ValidationException("One or more parameter values were invalid: Provisioned throughput "
                                              "cannot be set on a table in PAY_PER_REQUEST billing mode")
                spec["ProvisionedThroughput"]["WriteCapacityUnits"] = write_units
            if params.get("GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate"):
                spec.setdefault("AutoScaling", {})["write"] = \
                    params["GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate"]
            update = replica_updates.get(table.region)
            if update is not None:
                _update_replica(spec, update)
            _save(ctx, table)
    return {"GlobalTableName": params["GlobalTableName"], "ReplicaSettings": [
        _replica_settings(lookup.find(ctx, lookup.table_arn(t.account, t.region, t.name))) for t in members]}


def _update_replica(spec, update):
    if "ReplicaProvisionedReadCapacityUnits" in update:
        if spec["BillingMode"] != "PROVISIONED":
            raise ValidationException("One or more parameter values were invalid: Provisioned throughput cannot be "
                                      "set on a table in PAY_PER_REQUEST billing mode")
        spec["ProvisionedThroughput"]["ReadCapacityUnits"] = update["ReplicaProvisionedReadCapacityUnits"]
    if update.get("ReplicaProvisionedReadCapacityAutoScalingSettingsUpdate"):
        spec.setdefault("AutoScaling", {})["read"] = update["ReplicaProvisionedReadCapacityAutoScalingSettingsUpdate"]
    if update.get("ReplicaTableClass"):
        spec["TableClass"] = update["ReplicaTableClass"]


def _auto_scaling_description(ctx, table) -> dict:
    tables = [table] + [Table(row) for region in table.spec.get("Replicas", []) if region != table.region
                        for row in [store.table(ctx.state.db, table.account, region, table.name)] if row]
    replicas = []
    for member in tables:
        scaling = member.spec.get("AutoScaling", {})
        replica = {"RegionName": member.region, "ReplicaStatus": "ACTIVE",
                   "GlobalSecondaryIndexes": [{"IndexName": i["IndexName"], "IndexStatus": "ACTIVE"}
                                              for i in member.spec.get("GlobalSecondaryIndexes", [])]}
        for key, name in (("read", "ReplicaProvisionedReadCapacityAutoScalingSettings"),
                          ("write", "ReplicaProvisionedWriteCapacityAutoScalingSettings")):
            if scaling.get(key):
                replica[name] = _scaling(scaling[key])
        replicas.append(replica)
    return {"TableAutoScalingDescription": {"TableName": table.name, "TableStatus": lookup.status(ctx, table),
                                            "Replicas": replicas}}


def describe_table_replica_auto_scaling(ctx, params):
    return _auto_scaling_description(ctx, lookup.find(ctx, params["TableName"], named_error=True))


def update_table_replica_auto_scaling(ctx, params):
    table = lookup.find(ctx, params["TableName"], named_error=True)
    if table.spec["BillingMode"] != "PROVISIONED":
        raise ValidationException("Auto scaling settings can only be set on tables in PROVISIONED billing mode")
    if params.get("ProvisionedWriteCapacityAutoScalingUpdate"):
        table.spec.setdefault("AutoScaling", {})["write"] = params["ProvisionedWriteCapacityAutoScalingUpdate"]
    for update in params.get("ReplicaUpdates", []):
        if update["RegionName"] == table.region and update.get("ReplicaProvisionedReadCapacityAutoScalingUpdate"):
            table.spec.setdefault("AutoScaling", {})["read"] = update["ReplicaProvisionedReadCapacityAutoScalingUpdate"]
    _save(ctx, table)
    return _auto_scaling_description(ctx, lookup.find(ctx, table.name))
