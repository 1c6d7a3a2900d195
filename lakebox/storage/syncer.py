"""Putting writes on stable storage: one model for every store.

Every store hands its writes to the kernel before a request is answered: SQLite commits
to its WAL (synchronous=NORMAL), blobs are renamed into place, shard logs are appended.
That alone survives `kill -9` of lakebox. Surviving a power cut needs fsync, which is
this thread's work, never the event loop's:

- background (the default): about every `interval` seconds the thread fsyncs the files
  written since its last round (blobs, shard-log segments, directories that gained an
  entry), then the WAL. A machine crash loses at most that window, and start-up checks
  the blobs written in it (see journal.py) so that a torn one is never served.
- always (`--fsync always`): a request that wrote anything waits, before its answer, for
  a round that covers its writes. Requests waiting at the same time share one round
  (group commit).

A round fsyncs its files, their directories and the WAL side by side: the file system
then commits their metadata together rather than once per file, and a round costs about
one disk flush however many requests it covers. No request is answered before the whole
round is done. A crash in the middle of a round may leave the WAL on disk and a file not
(as the kernel writing the WAL out early on its own may): the start-up checks of each
store cover that (the blob journal; shard logs cut after their last whole record).
A timed round that finds commits since its last checkpoint then checkpoints the WAL into
the database file through a connection of its own (requests' commits no longer do:
`Database.defer_checkpoints`), so the checkpoint's fsyncs never stall the event loop and
the WAL holds about a round of commits.
"""
import asyncio
import concurrent.futures
import logging
import os
import sqlite3
import threading
import time

log = logging.getLogger("lakebox.syncer")
PARALLEL_FSYNCS = 16          # a round of 8 PUTs fsyncs 8 blobs, their directories and the WAL


class Syncer:
    def __init__(self, db, journal, interval: float, always: bool):
        self.db = db
        self.journal = journal
        self.interval = interval
        self.always = always
        self._wal = db.path + "-wal"
        self._cond = threading.Condition()
        self._files, self._dirs = set(), set()
        self._noted = 0                 # notes taken so far
        self._covered = (0, 0)          # (db changes, notes) the last round put on disk
        self._waiters = []              # (loop, future) of requests awaiting a round
        self._thread = None
        self._stopping = False
        self._pool = None
        self._checkpointer = None       # the thread's own connection, for checkpoints
        self._checkpointed = 0          # db changes up to the last checkpoint

    def note_file(self, path: str, directory: str | None = None):
        """`path` was written (and `directory` gained an entry): fsync them next round."""
        with self._cond:
            self._files.add(path)
            if directory is not None:
                self._dirs.add(directory)
            self._noted += 1

    async def settle(self):
        """Under `--fsync always`, return once every write made so far is on stable storage;
        at once when nothing was written since the last round, or in background mode."""
        if not self.always or self._thread is None:
            return
        needed = (self.db.committed_changes(), self._noted)
        covered = self._covered
        if covered[0] >= needed[0] and covered[1] >= needed[1]:
            return
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        with self._cond:
            self._waiters.append((loop, future))
            self._cond.notify()
        await future

    def sync_now(self):
        """One round, on the calling thread (at start, before the thread runs)."""
        self._round(clear_journal=True)

    def start(self):
        self.db.defer_checkpoints()
        self._stopping = False
        self._pool = concurrent.futures.ThreadPoolExecutor(PARALLEL_FSYNCS, thread_name_prefix="lakebox-fsync")
        self._thread = threading.Thread(target=self._run, name="lakebox-syncer", daemon=True)
        self._thread.start()

    def stop(self):
        """A last round, then the thread ends: a clean stop leaves nothing unsynced."""
        if self._thread is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self._thread.join()
        self._thread = None
        if self._checkpointer is not None:
            self._checkpointer.close()
            self._checkpointer = None
        self._pool.shutdown()
        self._pool = None

    def _run(self):
        next_tick = time.monotonic() + self.interval
        while True:
            with self._cond:
                while not self._waiters and not self._stopping and time.monotonic() < next_tick:
                    self._cond.wait(next_tick - time.monotonic())
                stopping = self._stopping
            tick = stopping or time.monotonic() >= next_tick
            self._round(clear_journal=tick)
            if tick:
                next_tick = time.monotonic() + self.interval
            if stopping:
                return

    def _round(self, clear_journal: bool):
        # Read before taking the files: blobs.commit notes a file before journaling it,
        # so every entry up to `seq` has its file among those taken below (or earlier).
        seq = self.journal.last_seq() if clear_journal else None
        changes = self.db.committed_changes()
        with self._cond:
            files, dirs, noted, waiters = self._files, self._dirs, self._noted, self._waiters
            self._files, self._dirs, self._waiters = set(), set(), []
        error = None
        if files or dirs or changes != self._covered[0]:
            try:
                self._fsync_all([*files, *dirs, self._wal])
            except OSError as failure:
                log.exception("fsync failed: writes since the last sync may not survive a power cut")
                error = failure
        if error is None:
            self._covered = (changes, noted)
            if seq is not None:
                self.journal.clear_through(seq)
        for loop, future in waiters:
            loop.call_soon_threadsafe(_settle, future, error)
        if error is None and clear_journal and changes != self._checkpointed:   # timed rounds: no one waits
            self._checkpoint(changes)

    def _checkpoint(self, changes: int):
        """Copy the WAL's synced commits into the database file, waiting for no one
        (PASSIVE): what a reader still needs stays for a later round."""
        try:
            if self._checkpointer is None:
                self._checkpointer = sqlite3.connect(self.db.path, isolation_level=None, check_same_thread=False)
                self._checkpointer.execute("PRAGMA synchronous=NORMAL")
            self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self._checkpointed = changes
        except sqlite3.Error:
            log.exception("WAL checkpoint failed (the WAL keeps every commit; the next round tries again)")

    def _fsync_all(self, paths: list):
        if self._pool is None or len(paths) < 2:     # at start, or nothing to overlap
            for path in paths:
                _fsync(path)
        else:
            for _ in self._pool.map(_fsync, paths):
                pass


def _fsync(path: str):
    """fsync a file or directory by path; one deleted meanwhile has nothing left to keep."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _settle(future, error):
    if future.done():            # its request was cancelled meanwhile
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)
