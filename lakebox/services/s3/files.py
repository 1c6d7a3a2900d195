"""Moving object bytes between blob files without holding them in memory.

Plain copies go through `os.copy_file_range` (in the kernel, a reflink where the file
system has them); copies that must also be hashed stream 1 MiB at a time. Sources are
paths or files opened beforehand (an open file still reads after its blob is deleted).
"""
import asyncio
import base64
import contextlib
import hashlib
import os

from lakebox.services.s3 import stored
from lakebox.services.s3.upload import new_hasher

SLICE = 1 << 20


def copy_range(src, offset: int, length: int, dst) -> None:
    """Append `length` bytes of `src` (a path or an open binary file) from `offset` to the
    open file `dst`."""
    dst.flush()
    start = dst.tell()
    with _reading(src) as source:
        try:
            _kernel_copy(source.fileno(), dst.fileno(), offset, length)
        except OSError:          # no copy_file_range here (or across these files): stream
            os.ftruncate(dst.fileno(), start)
            dst.seek(start)
            source.seek(offset)
            _stream_copy(source, dst, length)
            dst.flush()
        else:
            dst.seek(start + length)


@contextlib.contextmanager
def _reading(src):
    """An open binary file for `src`: a path is opened (and closed after), a file is lent."""
    if isinstance(src, (str, bytes, os.PathLike)):
        with open(src, "rb") as opened:
            yield opened
    else:
        yield src


def _kernel_copy(src_fd: int, dst_fd: int, offset: int, length: int):
    while length > 0:
        copied = os.copy_file_range(src_fd, dst_fd, min(length, 1 << 30), offset)
        if copied == 0:
            raise OSError("source ended early")
        offset += copied
        length -= copied


def _stream_copy(src, dst, length: int):
    while length > 0:
        piece = src.read(min(SLICE, length))
        if not piece:
            raise OSError("source ended early")
        dst.write(piece)
        length -= len(piece)


# The writers below run in a worker thread when the bytes are many (see concurrency.py):
# they touch files only, never the database. Each one makes a temp file and either
# returns it finished (fsynced when `sync`, so that `blobs.commit` on the loop finds
# nothing left to flush) or removes it before raising.

@contextlib.contextmanager
def _new_temp(blobs, sync: bool):
    """Yield (temp path, open file); the file is fsynced if `sync`, removed on error."""
    temp = blobs.temp_path()
    try:
        with open(temp, "wb") as dst:
            yield temp, dst
            if sync:
                dst.flush()
                os.fsync(dst.fileno())
    except BaseException:
        discard(temp)
        raise


def concatenate(blobs, paths_and_sizes: list[tuple[str | None, int]], sync: bool = False) -> str:
    """A temp file holding the given blob files one after another (None: empty part).

    Each file is opened only when its turn comes: a FileNotFoundError means it was
    deleted meanwhile (its part replaced, its upload ended), for the caller to re-check.
    """
    with _new_temp(blobs, sync) as (temp, dst):
        for path, size in paths_and_sizes:
            if path is not None and size:
                copy_range(path, 0, size, dst)
    return temp


def copy_hashing(blobs, src, offset: int, length: int, algorithms: tuple[str, ...],
                 sync: bool = False) -> tuple[str, str, dict]:
    """Copy a byte range of `src` (path, open file or None) to a new temp file, hashing it
    on the way.

    Returns (temp path, MD5 hex, {algorithm: base64 checksum}).
    """
    with _new_temp(blobs, sync) as (temp, dst):
        md5_hex, digests = hash_range(src, offset, length, algorithms, dst)
    return temp, md5_hex, digests


def hash_range(src, offset: int, length: int, algorithms: tuple[str, ...],
               dst=None) -> tuple[str, dict]:
    """MD5 hex and {algorithm: base64 checksum} of a byte range of `src` (a path, an open
    binary file or None for no bytes), copied to `dst` if given."""
    md5 = hashlib.md5()
    hashers = {name: new_hasher(name) for name in algorithms}
    if src is not None and length:
        with _reading(src) as source:
            source.seek(offset)
            left = length
            while left > 0:
                piece = source.read(min(SLICE, left))
                if not piece:
                    raise OSError("source ended early")
                md5.update(piece)
                for hasher in hashers.values():
                    hasher.update(piece)
                if dst is not None:
                    dst.write(piece)
                left -= len(piece)
    return md5.hexdigest(), {name: base64.b64encode(h.digest()).decode() for name, h in hashers.items()}


def copy_whole(blobs, src, size: int, sync: bool = False) -> str:
    """A temp copy of the first `size` bytes of `src` (path, open file or None), in the
    kernel (a reflink where the file system has them) when it can."""
    with _new_temp(blobs, sync) as (temp, dst):
        if src is not None and size:
            copy_range(src, 0, size, dst)
    return temp


def closing_after(src, fn, *args):
    """`fn(*args)`, then close `src` (an open source file or None) whatever happened.

    A source opened on the loop is handed to the worker thread this way: the thread,
    which reads it, is the one to close it.
    """
    try:
        return fn(*args)
    finally:
        if src is not None:
            src.close()


def discard(temp: str | None) -> None:
    """Remove a temp file that will not become a blob (absent is fine)."""
    if temp is None:
        return
    try:
        os.unlink(temp)
    except FileNotFoundError:
        pass


def delete_later(blobs, blob_ids):
    """Delete blobs that no row points at any more, once the response is on its way.

    Freeing a file's blocks costs a few hundred microseconds: the client need not wait for
    it. Readers hold a blob open from the moment they read its row, so a reader that was
    handed the old file a moment ago still reads it. A server killed in between leaves
    an orphan file behind, never a missing one. (A thread of its own was tried: its hops
    cost more than they saved, alone or with eight clients.)
    """
    blob_ids = [blob_id for blob_id in blob_ids if blob_id and _has_files(blobs, blob_id)]
    if not blob_ids:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:              # not serving a request: nothing to wait for
        _delete_all(blobs, blob_ids)
        return
    loop.call_soon(_delete_all, blobs, blob_ids)


def _has_files(blobs, blob_id: str) -> bool:
    """Whether deleting the blob has a file to remove: its own, or a plain copy made of
    bytes kept in a row (an overwrite of a small object usually has none: no unlink that
    fails, costing a system call and an exception, on every such PUT)."""
    return not stored.in_row(blob_id) or bool(_PLAIN_COPIES) and plain_copy_path(blobs, blob_id) in _PLAIN_COPIES


def _delete_all(blobs, blob_ids):
    for blob_id in blob_ids:
        if not stored.in_row(blob_id):
            blobs.delete(blob_id)
        copy = plain_copy_path(blobs, blob_id)
        _PLAIN_COPIES.discard(copy)
        discard(copy)


# The plain copies this process may have made (`plain_copy_path` with `made=True`, noted
# before the file is created): the temp area they live in is swept at every start, so
# this is every copy there is.
_PLAIN_COPIES = set()


def plain_copies_made() -> bool:
    """Whether this process holds any plain copy (a write replacing bytes kept in a row
    must then find out whether it has one to delete)."""
    return bool(_PLAIN_COPIES)


def plain_copy_path(blobs, blob_id: str, made: bool = False) -> str:
    """Where a decrypted copy of an encrypted blob is kept for readers in place (the SQL
    engine reads files, not ciphertext; encryption.plain_copy). In the temp area, so a
    restart sweeps them away; each is removed with its blob. `made`: the caller is about
    to create it."""
    path = os.path.join(blobs.tmp, "plain-" + blob_id)
    if made:
        _PLAIN_COPIES.add(path)
    return path
