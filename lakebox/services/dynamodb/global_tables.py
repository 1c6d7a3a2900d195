"""Global tables of version 2017.11.29: CreateGlobalTable links tables of one name that
already exist (empty, with a NEW_AND_OLD_IMAGES stream) in several regions;
UpdateGlobalTable adds or removes such tables; Describe/ListGlobalTables. Replication is
the 2019.11.21 machinery's (`writes._replicate`): the group is each member's `Replicas`."""
from lakebox.kit import arns
from lakebox.services.dynamodb import lookup, store
from lakebox.services.dynamodb.errors import (
    GlobalTableAlreadyExistsException, GlobalTableNotFoundException, ReplicaAlreadyExistsException,
    ReplicaNotFoundException, TableNotFoundException, ValidationException, members_missing)
from lakebox.services.dynamodb.model import Table


def _member(ctx, name, region) -> Table:
    row = store.table(ctx.state.db, ctx.account, region, name)
    if row is None:
        raise TableNotFoundException(f"Table not found: {name}")
    table = Table(row)
    stream = table.spec.get("Stream") or {}
    if not stream.get("StreamEnabled") or stream["StreamViewType"] != "NEW_AND_OLD_IMAGES":
        raise ValidationException(f"One or more parameter values were invalid: Table: {name} should have "
                                  "DynamoDB Streams enabled with the NEW_AND_OLD_IMAGES stream view type")
    return table


def _set_group(ctx, name, group, created_ms):
    for region in group:
        table = Table(store.table(ctx.state.db, ctx.account, region, name))
        table.spec["Replicas"] = list(group) if len(group) > 1 else []
        table.spec["global_2017_ms"] = created_ms
        if not table.spec["Replicas"]:
            table.spec.pop("Replicas")
        store.save_spec(ctx.state.db, table.uid, table.spec)
        ctx.state.cache("dynamodb").get("tables", {}).pop((ctx.account, region, name), None)


def _group(ctx, name):
    """(regions, created_ms) of the global table, found through this region's member."""
    row = store.table(ctx.state.db, ctx.account, ctx.region, name)
    spec = Table(row).spec if row else {}
    if "global_2017_ms" not in spec:
        raise GlobalTableNotFoundException("Global table not found")
    return spec.get("Replicas", [ctx.region]), spec["global_2017_ms"]


def _description(ctx, name, group, created_ms, status="ACTIVE") -> dict:
    return {"GlobalTableDescription": {
        "ReplicationGroup": [{"RegionName": r} for r in group], "GlobalTableName": name, "GlobalTableStatus": status,
        "GlobalTableArn": arns.build("dynamodb", "", ctx.account, f"global-table/{name}"),
        "CreationDateTime": lookup.timestamp(created_ms)}}


def _region_names(replicas) -> list:
    # The model leaves RegionName optional; DynamoDB refuses a replica without one.
    missing = [f"replicationGroup.{i}.member.regionName" for i, replica in enumerate(replicas, 1)
               if "RegionName" not in replica]
    if missing:
        raise members_missing(missing)
    return [replica["RegionName"] for replica in replicas]


def create_global_table(ctx, params):
    name = params["GlobalTableName"]
    group = list(dict.fromkeys(_region_names(params["ReplicationGroup"])))
    members = [_member(ctx, name, region) for region in group]
    if any("global_2017_ms" in t.spec or t.spec.get("Replicas") for t in members):
        raise GlobalTableAlreadyExistsException("Global table already exists")
    if any(store.table_totals(ctx.state.db, t.uid)[0] for t in members):
        raise ValidationException("One or more parameter values were invalid: Tables must be empty to create a "
                                  "global table")
    now = lookup.now_ms(ctx)
    with ctx.state.db.transaction():
        _set_group(ctx, name, group, now)
    # Linked at once, but CreateGlobalTable's answer says CREATING, as the aws cli's
    # create-global-table example shows; DescribeGlobalTable then says ACTIVE.
    return _description(ctx, name, group, now, status="CREATING")


def describe_global_table(ctx, params):
    group, created = _group(ctx, params["GlobalTableName"])
    return _description(ctx, params["GlobalTableName"], group, created)


def update_global_table(ctx, params):
    name = params["GlobalTableName"]
    group, created = _group(ctx, name)
    for update in params["ReplicaUpdates"]:
        if "Create" in update:
            region = update["Create"]["RegionName"]
            if region in group:
                raise ReplicaAlreadyExistsException("Replica already exists")
            member = _member(ctx, name, region)
            if store.table_totals(ctx.state.db, member.uid)[0]:
                raise ValidationException("One or more parameter values were invalid: Tables must be empty to be "
                                          "added to a global table")
            group = group + [region]
        elif "Delete" in update:
            region = update["Delete"]["RegionName"]
            if region not in group:
                raise ReplicaNotFoundException("Replica not found")
            with ctx.state.db.transaction():
                _set_group(ctx, name, [region], created)
            group = [r for r in group if r != region]
    with ctx.state.db.transaction():
        _set_group(ctx, name, group, created)
    return _description(ctx, name, group, created)


def list_global_tables(ctx, params):
    rows = store.tables(ctx.state.db, ctx.account, params.get("RegionName") or ctx.region,
                        params.get("ExclusiveStartGlobalTableName"), 10_000)
    found = []
    for row in rows:
        spec = Table(store.table(ctx.state.db, ctx.account, params.get("RegionName") or ctx.region, row["name"])).spec
        if "global_2017_ms" in spec:
            found.append({"GlobalTableName": row["name"],
                          "ReplicationGroup": [{"RegionName": r} for r in spec.get("Replicas", [])]})
    limit = params.get("Limit") or 100
    result = {"GlobalTables": found[:limit]}
    if len(found) > limit:
        result["LastEvaluatedGlobalTableName"] = found[limit - 1]["GlobalTableName"]
    return result
