"""Shard logs: record payloads appended to per-stream segment files.

SQLite holds each chunk's metadata (counters, arrival, partition keys) and where its
payload bytes sit: (segment, offset, length). The bytes themselves go to an append-only
file with one `write()` per PutRecords, before the metadata commits. That keeps bulk
data out of SQLite's WAL, whose checkpoints would copy every payload a second time and
fsync it: with payloads in SQLite a 500 x 1 KiB PutRecords cost several times more.

Durability is that of the database: a `write()` has reached the kernel when the call
returns, so an acknowledged record survives `kill -9` (the database runs WAL with
synchronous=NORMAL, which is the same promise). Bytes written by a call that died
before its commit are never referenced and are simply skipped.

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

    def __init__(self, directory):
        os.makedirs(directory, exist_ok=True)
        existing = [int(n[:-len(_SUFFIX)]) for n in os.listdir(directory) if n.endswith(_SUFFIX)]
        self.directory = directory
        self.segment = max(existing, default=0)
        self._open()

    def _open(self):
        self.fd = os.open(_path(self.directory, self.segment), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.size = os.fstat(self.fd).st_size

    def append(self, data: bytes) -> tuple[int, int]:
        """Write `data` at the end of the tail segment; returns (segment, offset)."""
        if self.size and self.size + len(data) > SEGMENT_BYTES:
            os.close(self.fd)
            self.segment += 1
            self._open()
        offset = self.size
        view, written = memoryview(data), 0
        while written < len(data):
            written += os.write(self.fd, view[written:])
        self.size += len(data)
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


def append(state, stream, data: bytes) -> tuple[int, int]:
    """Append a call's payload bytes to the stream's log: (segment, offset)."""
    writers = _cache(state)
    name = stream_dir_name(stream)
    writer = writers.get(name)
    if writer is None:
        writer = writers[name] = _Writer(_stream_dir(state, stream))
    return writer.append(data)


def read(state, stream, segment: int, offset: int, length: int) -> bytes:
    with open(_path(_stream_dir(state, stream), segment), "rb") as f:
        f.seek(offset)
        return f.read(length)


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
