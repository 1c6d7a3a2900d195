"""Kinesis state in SQLite.

Streams are keyed by (account, region, name). Each stream row also has `uid`, an
AUTOINCREMENT surrogate that is never reused, so an iterator or sequence number of a
deleted stream can never resolve to a new stream of the same name. Shards and records
hang off `uid`: a record row carries no account/region text, which keeps the records
index small on the PutRecords hot path; every route to a record starts from a stream
row found by (account, region, ...).

Records are stored in chunks: the records one call put into one shard share a row
(they share an arrival time and encryption state too), keyed by (stream, shard, first
counter). The row holds the partition keys and the lengths of all records; their
payload bytes are in the stream's shard log (`segments.py`) at (segment, offset,
length). A 500-record PutRecords is a handful of small rows, not 500; appends land at
the end of each shard's key range and reads and AT/AFTER_SEQUENCE_NUMBER are index
seeks, so no call costs more as the stream grows.
"""
import json

SCHEMA = [
    """CREATE TABLE kinesis_streams (
        uid INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        stream_id TEXT NOT NULL,
        mode TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        busy_status TEXT,
        busy_until_ms INTEGER NOT NULL,
        retention_hours INTEGER NOT NULL,
        encryption_type TEXT NOT NULL DEFAULT 'NONE',
        key_id TEXT,
        shard_level_metrics TEXT NOT NULL DEFAULT '[]',
        max_record_kib INTEGER NOT NULL,
        warm_throughput_mibps INTEGER,
        next_shard_index INTEGER NOT NULL,
        UNIQUE (account, region, name),
        UNIQUE (account, region, stream_id))""",
    """CREATE TABLE kinesis_shards (
        stream_uid INTEGER NOT NULL,
        shard_index INTEGER NOT NULL,
        parent_index INTEGER,
        adjacent_parent_index INTEGER,
        start_hash TEXT NOT NULL,
        end_hash TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        closed_ms INTEGER,
        last_counter INTEGER NOT NULL DEFAULT 0,
        last_arrival_ms INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (stream_uid, shard_index)) WITHOUT ROWID""",
    """CREATE TABLE kinesis_chunks (
        stream_uid INTEGER NOT NULL,
        shard_index INTEGER NOT NULL,
        first_counter INTEGER NOT NULL,
        last_counter INTEGER NOT NULL,
        arrival_ms INTEGER NOT NULL,
        encrypted INTEGER NOT NULL,
        layout BLOB NOT NULL,
        keys BLOB NOT NULL,
        segment INTEGER NOT NULL,
        offset INTEGER NOT NULL,
        length INTEGER NOT NULL,
        PRIMARY KEY (stream_uid, shard_index, first_counter))""",
    """CREATE TABLE kinesis_consumers (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        stream_uid INTEGER NOT NULL,
        name TEXT NOT NULL,
        arn TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        active_at_ms INTEGER NOT NULL,
        PRIMARY KEY (account, region, stream_uid, name))""",
    "CREATE INDEX kinesis_consumers_by_arn ON kinesis_consumers (account, region, arn)",
    """CREATE TABLE kinesis_tags (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        resource_arn TEXT NOT NULL,
        tag_key TEXT NOT NULL,
        tag_value TEXT NOT NULL,
        PRIMARY KEY (account, region, resource_arn, tag_key))""",
    """CREATE TABLE kinesis_policies (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        resource_arn TEXT NOT NULL,
        policy TEXT NOT NULL,
        PRIMARY KEY (account, region, resource_arn))""",
    """CREATE TABLE kinesis_scalings (
        stream_uid INTEGER NOT NULL,
        at_ms INTEGER NOT NULL)""",
    "CREATE INDEX kinesis_scalings_by_stream ON kinesis_scalings (stream_uid, at_ms)",
    """CREATE TABLE kinesis_account_settings (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        commitment_status TEXT NOT NULL,
        started_ms INTEGER,
        ended_ms INTEGER,
        PRIMARY KEY (account, region))""",
    # Encryption at rest (encryption.py): data keys wrapped by the stream's KMS key, and
    # the one each chunk's bytes were sealed with (NULL: stored in the clear).
    """CREATE TABLE kinesis_data_keys (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        stream_uid INTEGER NOT NULL,
        wrapped BLOB NOT NULL)""",
    "ALTER TABLE kinesis_chunks ADD COLUMN data_key INTEGER",
    # Start/StopStreamEncryption calls that succeeded (25 of each per rolling 24 hours)
    """CREATE TABLE kinesis_encryption_changes (
        stream_uid INTEGER NOT NULL,
        operation TEXT NOT NULL,
        at_ms INTEGER NOT NULL)""",
    "CREATE INDEX kinesis_encryption_changes_by_stream ON kinesis_encryption_changes (stream_uid, operation, at_ms)",
    # UpdateStreamMode calls that switched the capacity mode (twice per rolling 24 hours)
    """CREATE TABLE kinesis_mode_switches (
        stream_uid INTEGER NOT NULL,
        at_ms INTEGER NOT NULL)""",
    "CREATE INDEX kinesis_mode_switches_by_stream ON kinesis_mode_switches (stream_uid, at_ms)",
    # What a stream UPDATING still shows until the change is done (a JSON object of the
    # columns it had, and "open_shards" before a reshard): lookup.shown.
    "ALTER TABLE kinesis_streams ADD COLUMN shown_before TEXT",
]

