"""Global tables (version 2019.11.21): UpdateTable's ReplicaUpdates add and remove
replicas, tables of the same name in other regions of the account. Every write to one
replica is applied to the others in the same SQLite transaction (so replicas never
diverge here, where AWS converges within about a second), each with its own change
record in its own stream. Replicas need a NEW_AND_OLD_IMAGES stream; one is switched on
when the table has none."""
import uuid

from lakebox.services.dynamodb import backfill, lookup, store
from lakebox.services.dynamodb.errors import ValidationException
from lakebox.services.dynamodb.model import Table

VERSION = "2019.11.21"
COPIED = ("KeySchema", "AttributeDefinitions", "BillingMode", "ProvisionedThroughput", "LocalSecondaryIndexes",
          "GlobalSecondaryIndexes", "TableClass", "SSEDescription", "OnDemandThroughput", "TTL")


def regions(table) -> list:
    return table.spec.get("Replicas", [])


def describe(table) -> dict:
    others = [r for r in regions(table) if r != table.region]
    if not others:
        return {}
    version = "2017.11.29" if "global_2017_ms" in table.spec else VERSION
    return {"GlobalTableVersion": version, "Replicas": [
        {"RegionName": region, "ReplicaStatus": "ACTIVE",
         "ReplicaArn": lookup.table_arn(table.account, region, table.name)} for region in others]}


def update(ctx, table, updates, open_stream):
    """Apply ReplicaUpdates to `table` (whose spec the caller saves)."""
    for update in updates:
        if "Create" in update:
            _create(ctx, table, update["Create"]["RegionName"], open_stream)
        elif "Delete" in update:
            _delete(ctx, table, update["Delete"]["RegionName"])


def _create(ctx, table, region, open_stream):
    db = ctx.state.db
    if region == table.region or region in regions(table):
        raise ValidationException(f"Failed to create a the new replica of table with name: {table.name} because one "
                                  "or more replicas already existed as tables.")
    if store.table(db, table.account, region, table.name) is not None:
        raise ValidationException(f"Failed to create a the new replica of table with name: {table.name} because one "
                                  "or more replicas already existed as tables.")
    stream = table.spec.get("Stream") or {}
    if not stream.get("StreamEnabled"):
        open_stream(ctx, table, "NEW_AND_OLD_IMAGES")
    elif stream["StreamViewType"] != "NEW_AND_OLD_IMAGES":
        raise ValidationException("Table must have DynamoDB Streams enabled with NEW_AND_OLD_IMAGES to add replicas")
    group = regions(table) or [table.region]
    group.append(region)
    now = lookup.now_ms(ctx)
    spec = {k: table.spec[k] for k in COPIED if k in table.spec}
    spec.update(ready_ms=now + lookup.transition_ms(ctx), busy="CREATING", billing_set=True, Replicas=group)
    for index in spec.get("GlobalSecondaryIndexes", []) + spec.get("LocalSecondaryIndexes", []):
        backfill.start(spec, index)
        index.pop("ready_ms", None)
    if "TTL" in spec and spec["TTL"].get("enabled"):
        backfill.start(spec, spec["TTL"])
    uid = store.insert_table(db, table.account, region, table.name, str(uuid.uuid4()), now, spec)
    db.execute("INSERT INTO ddb_items SELECT ?, h, pk, sk, size, item FROM ddb_items WHERE table_uid=?",
               (uid, table.uid))
    store.count_collections(db, uid)
    replica = Table(store.table(db, table.account, region, table.name))
    open_stream(ctx, replica, "NEW_AND_OLD_IMAGES")
    _set_group(ctx, table, group)
    ctx.state.scheduler.poke("dynamodb")


def _delete(ctx, table, region):
    db = ctx.state.db
    if region not in regions(table) or region == table.region:
        raise ValidationException(f"Cannot delete replica in region {region}: it is not a replica of table "
                                  f"{table.name}")
    row = store.table(db, table.account, region, table.name)
    if row is not None:
        store.close_streams(db, row["uid"], lookup.now_ms(ctx))
        store.delete_table(db, row["uid"])
        ctx.state.cache("dynamodb").get("tables", {}).pop((table.account, region, table.name), None)
    _set_group(ctx, table, [r for r in regions(table) if r != region])


def leave(ctx, table):
    """A replica's table is deleted: the others forget it."""
    if regions(table):
        _set_group(ctx, table, [r for r in regions(table) if r != table.region], skip_self=True)


def _set_group(ctx, table, group, skip_self=False):
    """Every member of the group records the group (a lone table is no longer global)."""
    members = group if len(group) > 1 else []
    for region in group or [table.region]:
        if region == table.region:
            if not skip_self:
                _store_group(table.spec, members)
            continue
        row = store.table(ctx.state.db, table.account, region, table.name)
        if row is not None:
            other = Table(row)
            _store_group(other.spec, members)
            store.save_spec(ctx.state.db, other.uid, other.spec)
            ctx.state.cache("dynamodb").get("tables", {}).pop((table.account, region, table.name), None)


def _store_group(spec, members):
    if members:
        spec["Replicas"] = list(members)
    else:
        spec.pop("Replicas", None)
