"""Firehose state in SQLite.

A delivery stream is a row keyed by (account, region, name) with a never-reused `uid`;
its source and destination settings are JSON documents shaped like the API's
descriptions. Records acknowledged by PutRecord(Batch), or read from a source Kinesis
stream, wait in `firehose_chunks` until a flush delivers them: one row per call (the
records' lengths, and where their bytes are in the stream's buffer log, `segments.py`),
in arrival order by `id`, so a 500-record batch is one small insert. A flush may
deliver the first part of a chunk (buffers are cut at their size exactly): `delivered`
and `delivered_bytes` say how much of it is gone. The flush writes the S3 objects and
deletes (or advances) the chunks it delivered in one transaction, so a record is
delivered exactly once whatever moment the server is killed at. A Kinesis source's read position (one checkpoint per shard) is in
`firehose_sources`, advanced in the same transaction that buffers what was read.
"""
import array
import json

SCHEMA = [
    """CREATE TABLE firehose_streams (
        uid INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        stream_type TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        active_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        version INTEGER NOT NULL,
        source TEXT NOT NULL,
        destination TEXT NOT NULL,
        encryption TEXT,
        failure TEXT,
        retry_at_ms INTEGER NOT NULL DEFAULT 0,
        UNIQUE (account, region, name))""",
    """CREATE TABLE firehose_chunks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        stream_uid INTEGER NOT NULL,
        arrival_ms INTEGER NOT NULL,
        count INTEGER NOT NULL,
        lengths BLOB NOT NULL,
        segment INTEGER NOT NULL,
        offset INTEGER NOT NULL,
        size INTEGER NOT NULL,
        delivered INTEGER NOT NULL DEFAULT 0,
        delivered_bytes INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX firehose_chunks_by_stream ON firehose_chunks (stream_uid, id)",
    """CREATE TABLE firehose_tags (
        stream_uid INTEGER NOT NULL,
        tag_key TEXT NOT NULL,
        tag_value TEXT NOT NULL,
        PRIMARY KEY (stream_uid, tag_key))""",
    """CREATE TABLE firehose_sources (
        stream_uid INTEGER PRIMARY KEY,
        stream_arn TEXT NOT NULL,
        checkpoints TEXT NOT NULL)""",
    # Server-side encryption of the buffer (encryption.py): data keys wrapped by a
    # customer managed KMS key (`key_arn`) or by Firehose's own key (`key_arn` NULL), and
    # the one each chunk's bytes were sealed with (NULL: stored in the clear).
    """CREATE TABLE firehose_data_keys (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        stream_uid INTEGER NOT NULL,
        key_arn TEXT,
        wrapped BLOB NOT NULL)""",
    "ALTER TABLE firehose_chunks ADD COLUMN data_key INTEGER",
    """CREATE TABLE firehose_master_key (
        id INTEGER PRIMARY KEY,
        material BLOB NOT NULL)""",
    # Start/StopDeliveryStreamEncryption calls (25 together per stream per 24 hours)
    """CREATE TABLE firehose_encryption_calls (
        stream_uid INTEGER NOT NULL,
        at_ms INTEGER NOT NULL)""",
    "CREATE INDEX firehose_encryption_calls_by_stream ON firehose_encryption_calls (stream_uid, at_ms)",
    # Records read from a Kinesis source: each one's [shard id, sequence number, partition
    # key], JSON (a Lambda processor's event carries them as kinesisRecordMetadata)
    "ALTER TABLE firehose_chunks ADD COLUMN kinesis TEXT",
    # Which buffer a chunk is in: 0 the destination's, 1 the S3 backup's (S3BackupMode
    # Enabled: the same records, pointing at the same bytes, delivered on the backup's
    # own BufferingHints); each lane's chunks go when that lane delivered them
    "ALTER TABLE firehose_chunks ADD COLUMN lane INTEGER NOT NULL DEFAULT 0",
]


# ---------------------------------------------------------------------------
# Delivery streams

def insert_stream(db, account, region, name, stream_type, now_ms, active_ms, source, destination, encryption) -> int:
    cursor = db.execute(
        "INSERT INTO firehose_streams (account, region, name, stream_type, created_ms, active_ms, updated_ms, "
        "version, source, destination, encryption) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
        (account, region, name, stream_type, now_ms, active_ms, now_ms, json.dumps(source),
         json.dumps(destination), json.dumps(encryption) if encryption else None))
    return cursor.lastrowid


def stream_by_name(db, account, region, name):
    return db.one("SELECT * FROM firehose_streams WHERE account=? AND region=? AND name=?", (account, region, name))


def stream_by_uid(db, uid):
    return db.one("SELECT * FROM firehose_streams WHERE uid=?", (uid,))


def stream_names(db, account, region, stream_type=None) -> list[str]:
    if stream_type is None:
        rows = db.query("SELECT name FROM firehose_streams WHERE account=? AND region=? ORDER BY name",
                        (account, region))
    else:
        rows = db.query("SELECT name FROM firehose_streams WHERE account=? AND region=? AND stream_type=? "
                        "ORDER BY name", (account, region, stream_type))
    return [r["name"] for r in rows]


def all_streams(db):
    return db.query("SELECT * FROM firehose_streams ORDER BY uid")


def update_destination(db, uid, destination: dict, version: int, now_ms: int):
    db.execute("UPDATE firehose_streams SET destination=?, version=?, updated_ms=? WHERE uid=?",
               (json.dumps(destination), version, now_ms, uid))


def set_encryption(db, uid, encryption: dict | None):
    db.execute("UPDATE firehose_streams SET encryption=? WHERE uid=?",
               (json.dumps(encryption) if encryption else None, uid))


def encryption_calls_since(db, uid, since_ms: int) -> int:
    return db.one("SELECT COUNT(*) AS n FROM firehose_encryption_calls WHERE stream_uid=? AND at_ms>?",
                  (uid, since_ms))["n"]


def set_encryption_noting_call(db, uid, encryption: dict, at_ms: int):
    with db.transaction():
        set_encryption(db, uid, encryption)
        db.execute("INSERT INTO firehose_encryption_calls VALUES (?, ?)", (uid, at_ms))


def set_failure(db, uid, failure: dict | None, retry_at_ms: int = 0):
    db.execute("UPDATE firehose_streams SET failure=?, retry_at_ms=? WHERE uid=?",
               (json.dumps(failure) if failure else None, retry_at_ms, uid))


def delete_stream(db, uid):
    with db.transaction():
        db.execute("DELETE FROM firehose_streams WHERE uid=?", (uid,))
        db.execute("DELETE FROM firehose_chunks WHERE stream_uid=?", (uid,))
        db.execute("DELETE FROM firehose_tags WHERE stream_uid=?", (uid,))
        db.execute("DELETE FROM firehose_sources WHERE stream_uid=?", (uid,))
        db.execute("DELETE FROM firehose_data_keys WHERE stream_uid=?", (uid,))
        db.execute("DELETE FROM firehose_encryption_calls WHERE stream_uid=?", (uid,))


def loads(text):
    return json.loads(text) if text else None


# ---------------------------------------------------------------------------
# Buffered records

def append_chunk(db, uid, arrival_ms, lengths: list[int], segment: int, offset: int, data_key=None,
                 kinesis: list | None = None, lane: int = 0) -> int:
    """Record a chunk of records (their bytes already in the buffer log, sealed with the
    data key `data_key` when not None; `kinesis`: each record's [shard id, sequence
    number, partition key] when read from a Kinesis source); returns its id."""
    cursor = db.execute("INSERT INTO firehose_chunks (stream_uid, arrival_ms, count, lengths, segment, offset, size, "
                        "data_key, kinesis, lane) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (uid, arrival_ms, len(lengths), array.array("I", lengths).tobytes(), segment, offset,
                         sum(lengths), data_key, json.dumps(kinesis) if kinesis else None, lane))
    return cursor.lastrowid


def pending(row, read) -> tuple[list[int], bytes]:
    """(lengths, bytes) of the records of a chunk row not delivered yet; `read(segment,
    offset, length, data_key)` reads the log."""
    lengths = array.array("I")
    lengths.frombytes(row["lengths"])
    data = read(row["segment"], row["offset"] + row["delivered_bytes"], row["size"] - row["delivered_bytes"],
                row["data_key"])
    return lengths[row["delivered"]:].tolist(), data


def pending_kinesis(row) -> list | None:
    """The Kinesis metadata of the records of a chunk row not delivered yet (None: not
    read from a Kinesis source)."""
    return json.loads(row["kinesis"])[row["delivered"]:] if row["kinesis"] else None


def buffered_summary(db, uid, lane: int = 0):
    """(records, bytes, oldest arrival ms) a stream has buffered (in `lane`)."""
    row = db.one("SELECT COALESCE(SUM(count - delivered), 0) AS n, "
                 "COALESCE(SUM(size - delivered_bytes), 0) AS size, MIN(arrival_ms) AS oldest "
                 "FROM firehose_chunks WHERE stream_uid=? AND lane=?", (uid, lane))
    return row["n"], row["size"], row["oldest"]


def arrival_when_buffered(db, uid, size: int) -> int | None:
    """The arrival of the chunk with which the stream's buffer reached `size` bytes, or None."""
    row = db.one("SELECT arrival_ms FROM (SELECT arrival_ms, SUM(size - delivered_bytes) OVER (ORDER BY id) AS total "
                 "FROM firehose_chunks WHERE stream_uid=? AND lane=0) WHERE total >= ? LIMIT 1", (uid, size))
    return row["arrival_ms"] if row else None


