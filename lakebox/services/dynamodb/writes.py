"""The one path every item write takes (PutItem, UpdateItem, DeleteItem, batches,
transactions, TTL expiry): the item row, its index entries, its TTL entry and its stream
record change together in one SQLite transaction, so an acknowledged write is whole."""
import math

from lakebox.services.dynamodb import changes, lookup, store
from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import ItemCollectionSizeLimitExceededException, ServiceError

KB = 1024
MAX_TTL_SECONDS = 2 ** 53
MAX_COLLECTION_BYTES = 10 * 1024 ** 3     # an item collection of a table with LSIs: 10 GB


def needs_old_item(table) -> bool:
    """Whether a write must read the item it replaces: to keep indexes, TTL entries,
    change records or point-in-time history. Otherwise its size is enough."""
    spec = table.spec
    return bool(table.indexes or (spec.get("Stream") or {}).get("StreamEnabled") or spec.get("TTL")
                or spec.get("KinesisDestinations") or spec.get("PITR") or spec.get("Replicas"))


def write(ctx, table, key, old: dict | None, new: dict | None, *, identity=None, new_size=None,
          replicate=True) -> dict:
    """Replace `old` by `new` (None: delete) at `key` = (h, pk, sk), and at the same key of
    the table's other replicas. Returns the write units each index consumed, by index name."""
    db = ctx.state.db
    h, pk, sk = key
    if not needs_old_item(table):
        _store(db, table, key, new, new_size)        # one statement: committed on its own
        return {}
    with db.transaction():
        if table.has_local_indexes:
            _grow_collection(db, table, key, old, new, new_size)
        _store(db, table, key, new, new_size)
        index_units = _update_indexes(db, table, key, old, new)
        if (table.spec.get("PITR") or {}).get("enabled"):
            store.record_history(db, table.uid, h, pk, sk, int(ctx.now * 1000), av.item_size(new or {}), new)
        _update_expiry(db, table, key, old, new)
        changes.record(ctx, table, old, new, identity)
        if replicate and table.spec.get("Replicas"):
            _replicate(ctx, table, key, new, identity)
    return index_units


def _replicate(ctx, table, key, new, identity):
    """Apply a write to every other replica of a global table (their own indexes, TTL and
    change records included)."""
    for region in table.spec["Replicas"]:
        if region == table.region:
            continue
        try:
            peer = lookup.loaded(ctx, (table.account, region, table.name))
        except ServiceError:
            continue                                  # a replica being removed
        old = store.get_item(ctx.state.db, peer.uid, *key)
        write(ctx, peer, key, old, new, identity=identity, replicate=False)


def _grow_collection(db, table, key, old, new, new_size):
    """Keep the item collection's size; refuse a write that takes it past 10 GB."""
    h, pk, _ = key
    delta = (new_size if new_size is not None else av.item_size(new or {})) - av.item_size(old or {})
    if delta > 0 and store.collection_bytes(db, table.uid, h, pk) + delta > MAX_COLLECTION_BYTES:
        raise ItemCollectionSizeLimitExceededException()
    store.add_collection_bytes(db, table.uid, h, pk, delta)


def collection_estimate(db, table, key) -> list:
    """ItemCollectionMetrics' SizeEstimateRangeGB: the whole gigabytes below and above."""
    gigabytes = store.collection_bytes(db, table.uid, key[0], key[1]) / 1024 ** 3
    return [float(int(gigabytes)), float(int(gigabytes) + 1)]


def _store(db, table, key, new, new_size):
    if new is None:
        store.delete_item(db, table.uid, *key)
    else:
        store.put_item(db, table.uid, *key, new_size if new_size is not None else av.item_size(new), new)


def _update_indexes(db, table, key, old, new) -> dict:
    units = {}
    h, pk, sk = key
    for index in table.indexes.values():
        before = index.entry(old) if old else None
        after = index.entry(new) if new else None
        used = 0
        if before is not None and before != after:
            store.delete_index_entry(db, table.uid, index.name, *before, pk, sk)
            used += _units(index.project(old))
        if after is not None and before != after:
            store.put_index_entry(db, table.uid, index.name, *after, h, pk, sk)
            used += _units(index.project(new))
        elif after is not None and index.project(old) != index.project(new):
            used += _units(index.project(new))
        if used:
            units[index.name] = used
    return units


def touched_indexes(table, old, new) -> list:
    """The global indexes a write changes: a throttled one refuses the write."""
    return [index.name for index in table.indexes.values()
            if index.kind == "GSI" and _index_view(index, old) != _index_view(index, new)]


def _index_view(index, item):
    """What an index holds of an item: its entry and projection, or None."""
    entry = index.entry(item) if item else None
    return (entry, index.project(item)) if entry is not None else None


def _units(item: dict) -> int:
    return max(1, math.ceil(av.item_size(item) / KB))


def expiry_of(table, item: dict | None):
    """The epoch second an item expires at under the table's TTL setting, or None."""
    ttl = table.spec.get("TTL")
    if not item or not ttl or not ttl.get("enabled"):
        return None
    value = item.get(ttl["AttributeName"])
    if value is None or "N" not in value:
        return None
    seconds = av.to_decimal(value["N"])
    if seconds <= 0 or seconds >= MAX_TTL_SECONDS:
        return None
    return int(seconds)


def _update_expiry(db, table, key, old, new):
    before, after = expiry_of(table, old), expiry_of(table, new)
    if before == after:
        return
    if before is not None:
        store.delete_expiry(db, table.uid, before, *key)
    if after is not None:
        store.put_expiry(db, table.uid, after, *key)
