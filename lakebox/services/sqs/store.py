"""SQS state in SQLite.

Queues are keyed by (account, region, name) and carry `uid`, an AUTOINCREMENT
surrogate never reused, so a receipt handle of a deleted queue never resolves to a new
queue of the same name. Messages hang off `uid`; `seq` (the rowid, AUTOINCREMENT) is
their send order. A message's `visible_at` is the lakebox-clock time it may next be
received (its delay, then each receive's visibility timeout), so visibility survives a
restart and receiving is an index range scan on (queue, visible_at): no call costs more
as a queue grows. `receive_count` tells a delayed message (0) from an in-flight one.
A body sealed at rest is a BLOB and its row names its `data_key` (encryption.py).
"""
import json

from lakebox.aws.shapes import b64decode, b64encode

SCHEMA = [
    """CREATE TABLE sqs_queues (
        uid INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        fifo INTEGER NOT NULL,
        created_at REAL NOT NULL,
        modified_at REAL NOT NULL,
        attributes TEXT NOT NULL,
        purged_at REAL,
        UNIQUE (account, region, name))""",
    """CREATE TABLE sqs_deleted_names (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        deleted_at REAL NOT NULL,
        PRIMARY KEY (account, region, name)) WITHOUT ROWID""",
    """CREATE TABLE sqs_tags (
        queue_uid INTEGER NOT NULL,
        tag_key TEXT NOT NULL,
        tag_value TEXT NOT NULL,
        PRIMARY KEY (queue_uid, tag_key)) WITHOUT ROWID""",
    """CREATE TABLE sqs_messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        queue_uid INTEGER NOT NULL,
        message_id TEXT NOT NULL,
        body TEXT NOT NULL,
        attributes TEXT,
        system_attributes TEXT,
        sent_at REAL NOT NULL,
        visible_at REAL NOT NULL,
        receive_count INTEGER NOT NULL DEFAULT 0,
        first_received_at REAL,
        token TEXT,
        group_id TEXT,
        dedup_id TEXT,
        sender_id TEXT,
        source_arn TEXT)""",
    "CREATE INDEX sqs_messages_visible ON sqs_messages (queue_uid, visible_at)",
    "CREATE INDEX sqs_messages_order ON sqs_messages (queue_uid)",
    """CREATE TABLE sqs_dedup (
        queue_uid INTEGER NOT NULL,
        scope TEXT NOT NULL,
        dedup_id TEXT NOT NULL,
        expires_at REAL NOT NULL,
        message_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (queue_uid, scope, dedup_id)) WITHOUT ROWID""",
    "CREATE INDEX sqs_dedup_expiry ON sqs_dedup (expires_at)",
    """CREATE TABLE sqs_move_tasks (
        handle TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        source_arn TEXT NOT NULL,
        destination_arn TEXT,
        rate INTEGER,
        status TEXT NOT NULL,
        started_at REAL NOT NULL,
        last_seq INTEGER NOT NULL,
        to_move INTEGER NOT NULL,
        moved INTEGER NOT NULL DEFAULT 0,
        failure TEXT)""",
    # Encryption at rest (encryption.py): wrapped data keys, the one a message's body is
    # sealed with, and SQS's own master key for SSE-SQS.
    """CREATE TABLE sqs_data_keys (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key_arn TEXT,
        queue_arn TEXT NOT NULL,
        wrapped BLOB NOT NULL,
        created_at REAL NOT NULL)""",
    "ALTER TABLE sqs_messages ADD COLUMN data_key INTEGER",
    "CREATE TABLE sqs_master_key (id INTEGER PRIMARY KEY, material BLOB NOT NULL)",
    # A FIFO receive takes as many messages of one group as it can (receiving.py).
    "CREATE INDEX sqs_messages_group ON sqs_messages (queue_uid, group_id, seq)",
    # Data keys no message uses any more are pruned (jobs.py).
    "CREATE INDEX sqs_messages_data_key ON sqs_messages (data_key)",
    # When the message was last received: a receive's visibility timeout may be extended
    # to 12 hours from it at most (inflight.py).
    "ALTER TABLE sqs_messages ADD COLUMN received_at REAL",
    # When a message's retention starts, where it is not its send time: a FIFO message
    # moved to its dead-letter queue is kept for that queue's retention from the move
    # (SQS Developer Guide, dead-letter queue retention).
    "ALTER TABLE sqs_messages ADD COLUMN retained_from REAL",
]


# --- queues ---------------------------------------------------------------------------

def queue(db, account, region, name):
    return db.one("SELECT * FROM sqs_queues WHERE account=? AND region=? AND name=?", (account, region, name))


