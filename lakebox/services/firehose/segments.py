"""Buffer logs: the bytes of buffered records, appended to per-stream segment files.

SQLite holds each chunk's metadata (arrival, record lengths, how much is delivered) and
where its bytes are: (segment, offset, length). The bytes go to an append-only file with
one `write()` per call, before the metadata commits. Bulk data stays out of SQLite, where
a 500 KiB blob costs milliseconds to insert and more to delete (overflow page chains).

Durability is that of every store (`storage/syncer.py`): a `write()` has reached the
kernel when the call returns, so an acknowledged record survives `kill -9`; the syncer
fsyncs the segment in the background, or before the answer under `--fsync always`.
Bytes written by a call that died before its commit are never referenced and skipped.

Layout: `<data dir>/services/firehose/<stream uid>-<created ms>/<segment:08d>.log`. A new
segment starts past SEGMENT_BYTES; once a flush has delivered every chunk of a segment
(chunks fill segments in order), the segment file is deleted, and a deleted stream's
directory goes with it.
"""
import os
import shutil

SEGMENT_BYTES = 64 * 1024 * 1024
_SUFFIX = ".log"


def _directory(state, stream) -> str:
    return os.path.join(state.service_dir("firehose"), f"{stream['uid']}-{stream['created_ms']}")


def _path(directory: str, segment: int) -> str:
    return os.path.join(directory, f"{segment:08d}{_SUFFIX}")


class _Writer:
    """The open tail segment of one stream."""

    def __init__(self, directory, syncer, created_ms: int):
        if not os.path.isdir(directory):
            os.makedirs(directory)
            if syncer is not None:
                syncer.note_file(directory, os.path.dirname(directory))
        self.directory, self.syncer = directory, syncer
        self.created_ms = created_ms    # of the stream it writes for (a uid may come back after a reset)
        self.segment = max(_segments(directory), default=0)
        self._open()

    def _open(self):
        self.path = _path(self.directory, self.segment)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.size = os.fstat(self.fd).st_size
        if self.syncer is not None and not self.size:
            self.syncer.note_file(self.path, self.directory)

    def append(self, data: bytes, seal=None) -> tuple[int, int]:
        """Write `data` at the end of the tail segment, through `seal(segment, offset,
        data)` when given (encryption at rest); returns (segment, offset)."""
        if self.size and self.size + len(data) > SEGMENT_BYTES:
            os.close(self.fd)
            self.segment += 1
            self._open()
        if seal is not None:
            data = seal(self.segment, self.size, data)
        offset, view, written = self.size, memoryview(data), 0
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
        # a reset empties the cache that holds writers: their files close with them
        self.close()


def _segments(directory: str) -> list[int]:
    return [int(name[:-len(_SUFFIX)]) for name in os.listdir(directory) if name.endswith(_SUFFIX)]


def _writers(state) -> dict:
    return state.cache("firehose").setdefault("buffer-logs", {})


def append(state, stream, data: bytes, seal=None) -> tuple[int, int]:
    writers = _writers(state)
    writer = writers.get(stream["uid"])
    if writer is None or writer.created_ms != stream["created_ms"]:
        writer = writers[stream["uid"]] = _Writer(_directory(state, stream), state.syncer, stream["created_ms"])
    return writer.append(data, seal)


def reader(state, stream, plain=None):
    """A function (segment, offset, length, data key id) -> bytes over the stream's log,
    decrypted by `plain(data key id, segment, offset, bytes)` (`encryption.opener`);
    usable from a worker thread (it opens files of its own)."""
    directory = _directory(state, stream)

    def read(segment: int, offset: int, length: int, data_key=None) -> bytes:
        with open(_path(directory, segment), "rb") as f:
            f.seek(offset)
            data = f.read(length)
        return data if data_key is None else plain(data_key, segment, offset, data)
    return read


def drop_before(state, stream, first_segment: int | None):
    """Delete the segments every chunk before `first_segment` lived in (None: all but
    the tail, which the writer keeps open)."""
    directory = _directory(state, stream)
    if not os.path.isdir(directory):
        return
    writer = _writers(state).get(stream["uid"])
    tail = writer.segment if writer is not None and writer.directory == directory else None
    for segment in _segments(directory):
        if segment != tail and (first_segment is None or segment < first_segment):
            os.unlink(_path(directory, segment))


def segment_sizes(state, stream) -> dict:
    """{segment: bytes on disk} of a stream's log."""
    directory = _directory(state, stream)
    if not os.path.isdir(directory):
        return {}
    return {segment: os.path.getsize(_path(directory, segment)) for segment in _segments(directory)}


def cut(state, stream, segment: int, size: int):
    """Cut a segment after its last whole chunk (recovery, before any writer opens it)."""
    path = _path(_directory(state, stream), segment)
    os.truncate(path, size)
    if state.syncer is not None:
        state.syncer.note_file(path)


def drop_orphans(state, streams):
    """Delete the logs of streams that no longer exist (deleted, or wiped by a reset)."""
    live = {f"{s['uid']}-{s['created_ms']}" for s in streams}
    root = state.service_dir("firehose")
    for name in os.listdir(root):
        if name not in live:
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)


def drop_stream(state, stream):
    writer = _writers(state).pop(stream["uid"], None)
    if writer is not None:
        writer.close()
    shutil.rmtree(_directory(state, stream), ignore_errors=True)
