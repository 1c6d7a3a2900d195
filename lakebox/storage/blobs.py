"""Large payloads as files: written to a temp name, fsynced, renamed into place.

A reader sees a whole old blob or a whole new one, never a torn one. Blob ids are
random, so rows that point at them can name objects with any key at all. This is the
object-store seam: another store (an external S3, say) would implement these methods.
"""
import ctypes
import os
import shutil
import uuid

WRITEBACK_EVERY = 1 << 20
SYNC_FILE_RANGE_WRITE = 2       # start writing dirty pages out; do not wait for them


def _find_sync_file_range():
    """Linux's sync_file_range(2), which Python's os module does not offer; None elsewhere."""
    try:
        function = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint)
    return function


_sync_file_range = _find_sync_file_range()


class BlobStore:
    def __init__(self, root: str, durable: bool = True):
        self.root = root
        self.tmp = os.path.join(root, "tmp")
        self.durable = durable
        os.makedirs(self.tmp, exist_ok=True)
        self._sweep_temp()

    def temp_path(self) -> str:
        return os.path.join(self.tmp, uuid.uuid4().hex)

    def writer(self, out):
        """A write function for `out`, a temp file being filled with a big payload. When the
        store is durable it has the kernel start writing each finished megabyte to disk
        at once, so the fsync before commit flushes only the tail, not the whole file."""
        if not self.durable or _sync_file_range is None:
            return out.write
        return _EarlyWriteback(out).write

    def path(self, blob_id: str) -> str:
        return os.path.join(self.root, blob_id[:2], blob_id)

    def commit(self, temp_path: str) -> str:
        """Move a finished temp file into place; returns its new blob id."""
        blob_id = uuid.uuid4().hex
        final = self.path(blob_id)
        self.sync(temp_path)
        try:
            os.rename(temp_path, final)
        except FileNotFoundError:
            os.makedirs(os.path.dirname(final), exist_ok=True)
            os.rename(temp_path, final)
        return blob_id

    def sync(self, temp_path: str):
        """fsync a finished temp file (durable stores only). `commit` does it too; a caller
        that does it first, off the event loop, leaves commit nothing to flush."""
        if self.durable:
            fd = os.open(temp_path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def write(self, data: bytes) -> str:
        temp = self.temp_path()
        with open(temp, "wb") as f:
            f.write(data)
        return self.commit(temp)

    def read(self, blob_id: str) -> bytes:
        with open(self.path(blob_id), "rb") as f:
            return f.read()

    def size(self, blob_id: str) -> int:
        return os.path.getsize(self.path(blob_id))

    def delete(self, blob_id: str):
        try:
            os.unlink(self.path(blob_id))
        except FileNotFoundError:
            pass

    def wipe(self):
        shutil.rmtree(self.root, ignore_errors=True)
        os.makedirs(self.tmp, exist_ok=True)

    def _sweep_temp(self):
        """Temp files left by a killed server were never acknowledged: drop them."""
        for name in os.listdir(self.tmp):
            try:
                os.unlink(os.path.join(self.tmp, name))
            except OSError:
                pass


class _EarlyWriteback:
    def __init__(self, out):
        self.out = out
        self.unflushed = 0

    def write(self, data):
        self.out.write(data)
        self.unflushed += len(data)
        if self.unflushed >= WRITEBACK_EVERY:
            self.unflushed = 0
            self.out.flush()
            _sync_file_range(self.out.fileno(), 0, 0, SYNC_FILE_RANGE_WRITE)