def queue_by_uid(db, uid):
    return db.one("SELECT * FROM sqs_queues WHERE uid=?", (uid,))


def queues(db, account, region, prefix=""):
    return db.query("SELECT * FROM sqs_queues WHERE account=? AND region=? AND substr(name, 1, ?)=? ORDER BY name",
                    (account, region, len(prefix), prefix))


def queues_from_uid(db, first_uid, limit):
    return db.query("SELECT * FROM sqs_queues WHERE uid>=? ORDER BY uid LIMIT ?", (first_uid, limit))


def insert_queue(db, account, region, name, fifo, attributes, now, tags):
    with db.transaction():
        cursor = db.execute(
            "INSERT INTO sqs_queues (account, region, name, fifo, created_at, modified_at, attributes) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", (account, region, name, int(fifo), now, now, json.dumps(attributes)))
        db.execute("DELETE FROM sqs_deleted_names WHERE account=? AND region=? AND name=?", (account, region, name))
        put_tags(db, cursor.lastrowid, tags)
    return cursor.lastrowid


def set_attributes(db, uid, attributes, now):
    db.execute("UPDATE sqs_queues SET attributes=?, modified_at=? WHERE uid=?", (json.dumps(attributes), now, uid))


def delete_queue(db, queue_row, now):
    uid = queue_row["uid"]
    with db.transaction():
        db.execute("DELETE FROM sqs_queues WHERE uid=?", (uid,))
        db.execute("DELETE FROM sqs_messages WHERE queue_uid=?", (uid,))
        db.execute("DELETE FROM sqs_tags WHERE queue_uid=?", (uid,))
        db.execute("DELETE FROM sqs_dedup WHERE queue_uid=?", (uid,))
        db.execute("INSERT OR REPLACE INTO sqs_deleted_names VALUES (?, ?, ?, ?)",
                   (queue_row["account"], queue_row["region"], queue_row["name"], now))


def deleted_at(db, account, region, name):
    row = db.one("SELECT deleted_at FROM sqs_deleted_names WHERE account=? AND region=? AND name=?",
                 (account, region, name))
    return row["deleted_at"] if row else None


def purge(db, uid, now):
    with db.transaction():
        db.execute("DELETE FROM sqs_messages WHERE queue_uid=?", (uid,))
        db.execute("UPDATE sqs_queues SET purged_at=? WHERE uid=?", (now, uid))


def attributes_of(queue_row) -> dict:
    return json.loads(queue_row["attributes"])


def queues_mentioning(db, account, region, text):
    """Queues whose stored attributes contain `text` (candidates for a closer look)."""
    return db.query("SELECT * FROM sqs_queues WHERE account=? AND region=? AND instr(attributes, ?) > 0 "
                    "ORDER BY name", (account, region, text))


# --- tags -------------------------------------------------------------------------------

def tags(db, uid) -> dict:
    return {r["tag_key"]: r["tag_value"] for r in
            db.query("SELECT tag_key, tag_value FROM sqs_tags WHERE queue_uid=? ORDER BY tag_key", (uid,))}


def put_tags(db, uid, new_tags: dict):
    db.executemany("INSERT OR REPLACE INTO sqs_tags VALUES (?, ?, ?)", [(uid, k, v) for k, v in new_tags.items()])


def remove_tags(db, uid, keys):
    db.executemany("DELETE FROM sqs_tags WHERE queue_uid=? AND tag_key=?", [(uid, k) for k in keys])


# --- messages -----------------------------------------------------------------------------

def encode_attributes(attributes: dict | None) -> str | None:
    """Message attributes as JSON text (binary values in base64)."""
    if not attributes:
        return None
    return json.dumps({name: {k: (b64encode(v) if k == "BinaryValue" else v) for k, v in value.items()}
                       for name, value in attributes.items()})


def decode_attributes(text: str | None) -> dict:
    if not text:
        return {}
    return {name: {k: (b64decode(v) if k == "BinaryValue" else v) for k, v in value.items()}
            for name, value in json.loads(text).items()}


MESSAGE_COLUMNS = ("queue_uid, message_id, body, attributes, system_attributes, sent_at, visible_at, "
                   "group_id, dedup_id, sender_id, source_arn, data_key")


_ROW_MARKS = "(" + ", ".join("?" * len(MESSAGE_COLUMNS.split(", "))) + ")"


def insert_messages(db, rows) -> list[int]:
    """Insert message rows (tuples in MESSAGE_COLUMNS order) with one statement; returns
    their seqs in the rows' order (a statement numbers its rows in order, one writer)."""
    if not rows:
        return []
    values = ", ".join([_ROW_MARKS] * len(rows))
    args = [value for row in rows for value in row]
    return sorted(row[0] for row in db.query(
        f"INSERT INTO sqs_messages ({MESSAGE_COLUMNS}) VALUES {values} RETURNING seq", args))


