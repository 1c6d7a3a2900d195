"""S3 metadata in SQLite; object bytes in blob files that rows point at by blob id, or,
for small objects, in the version's row itself (stored.py).

Bucket names are global within a partition, so the bucket name is the key of every S3
table and the owning account is a column of the bucket row (every request checks it).

Objects: one row per version. Within a key a larger `id` is a newer version: a new
version is a new row, except that a current null version being replaced is rewritten in
its row, which is the newest of its key. `is_latest` marks the current version (possibly
a delete marker); a partial index over current, non-marker rows makes ListObjects a plain
index range scan.
"""
import datetime
import json
import orjson

from lakebox.storage.db import Reader

SCHEMA = [
    """CREATE TABLE s3_buckets (
        name TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        created_at REAL NOT NULL,
        versioning TEXT,                      -- NULL (never set), 'Enabled' or 'Suspended'
        mfa_delete TEXT,
        object_lock INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX s3_buckets_by_account ON s3_buckets(account, name)",
    """CREATE TABLE s3_bucket_configs (
        bucket TEXT NOT NULL,
        kind TEXT NOT NULL,                   -- 'cors', 'policy', 'lifecycle', ...
        config_id TEXT NOT NULL DEFAULT '',   -- for kinds kept per id (metrics, inventory, ...)
        body TEXT NOT NULL,                   -- JSON of the boto3-shaped configuration
        PRIMARY KEY (bucket, kind, config_id)
    )""",
    """CREATE TABLE s3_objects (
        id INTEGER PRIMARY KEY,
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        version_id TEXT NOT NULL,             -- 'null' when written without versioning
        is_latest INTEGER NOT NULL,
        delete_marker INTEGER NOT NULL,
        blob_id TEXT,                         -- NULL for empty objects and delete markers
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,                   -- without quotes
        last_modified REAL NOT NULL,
        storage_class TEXT NOT NULL,
        owner TEXT NOT NULL,                  -- account that wrote it
        parts_count INTEGER,                  -- multipart objects only
        checksum_algorithm TEXT,              -- attrs' checksum, here too so that listings
        checksum_type TEXT,                   -- need not parse attrs
        attrs TEXT NOT NULL                   -- JSON: content headers, metadata, tags, ...
    )""",
    "CREATE UNIQUE INDEX s3_objects_by_version ON s3_objects(bucket, key, version_id)",
    "CREATE INDEX s3_objects_history ON s3_objects(bucket, key, id DESC)",
    """CREATE INDEX s3_objects_current ON s3_objects(bucket, key)
        WHERE is_latest = 1 AND delete_marker = 0""",
    """CREATE TABLE s3_object_parts (
        object_id INTEGER NOT NULL REFERENCES s3_objects(id) ON DELETE CASCADE,
        part_number INTEGER NOT NULL,
        offset INTEGER NOT NULL,
        size INTEGER NOT NULL,
        checksums TEXT,
        PRIMARY KEY (object_id, part_number)
    )""",
    """CREATE TABLE s3_uploads (
        upload_id TEXT PRIMARY KEY,
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        initiated REAL NOT NULL,
        owner TEXT NOT NULL,
        storage_class TEXT NOT NULL,
        attrs TEXT NOT NULL
    )""",
    "CREATE INDEX s3_uploads_by_key ON s3_uploads(bucket, key)",
    """CREATE TABLE s3_upload_parts (
        upload_id TEXT NOT NULL REFERENCES s3_uploads(upload_id) ON DELETE CASCADE,
        part_number INTEGER NOT NULL,
        blob_id TEXT,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified REAL NOT NULL,
        checksums TEXT,
        PRIMARY KEY (upload_id, part_number)
    )""",
    # Start-up finds the objects whose bytes a crash may have torn by their blob id.
    "CREATE INDEX s3_objects_by_blob ON s3_objects(blob_id) WHERE blob_id IS NOT NULL",
    # Bumped by every configuration write, in its transaction: cached configurations are
    # stamped with it, so a stale copy can never be taken for the current one.
    "ALTER TABLE s3_buckets ADD COLUMN config_version INTEGER NOT NULL DEFAULT 0",
    # Encryption at rest (encryption.py): what reading a version's bytes needs (its initial
    # counter, a CRC32 of the stored bytes, its wrapped data key); NULL for bytes in the clear.
    "ALTER TABLE s3_objects ADD COLUMN sealing BLOB",
    # S3's own key, which wraps SSE-S3 data keys (one row).
    "CREATE TABLE s3_master_key (id INTEGER PRIMARY KEY, material BLOB NOT NULL)",
    # An account's own S3 settings (S3 Control's account-level Block Public Access).
    """CREATE TABLE s3_account_configs (
        account TEXT NOT NULL,
        kind TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (account, kind)
    )""",
    # A small object's stored bytes, kept in its row instead of a blob file (stored.py);
    # NULL when they are in the blob `blob_id` names, or there are none.
    "ALTER TABLE s3_objects ADD COLUMN content BLOB",
    # Start-up looks up only versions whose bytes are in blob files: bytes kept in a row
    # cannot be torn, and leaving those rows out spares every small PUT an index update.
    "DROP INDEX s3_objects_by_blob",
    "CREATE INDEX s3_objects_by_blob_file ON s3_objects(blob_id) WHERE blob_id IS NOT NULL AND content IS NULL",
    # Restores of archived versions under way: when each restored copy is ready (restores.py).
    """CREATE TABLE s3_restores (
        object_id INTEGER PRIMARY KEY REFERENCES s3_objects(id) ON DELETE CASCADE,
        ready REAL NOT NULL
    )""",
    "CREATE INDEX s3_restores_by_time ON s3_restores(ready)",
    # Access points (S3 Control): named per account and region, each on one bucket, and
    # reached in object requests by an alias that stands for a bucket name (access_points.py).
    """CREATE TABLE s3_access_points (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        alias TEXT NOT NULL UNIQUE,
        bucket TEXT NOT NULL,
        bucket_account TEXT NOT NULL,
        vpc_id TEXT,                          -- NULL: NetworkOrigin Internet
        block TEXT NOT NULL,                  -- JSON: its Block Public Access settings
        policy TEXT,
        created_at REAL NOT NULL,
        PRIMARY KEY (account, region, name)
    )""",
    "CREATE INDEX s3_access_points_by_bucket ON s3_access_points(bucket)",
    # Versions waiting to be copied to their replication destinations, and when (replication.py).
    """CREATE TABLE s3_replications (
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        version_id TEXT NOT NULL,
        due REAL NOT NULL,
        PRIMARY KEY (bucket, key, version_id)
    )""",
    "CREATE INDEX s3_replications_by_time ON s3_replications(due)",
]

MAX_CACHED_BUCKETS = 10_000  # buckets whose configurations are kept in memory at once
_FIRST_CHUNK = 16        # listing reads grow from this many rows per query ...
_LAST_CHUNK = 1024       # ... to this many, so a seek after a common prefix stays cheap


# ---- JSON that keeps datetimes ---------------------------------------------------

def _encode_default(value):
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.timestamp()}
    if isinstance(value, bytes):
        return {"$bytes": value.decode("latin-1")}
    raise TypeError(f"cannot store {type(value).__name__}")


def _decode_hook(obj):
    if len(obj) == 1:
        if "$datetime" in obj:
            return datetime.datetime.fromtimestamp(obj["$datetime"], datetime.timezone.utc)
        if "$bytes" in obj:
            return obj["$bytes"].encode("latin-1")
    return obj


_ENCODER = json.JSONEncoder(default=_encode_default, separators=(",", ":"))
_DECODER = json.JSONDecoder(object_hook=_decode_hook)


def dumps(value) -> str:
    # orjson is several times faster (every object write stores its attrs); what it
    # refuses (a lone surrogate, a huge integer, a non-string key) the json module writes.
    try:
        return orjson.dumps(value, default=_encode_default, option=orjson.OPT_PASSTHROUGH_DATETIME).decode()
    except orjson.JSONEncodeError:
        return _ENCODER.encode(value)


def loads(text: str | None):
    if text is None:
        return None
    if '"$' not in text:            # no tagged datetime or bytes in it: the fast decoder will do
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return _DECODER.decode(text)


# ---- buckets ---------------------------------------------------------------------

def get_bucket(db, name: str):
    return db.one("SELECT * FROM s3_buckets WHERE name=?", (name,))


# How many bucket-row writes this process has made, on any database: a bucket row cached
# under an older count is not used. Every write of s3_buckets goes through this module and
# bumps it. One process-wide count (not one per connection), so whichever connection a
# row was read through, the next bucket write invalidates it.
_bucket_writes = 0


def cached_bucket(cache: dict, db, name: str):
    """`get_bucket`, through `cache` (the service's in-memory cache): every object request
    reads its bucket's row. The cache holds only rows the writer read (or their absence)
    since the last bucket-row write, committed: nothing is kept while a transaction is
    open, which may yet roll back, nor what a worker's reader read (its snapshot may
    predate a write already counted). A reset empties `cache`."""
    held = cache.get("bucket_rows")
    if held is None or held[0] != _bucket_writes or len(held[1]) >= MAX_CACHED_BUCKETS:
        held = cache["bucket_rows"] = (_bucket_writes, {})
    row = held[1].get(name, _ABSENT)
    if row is _ABSENT:
        row = get_bucket(db, name)
        if not isinstance(db, Reader) and not db.conn.in_transaction:
            held[1][name] = row
    return row


_ABSENT = object()


def _bucket_written():
    global _bucket_writes
    _bucket_writes += 1


def insert_bucket(db, name: str, account: str, region: str, now: float, object_lock: bool):
    db.execute("INSERT INTO s3_buckets (name, account, region, created_at, versioning, object_lock) "
               "VALUES (?, ?, ?, ?, ?, ?)",
               (name, account, region, now, "Enabled" if object_lock else None, int(object_lock)))
    _bucket_written()


def list_buckets(db, account: str, prefix: str, region: str | None, after: str, limit: int):
    sql = "SELECT * FROM s3_buckets WHERE account=? AND name>? AND name LIKE ? ESCAPE '\\'"
    args = [account, after, _like_prefix(prefix)]
    if region:
        sql += " AND region=?"
        args.append(region)
    return db.query(sql + " ORDER BY name LIMIT ?", (*args, limit))


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def bucket_has_objects(db, name: str) -> bool:
    return db.one("SELECT 1 FROM s3_objects WHERE bucket=? LIMIT 1", (name,)) is not None


def delete_bucket(db, name: str) -> list[str]:
    """Drop the bucket and what hangs off it; returns part blobs of abandoned uploads."""
    with db.transaction():
        blobs = [r["blob_id"] for r in db.query(
            "SELECT p.blob_id FROM s3_upload_parts p JOIN s3_uploads u USING (upload_id) "
            "WHERE u.bucket=? AND p.blob_id IS NOT NULL", (name,))]
        db.execute("DELETE FROM s3_uploads WHERE bucket=?", (name,))
        db.execute("DELETE FROM s3_bucket_configs WHERE bucket=?", (name,))
        db.execute("DELETE FROM s3_buckets WHERE name=?", (name,))
        _bucket_written()
    return blobs


def set_versioning(db, name: str, status: str, mfa_delete: str | None):
    db.execute("UPDATE s3_buckets SET versioning=?, mfa_delete=COALESCE(?, mfa_delete) WHERE name=?",
               (status, mfa_delete, name))
    _bucket_written()


def set_object_lock(db, name: str, enabled: bool):
    db.execute("UPDATE s3_buckets SET object_lock=? WHERE name=?", (int(enabled), name))
    _bucket_written()


# ---- bucket configurations --------------------------------------------------------

def get_config(db, bucket: str, kind: str, config_id: str = ""):
    row = db.one("SELECT body FROM s3_bucket_configs WHERE bucket=? AND kind=? AND config_id=?",
                 (bucket, kind, config_id))
    return None if row is None else loads(row["body"])


def get_account_config(db, account: str, kind: str):
    row = db.one("SELECT body FROM s3_account_configs WHERE account=? AND kind=?", (account, kind))
    return None if row is None else loads(row["body"])


def put_account_config(db, account: str, kind: str, body):
    db.execute("INSERT OR REPLACE INTO s3_account_configs VALUES (?, ?, ?)", (account, kind, dumps(body)))


def delete_account_config(db, account: str, kind: str):
    db.execute("DELETE FROM s3_account_configs WHERE account=? AND kind=?", (account, kind))


def cached_configs(cache: dict, db, bucket) -> dict:
    """{kind: configuration} of the bucket's configurations kept once per bucket (not per
    id), read in one query and then kept in `cache` (the service's in-memory cache) until
    a configuration of the bucket changes. Callers read the documents, never change them.

    The copy is stamped with the bucket row's creation time and `config_version`, which
    every configuration write bumps in its own transaction: a request holding the current
    bucket row never takes a stale copy for the current one.
    """
    global _last_asked
    if _last_asked[0] is bucket:
        return _last_asked[1]
    configs = cache.get("bucket_configs")
    if configs is None:
        configs = cache["bucket_configs"] = {}
    entry = configs.get(bucket["name"])
    if entry is not None and entry[2] is bucket:
        _last_asked = (bucket, entry[1])
        return entry[1]             # asked again with the very row it was checked against
    stamp = (bucket["created_at"], bucket["config_version"])
    if entry is None or entry[0] != stamp:
        if len(configs) >= MAX_CACHED_BUCKETS:
            configs.clear()
        rows = db.query("SELECT kind, body FROM s3_bucket_configs WHERE bucket=? AND config_id=''",
                        (bucket["name"],))
        entry = (stamp, {row["kind"]: loads(row["body"]) for row in rows})
    configs[bucket["name"]] = (entry[0], entry[1], bucket)
    _last_asked = (bucket, entry[1])
    return entry[1]


# The bucket row asked about last and its configurations: a PUT asks six times with the
# same row (policy, ownership, encryption, object lock, lifecycle, notification). A row
# stands for one state of one bucket (every write of s3_buckets makes readers take a new
# row object), so the same row object always has the same configurations.
_last_asked = (None, None)


def bucket_config(state, bucket, kind: str):
    """A configuration of the bucket (None if it has none) through the service's cache:
    every object request consults the policy, PUTs the notification, encryption and
    lifecycle settings too."""
    last = _last_asked
    if last[0] is bucket:
        return last[1].get(kind)
    return cached_configs(state.cache("s3"), state.db, bucket).get(kind)


def forget_configs(cache: dict, bucket: str):
    """Drop a deleted bucket's cached configurations (a new bucket of that name starts bare)."""
    cache.get("bucket_configs", {}).pop(bucket, None)


def put_config(db, bucket: str, kind: str, body, config_id: str = ""):
    with db.transaction():
        db.execute("INSERT OR REPLACE INTO s3_bucket_configs VALUES (?, ?, ?, ?)",
                   (bucket, kind, config_id, dumps(body)))
        _configs_changed(db, bucket)


def delete_config(db, bucket: str, kind: str, config_id: str = "") -> bool:
    with db.transaction():
        cursor = db.execute("DELETE FROM s3_bucket_configs WHERE bucket=? AND kind=? AND config_id=?",
                            (bucket, kind, config_id))
        if cursor.rowcount > 0:
            _configs_changed(db, bucket)
    return cursor.rowcount > 0


def _configs_changed(db, bucket: str):
    db.execute("UPDATE s3_buckets SET config_version=config_version+1 WHERE name=?", (bucket,))
    _bucket_written()


def list_configs(db, bucket: str, kind: str, after: str = "", limit: int = 1000) -> list:
    rows = db.query("SELECT body FROM s3_bucket_configs WHERE bucket=? AND kind=? AND config_id>? "
                    "ORDER BY config_id LIMIT ?", (bucket, kind, after, limit))
    return [loads(r["body"]) for r in rows]


# ---- objects ---------------------------------------------------------------------

def latest(db, bucket: str, key: str):
    """The current version of `key` (maybe a delete marker), or None."""
    return db.one("SELECT * FROM s3_objects WHERE bucket=? AND key=? AND is_latest=1", (bucket, key))


def object_row(db, object_id: int):
    return db.one("SELECT * FROM s3_objects WHERE id=?", (object_id,))


def upload_versions(db, bucket: str, key: str, upload_id: str) -> list:
    """The versions of `key` (newest first) whose attrs may name `upload_id` (the upload
    that made them): the caller checks the attrs."""
    return db.query("SELECT * FROM s3_objects WHERE bucket=? AND key=? AND delete_marker=0 AND instr(attrs, ?) > 0 "
                  "ORDER BY id DESC", (bucket, key, upload_id))


def version(db, bucket: str, key: str, version_id: str):
    return db.one("SELECT * FROM s3_objects WHERE bucket=? AND key=? AND version_id=?",
                  (bucket, key, version_id))


# A column named in an UPDATE's SET makes SQLite maintain every index that reads it, even
# when its value stays: `delete_marker` is in the partial index s3_objects_current, so it
# is set only when it changes (an overwrite of a current object then writes one page, not
# two: 3.5 us less per PUT, measured).
_REWRITTEN = ("blob_id", "size", "etag", "last_modified", "storage_class", "owner", "parts_count",
              "checksum_algorithm", "checksum_type", "attrs", "sealing", "content")
_REWRITE_COLUMNS = ", ".join(f"{column}=?" for column in _REWRITTEN)
_REWRITE_VERSION = f"UPDATE s3_objects SET {_REWRITE_COLUMNS} WHERE id=?"
_REWRITE_VERSION_AND_MARKER = f"UPDATE s3_objects SET {_REWRITE_COLUMNS}, delete_marker=? WHERE id=?"


def write_version(db, bucket: str, key: str, row: dict, parts: list[tuple] = ()) -> list[str]:
    """Make `row` the current version of `key`.

    A row with version id 'null' (unversioned and suspended buckets) replaces the null
    version; other ids add a version. One transaction, so a reader sees the old object or
    the new one. Returns the blob ids no row points at any more: delete them after.
    """
    version_id = row["version_id"]
    delete_marker = int(row.get("delete_marker", False))
    columns = _version_columns(row)
    with db.transaction() as owned:       # every PUT's: its statements skip the owner checks
        old = owned.one("SELECT id, blob_id, is_latest, delete_marker, parts_count FROM s3_objects "
                        "WHERE bucket=? AND key=? AND version_id=?", (bucket, key, version_id))
        if old is not None and old["is_latest"]:
            # The current version is the newest row of its key: rewritten where it is, it
            # stays the newest (cheaper than a delete and an insert, which touch every index).
            object_id = old["id"]
            if old["delete_marker"] == delete_marker:
                owned.execute(_REWRITE_VERSION, (*columns, object_id))
            else:
                owned.execute(_REWRITE_VERSION_AND_MARKER, (*columns, delete_marker, object_id))
            if old["parts_count"]:
                owned.execute("DELETE FROM s3_object_parts WHERE object_id=?", (object_id,))
        else:
            if old is not None:
                owned.execute("DELETE FROM s3_objects WHERE id=?", (old["id"],))
            owned.execute("UPDATE s3_objects SET is_latest=0 WHERE bucket=? AND key=? AND is_latest=1",
                          (bucket, key))
            object_id = owned.execute(
                "INSERT INTO s3_objects (bucket, key, version_id, is_latest, delete_marker, blob_id, size, etag, "
                "last_modified, storage_class, owner, parts_count, checksum_algorithm, checksum_type, attrs, "
                "sealing, content) "
                "VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (bucket, key, version_id, delete_marker, *columns)).lastrowid
        if parts:
            db.executemany("INSERT INTO s3_object_parts VALUES (?, ?, ?, ?, ?)",
                           [(object_id, *part) for part in parts])
    return [old["blob_id"]] if old is not None and old["blob_id"] else []


# The null version of a key in a bucket that never had versioning (the key's only row),
# written in one statement: added, or rewritten in place when the row it replaces leaves
# nothing behind (no parts, no blob file: bytes in its row, or none). A single statement
# is atomic and commits on its own, so it needs no BEGIN IMMEDIATE and COMMIT; and the
# SELECT that tells write_version what it replaces is this WHERE clause. When the WHERE
# refuses, nothing is written (no row changed) and the caller takes write_version's way.
_PUT_NULL_VERSION = (
    f"INSERT INTO s3_objects (bucket, key, version_id, is_latest, delete_marker, {', '.join(_REWRITTEN)}) "
    f"VALUES (?, ?, 'null', 1, 0{', ?' * len(_REWRITTEN)}) "
    "ON CONFLICT (bucket, key, version_id) DO UPDATE SET "
    + ", ".join(f"{column}=excluded.{column}" for column in _REWRITTEN) +
    " WHERE s3_objects.is_latest=1 AND s3_objects.delete_marker=0 AND s3_objects.parts_count IS NULL "
    "AND (s3_objects.content IS NOT NULL OR s3_objects.blob_id IS NULL)")


def put_null_version(db, bucket: str, key: str, row: dict) -> bool:
    """Make `row` the null version of `key` in one statement, where the bucket never had
    versioning and the bytes are in `row` (or there are none): nothing then needs a
    transaction around it (no blob journal entry, no other version to demote). Returns
    False, having written nothing, when the version it would replace has parts or a blob
    file (use write_version, which returns what to delete)."""
    return db.execute(_PUT_NULL_VERSION, (bucket, key, *_version_columns(row))).rowcount == 1


def _version_columns(row: dict) -> tuple:
    """`row`'s values of the columns a write sets (_REWRITTEN's order)."""
    attrs = row.get("attrs", {})
    return (row.get("blob_id"), row.get("size", 0), row.get("etag", ""), row["last_modified"],
            row.get("storage_class", "STANDARD"), row["owner"], row.get("parts_count"),
            *_checksum_columns(attrs), dumps(attrs), row.get("sealing"), row.get("content"))


def _checksum_columns(attrs: dict) -> tuple:
    checksum = attrs.get("Checksum") or {}
    return checksum.get("Algorithm"), checksum.get("Type")


def remove_version(db, row) -> str | None:
    """Delete one version; if it was current, the next newest becomes current.

    Returns its blob id, for the caller to delete once the row is gone.
    """
    with db.transaction():
        db.execute("DELETE FROM s3_objects WHERE id=?", (row["id"],))
        if row["is_latest"]:
            db.execute("UPDATE s3_objects SET is_latest=1 WHERE id=(SELECT id FROM s3_objects "
                       "WHERE bucket=? AND key=? ORDER BY id DESC LIMIT 1)", (row["bucket"], row["key"]))
    return row["blob_id"]


def update_attrs(db, object_id: int, attrs: dict):
    db.execute("UPDATE s3_objects SET attrs=? WHERE id=?", (dumps(attrs), object_id))


def add_restore(db, object_id: int, ready: float):
    db.execute("INSERT OR REPLACE INTO s3_restores (object_id, ready) VALUES (?, ?)", (object_id, ready))


def due_restores(db, now: float, limit: int) -> list:
    return db.query("SELECT object_id, ready FROM s3_restores WHERE ready<=? ORDER BY ready LIMIT ?", (now, limit))


def next_restore(db) -> float | None:
    return db.one("SELECT MIN(ready) AS ready FROM s3_restores")["ready"]


def drop_restore(db, object_id: int):
    db.execute("DELETE FROM s3_restores WHERE object_id=?", (object_id,))


def update_in_place(db, object_id: int, attrs: dict, etag: str, storage_class: str, last_modified: float):
    """Copy-onto-itself without versioning: new metadata, same bytes."""
    with db.transaction():
        db.execute("UPDATE s3_objects SET attrs=?, etag=?, storage_class=?, last_modified=?, parts_count=NULL, "
                   "checksum_algorithm=?, checksum_type=? WHERE id=?",
                   (dumps(attrs), etag, storage_class, last_modified, *_checksum_columns(attrs), object_id))
        db.execute("DELETE FROM s3_object_parts WHERE object_id=?", (object_id,))


def set_storage_class(db, object_id: int, storage_class: str):
    """A lifecycle transition: the same bytes, metadata and times, in another class."""
    db.execute("UPDATE s3_objects SET storage_class=? WHERE id=?", (storage_class, object_id))


def object_parts(db, object_id: int):
    return db.query("SELECT * FROM s3_object_parts WHERE object_id=? ORDER BY part_number", (object_id,))


def object_part(db, object_id: int, ordinal: int):
    """The part a read's partNumber names: the `ordinal`-th of those the object was completed
    with (S3 numbers them by position on reads, not by the numbers they were uploaded as)."""
    return db.one("SELECT * FROM s3_object_parts WHERE object_id=? ORDER BY part_number LIMIT 1 OFFSET ?",
                  (object_id, ordinal - 1))


def chunked(db, sql: str, args: tuple, next_args, limit: int = _FIRST_CHUNK):
    """Yield the rows of `sql` (ending in 'LIMIT ?') a chunk at a time.

    Chunks grow from small to large: a listing that seeks past a common prefix after a
    few rows pays for a few rows, and a long run of keys is read in big strides.
    `next_args(last_row)` gives the args that continue after `last_row`.
    """
    while True:
        rows = db.query(sql, (*args, limit))
        yield from rows
        if len(rows) < limit:
            return
        args = next_args(rows[-1])
        limit = min(limit * 4, _LAST_CHUNK)


def seek_current(db, bucket: str, start: str, inclusive: bool, upper: str | None):
    """(key, row) for current, non-deleted objects from `start`, in key order."""
    bound, tail = ("AND key<? ", (upper,)) if upper is not None else ("", ())

    def sql(op):
        return ("SELECT id, key, version_id, blob_id, size, etag, last_modified, storage_class, owner, checksum_algorithm, "
                "checksum_type, attrs "
                f"FROM s3_objects INDEXED BY s3_objects_current WHERE bucket=? AND key{op}? "
                f"{bound}AND is_latest=1 AND delete_marker=0 ORDER BY key LIMIT ?")

    first = db.query(sql(">=" if inclusive else ">"), (bucket, start, *tail, _FIRST_CHUNK))
    yield from ((r["key"], r) for r in first)
    if len(first) == _FIRST_CHUNK:
        rest = chunked(db, sql(">"), (bucket, first[-1]["key"], *tail),
                        lambda last: (bucket, last["key"], *tail), _FIRST_CHUNK * 4)
        yield from ((r["key"], r) for r in rest)


def seek_versions(db, bucket: str, start: str, below_id: int, upper: str | None):
    """(key, row) for every version from `start`: key ascending, newest first in a key.

    Versions of `start` itself are those with an id below `below_id` (a version-id
    marker's row id; 0 skips the key, a huge number keeps all of it).
    """
    bound, tail = ("AND key<? ", (upper,)) if upper is not None else ("", ())
    sql = ("SELECT id, key, version_id, is_latest, delete_marker, size, etag, last_modified, "
           "storage_class, owner, checksum_algorithm, checksum_type, attrs "
           "FROM s3_objects INDEXED BY s3_objects_history "
           f"WHERE bucket=? AND key>=? AND NOT (key=? AND id>=?) {bound}ORDER BY key, id DESC LIMIT ?")
    rows = chunked(db, sql, (bucket, start, start, below_id, *tail),
                    lambda last: (bucket, last["key"], last["key"], last["id"], *tail))
    return ((r["key"], r) for r in rows)
