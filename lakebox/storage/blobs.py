"""Large payloads as files: written to a temp name, renamed into place (`commit`), or,
when small and in memory, written once under their new id (`write`).

A reader sees a whole old blob or a whole new one, never a torn one. Blob ids are
random, so rows that point at them can name objects with any key at all. This is the
object-store seam: another store (an external S3, say) would implement these methods.

A commit does not fsync: the renamed file is in the kernel's hands (it survives
`kill -9`), the syncer puts it on disk (`storage/syncer.py`), and the journal lists it
until then, so that start-up can check it after a machine crash (`storage/journal.py`).
A blob damaged at any other time (its file deleted or cut short while the server was
stopped, a failing disk) is found when it is read: `open_whole` checks its size first.
"""
import ctypes
import os
import shutil

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
    def __init__(self, root: str, durable: bool = False, syncer=None, journal=None):
        """`durable`: every blob is fsynced before the write that made it is answered
        (`--fsync always`), so a caller fsyncs a big temp file off the event loop first
        (`sync`). `syncer` and `journal` are None in memory, where nothing lasts."""
        self.root = root
        self.tmp = os.path.join(root, "tmp")
        self.durable = durable
        self.syncer = syncer
        self.journal = journal
        os.makedirs(self.tmp, exist_ok=True)
        self._sweep_temp()

    def temp_path(self) -> str:
        return os.path.join(self.tmp, _new_id())

    def writer(self, out):
        """A write function for `out`, a temp file being filled with a big payload. When the
        store is durable it has the kernel start writing each finished megabyte to disk
        at once, so the fsync before commit flushes only the tail, not the whole file."""
        if not self.durable or _sync_file_range is None:
            return out.write
        return _EarlyWriteback(out).write

    def path(self, blob_id: str) -> str:
        # Formatted, not os.path.join (three times dearer): every object read and write asks.
        return f"{self.root}{os.sep}{blob_id[:2]}{os.sep}{blob_id}"

    def commit(self, temp_path: str) -> str:
        """Move a finished temp file into place; returns its new blob id."""
        blob_id = _new_id()
        final = self.path(blob_id)
        try:
            os.rename(temp_path, final)
        except FileNotFoundError:
            self._new_directory(final)
            os.rename(temp_path, final)
        self._written(blob_id, final)
        return blob_id

    def _new_directory(self, final: str):
        directory = os.path.dirname(final)
        os.makedirs(directory, exist_ok=True)
        if self.syncer is not None:
            self.syncer.note_file(directory, self.root)

    def _written(self, blob_id: str, final: str):
        if self.syncer is not None:
            self.syncer.note_file(final, os.path.dirname(final))
        if self.journal is not None:       # after the note: see Syncer._round
            self.journal.record(blob_id)

    def sync(self, temp_path: str):
        """fsync a finished temp file (durable stores only), for a caller to do off the
        event loop before `commit`, so that the syncer's round finds little to flush."""
        if self.durable:
            fd = os.open(temp_path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def write(self, data: bytes) -> str:
        """A new blob holding `data` (a small body, kept in memory); returns its id.

        Written in place, with no temp file and rename: the id is new and random, and
        nothing names it until the caller commits a row that points at it, after this
        returns, so no reader can see the file half written. A server killed in between
        leaves an orphan file, as a rename followed by a kill does. On tmpfs this costs
        half of a temp file's create, write and rename.
        """
        blob_id = _new_id()
        final = self.path(blob_id)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL       # close-on-exec: os.open sets it
        try:
            fd = os.open(final, flags, 0o644)
        except FileNotFoundError:
            self._new_directory(final)
            fd = os.open(final, flags, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        except BaseException:
            os.close(fd)
            os.unlink(final)
            raise
        os.close(fd)
        self._written(blob_id, final)
        return blob_id

    def open_whole(self, blob_id: str, size: int):
        """The blob open for reading, once its file is known to hold the `size` bytes
        recorded for it; else DamagedBlob. One fstat of the open file: a body is never sent
        cut short under its full length.

        Unbuffered: the bytes are read in big slices anyway, and a buffered open costs two
        more system calls (an isatty probe and a tell) on every GET."""
        try:
            opened = open(self.path(blob_id), "rb", buffering=0)
        except FileNotFoundError:
            raise DamagedBlob(size_damage(None, size)) from None
        damage = size_damage(os.fstat(opened.fileno()).st_size, size)
        if damage is not None:
            opened.close()
            raise DamagedBlob(damage)
        return opened

    def read(self, blob_id: str) -> bytes:
        with open(self.path(blob_id), "rb") as f:
            return f.read()

    def size(self, blob_id: str) -> int:
        return os.path.getsize(self.path(blob_id))

    def journaled(self) -> dict:
        """{blob id: its size on disk, None if missing} for every blob in the journal."""
        found = {}
        for blob_id in self.journal.blob_ids():
            try:
                found[blob_id] = os.path.getsize(self.path(blob_id))
            except FileNotFoundError:
                found[blob_id] = None
        return found

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


class DamagedBlob(Exception):
    """A blob whose file is missing or does not hold the bytes recorded for it; `damage`
    says what is wrong, in the words of `size_damage`."""

    def __init__(self, damage: str):
        super().__init__(damage)
        self.damage = damage


def size_damage(on_disk: int | None, size: int) -> str | None:
    """What is wrong with a blob that should hold `size` bytes and holds `on_disk` (None:
    its file is missing), as "its bytes ..." goes on; None when the size is right."""
    if on_disk is None:
        return "are missing"
    if on_disk != size:
        return f"are {on_disk} of {size} bytes"
    return None


def _new_id() -> str:
    """A random blob id: 32 hex digits (128 random bits; what uuid4 gave, without the
    UUID object built around them)."""
    return os.urandom(16).hex()


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
