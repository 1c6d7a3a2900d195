"""A version's stored bytes, wherever they are kept: in its own row, or in a blob file.

A PutObject body of at most INLINE_MAX bytes is kept in its version's row
(`s3_objects.content`; ciphertext when the version is sealed, as a blob would hold).
Such a PUT creates no file, writes no blob journal entry and gives the syncer no file to
flush, and a GET serves the bytes from the row it has already read. The version still
has a `blob_id` (marked: `in_row`), which names its bytes (a decrypted or materialized
copy for readers in place is kept under it: `files.plain_copy_path`) but no file in the
blob store.

Durability is the row's: the bytes commit with the row in one transaction, so an
acknowledged PUT survives `kill -9` as every row does (the WAL is in the kernel's hands),
and after a machine crash the row is there with all its bytes or not at all. Nothing can
be torn, so nothing needs the start-up check that blobs written in the last sync window
get (`recovery.py`). Under `--fsync always` the round that syncs the WAL covers them.

Every reader of a version's bytes goes through `open_stored` (a file-like object) or
`body_range` (what GetObject sends); readers that need a path on disk (the SQL engine,
crawlers) get a materialized copy through `public.ObjectFile.path`.

A blob file damaged outside the crash window (deleted or cut short while the server was
stopped) is found by `open_stored`, which checks the file's size against the version's:
the read answers S3's 500 InternalError, never a body cut short under its full length,
and the damage is logged once. Everything else about the object still works (HEAD, the
listings, DELETE, an overwrite). Start-up does not look for such damage: a stat of every
blob costs about 0.25 s of CPU per 100,000 objects with the inodes cached (far more from
a cold disk), on every start, where this check costs one fstat per GET.
"""
import io
import logging
import os

from lakebox.aws.body import FileRange
from lakebox.services.s3 import errors
from lakebox.storage.blobs import DamagedBlob

log = logging.getLogger("lakebox.s3")

# Measured (docs/benchmarks.md, fifth round): a row costs less CPU than a file to write
# and to read back at every size up to 32 KiB; a HEAD (which reads the row too, bytes
# and all) pays about 3 us more at 8 KiB, 9 us at 16 KiB. Listings do not read them.
INLINE_MAX = 8 << 10


ROW_ID_PREFIX = "row-"


def new_blob_id() -> str:
    """An id for bytes kept in a row: random like a blob's (storage/blobs.py), and marked
    as naming no file in the blob store (`in_row`)."""
    return ROW_ID_PREFIX + os.urandom(16).hex()


def in_row(blob_id: str) -> bool:
    """Whether a version's blob id names bytes kept in its row: then there is no blob file
    to delete with it (only, maybe, a copy made for readers in place)."""
    return blob_id.startswith(ROW_ID_PREFIX)


def is_inline(row) -> bool:
    """Whether the version's bytes are kept in its row (not in a blob file)."""
    return row["content"] is not None


def open_stored(blobs, row):
    """The version's stored bytes as an open, unbuffered binary file (the caller closes
    it), or None for a version without bytes. An open blob file still reads after an
    overwrite deletes it; bytes from the row are in memory already."""
    if row["blob_id"] is None:
        return None
    content = row["content"]
    if content is not None:
        return io.BytesIO(content)
    try:
        return blobs.open_whole(row["blob_id"], row["size"])
    except DamagedBlob as damaged:
        _report_damage(row, damaged.damage)
        raise errors.error("InternalError") from None


# The blobs found damaged by this process, each logged once (a client retries a 500).
_REPORTED = set()


def _report_damage(row, damage: str):
    if row["blob_id"] in _REPORTED:
        return
    _REPORTED.add(row["blob_id"])
    log.error("s3://%s/%s (version %s): its bytes %s (changed outside lakebox): reads answer InternalError "
              "until the object is overwritten or deleted", row["bucket"], row["key"], row["version_id"], damage)


def body_range(blobs, row, first: int, length: int):
    """What GetObject sends for `length` stored bytes from `first` of an unsealed version:
    the bytes themselves when they are in the row, else a FileRange of its blob."""
    content = row["content"]
    if content is not None:
        return content[first:first + length]
    return FileRange(open_stored(blobs, row), first, length)