def visible_messages(db, uid, now, limit):
    """Messages receivable now, longest visible first."""
    return db.query("SELECT * FROM sqs_messages WHERE queue_uid=? AND visible_at<=? ORDER BY visible_at LIMIT ?",
                    (uid, now, limit))


def groups_in_flight(db, uid, now) -> dict:
    """{group id: how many of its messages are in flight} of a standard queue's groups."""
    return {row[0]: row[1] for row in db.query(
        "SELECT group_id, count(*) FROM sqs_messages WHERE queue_uid=? AND visible_at>? AND group_id IS NOT NULL "
        "GROUP BY group_id", (uid, now))}


def visible_messages_outside(db, uid, now, groups, limit):
    """Messages receivable now that belong to none of `groups`, longest visible first."""
    marks = ", ".join("?" * len(groups))
    return db.query(f"SELECT * FROM sqs_messages WHERE queue_uid=? AND visible_at<=? AND (group_id IS NULL OR "
                    f"group_id NOT IN ({marks})) ORDER BY visible_at LIMIT ?", (uid, now, *groups, limit))


def group_heads(db, uid):
    """Each FIFO group of a queue: its first message's seq and visible_at (SQLite gives a
    bare column from the row of MIN), and when one of its messages was last received
    (None when none is held or was received since it was given back)."""
    heads = db.query("SELECT group_id, MIN(seq) AS seq, visible_at FROM sqs_messages WHERE queue_uid=? "
                     "GROUP BY group_id", (uid,))
    served = {row["group_id"]: row["served"] for row in db.query(
        "SELECT group_id, MAX(received_at) AS served FROM sqs_messages WHERE queue_uid=? AND received_at IS NOT NULL "
        "GROUP BY group_id", (uid,))}
    return [dict(row, served=served.get(row["group_id"])) for row in heads]


def group_messages(db, uid, group_id, from_seq, limit):
    """A FIFO group's messages in send order from `from_seq` on."""
    return db.query("SELECT * FROM sqs_messages WHERE queue_uid=? AND group_id=? AND seq>=? ORDER BY seq LIMIT ?",
                    (uid, group_id, from_seq, limit))


def messages_by_seq(db, seqs):
    marks = ", ".join("?" * len(seqs))
    return db.query(f"SELECT * FROM sqs_messages WHERE seq IN ({marks}) ORDER BY seq", seqs) if seqs else []


def message_state(db, seq):
    """What a receipt handle is checked against: the message's queue, receive token,
    visibility and last receive."""
    return db.one(f"SELECT {_HELD_COLUMNS} FROM sqs_messages WHERE seq=?", (seq,))


def message_states(db, seqs) -> dict:
    """{seq: what a receipt handle is checked against} of several messages."""
    if not seqs:
        return {}
    marks = ", ".join("?" * len(seqs))
    return {row["seq"]: row for row in db.query(
        f"SELECT {_HELD_COLUMNS} FROM sqs_messages WHERE seq IN ({marks})", seqs)}


_HELD_COLUMNS = "seq, queue_uid, token, visible_at, received_at"


def mark_received(db, changes):
    """changes: (visible_at, token, received at, seq) per message received."""
    db.executemany("UPDATE sqs_messages SET visible_at=?1, token=?2, receive_count=receive_count+1, "
                   "first_received_at=coalesce(first_received_at, ?3), received_at=?3 WHERE seq=?4", changes)


def delete_message(db, seq):
    db.execute("DELETE FROM sqs_messages WHERE seq=?", (seq,))


def delete_messages(db, seqs):
    db.executemany("DELETE FROM sqs_messages WHERE seq=?", [(s,) for s in seqs])


def set_visible_at(db, seq, visible_at):
    db.execute("UPDATE sqs_messages SET visible_at=? WHERE seq=?", (visible_at, seq))


def release(db, seq, now):
    """A message given back by its receiver: visible now, and no receive holds it."""
    db.execute("UPDATE sqs_messages SET visible_at=?, received_at=NULL WHERE seq=?", (now, seq))


