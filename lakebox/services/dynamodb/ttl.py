"""Time to live: UpdateTimeToLive, DescribeTimeToLive, and the expiry job that deletes
expired items with the stream record DynamoDB writes for them."""
from lakebox.kit import calls
from lakebox.services.dynamodb import backfill, changes, lookup, store, writes
from lakebox.services.dynamodb.errors import ValidationException
from lakebox.services.dynamodb.model import Table

EXPIRY_SLICE = 500                  # items deleted per run, so the event loop never stalls
FIVE_YEARS_S = 5 * 365 * 86400      # AWS leaves items that expired more than five years ago
# "Any additional UpdateTimeToLive calls for the same table during this one hour duration
# result in a ValidationException" (UpdateTimeToLive API reference).
CHANGE_INTERVAL_MS = 3600 * 1000


def update_time_to_live(ctx, params):
    table = lookup.find(ctx, params["TableName"], named_error=True)
    wanted = params["TimeToLiveSpecification"]
    current = table.spec.get("TTL") or {}
    # enabled on another attribute, enabling or disabling it is refused with the current
    # attribute's name (recorded against DynamoDB, stackd controls.json calls 35, 36, 38)
    if current.get("enabled") and current.get("AttributeName") != wanted["AttributeName"]:
        raise ValidationException("TimeToLive is active on a different AttributeName: current AttributeName is "
                                  f"{current.get('AttributeName')}")
    if wanted["Enabled"] and current.get("enabled"):
        raise ValidationException("TimeToLive is already enabled")
    if not wanted["Enabled"] and not current.get("enabled"):
        raise ValidationException("TimeToLive is already disabled")
    now_ms = lookup.now_ms(ctx)
    if now_ms - current.get("changed_ms", -CHANGE_INTERVAL_MS) < CHANGE_INTERVAL_MS:
        raise ValidationException("Time to live has been modified multiple times within a fixed interval")
    db = ctx.state.db
    with db.transaction():
        table.spec["TTL"] = {"AttributeName": wanted["AttributeName"], "enabled": wanted["Enabled"],
                             "changed_ms": now_ms}
        if wanted["Enabled"]:
            backfill.start(table.spec, table.spec["TTL"])
        lookup.save(ctx, table)
        store.clear_expiries(db, table.uid)
    ctx.state.scheduler.poke("dynamodb")
    return {"TimeToLiveSpecification": {"Enabled": wanted["Enabled"], "AttributeName": wanted["AttributeName"]}}


def describe_time_to_live(ctx, params):
    table = lookup.find(ctx, params["TableName"], named_error=True)
    ttl = table.spec.get("TTL")
    if not ttl or not ttl.get("enabled"):
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}
    return {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": ttl["AttributeName"]}}


def expire_items(state, now: float):
    """Scheduler job: delete items whose TTL has passed (a slice at a time). Returns when
    the next item expires."""
    db = state.db
    due = store.due_expiries(db, int(now), EXPIRY_SLICE)
    tables, contexts = {}, {}
    for row in due:
        uid = row["table_uid"]
        if uid not in tables:
            found = db.one("SELECT * FROM ddb_tables WHERE uid=?", (uid,))
            tables[uid] = Table(found) if found else None
        table = tables[uid]
        if table is not None and uid not in contexts:
            contexts[uid] = calls.system_context(state, "dynamodb", "DeleteItem", table.account, table.region)
        key = (row["h"], row["pk"], row["sk"])
        item = store.get_item(db, uid, *key) if table else None
        if item is None or writes.expiry_of(table, item) != row["expires"] or row["expires"] < now - FIVE_YEARS_S:
            store.delete_expiry(db, uid, row["expires"], *key)
            continue
        writes.write(contexts[uid], table, key, item, None, identity=changes.TTL_IDENTITY)
    if len(due) == EXPIRY_SLICE:
        return now
    return store.next_expiry(db)
