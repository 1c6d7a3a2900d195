"""Long byte work off the event loop, and the re-checks that make that safe.

Actions run on the event loop's thread, which also owns the one SQLite connection. An
action whose byte work can be large (CompleteMultipartUpload's concatenation, CopyObject
and UploadPartCopy of big sources, hashing or fsyncing a big upload) is an `async def`
made of three steps:

1. plan, on the loop: every check S3 makes, reading the database; nothing is written.
2. bytes, on a worker of `state.work` (`run`; lakebox/work.py): files only, never the
   database, into a temp file from `blobs.temp_path()`. Other requests are served
   meanwhile and may change what step 1 read.
3. commit, on the loop, inside one `db.transaction()` with no await in it: re-check what
   may have changed meanwhile (bucket deleted, upload aborted or completed, a chosen part
   replaced, a write condition that no longer holds), then commit the blob and switch
   the rows. A re-check fails with the error S3 would give at that moment, or raises
   `Changed` when the plan itself is stale: `attempts` then plans again.

`Staged` removes the temp file (or the blob, once committed) on every error path, so an
attempt that fails, is re-planned or is abandoned leaves nothing behind.

Small work (under INLINE_BYTES, 8 MiB) runs inline: no thread hop and no await between
the steps, so such an action runs in one go like every other action and nothing can have
changed: actions skip the re-checks when `offloaded(n)` is false for the byte count they
passed to `run`. That keeps small PUTs, parts and copies as fast as before.
"""
import asyncio

from lakebox.services.s3 import errors, files, stored

INLINE_BYTES = 8 << 20     # below this many bytes the work runs on the loop, in one go
ATTEMPTS = 3               # plans tried before answering ConditionalRequestConflict


def offloaded(nbytes: int) -> bool:
    """Whether work over `nbytes` bytes goes to a worker thread (and so lets others in)."""
    return nbytes >= INLINE_BYTES


async def run(ctx, nbytes: int, fn, *args, discard=None):
    """`fn(*args)`: inline when `nbytes` is small, else on a worker, awaited.

    If the awaiting request is cancelled (server shutting down), the work is cancelled
    too: queued, it never starts; running, it runs to its end (byte copies have no steps
    to stop at) and `discard(result)` then removes what it made.
    """
    if not offloaded(nbytes):
        return fn(*args)
    task = ctx.state.work.submit("s3", ctx.operation, _call, fn, args, discard=discard)
    try:
        return await task
    except asyncio.CancelledError:
        task.cancel()
        raise


def _call(_task, fn, args):
    return fn(*args)


class Changed(Exception):
    """What a plan relied on changed while its bytes were worked on: plan again."""


async def attempts(attempt):
    """`await attempt()` until it does not raise `Changed` (at most ATTEMPTS times).

    A request that keeps losing to concurrent writers gets S3's answer for a lost race.
    """
    for _ in range(ATTEMPTS):
        try:
            return await attempt()
        except Changed:
            continue
    raise errors.error("ConditionalRequestConflict")


class Staged:
    """A finished body on its way to becoming a blob: a temp file's path, the bytes of a
    small body held in memory (written once, in place, at commit), or None (an empty
    object). With `inline`, bytes of at most `stored.INLINE_MAX` become no file at all:
    `content` holds them after the commit, for the caller to store in the version's row.

    Use around the commit transaction:

        with Staged(blobs, temp) as staged, db.transaction():
            ...re-checks...
            blob_id = staged.commit()
            ...row writes...

    If anything raises (a re-check, a write, the COMMIT), the temp file, or the blob
    it became, is removed: no row ever pointed at it.
    """

    def __init__(self, blobs, temp: str | bytes | None, inline: bool = False):
        self.blobs = blobs
        self.temp = temp
        self.inline = inline
        self.blob_id = None
        self.content = None

    @property
    def makes_file(self) -> bool:
        """Whether `commit` makes a blob file (and writes its journal entry, which must
        commit with the row that points at it); False for bytes kept in the row, or none."""
        temp = self.temp
        return isinstance(temp, str) or temp is not None and not (self.inline and len(temp) <= stored.INLINE_MAX)

    def commit(self) -> str | None:
        temp = self.temp
        if temp is None:
            return self.blob_id
        if isinstance(temp, str):
            self.blob_id = self.blobs.commit(temp)
        elif self.inline and len(temp) <= stored.INLINE_MAX:
            self.blob_id, self.content = stored.new_blob_id(), temp
        else:
            self.blob_id = self.blobs.write(temp)
        self.temp = None
        return self.blob_id

    def discard(self):
        if isinstance(self.temp, str):
            files.discard(self.temp)
        self.temp = None
        if self.blob_id is not None and self.content is None:
            self.blobs.delete(self.blob_id)
        self.blob_id = self.content = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.discard()
        return False