def move_message(db, seq, target_uid, now, source_arn, fifo=False):
    """A dead-letter move: the message goes to the end of another queue's order, visible
    now, its receives and send time kept and `source_arn` naming the queue it left.
    A FIFO move (`fifo`) gives it its message id as deduplication id, and its retention
    starts again at the move; a standard one keeps its original enqueue time for
    retention (SQS Developer Guide, dead-letter queue retention). Returns its new seq."""
    dedup = "message_id" if fifo else "dedup_id"
    retained_from = now if fifo else None
    with db.transaction():
        cursor = db.execute(
            "INSERT INTO sqs_messages (queue_uid, message_id, body, attributes, system_attributes, visible_at, "
            "source_arn, receive_count, first_received_at, group_id, dedup_id, sender_id, data_key, sent_at, "
            "retained_from) "
            "SELECT ?, message_id, body, attributes, system_attributes, ?, ?, receive_count, first_received_at, "
            f"group_id, {dedup}, sender_id, data_key, sent_at, ? FROM sqs_messages WHERE seq=?",
            (target_uid, now, source_arn, retained_from, seq))
        db.execute("DELETE FROM sqs_messages WHERE seq=?", (seq,))
    return cursor.lastrowid


def redrive_message(db, seq, target_uid, now, message_id: str, body, dedup_by_id=False):
    """A redrive: the message goes to the end of another queue's order as a new message
    (a new id, its body as stored under that id, enqueued now, no receives, no
    dead-letter source; `dedup_by_id`: its old message id as deduplication id, a FIFO
    redrive). Returns its new seq."""
    dedup = "message_id" if dedup_by_id else "dedup_id"
    with db.transaction():
        cursor = db.execute(
            "INSERT INTO sqs_messages (queue_uid, message_id, body, attributes, system_attributes, visible_at, "
            "source_arn, receive_count, first_received_at, group_id, dedup_id, sender_id, data_key, sent_at) "
            f"SELECT ?, ?, ?, attributes, system_attributes, ?, NULL, 0, NULL, group_id, {dedup}, sender_id, "
            "data_key, ? FROM sqs_messages WHERE seq=?", (target_uid, message_id, body, now, now, seq))
        db.execute("DELETE FROM sqs_messages WHERE seq=?", (seq,))
    return cursor.lastrowid


def messages_up_to(db, uid, last_seq, limit):
    """Messages sent no later than `last_seq`, in flight or not, in send order (a FIFO
    redrive's work: a group with a message in flight is held)."""
    return db.query("SELECT seq, source_arn, message_id, body, data_key, group_id, visible_at FROM sqs_messages "
                    "WHERE queue_uid=? AND seq<=? ORDER BY seq LIMIT ?", (uid, last_seq, limit))


def count_up_to(db, uid, last_seq) -> int:
    return db.one("SELECT count(*) FROM sqs_messages WHERE queue_uid=? AND seq<=?", (uid, last_seq))[0]


def visible_up_to(db, uid, last_seq, now, limit):
    """Visible messages sent no later than `last_seq`, in send order (a redrive's work)."""
    return db.query("SELECT seq, source_arn, message_id, body, data_key FROM sqs_messages WHERE queue_uid=? AND seq<=? "
                    "AND visible_at<=? "
                    "ORDER BY seq LIMIT ?", (uid, last_seq, now, limit))


def expire(db, uid, cutoff, slice_size=64, limit=None) -> int:
    """Delete messages sent before `cutoff` (retention), oldest first, at most `limit`;
    returns how many. Walks the queue's head in small slices and stops at the first
    message still kept, so a queue with nothing to expire costs one short read."""
    head = db.one(f"SELECT {_RETAINED_FROM} AS kept_from FROM sqs_messages WHERE queue_uid=? ORDER BY seq LIMIT 1",
                  (uid,))
    if head is None or head["kept_from"] >= cutoff:
        return 0                        # the common case: the oldest message is still kept
    removed = 0
    while limit is None or removed < limit:
        size = slice_size if limit is None else min(slice_size, limit - removed)
        rows = db.query(f"SELECT seq, {_RETAINED_FROM} AS kept_from FROM sqs_messages WHERE queue_uid=? "
                        "ORDER BY seq LIMIT ?", (uid, size))
        old = [row["seq"] for row in rows if row["kept_from"] < cutoff]
        if old:
            delete_messages(db, old)
            removed += len(old)
        if len(old) < size:
            break
    return removed


_RETAINED_FROM = "COALESCE(retained_from, sent_at)"


def oldest_sent_at(db, uid):
    """When the retention of the queue's head message started."""
    row = db.one(f"SELECT {_RETAINED_FROM} AS kept_from FROM sqs_messages WHERE queue_uid=? ORDER BY seq LIMIT 1",
                 (uid,))
    return row["kept_from"] if row else None