# ---------------------------------------------------------------------------
# Streams

_STREAM_COLUMNS = ("account", "region", "name", "stream_id", "mode", "created_ms", "busy_status",
                   "busy_until_ms", "retention_hours", "max_record_kib", "warm_throughput_mibps",
                   "next_shard_index")


def insert_stream(db, **row) -> int:
    names = ", ".join(_STREAM_COLUMNS)
    marks = ", ".join("?" for _ in _STREAM_COLUMNS)
    cursor = db.execute(f"INSERT INTO kinesis_streams ({names}) VALUES ({marks})",
                        tuple(row[c] for c in _STREAM_COLUMNS))
    return cursor.lastrowid


def stream_by_name(db, account, region, name):
    return db.one("SELECT * FROM kinesis_streams WHERE account=? AND region=? AND name=?",
                  (account, region, name))


def stream_by_stream_id(db, account, region, stream_id):
    return db.one("SELECT * FROM kinesis_streams WHERE account=? AND region=? AND stream_id=?",
                  (account, region, stream_id))


def stream_by_uid(db, uid):
    return db.one("SELECT * FROM kinesis_streams WHERE uid=?", (uid,))


def streams_after(db, account, region, after_name, limit):
    return db.query("SELECT * FROM kinesis_streams WHERE account=? AND region=? AND name>? "
                    "ORDER BY name LIMIT ?", (account, region, after_name, limit))


def all_streams(db, account, region):
    return db.query("SELECT * FROM kinesis_streams WHERE account=? AND region=?", (account, region))


def every_stream(db):
    return db.query("SELECT * FROM kinesis_streams")


def update_stream(db, uid, **columns):
    sets = ", ".join(f"{name}=?" for name in columns)
    db.execute(f"UPDATE kinesis_streams SET {sets} WHERE uid=?", (*columns.values(), uid))


def delete_stream(db, stream, arn):
    """The stream and everything that belongs to it (`arn` is its ARN), in one transaction.

    Its records stay behind, unreachable (every route to a record starts from a stream
    row, and uids are never reused): the retention job deletes them a slice at a time,
    so deleting a stream of millions of records takes no longer than a small one."""
    uid, account, region = stream["uid"], stream["account"], stream["region"]
    arns = [arn] + [c["arn"] for c in consumers(db, uid)]
    with db.transaction():
        db.execute("DELETE FROM kinesis_shards WHERE stream_uid=?", (uid,))
        db.execute("DELETE FROM kinesis_consumers WHERE stream_uid=?", (uid,))
        db.execute("DELETE FROM kinesis_scalings WHERE stream_uid=?", (uid,))
        db.execute("DELETE FROM kinesis_data_keys WHERE stream_uid=?", (uid,))
        db.execute("DELETE FROM kinesis_encryption_changes WHERE stream_uid=?", (uid,))
        db.execute("DELETE FROM kinesis_mode_switches WHERE stream_uid=?", (uid,))
        for arn in arns:
            db.execute("DELETE FROM kinesis_tags WHERE account=? AND region=? AND resource_arn=?",
                       (account, region, arn))
            db.execute("DELETE FROM kinesis_policies WHERE account=? AND region=? AND resource_arn=?",
                       (account, region, arn))
        db.execute("DELETE FROM kinesis_streams WHERE uid=?", (uid,))


