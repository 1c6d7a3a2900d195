"""DynamoDB state in SQLite.

Tables are keyed by (account, region, name); each has `uid`, an AUTOINCREMENT surrogate
never reused, so rows of a deleted table can never show through a new one of the same
name. A table's definition (keys, indexes, billing, stream and TTL settings) is one
JSON document, `spec`.

Items are keyed by (table, h, pk, sk): pk and sk are the key values encoded so that
byte order is DynamoDB's order (`values.encode_key`), h is a 32-bit hash of pk. Scan
walks (h, pk, sk), which is the order of partitions as on DynamoDB and lets a parallel
scan segment be a range of h; Query is an index seek on (h, pk) then a range of sk. So
a read costs what it returns, whatever the table's size. Items are compact JSON of the
wire form (binary values as base64).

Secondary indexes keep one entry per projected item, keyed by (table, index, h, index
pk, index sk, base pk, base sk): a Query on an index is a range scan there, joined to
the item. TTL keeps (table, expiry, item key) so the expiry job reads only what is due.
Stream records are rows per stream, in order of a per-stream sequence.
"""
import base64

import orjson

try:
    from _md5 import md5      # CPython's own MD5: a third of hashlib's cost on a short key
except ImportError:           # an interpreter built without it
    from hashlib import md5