def counts(db, uid, now) -> tuple[int, int, int]:
    """(visible, in flight, delayed) messages of a queue."""
    visible = db.one("SELECT count(*) FROM sqs_messages WHERE queue_uid=? AND visible_at<=?", (uid, now))[0]
    hidden = db.one("SELECT count(*), coalesce(sum(receive_count > 0), 0) FROM sqs_messages "
                    "WHERE queue_uid=? AND visible_at>?", (uid, now))
    return visible, hidden[1], hidden[0] - hidden[1]


def count_in_flight(db, uid, now, cap) -> int:
    """Messages of a queue in flight now (received, visibility timeout not over), counting
    no further than `cap`."""
    return db.one("SELECT count(*) FROM (SELECT 1 FROM sqs_messages WHERE queue_uid=? AND visible_at>? "
                  "AND receive_count>0 LIMIT ?)", (uid, now, cap))[0]


def next_visible_at(db, uid, now):
    row = db.one("SELECT min(visible_at) FROM sqs_messages WHERE queue_uid=? AND visible_at>?", (uid, now))
    return row[0] if row else None


def max_seq(db, uid):
    row = db.one("SELECT max(seq) FROM sqs_messages WHERE queue_uid=?", (uid,))
    return row[0] or 0


# --- FIFO deduplication ---------------------------------------------------------------------

def dedup_entry(db, uid, scope, dedup_id, now):
    return db.one("SELECT * FROM sqs_dedup WHERE queue_uid=? AND scope=? AND dedup_id=? AND expires_at>?",
                  (uid, scope, dedup_id, now))


def put_dedups(db, entries):
    """entries: (queue uid, scope, dedup id, expires at, message id, seq) each."""
    db.executemany("INSERT OR REPLACE INTO sqs_dedup VALUES (?, ?, ?, ?, ?, ?)", entries)


def drop_expired_dedup(db, now, limit) -> int:
    return db.execute("DELETE FROM sqs_dedup WHERE (queue_uid, scope, dedup_id) IN (SELECT queue_uid, scope, "
                      "dedup_id FROM sqs_dedup WHERE expires_at<=? LIMIT ?)", (now, limit)).rowcount


def next_dedup_expiry(db):
    row = db.one("SELECT min(expires_at) FROM sqs_dedup")
    return row[0] if row else None


# --- data keys (encryption at rest) -------------------------------------------------------------

def insert_data_key(db, key_arn, queue_arn, wrapped, now) -> int:
    return db.execute("INSERT INTO sqs_data_keys (key_arn, queue_arn, wrapped, created_at) VALUES (?, ?, ?, ?)",
                      (key_arn, queue_arn, wrapped, now)).lastrowid


def data_key(db, data_key_id):
    return db.one("SELECT * FROM sqs_data_keys WHERE id=?", (data_key_id,))


def data_key_ids_after(db, after_id, limit) -> list[int]:
    return [row[0] for row in db.query("SELECT id FROM sqs_data_keys WHERE id>? ORDER BY id LIMIT ?",
                                       (after_id, limit))]


def data_key_in_use(db, data_key_id) -> bool:
    return db.one("SELECT 1 FROM sqs_messages WHERE data_key=? LIMIT 1", (data_key_id,)) is not None


def delete_data_keys(db, data_key_ids):
    db.executemany("DELETE FROM sqs_data_keys WHERE id=?", [(i,) for i in data_key_ids])


def master_key(db) -> bytes | None:
    row = db.one("SELECT material FROM sqs_master_key WHERE id=1")
    return row["material"] if row else None


def put_master_key(db, material: bytes) -> bytes:
    """Store the master key unless one is there; returns the one kept."""
    db.execute("INSERT OR IGNORE INTO sqs_master_key VALUES (1, ?)", (material,))
    return master_key(db)


# --- message move tasks -----------------------------------------------------------------------

def insert_task(db, task: dict):
    names = ", ".join(task)
    db.execute(f"INSERT INTO sqs_move_tasks ({names}) VALUES ({', '.join('?' * len(task))})", tuple(task.values()))


def task(db, handle):
    return db.one("SELECT * FROM sqs_move_tasks WHERE handle=?", (handle,))


def tasks_of_source(db, account, region, source_arn):
    return db.query("SELECT * FROM sqs_move_tasks WHERE account=? AND region=? AND source_arn=? "
                    "ORDER BY started_at DESC", (account, region, source_arn))


def running_tasks(db):
    return db.query("SELECT * FROM sqs_move_tasks WHERE status IN ('RUNNING', 'CANCELLING')")


def update_task(db, handle, **changes):
    sets = ", ".join(f"{k}=?" for k in changes)
    db.execute(f"UPDATE sqs_move_tasks SET {sets} WHERE handle=?", (*changes.values(), handle))