def metrics_of(stream) -> list[str]:
    return json.loads(stream["shard_level_metrics"])


def open_shard_count(db, account, region) -> int:
    row = db.one("SELECT COUNT(*) AS n FROM kinesis_shards JOIN kinesis_streams ON uid=stream_uid "
                 "WHERE account=? AND region=? AND closed_ms IS NULL AND mode != 'ON_DEMAND'", (account, region))
    return row["n"]


# ---------------------------------------------------------------------------
# Shards


def shards(db, uid):
    return db.query("SELECT * FROM kinesis_shards WHERE stream_uid=? ORDER BY shard_index", (uid,))


def open_shards(db, uid):
    return db.query("SELECT * FROM kinesis_shards WHERE stream_uid=? AND closed_ms IS NULL "
                    "ORDER BY shard_index", (uid,))


def shard(db, uid, index):
    return db.one("SELECT * FROM kinesis_shards WHERE stream_uid=? AND shard_index=?", (uid, index))


def children(db, uid, index):
    return db.query("SELECT * FROM kinesis_shards WHERE stream_uid=? AND (parent_index=? OR "
                    "adjacent_parent_index=?) ORDER BY shard_index", (uid, index, index))


def insert_shards(db, uid, plans, created_ms):
    db.executemany(
        "INSERT INTO kinesis_shards (stream_uid, shard_index, parent_index, adjacent_parent_index, "
        "start_hash, end_hash, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(uid, p.index, p.parent, p.adjacent_parent, str(p.start), str(p.end), created_ms) for p in plans])


def close_shards(db, uid, indexes, closed_ms):
    db.executemany("UPDATE kinesis_shards SET closed_ms=? WHERE stream_uid=? AND shard_index=?",
                   [(closed_ms, uid, index) for index in indexes])


# ---------------------------------------------------------------------------
# Records


def append_chunks(db, uid, chunks, now_ms, encrypted, data_key=None):
    """Record one chunk per shard, all in one transaction (`data_key`: the id of the
    data key their bytes were sealed with, or None).

    `chunks`: [(shard_index, record_count, layout, keys, segment, offset, length)].
    Returns {shard_index: first_counter}; a chunk's counters are consecutive.
    Arrival times never go backwards within a shard, even if the test clock does, so
    a shard's chunks are in arrival order as well as counter order."""
    firsts, rows = {}, []
    with db.transaction():
        for index, count, layout, keys, segment, offset, length in chunks:
            bumped = db.one(
                "UPDATE kinesis_shards SET last_counter = last_counter + ?, "
                "last_arrival_ms = MAX(last_arrival_ms, ?) WHERE stream_uid=? AND shard_index=? "
                "RETURNING last_counter, last_arrival_ms", (count, now_ms, uid, index))
            last = bumped["last_counter"]
            first = firsts[index] = last - count + 1
            rows.append((uid, index, first, last, bumped["last_arrival_ms"], encrypted, layout, keys,
                         segment, offset, length, data_key))
        db.executemany("INSERT INTO kinesis_chunks (stream_uid, shard_index, first_counter, last_counter, "
                       "arrival_ms, encrypted, layout, keys, segment, offset, length, data_key) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return firsts


def chunks_from(db, uid, index, after_counter, since_ms):
    """A cursor over a shard's chunks, oldest first, from the one holding the record
    after `after_counter`, skipping chunks that arrived before `since_ms` (the trim
    horizon). Rows are read lazily: stop iterating once you have enough."""
    return db.execute(
        "SELECT first_counter, arrival_ms, encrypted, layout, keys, segment, offset, length, data_key "
        "FROM kinesis_chunks "
        "WHERE stream_uid=?1 AND shard_index=?2 AND arrival_ms>=?4 AND first_counter>=COALESCE("
        "(SELECT MAX(first_counter) FROM kinesis_chunks WHERE stream_uid=?1 AND shard_index=?2 "
        "AND first_counter<=?3), 0) ORDER BY first_counter", (uid, index, after_counter + 1, since_ms))


def first_counter_at(db, uid, index, at_ms, last_counter) -> int:
    """The counter of the first record that arrived at or after `at_ms` (or one past
    the last record). Arrival times rise with counters within a shard, so a binary
    search of index seeks finds it without an index on arrival time."""
    low, high = 1, last_counter + 1
    while low < high:
        middle = (low + high) // 2
        row = _chunk_holding(db, uid, index, middle)
        if row is None or row["arrival_ms"] >= at_ms:
            high = middle
        else:
            low = row["last_counter"] + 1     # the whole chunk arrived too early
    return low


def _chunk_holding(db, uid, index, counter):
    """The chunk with the record `counter`, or the first one after it."""
    row = db.one("SELECT last_counter, arrival_ms FROM kinesis_chunks WHERE stream_uid=? AND shard_index=? "
                 "AND first_counter<=? ORDER BY first_counter DESC LIMIT 1", (uid, index, counter))
    if row is not None and row["last_counter"] >= counter:
        return row
    return db.one("SELECT last_counter, arrival_ms FROM kinesis_chunks WHERE stream_uid=? AND shard_index=? "
                  "AND first_counter>? ORDER BY first_counter LIMIT 1", (uid, index, counter))


def trim_chunks(db, uid, index, arrived_before_ms, at_most) -> int:
    """Delete up to `at_most` of a shard's oldest chunks that arrived before the cutoff;
    returns how many went."""
    return db.execute("DELETE FROM kinesis_chunks WHERE rowid IN (SELECT rowid FROM kinesis_chunks "
                      "WHERE stream_uid=? AND shard_index=? ORDER BY first_counter LIMIT ?) AND arrival_ms<?",
                      (uid, index, at_most, arrived_before_ms)).rowcount


def oldest_chunk(db, uid, index):
    """(arrival_ms, segment) of a shard's oldest chunk, or None. A shard's chunks are
    appended in segment order, so no chunk of it lies in an earlier segment."""
    return db.one("SELECT arrival_ms, segment FROM kinesis_chunks WHERE stream_uid=? AND shard_index=? "
                  "ORDER BY first_counter LIMIT 1", (uid, index))


def shards_from(db, uid, index, limit):
    """Up to `limit` shards from (uid, index) on, in that order, each with what the
    retention job needs of its stream (`uid`, `created_ms`, `retention_hours`)."""
    return db.query("SELECT sh.shard_index, sh.closed_ms, st.uid, st.created_ms, st.retention_hours "
                    "FROM kinesis_shards sh JOIN kinesis_streams st ON st.uid = sh.stream_uid "
                    "WHERE (sh.stream_uid, sh.shard_index) >= (?, ?) "
                    "ORDER BY sh.stream_uid, sh.shard_index LIMIT ?", (uid, index, limit))


def next_stream_with_chunks(db, after_uid):
    """The smallest stream uid above `after_uid` that has chunks (an index seek)."""
    row = db.one("SELECT stream_uid FROM kinesis_chunks WHERE stream_uid>? ORDER BY stream_uid LIMIT 1",
                 (after_uid,))
    return row["stream_uid"] if row else None


def delete_chunks(db, uid, at_most) -> int:
    """Delete up to `at_most` chunks of a deleted stream; returns how many went."""
    return db.execute("DELETE FROM kinesis_chunks WHERE rowid IN (SELECT rowid FROM kinesis_chunks "
                      "WHERE stream_uid=? LIMIT ?)", (uid, at_most)).rowcount


def add_data_key(db, uid, wrapped: bytes) -> int:
    return db.execute("INSERT INTO kinesis_data_keys (stream_uid, wrapped) VALUES (?, ?)", (uid, wrapped)).lastrowid


def data_key(db, key_id: int) -> bytes:
    return bytes(db.one("SELECT wrapped FROM kinesis_data_keys WHERE id=?", (key_id,))["wrapped"])


def encryption_changes_since(db, uid, operation: str, since_ms: int) -> int:
    return db.one("SELECT COUNT(*) AS n FROM kinesis_encryption_changes WHERE stream_uid=? AND operation=? "
                  "AND at_ms>?", (uid, operation, since_ms))["n"]


def add_encryption_change(db, uid, operation: str, at_ms: int):
    db.execute("INSERT INTO kinesis_encryption_changes VALUES (?, ?, ?)", (uid, operation, at_ms))


def drop_shard(db, uid, index):
    db.execute("DELETE FROM kinesis_shards WHERE stream_uid=? AND shard_index=?", (uid, index))


# ---------------------------------------------------------------------------
# Consumers


def consumers(db, uid):
    return db.query("SELECT * FROM kinesis_consumers WHERE stream_uid=? ORDER BY created_ms, name", (uid,))


def consumer_by_name(db, uid, name):
    return db.one("SELECT * FROM kinesis_consumers WHERE stream_uid=? AND name=?", (uid, name))


def consumer_by_arn(db, account, region, arn):
    return db.one("SELECT * FROM kinesis_consumers WHERE account=? AND region=? AND arn=?",
                  (account, region, arn))


def creating_consumers(db, account, region, at_ms) -> int:
    """How many of the account's consumers are still CREATING at `at_ms`."""
    row = db.one("SELECT COUNT(*) AS n FROM kinesis_consumers WHERE account=? AND region=? AND active_at_ms>?",
                 (account, region, at_ms))
    return row["n"]


def insert_consumer(db, account, region, uid, name, arn, created_ms, active_at_ms):
    db.execute("INSERT INTO kinesis_consumers VALUES (?, ?, ?, ?, ?, ?, ?)",
               (account, region, uid, name, arn, created_ms, active_at_ms))


def delete_consumer(db, consumer):
    with db.transaction():
        db.execute("DELETE FROM kinesis_consumers WHERE stream_uid=? AND name=?",
                   (consumer["stream_uid"], consumer["name"]))
        for table in ("kinesis_tags", "kinesis_policies"):
            db.execute(f"DELETE FROM {table} WHERE account=? AND region=? AND resource_arn=?",
                       (consumer["account"], consumer["region"], consumer["arn"]))


# ---------------------------------------------------------------------------
# Tags, policies, scaling history, account settings


def tags(db, account, region, arn) -> dict:
    rows = db.query("SELECT tag_key, tag_value FROM kinesis_tags WHERE account=? AND region=? "
                    "AND resource_arn=? ORDER BY tag_key", (account, region, arn))
    return {r["tag_key"]: r["tag_value"] for r in rows}


def put_tags(db, account, region, arn, new_tags: dict):
    db.executemany("INSERT OR REPLACE INTO kinesis_tags VALUES (?, ?, ?, ?, ?)",
                   [(account, region, arn, k, v) for k, v in new_tags.items()])


def remove_tags(db, account, region, arn, keys):
    db.executemany("DELETE FROM kinesis_tags WHERE account=? AND region=? AND resource_arn=? AND tag_key=?",
                   [(account, region, arn, k) for k in keys])


def policy(db, account, region, arn):
    row = db.one("SELECT policy FROM kinesis_policies WHERE account=? AND region=? AND resource_arn=?",
                 (account, region, arn))
    return row["policy"] if row else None


def put_policy(db, account, region, arn, text):
    db.execute("INSERT OR REPLACE INTO kinesis_policies VALUES (?, ?, ?, ?)", (account, region, arn, text))


def delete_policy(db, account, region, arn):
    db.execute("DELETE FROM kinesis_policies WHERE account=? AND region=? AND resource_arn=?",
               (account, region, arn))


def scalings_since(db, uid, since_ms) -> int:
    row = db.one("SELECT COUNT(*) AS n FROM kinesis_scalings WHERE stream_uid=? AND at_ms>?", (uid, since_ms))
    return row["n"]


def add_scaling(db, uid, at_ms):
    db.execute("INSERT INTO kinesis_scalings VALUES (?, ?)", (uid, at_ms))


def mode_switches_since(db, uid, since_ms) -> int:
    row = db.one("SELECT COUNT(*) AS n FROM kinesis_mode_switches WHERE stream_uid=? AND at_ms>?", (uid, since_ms))
    return row["n"]


def add_mode_switch(db, uid, at_ms):
    db.execute("INSERT INTO kinesis_mode_switches VALUES (?, ?)", (uid, at_ms))


def account_settings(db, account, region):
    return db.one("SELECT * FROM kinesis_account_settings WHERE account=? AND region=?", (account, region))


def put_account_settings(db, account, region, status, started_ms, ended_ms):
    db.execute("INSERT OR REPLACE INTO kinesis_account_settings VALUES (?, ?, ?, ?, ?)",
               (account, region, status, started_ms, ended_ms))
