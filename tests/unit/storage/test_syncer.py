"""The durability model: no fsync on the request path by default; under `--fsync always`
a write waits for an fsync before its answer, and concurrent writers share one."""
import asyncio
import os
import threading

import pytest

from lakebox.storage import syncer as syncer_module
from lakebox.storage.blobs import BlobStore
from lakebox.storage.db import Database
from lakebox.storage.journal import BlobJournal
from lakebox.storage.syncer import Syncer


class FsyncCounter:
    """Counts fsync calls; can hold the first one until released."""

    def __init__(self, real, hold_first=False):
        self.real = real
        self.calls = 0
        self.entered = threading.Event()
        self.release = threading.Event()
        if not hold_first:
            self.release.set()

    def __call__(self, fd):
        self.calls += 1
        self.entered.set()
        self.release.wait(10)
        return self.real(fd)


@pytest.fixture
def storage(tmp_path):
    def make(always, interval=3600.0):
        db = Database(str(tmp_path / "lakebox.db"))
        db.execute("CREATE TABLE t (v INTEGER)")
        journal = BlobJournal(db)
        syncer = Syncer(db, journal, interval, always)
        blobs = BlobStore(str(tmp_path / "blobs"), durable=always, syncer=syncer, journal=journal)
        made.append((db, syncer))
        return db, blobs, syncer
    made = []
    yield make
    for db, syncer in made:
        syncer.stop()
        db.close()


def put_blob(blobs, data=b"x" * 1024) -> str:
    return blobs.write(data)


def count_fsyncs(monkeypatch, **options) -> FsyncCounter:
    counter = FsyncCounter(os.fsync, **options)
    monkeypatch.setattr(syncer_module.os, "fsync", counter)
    monkeypatch.setattr("lakebox.storage.blobs.os.fsync", counter, raising=False)
    return counter


def test_default_mode_answers_without_fsync_and_syncs_in_the_background(storage, monkeypatch):
    db, blobs, syncer = storage(always=False)
    counter = count_fsyncs(monkeypatch)
    syncer.start()

    async def request():
        blob_id = put_blob(blobs)
        db.execute("INSERT INTO t VALUES (1)")
        await syncer.settle()
        return blob_id

    blob_id = asyncio.run(request())
    assert counter.calls == 0
    assert BlobJournal(db).blob_ids() == [blob_id]      # checked at start if a crash came now
    syncer.sync_now()
    assert counter.calls >= 3                           # the blob, its directory, the WAL
    assert BlobJournal(db).blob_ids() == []


def test_always_mode_fsyncs_before_the_answer(storage, monkeypatch):
    db, blobs, syncer = storage(always=True)
    counter = count_fsyncs(monkeypatch)
    syncer.start()

    async def request():
        put_blob(blobs)
        await syncer.settle()
        return counter.calls

    assert asyncio.run(request()) >= 3                  # the blob, its directory, the WAL

    async def read_only():
        before = counter.calls
        db.query("SELECT * FROM t")
        await syncer.settle()
        return counter.calls - before

    assert asyncio.run(read_only()) == 0                # nothing written: nothing to wait for


def test_always_mode_shares_one_fsync_among_concurrent_writers(storage, monkeypatch):
    db, blobs, syncer = storage(always=True)
    counter = count_fsyncs(monkeypatch, hold_first=True)
    syncer.start()
    writers = 20

    async def write(value):
        db.execute("INSERT INTO t VALUES (?)", (value,))
        await syncer.settle()

    async def main():
        first = asyncio.ensure_future(write(0))
        await asyncio.to_thread(counter.entered.wait, 10)   # round 1 is in its fsync ...
        rest = [asyncio.ensure_future(write(value)) for value in range(1, writers)]
        await asyncio.sleep(0.05)                           # ... while the others queue up
        counter.release.set()
        await asyncio.gather(first, *rest)

    asyncio.run(main())
    assert counter.calls == 2                           # two rounds of one WAL fsync, not twenty


def test_a_clean_stop_syncs_what_is_left(storage, monkeypatch):
    db, blobs, syncer = storage(always=False)
    counter = count_fsyncs(monkeypatch)
    syncer.start()
    put_blob(blobs)
    syncer.stop()
    assert counter.calls >= 3
    assert BlobJournal(db).blob_ids() == []


def test_a_blob_in_the_journal_is_reported_with_its_size_on_disk(storage):
    db, blobs, syncer = storage(always=False)
    whole, torn, gone = put_blob(blobs, b"a" * 10), put_blob(blobs, b"b" * 10), put_blob(blobs, b"c" * 10)
    os.truncate(blobs.path(torn), 4)
    os.unlink(blobs.path(gone))
    assert blobs.journaled() == {whole: 10, torn: 4, gone: None}


def test_shard_log_appends_are_synced_with_their_new_directories(storage, monkeypatch, tmp_path):
    from lakebox.services.kinesis import segments

    db, blobs, syncer = storage(always=True)
    synced = []
    monkeypatch.setattr(syncer_module, "_fsync", synced.append)

    class State:                 # what segments.py reads of the server's state
        def __init__(self):
            self.syncer, self.memory = syncer, {}

        def service_dir(self, name):
            path = tmp_path / "services" / name
            path.mkdir(parents=True, exist_ok=True)
            return str(path)

        def cache(self, name):
            return self.memory.setdefault(name, {})

    stream = {"uid": 1, "created_ms": 1000}
    segment, offset = segments.append(State(), stream, b"records")
    syncer.sync_now()
    stream_dir = tmp_path / "services" / "kinesis" / "1-1000"
    assert {str(stream_dir / f"{segment:08d}.log"), str(stream_dir), str(stream_dir.parent)} <= set(synced)
    assert synced[-1] == db.path + "-wal"               # the WAL last: rows after their bytes


def test_commits_leave_checkpoints_to_the_syncers_timed_rounds(storage):
    db, _, syncer = storage(always=False)
    syncer.start()
    db_file = db.path
    before = os.path.getsize(db_file)
    for _ in range(50):                     # 5 MB through the WAL: past SQLite's own 1,000-page trigger
        db.execute("INSERT INTO t VALUES (?)", (os.urandom(100 * 1024),))
    assert os.path.getsize(db_file) == before
    syncer.sync_now()                       # a timed round: the WAL goes into the database file
    assert os.path.getsize(db_file) > before + 50 * 100 * 1024
    assert db.query("SELECT count(*) FROM t")[0][0] == 50
