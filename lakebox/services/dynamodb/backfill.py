"""Backfills in slices: a global index added by UpdateTable gets an entry for every item
already in the table, and switching TTL on registers every item's expiry. A job walks
the table a slice at a time, keeping its cursor in the table's spec, so a table of
millions of items never stalls the event loop and a restart carries on where it was.
Writes made meanwhile keep indexes and expiries current themselves: the walk only needs
to visit the items that were there."""
from lakebox.services.dynamodb import store, writes
from lakebox.services.dynamodb.errors import ValidationException
from lakebox.services.dynamodb.model import Table

SLICE = 1000


def _indexes(spec) -> list:
    return spec.get("GlobalSecondaryIndexes", []) + spec.get("LocalSecondaryIndexes", [])


def pending(spec) -> bool:
    return any("backfill" in i for i in _indexes(spec)) or "backfill" in (spec.get("TTL") or {})


def start(spec: dict, target: dict):
    """Mark a GSI spec or the TTL spec to be backfilled from the first item."""
    target["backfill"] = None
    spec["backfilling"] = True


def backfill(state, now: float):
    """Scheduler job: one slice of one table's pending backfills."""
    db = state.db
    row = db.one("SELECT * FROM ddb_tables WHERE spec LIKE '%\"backfilling\":true%' LIMIT 1")
    if row is None:
        return None
    table = Table(row)
    targets = [i for i in _indexes(table.spec) if "backfill" in i]
    ttl = table.spec.get("TTL") or {}
    if "backfill" in ttl:
        targets.append(ttl)
    with db.transaction():
        for target in targets:
            _slice(db, table, target, now)
        if not pending(table.spec):
            table.spec.pop("backfilling", None)
            table.spec.pop("restoring", None)
        store.save_spec(db, table.uid, table.spec)
    state.cache("dynamodb").get("tables", {}).pop((table.account, table.region, table.name), None)
    return now


def _slice(db, table, target, now):
    cursor = target["backfill"]
    after = (cursor[0], bytes.fromhex(cursor[1]), bytes.fromhex(cursor[2])) if cursor else None
    rows = store.every_item(db, table.uid, after, SLICE)
    index = table.indexes.get(target.get("IndexName")) if "IndexName" in target else None
    for row in rows:
        item = store.load_item(row["item"])
        if index is not None:
            entry = _eligible_entry(index, item)
            if entry is not None:
                store.put_index_entry(db, table.uid, index.name, *entry, row["h"], row["pk"], row["sk"])
        else:
            seconds = writes.expiry_of(table, item)
            if seconds is not None:
                store.put_expiry(db, table.uid, seconds, row["h"], row["pk"], row["sk"])
    if len(rows) < SLICE:
        del target["backfill"]
        target["ready_ms"] = max(target.get("ready_ms", 0), int(now * 1000))
    else:
        last = rows[-1]
        target["backfill"] = [last["h"], last["pk"].hex(), last["sk"].hex()]


def _eligible_entry(index, item):
    """The item's entry in the index, or None for an item the index cannot hold: a key
    attribute of another type than the index's, or an empty one. DynamoDB's backfill
    leaves such an item in the table and out of the index (an index key violation)."""
    try:
        index.check_item(item)
    except ValidationException:
        return None
    return index.entry(item)
