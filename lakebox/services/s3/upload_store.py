"""The persistent state of multipart uploads (tables s3_uploads and s3_upload_parts):
an upload, its parts, and the listing of a bucket's uploads."""
from lakebox.services.s3.store import chunked, dumps


def insert_upload(db, upload_id: str, bucket: str, key: str, now: float, owner: str,
                  storage_class: str, attrs: dict):
    db.execute("INSERT INTO s3_uploads VALUES (?, ?, ?, ?, ?, ?, ?)",
               (upload_id, bucket, key, now, owner, storage_class, dumps(attrs)))


def get_upload(db, upload_id: str):
    return db.one("SELECT * FROM s3_uploads WHERE upload_id=?", (upload_id,))


def put_part(db, upload_id: str, part_number: int, blob_id: str | None, size: int, etag: str,
             now: float, checksums: dict) -> str | None:
    """Store a part (replacing one with the same number); returns the replaced blob id."""
    with db.transaction():
        old = db.one("SELECT blob_id FROM s3_upload_parts WHERE upload_id=? AND part_number=?",
                     (upload_id, part_number))
        db.execute("INSERT OR REPLACE INTO s3_upload_parts VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (upload_id, part_number, blob_id, size, etag, now, dumps(checksums)))
    return old["blob_id"] if old else None


def upload_parts(db, upload_id: str, after: int = 0, limit: int = -1):
    return db.query("SELECT * FROM s3_upload_parts WHERE upload_id=? AND part_number>? "
                    "ORDER BY part_number LIMIT ?", (upload_id, after, limit))


def delete_upload(db, upload_id: str, keep_blobs: set = frozenset()) -> list[str]:
    """Forget an upload; returns the part blobs to delete (all but `keep_blobs`)."""
    with db.transaction():
        blobs = [r["blob_id"] for r in db.query(
            "SELECT blob_id FROM s3_upload_parts WHERE upload_id=? AND blob_id IS NOT NULL", (upload_id,))]
        db.execute("DELETE FROM s3_uploads WHERE upload_id=?", (upload_id,))
    return [b for b in blobs if b not in keep_blobs]


def seek_uploads(db, bucket: str, start: str, after_seq: int, upper: str | None):
    """(key, row) for uploads from `start`: key ascending, oldest first within a key.

    Uploads of `start` itself are those created after the one numbered `after_seq`
    (an upload-id marker's row number; -1 keeps them all, a huge number skips the key).
    """
    bound, tail = ("AND key<? ", (upper,)) if upper is not None else ("", ())
    sql = ("SELECT rowid AS seq, * FROM s3_uploads WHERE bucket=? AND key>=? AND NOT (key=? AND rowid<=?) "
           f"{bound}ORDER BY key, rowid LIMIT ?")
    rows = chunked(db, sql, (bucket, start, start, after_seq, *tail),
                    lambda last: (bucket, last["key"], last["key"], last["seq"], *tail))
    return ((r["key"], r) for r in rows)


def upload_seq(db, upload_id: str) -> int | None:
    row = db.one("SELECT rowid FROM s3_uploads WHERE upload_id=?", (upload_id,))
    return None if row is None else row[0]
