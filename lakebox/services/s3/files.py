"""Moving object bytes between blob files without holding them in memory.

Plain copies go through `os.copy_file_range` (in the kernel, a reflink where the file
system has them); copies that must also be hashed stream 1 MiB at a time.
"""
import asyncio
import base64
import hashlib
import os
import shutil

from lakebox.aws.body import new_hasher

SLICE = 1 << 20


def copy_range(src_path: str, offset: int, length: int, dst) -> None:
    """Append `length` bytes of `src_path` from `offset` to the open file `dst`."""
    dst.flush()
    start = dst.tell()
    with open(src_path, "rb") as src:
        try:
            _kernel_copy(src.fileno(), dst.fileno(), offset, length)
        except OSError:          # no copy_file_range here (or across these files): stream
            os.ftruncate(dst.fileno(), start)
            dst.seek(start)
            src.seek(offset)
            _stream_copy(src, dst, length)
            dst.flush()
        else:
            dst.seek(start + length)


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


def concatenate(blobs, paths_and_sizes: list[tuple[str | None, int]]) -> str:
    """A temp file holding the given blob files one after another (None: empty part)."""
    temp = blobs.temp_path()
    with open(temp, "wb") as dst:
        for path, size in paths_and_sizes:
            if path is not None and size:
                copy_range(path, 0, size, dst)
    return temp


def copy_hashing(blobs, src_path: str | None, offset: int, length: int,
                 algorithms: tuple[str, ...]) -> tuple[str, str, dict]:
    """Copy a byte range to a new temp file, hashing it on the way.

    Returns (temp path, MD5 hex, {algorithm: base64 checksum}).
    """
    temp = blobs.temp_path()
    with open(temp, "wb") as dst:
        md5_hex, digests = hash_range(src_path, offset, length, algorithms, dst)
    return temp, md5_hex, digests


def hash_range(src_path: str | None, offset: int, length: int, algorithms: tuple[str, ...],
               dst=None) -> tuple[str, dict]:
    """MD5 hex and {algorithm: base64 checksum} of a byte range, copied to `dst` if given."""
    md5 = hashlib.md5()
    hashers = {name: new_hasher(name) for name in algorithms}
    if src_path is not None and length:
        with open(src_path, "rb") as src:
            src.seek(offset)
            left = length
            while left > 0:
                piece = src.read(min(SLICE, left))
                if not piece:
                    raise OSError("source ended early")
                md5.update(piece)
                for hasher in hashers.values():
                    hasher.update(piece)
                if dst is not None:
                    dst.write(piece)
                left -= len(piece)
    return md5.hexdigest(), {name: base64.b64encode(h.digest()).decode() for name, h in hashers.items()}


def copy_whole(blobs, src_path: str | None, size: int) -> str:
    """A temp copy of a whole blob (reflinked or copied in the kernel where possible)."""
    temp = blobs.temp_path()
    if src_path is None or not size:
        open(temp, "wb").close()
    else:
        try:
            shutil.copyfile(src_path, temp)
        except OSError:
            with open(temp, "wb") as dst:
                copy_range(src_path, 0, size, dst)
    return temp


def delete_later(blobs, blob_ids):
    """Delete blobs that no row points at any more, once the response is on its way.

    Freeing a file's blocks costs a few hundred microseconds: the client need not wait for
    it, and a reader that was handed the old file a moment ago gets to open it first. A
    server killed in between leaves an orphan file behind, never a missing one.
    """
    blob_ids = [blob_id for blob_id in blob_ids if blob_id]
    if not blob_ids:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:              # not serving a request: nothing to wait for
        _delete_all(blobs, blob_ids)
        return
    loop.call_soon(_delete_all, blobs, blob_ids)


def _delete_all(blobs, blob_ids):
    for blob_id in blob_ids:
        blobs.delete(blob_id)