def streams_with_records(db) -> list[tuple[int, int]]:
    """(stream uid, lane) of each buffer holding records."""
    return [(r["stream_uid"], r["lane"]) for r in
            db.query("SELECT DISTINCT stream_uid, lane FROM firehose_chunks ORDER BY stream_uid, lane")]


def chunks_from(db, uid, after_id: int, limit: int, lane: int = 0):
    return db.query("SELECT * FROM firehose_chunks WHERE stream_uid=? AND lane=? AND id>? ORDER BY id LIMIT ?",
                    (uid, lane, after_id, limit))


def first_segment(db, uid) -> int | None:
    row = db.one("SELECT segment FROM firehose_chunks WHERE stream_uid=? ORDER BY id LIMIT 1", (uid,))
    return row["segment"] if row else None


def mark_delivered(db, uid, last_id: int, records: int, size: int, lane: int = 0):
    """Chunks of `lane` before `last_id` are delivered; of chunk `last_id`, its first
    `records` records (`size` bytes) are, and it goes once all of them are."""
    db.execute("DELETE FROM firehose_chunks WHERE stream_uid=? AND lane=? AND id<?", (uid, lane, last_id))
    db.execute("UPDATE firehose_chunks SET delivered=?, delivered_bytes=? WHERE id=?", (records, size, last_id))
    db.execute("DELETE FROM firehose_chunks WHERE id=? AND delivered>=count", (last_id,))


