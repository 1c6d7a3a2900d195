"""Shard logs: record payloads appended to per-stream segment files.

SQLite holds each chunk's metadata (counters, arrival, partition keys) and where its
payload bytes sit: (segment, offset, length). The bytes themselves go to an append-only
file with one `write()` per PutRecords, before the metadata commits. That keeps bulk
data out of SQLite's WAL, whose checkpoints would copy every payload a second time and
fsync it: with payloads in SQLite a 500 x 1 KiB PutRecords cost several times more.

Durability is that of every store (`storage/syncer.py`): a `write()` has reached the
kernel when the call returns, so an acknowledged record survives `kill -9`; the syncer
fsyncs the segment in the background, or before the answer under `--fsync always`.
Bytes written by a call that died before its commit are never referenced and are simply
skipped. After a machine crash, chunks whose bytes did not reach the disk are dropped
and the log is cut after the last whole chunk (`recovery.py`).

Layout: `<data dir>/kinesis/<stream uid>-<stream created ms>/<segment:08d>.log`. A new
segment starts past SEGMENT_BYTES; the retention job deletes segments before the earliest
one a chunk points at (segments fill in time order and records expire in time order), and
directories of streams that no longer exist (after DeleteStream or a reset).
"""
import os
import shutil

SEGMENT_BYTES = 64 * 1024 * 1024
_SUFFIX = ".log"


def _root(state) -> str:
    return state.service_dir("kinesis")


def stream_dir_name(stream) -> str:
    return f"{stream['uid']}-{stream['created_ms']}"


def _stream_dir(state, stream) -> str:
    return os.path.join(_root(state), stream_dir_name(stream))


def _path(directory, segment) -> str:
    return os.path.join(directory, f"{segment:08d}{_SUFFIX}")


class _Writer:
    """The open tail segment of one stream."""

    def __init__(self, directory, syncer):
        if not os.path.isdir(directory):
            os.makedirs(directory)
            if syncer is not None:
                syncer.note_file(directory, os.path.dirname(directory))
        self.directory = directory
        self.syncer = syncer
        self.segment = max(segment_numbers(directory), default=0)
        self._open()

    def _open(self):
        self.path = _path(self.directory, self.segment)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.size = os.fstat(self.fd).st_size
        if self.syncer is not None and not self.size:      # a new file: its directory changed
            self.syncer.note_file(self.path, self.directory)

    def append(self, data: bytes, seal=None) -> tuple[int, int]:
        """Write `data` at the end of the tail segment, through `seal(segment, offset,
        data)` when given (encryption at rest); returns (segment, offset)."""
        if self.size and self.size + len(data) > SEGMENT_BYTES:
            os.close(self.fd)
            self.segment += 1
            self._open()
        offset = self.size
        if seal is not None:
            data = seal(self.segment, offset, data)
        view, written = memoryview(data), 0
        while written < len(data):
            written += os.write(self.fd, view[written:])
        self.size += len(data)
        if self.syncer is not None:
            self.syncer.note_file(self.path)
        return self.segment, offset

    def close(self):
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __del__(self):
        # A reset drops the cache holding writers; their descriptors close with them.
        if getattr(self, "fd", -1) >= 0:
            self.close()


def _cache(state) -> dict:
    return state.cache("kinesis").setdefault("segments", {})


def append(state, stream, data: bytes, seal=None) -> tuple[int, int]:
    """Append a call's payload bytes to the stream's log: (segment, offset)."""
    writers = _cache(state)
    name = stream_dir_name(stream)
    writer = writers.get(name)
    if writer is None:
        writer = writers[name] = _Writer(_stream_dir(state, stream), state.syncer)
    return writer.append(data, seal)


def segment_numbers(directory) -> list[int]:
    if not os.path.isdir(directory):
        return []
    return [int(n[:-len(_SUFFIX)]) for n in os.listdir(directory) if n.endswith(_SUFFIX)]


def segment_sizes(state, stream) -> dict:
    """{segment: its size on disk} of a stream's log."""
    directory = _stream_dir(state, stream)
    return {segment: os.path.getsize(_path(directory, segment)) for segment in segment_numbers(directory)}


def cut(state, stream, segment: int, size: int):
    """Cut a segment after `size` bytes (a torn tail after a crash), and have it synced."""
    path = _path(_stream_dir(state, stream), segment)
    os.truncate(path, size)
    if state.syncer is not None:
        state.syncer.note_file(path)


def note_for_sync(state, stream, segment: int):
    """Have the syncer fsync a segment (at start, the last ones a killed server wrote)."""
    if state.syncer is not None:
        state.syncer.note_file(_path(_stream_dir(state, stream), segment))


def read(state, stream, segment: int, offset: int, length: int) -> bytes:
    """The `length` bytes at `offset`; fewer when the segment was cut short or removed
    outside lakebox while it served (start-up drops the chunks a crash tore), for the
    caller to skip."""
    try:
        with open(_path(_stream_dir(state, stream), segment), "rb") as f:
            f.seek(offset)
            return f.read(length)
    except FileNotFoundError:
        return b""


def drop_before(state, stream, first_in_use: int | None):
    """Delete the segments before `first_in_use`, the earliest one a chunk points at (None:
    no chunk does); never the tail being written."""
    directory = _stream_dir(state, stream)
    if not os.path.isdir(directory):
        return
    writer = _cache(state).get(stream_dir_name(stream))
    tail = writer.segment if writer else (first_in_use or 0)
    limit = tail if first_in_use is None else min(first_in_use, tail)
    for name in os.listdir(directory):
        if name.endswith(_SUFFIX) and int(name[:-len(_SUFFIX)]) < limit:
            os.unlink(os.path.join(directory, name))


def drop_stream(state, stream):
    writer = _cache(state).pop(stream_dir_name(stream), None)
    if writer is not None:
        writer.close()
    shutil.rmtree(_stream_dir(state, stream), ignore_errors=True)


def drop_orphans(state, live_names: set):
    """Remove the logs of streams that no longer exist (deleted, or wiped by a reset)."""
    root = _root(state)
    if not os.path.isdir(root):
        return
    for name in os.listdir(root):
        if name not in live_names:
            writer = _cache(state).pop(name, None)
            if writer is not None:
                writer.close()
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)