SCHEMA = [
    """CREATE TABLE ddb_tables (
        uid INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        table_id TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        spec TEXT NOT NULL,
        UNIQUE (account, region, name))""",
    """CREATE TABLE ddb_items (
        table_uid INTEGER NOT NULL,
        h INTEGER NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        size INTEGER NOT NULL,
        item BLOB NOT NULL,
        PRIMARY KEY (table_uid, h, pk, sk)) WITHOUT ROWID""",
    """CREATE TABLE ddb_index_entries (
        table_uid INTEGER NOT NULL,
        index_name TEXT NOT NULL,
        h INTEGER NOT NULL,
        ipk BLOB NOT NULL,
        isk BLOB NOT NULL,
        bh INTEGER NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        PRIMARY KEY (table_uid, index_name, h, ipk, isk, pk, sk)) WITHOUT ROWID""",
    """CREATE TABLE ddb_ttl (
        table_uid INTEGER NOT NULL,
        expires INTEGER NOT NULL,
        h INTEGER NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        PRIMARY KEY (table_uid, expires, h, pk, sk)) WITHOUT ROWID""",
    """CREATE TABLE ddb_streams (
        uid INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        table_uid INTEGER NOT NULL,
        table_name TEXT NOT NULL,
        label TEXT NOT NULL,
        view_type TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        disabled_ms INTEGER,
        last_seq INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX ddb_streams_by_table ON ddb_streams (account, region, table_name)",
    """CREATE TABLE ddb_stream_records (
        stream_uid INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        created_ms INTEGER NOT NULL,
        record BLOB NOT NULL,
        PRIMARY KEY (stream_uid, seq)) WITHOUT ROWID""",
    """CREATE TABLE ddb_tags (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        arn TEXT NOT NULL,
        tag_key TEXT NOT NULL,
        tag_value TEXT NOT NULL,
        PRIMARY KEY (account, region, arn, tag_key))""",
    """CREATE TABLE ddb_transactions (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        token TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        PRIMARY KEY (account, region, token))""",
    "ALTER TABLE ddb_streams ADD COLUMN key_schema TEXT NOT NULL DEFAULT '[]'",
    """CREATE TABLE ddb_backups (
        uid INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        arn TEXT NOT NULL,
        name TEXT NOT NULL,
        table_name TEXT NOT NULL,
        table_id TEXT NOT NULL,
        table_created_ms INTEGER NOT NULL,
        spec TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        size INTEGER NOT NULL,
        item_count INTEGER NOT NULL,
        UNIQUE (account, region, arn))""",
    """CREATE TABLE ddb_backup_items (
        backup_uid INTEGER NOT NULL,
        h INTEGER NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        size INTEGER NOT NULL,
        item BLOB NOT NULL,
        PRIMARY KEY (backup_uid, h, pk, sk)) WITHOUT ROWID""",
    """CREATE TABLE ddb_history (
        table_uid INTEGER NOT NULL,
        h INTEGER NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        at_ms INTEGER NOT NULL,
        size INTEGER NOT NULL,
        item BLOB,
        PRIMARY KEY (table_uid, h, pk, sk, at_ms)) WITHOUT ROWID""",
    """CREATE TABLE ddb_transfers (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        arn TEXT NOT NULL,
        kind TEXT NOT NULL,
        document TEXT NOT NULL,
        PRIMARY KEY (account, region, arn))""",
    """CREATE TABLE ddb_policies (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        arn TEXT NOT NULL,
        policy TEXT NOT NULL,
        revision TEXT NOT NULL,
        PRIMARY KEY (account, region, arn))""",
    "CREATE INDEX ddb_ttl_by_expiry ON ddb_ttl (expires)",
    """CREATE TABLE ddb_collections (
        table_uid INTEGER NOT NULL,
        h INTEGER NOT NULL,
        pk BLOB NOT NULL,
        bytes INTEGER NOT NULL,
        PRIMARY KEY (table_uid, h, pk)) WITHOUT ROWID""",
    # A stream's shards, one after the other (`stream_shards.py`): each holds the
    # records from its first sequence number up to the next shard's.
    """CREATE TABLE ddb_stream_shards (
        stream_uid INTEGER NOT NULL,
        opened_ms INTEGER NOT NULL,
        first_seq INTEGER NOT NULL,
        PRIMARY KEY (stream_uid, opened_ms)) WITHOUT ROWID""",
    "INSERT INTO ddb_stream_shards SELECT uid, created_ms, 1 FROM ddb_streams",
    # A token whose transaction was cancelled keeps its request (ran 0: the same request
    # runs again); one that ran keeps the read units a replay reports, action by action.
    "ALTER TABLE ddb_transactions ADD COLUMN ran INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE ddb_transactions ADD COLUMN replay_units TEXT NOT NULL DEFAULT '[]'",
]


# --- encoding ------------------------------------------------------------------------

def partition_hash(pk: bytes) -> int:
    return int.from_bytes(md5(pk).digest()[:4], "big")


def binary_as_text(value):
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    raise TypeError(type(value))


def dump_item(item: dict) -> bytes:
    return orjson.dumps(item, default=binary_as_text)


def load_item(data: bytes) -> dict:
    item = orjson.loads(data)
    if b'"B' in data:
        decode_binary(item)
    return item


def decode_binary(members: dict):
    for value in members.values():
        _decode_value(value)


def _decode_value(value):
    if "B" in value and isinstance(value["B"], str):
        value["B"] = base64.b64decode(value["B"])
    elif "BS" in value:
        value["BS"] = [base64.b64decode(m) for m in value["BS"]]
    elif "M" in value:
        decode_binary(value["M"])
    elif "L" in value:
        for member in value["L"]:
            _decode_value(member)


# --- tables --------------------------------------------------------------------------

def table(db, account, region, name):
    return db.one("SELECT * FROM ddb_tables WHERE account=? AND region=? AND name=?", (account, region, name))


def tables(db, account, region, after, limit):
    return db.query("SELECT name FROM ddb_tables WHERE account=? AND region=? AND name>? ORDER BY name LIMIT ?",
                    (account, region, after or "", limit))


def insert_table(db, account, region, name, table_id, created_ms, spec: dict) -> int:
    cursor = db.execute("INSERT INTO ddb_tables (account, region, name, table_id, created_ms, spec) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (account, region, name, table_id, created_ms,
                                                      orjson.dumps(spec).decode()))
    return cursor.lastrowid


def save_spec(db, uid, spec: dict):
    db.execute("UPDATE ddb_tables SET spec=? WHERE uid=?", (orjson.dumps(spec).decode(), uid))


def delete_table(db, uid):
    with db.transaction():
        db.execute("DELETE FROM ddb_items WHERE table_uid=?", (uid,))
        db.execute("DELETE FROM ddb_index_entries WHERE table_uid=?", (uid,))
        db.execute("DELETE FROM ddb_ttl WHERE table_uid=?", (uid,))
        db.execute("DELETE FROM ddb_collections WHERE table_uid=?", (uid,))
        db.execute("DELETE FROM ddb_tables WHERE uid=?", (uid,))


def table_totals(db, uid):
    row = db.one("SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM ddb_items WHERE table_uid=?", (uid,))
    return row["n"], row["bytes"]


def index_totals(db, uid, index_name):
    row = db.one("SELECT COUNT(*) AS n, COALESCE(SUM(i.size), 0) AS bytes FROM ddb_index_entries e "
                 "JOIN ddb_items i ON i.table_uid=e.table_uid AND i.h=e.bh AND i.pk=e.pk AND i.sk=e.sk "
                 "WHERE e.table_uid=? AND e.index_name=?", (uid, index_name))
    return row["n"], row["bytes"]


# --- items ---------------------------------------------------------------------------

def get_item(db, uid, h, pk, sk):
    row = db.one("SELECT item FROM ddb_items WHERE table_uid=? AND h=? AND pk=? AND sk=?", (uid, h, pk, sk))
    return load_item(row[0]) if row else None


def get_item_sized(db, uid, h, pk, sk):
    """(item, its stored size) or (None, None)."""
    row = db.one("SELECT item, size FROM ddb_items WHERE table_uid=? AND h=? AND pk=? AND sk=?", (uid, h, pk, sk))
    return (load_item(row[0]), row[1]) if row else (None, None)


def item_size_at(db, uid, h, pk, sk):
    """The stored size of the item at a key, or None: all a write needs of an old item when
    the table has no index, stream or TTL to keep."""
    row = db.one("SELECT size FROM ddb_items WHERE table_uid=? AND h=? AND pk=? AND sk=?", (uid, h, pk, sk))
    return row[0] if row else None


def put_item(db, uid, h, pk, sk, size, item: dict):
    db.execute("INSERT OR REPLACE INTO ddb_items (table_uid, h, pk, sk, size, item) VALUES (?, ?, ?, ?, ?, ?)",
               (uid, h, pk, sk, size, dump_item(item)))


def replace_items(db, rows):
    """Store or delete many items at once: rows of (table uid, h, pk, sk, size, item or
    None for a delete)."""
    puts = [(uid, h, pk, sk, size, dump_item(item)) for uid, h, pk, sk, size, item in rows if item is not None]
    if puts:
        db.executemany("INSERT OR REPLACE INTO ddb_items (table_uid, h, pk, sk, size, item) "
                       "VALUES (?, ?, ?, ?, ?, ?)", puts)
    deletes = [(uid, h, pk, sk) for uid, h, pk, sk, _, item in rows if item is None]
    if deletes:
        db.executemany("DELETE FROM ddb_items WHERE table_uid=? AND h=? AND pk=? AND sk=?", deletes)


def delete_item(db, uid, h, pk, sk):
    db.execute("DELETE FROM ddb_items WHERE table_uid=? AND h=? AND pk=? AND sk=?", (uid, h, pk, sk))


def items_in_partition(db, uid, h, pk, low, high, forward, limit):
    """Items of one partition with low <= sk < high (None: unbounded), in sk order."""
    clauses, args = ["table_uid=?", "h=?", "pk=?"], [uid, h, pk]
    _range(clauses, args, "sk", low, high)
    order = "ASC" if forward else "DESC"
    sql = f"SELECT sk, size, item FROM ddb_items WHERE {' AND '.join(clauses)} ORDER BY sk {order} LIMIT ?"
    return db.query(sql, (*args, limit))


def _range(clauses, args, column, low, high):
    """low: (bytes, inclusive) or None; high likewise."""
    if low is not None:
        clauses.append(f"{column} >= ?" if low[1] else f"{column} > ?")
        args.append(low[0])
    if high is not None:
        clauses.append(f"{column} <= ?" if high[1] else f"{column} < ?")
        args.append(high[0])


def scan_items(db, uid, start, h_start, h_end, limit):
    """Items in (h, pk, sk) order with h_start <= h < h_end, after `start` (an (h, pk, sk) or None)."""
    if start is None:
        return db.query("SELECT h, pk, sk, size, item FROM ddb_items WHERE table_uid=? AND h>=? AND h<? "
                        "ORDER BY h, pk, sk LIMIT ?", (uid, h_start, h_end, limit))
    return db.query("SELECT h, pk, sk, size, item FROM ddb_items WHERE table_uid=? AND (h, pk, sk) > (?, ?, ?) "
                    "AND h<? ORDER BY h, pk, sk LIMIT ?", (uid, *start, h_end, limit))


def collection_bytes(db, uid, h, pk) -> int:
    """The size of an item collection (the items of one partition key value), kept for
    tables with local secondary indexes."""
    row = db.one("SELECT bytes FROM ddb_collections WHERE table_uid=? AND h=? AND pk=?", (uid, h, pk))
    return row[0] if row else 0


def add_collection_bytes(db, uid, h, pk, delta):
    db.execute("INSERT INTO ddb_collections VALUES (?, ?, ?, ?) ON CONFLICT (table_uid, h, pk) "
               "DO UPDATE SET bytes = bytes + excluded.bytes", (uid, h, pk, delta))


def count_collections(db, uid):
    """Item collection sizes of a table filled in bulk (a restore, an import)."""
    db.execute("INSERT OR REPLACE INTO ddb_collections SELECT table_uid, h, pk, SUM(size) FROM ddb_items "
               "WHERE table_uid=? GROUP BY h, pk", (uid,))


# --- index entries ---------------------------------------------------------------------

def put_index_entry(db, uid, index_name, h, ipk, isk, bh, pk, sk):
    db.execute("INSERT OR REPLACE INTO ddb_index_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (uid, index_name, h, ipk, isk, bh, pk, sk))


def delete_index_entry(db, uid, index_name, h, ipk, isk, pk, sk):
    db.execute("DELETE FROM ddb_index_entries WHERE table_uid=? AND index_name=? AND h=? AND ipk=? AND isk=? "
               "AND pk=? AND sk=?", (uid, index_name, h, ipk, isk, pk, sk))


def drop_index(db, uid, index_name):
    db.execute("DELETE FROM ddb_index_entries WHERE table_uid=? AND index_name=?", (uid, index_name))


_INDEX_JOIN = ("SELECT e.h, e.ipk, e.isk, e.pk, e.sk, i.size, i.item FROM ddb_index_entries e "
               "JOIN ddb_items i ON i.table_uid=e.table_uid AND i.h=e.bh AND i.pk=e.pk AND i.sk=e.sk ")


def index_partition(db, uid, index_name, h, ipk, low, high, after, forward, limit):
    """Entries of one index partition in (isk, pk, sk) order, optionally after a position."""
    clauses, args = ["e.table_uid=?", "e.index_name=?", "e.h=?", "e.ipk=?"], [uid, index_name, h, ipk]
    _range(clauses, args, "e.isk", low, high)
    if after is not None:
        clauses.append("(e.isk, e.pk, e.sk) > (?, ?, ?)" if forward else "(e.isk, e.pk, e.sk) < (?, ?, ?)")
        args.extend(after)
    order = "ASC" if forward else "DESC"
    sql = (_INDEX_JOIN + f"WHERE {' AND '.join(clauses)} "
           f"ORDER BY e.isk {order}, e.pk {order}, e.sk {order} LIMIT ?")
    return db.query(sql, (*args, limit))


def index_scan(db, uid, index_name, start, h_start, h_end, limit):
    clauses, args = ["e.table_uid=?", "e.index_name=?", "e.h>=?", "e.h<?"], [uid, index_name, h_start, h_end]
    if start is not None:
        clauses.append("(e.h, e.ipk, e.isk, e.pk, e.sk) > (?, ?, ?, ?, ?)")
        args.extend(start)
    sql = _INDEX_JOIN + f"WHERE {' AND '.join(clauses)} ORDER BY e.h, e.ipk, e.isk, e.pk, e.sk LIMIT ?"
    return db.query(sql, (*args, limit))


def every_item(db, uid, after, limit):
    """Items for a backfill, in key order, a slice at a time."""
    if after is None:
        return db.query("SELECT h, pk, sk, item FROM ddb_items WHERE table_uid=? ORDER BY h, pk, sk LIMIT ?",
                        (uid, limit))
    return db.query("SELECT h, pk, sk, item FROM ddb_items WHERE table_uid=? AND (h, pk, sk) > (?, ?, ?) "
                    "ORDER BY h, pk, sk LIMIT ?", (uid, *after, limit))


# --- TTL ---------------------------------------------------------------------------------

def put_expiry(db, uid, expires, h, pk, sk):
    db.execute("INSERT OR IGNORE INTO ddb_ttl VALUES (?, ?, ?, ?, ?)", (uid, expires, h, pk, sk))


def delete_expiry(db, uid, expires, h, pk, sk):
    db.execute("DELETE FROM ddb_ttl WHERE table_uid=? AND expires=? AND h=? AND pk=? AND sk=?",
               (uid, expires, h, pk, sk))


def clear_expiries(db, uid):
    db.execute("DELETE FROM ddb_ttl WHERE table_uid=?", (uid,))


def due_expiries(db, now_s, limit):
    return db.query("SELECT table_uid, expires, h, pk, sk FROM ddb_ttl WHERE expires<=? ORDER BY expires LIMIT ?",
                    (now_s, limit))


def next_expiry(db):
    row = db.one("SELECT MIN(expires) FROM ddb_ttl")
    return row[0] if row else None


# --- streams -------------------------------------------------------------------------------

def open_stream(db, account, region, table_uid, table_name, label, view_type, created_ms, key_schema) -> int:
    with db.transaction():
        uid = db.execute("INSERT INTO ddb_streams (account, region, table_uid, table_name, label, view_type, "
                         "created_ms, key_schema) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (account, region, table_uid, table_name, label, view_type, created_ms,
                          orjson.dumps(key_schema).decode())).lastrowid
        db.execute("INSERT INTO ddb_stream_shards VALUES (?, ?, 1)", (uid, created_ms))
    return uid


def close_streams(db, table_uid, now_ms):
    db.execute("UPDATE ddb_streams SET disabled_ms=? WHERE table_uid=? AND disabled_ms IS NULL", (now_ms, table_uid))


def stream(db, account, region, table_name, label):
    return db.one("SELECT * FROM ddb_streams WHERE account=? AND region=? AND table_name=? AND label=?",
                  (account, region, table_name, label))


def streams(db, account, region, table_name=None):
    if table_name is None:
        return db.query("SELECT * FROM ddb_streams WHERE account=? AND region=? ORDER BY table_name, uid",
                        (account, region))
    return db.query("SELECT * FROM ddb_streams WHERE account=? AND region=? AND table_name=? ORDER BY uid",
                    (account, region, table_name))


def stream_by_uid(db, uid):
    return db.one("SELECT * FROM ddb_streams WHERE uid=?", (uid,))


def append_record(db, stream_uid, created_ms, record: dict) -> int:
    row = db.one("UPDATE ddb_streams SET last_seq=last_seq+1 WHERE uid=? RETURNING last_seq", (stream_uid,))
    seq = row[0]
    db.execute("INSERT INTO ddb_stream_records VALUES (?, ?, ?, ?)", (stream_uid, seq, created_ms, dump_item(record)))
    return seq


def load_record(data: bytes) -> dict:
    """A stream record: its key and images hold attribute values with binary as base64."""
    change = orjson.loads(data)
    if b'"B' in data:
        for member in ("Keys", "NewImage", "OldImage"):
            if member in change["dynamodb"]:
                decode_binary(change["dynamodb"][member])
    return change


def first_seq(db, stream_uid):
    row = db.one("SELECT MIN(seq) FROM ddb_stream_records WHERE stream_uid=?", (stream_uid,))
    return row[0] if row else None


def records(db, stream_uid, first_seq, last_seq, limit):
    return db.query("SELECT seq, created_ms, record FROM ddb_stream_records WHERE stream_uid=? AND seq>=? "
                    "AND seq<=? ORDER BY seq LIMIT ?", (stream_uid, first_seq, last_seq, limit))


def oldest_record_ms(db):
    """The arrival of the oldest record of any stream: the first record of each stream."""
    row = db.one("SELECT MIN((SELECT created_ms FROM ddb_stream_records r WHERE r.stream_uid=s.uid "
                 "ORDER BY seq LIMIT 1)) FROM ddb_streams s")
    return row[0] if row else None


# --- backups and point-in-time history ------------------------------------------------------

def insert_backup(db, account, region, arn, name, table, spec_text, created_ms) -> int:
    uid = db.execute("INSERT INTO ddb_backups (account, region, arn, name, table_name, table_id, table_created_ms, "
                     "spec, created_ms, size, item_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)",
                     (account, region, arn, name, table.name, table.table_id, table.created_ms, spec_text,
                      created_ms)).lastrowid
    db.execute("INSERT INTO ddb_backup_items SELECT ?, h, pk, sk, size, item FROM ddb_items WHERE table_uid=?",
               (uid, table.uid))
    db.execute("UPDATE ddb_backups SET (size, item_count) = (SELECT COALESCE(SUM(size), 0), COUNT(*) FROM "
               "ddb_backup_items WHERE backup_uid=?) WHERE uid=?", (uid, uid))
    return uid


def backup(db, account, region, arn):
    return db.one("SELECT * FROM ddb_backups WHERE account=? AND region=? AND arn=?", (account, region, arn))


def backups(db, account, region):
    return db.query("SELECT * FROM ddb_backups WHERE account=? AND region=? ORDER BY created_ms, uid",
                    (account, region))


def delete_backup(db, uid):
    with db.transaction():
        db.execute("DELETE FROM ddb_backup_items WHERE backup_uid=?", (uid,))
        db.execute("DELETE FROM ddb_backups WHERE uid=?", (uid,))


def restore_backup_items(db, backup_uid, table_uid):
    db.execute("INSERT INTO ddb_items SELECT ?, h, pk, sk, size, item FROM ddb_backup_items WHERE backup_uid=?",
               (table_uid, backup_uid))


def snapshot_history(db, table_uid, at_ms):
    """The base of point-in-time recovery: every item as it is when recovery is switched on."""
    db.execute("INSERT OR REPLACE INTO ddb_history SELECT table_uid, h, pk, sk, ?, size, item FROM ddb_items "
               "WHERE table_uid=?", (at_ms, table_uid))


def record_history(db, table_uid, h, pk, sk, at_ms, size, item: dict | None):
    db.execute("INSERT OR REPLACE INTO ddb_history VALUES (?, ?, ?, ?, ?, ?, ?)",
               (table_uid, h, pk, sk, at_ms, size, dump_item(item) if item is not None else None))


def drop_history(db, table_uid):
    db.execute("DELETE FROM ddb_history WHERE table_uid=?", (table_uid,))


def restore_history(db, source_uid, target_uid, at_ms):
    """Every item of the source table as it was at at_ms, into the target table."""
    db.execute("INSERT INTO ddb_items SELECT ?, h, pk, sk, size, item FROM ddb_history v WHERE table_uid=? AND "
               "at_ms = (SELECT MAX(at_ms) FROM ddb_history w WHERE w.table_uid=v.table_uid AND w.h=v.h AND "
               "w.pk=v.pk AND w.sk=v.sk AND w.at_ms<=?) AND item IS NOT NULL", (target_uid, source_uid, at_ms))


def save_transfer(db, account, region, arn, kind, document: str):
    """An export's or import's description (kind "export" / "import")."""
    db.execute("INSERT OR REPLACE INTO ddb_transfers VALUES (?, ?, ?, ?, ?)", (account, region, arn, kind, document))


def transfer(db, account, region, arn, kind):
    return db.one("SELECT * FROM ddb_transfers WHERE account=? AND region=? AND arn=? AND kind=?",
                  (account, region, arn, kind))


def transfers(db, account, region, kind):
    return db.query("SELECT * FROM ddb_transfers WHERE account=? AND region=? AND kind=? ORDER BY arn",
                    (account, region, kind))


# --- tags and transactions --------------------------------------------------------------------

def tags(db, account, region, arn) -> dict:
    """A resource's tags in the order they were first set (a new value keeps its key's
    place), as DynamoDB lists them (recorded against DynamoDB, stackd controls.json)."""
    rows = db.query("SELECT tag_key, tag_value FROM ddb_tags WHERE account=? AND region=? AND arn=? "
                    "ORDER BY rowid", (account, region, arn))
    return {r[0]: r[1] for r in rows}


def put_tags(db, account, region, arn, new_tags: dict):
    db.executemany("INSERT INTO ddb_tags VALUES (?, ?, ?, ?, ?) ON CONFLICT (account, region, arn, tag_key) "
                   "DO UPDATE SET tag_value=excluded.tag_value",
                   [(account, region, arn, k, v) for k, v in new_tags.items()])


def remove_tags(db, account, region, arn, keys):
    db.executemany("DELETE FROM ddb_tags WHERE account=? AND region=? AND arn=? AND tag_key=?",
                   [(account, region, arn, k) for k in keys])


def drop_tags(db, account, region, arn):
    db.execute("DELETE FROM ddb_tags WHERE account=? AND region=? AND arn=?", (account, region, arn))
    db.execute("DELETE FROM ddb_policies WHERE account=? AND region=? AND (arn=? OR arn LIKE ?)",
               (account, region, arn, arn + "/stream/%"))


def policy(db, account, region, arn):
    return db.one("SELECT policy, revision FROM ddb_policies WHERE account=? AND region=? AND arn=?",
                  (account, region, arn))


def put_policy(db, account, region, arn, text, revision):
    db.execute("INSERT OR REPLACE INTO ddb_policies VALUES (?, ?, ?, ?, ?)", (account, region, arn, text, revision))


def delete_policy(db, account, region, arn):
    db.execute("DELETE FROM ddb_policies WHERE account=? AND region=? AND arn=?", (account, region, arn))


def transaction_token(db, account, region, token):
    return db.one("SELECT * FROM ddb_transactions WHERE account=? AND region=? AND token=?", (account, region, token))


def remember_token(db, account, region, token, request_hash, created_ms, ran=True, replay_units="[]"):
    db.execute("INSERT OR REPLACE INTO ddb_transactions (account, region, token, request_hash, created_ms, ran, "
               "replay_units) VALUES (?, ?, ?, ?, ?, ?, ?)",
               (account, region, token, request_hash, created_ms, int(ran), replay_units))