def add_data_key(db, uid, key_arn: str | None, wrapped: bytes) -> int:
    return db.execute("INSERT INTO firehose_data_keys (stream_uid, key_arn, wrapped) VALUES (?, ?, ?)",
                      (uid, key_arn, wrapped)).lastrowid


def data_keys_in_use(db, uid):
    """The data keys the stream's buffered chunks were sealed with."""
    return db.query("SELECT * FROM firehose_data_keys WHERE id IN (SELECT DISTINCT data_key FROM firehose_chunks "
                    "WHERE stream_uid=? AND data_key IS NOT NULL)", (uid,))


# ---------------------------------------------------------------------------
# Tags

def tags(db, uid) -> dict:
    return {r["tag_key"]: r["tag_value"] for r in
            db.query("SELECT tag_key, tag_value FROM firehose_tags WHERE stream_uid=? ORDER BY tag_key", (uid,))}


def put_tags(db, uid, new_tags: dict):
    with db.transaction():
        for key, value in new_tags.items():
            db.execute("INSERT OR REPLACE INTO firehose_tags (stream_uid, tag_key, tag_value) VALUES (?, ?, ?)",
                       (uid, key, value))


def remove_tags(db, uid, keys):
    with db.transaction():
        for key in keys:
            db.execute("DELETE FROM firehose_tags WHERE stream_uid=? AND tag_key=?", (uid, key))


# ---------------------------------------------------------------------------
# Kinesis sources

def put_source(db, uid, stream_arn, checkpoints: dict):
    db.execute("INSERT OR REPLACE INTO firehose_sources (stream_uid, stream_arn, checkpoints) VALUES (?, ?, ?)",
               (uid, stream_arn, json.dumps(checkpoints)))


def sources(db):
    return db.query("SELECT * FROM firehose_sources ORDER BY stream_uid")
