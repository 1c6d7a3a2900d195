"""Byte work off the event loop: where it runs, what is left behind when it fails or is
abandoned, and how a stale plan is retried."""
import asyncio
import os
import threading
from types import SimpleNamespace

import pytest

from lakebox.services.s3 import concurrency, files, stored
from lakebox.storage.blobs import BlobStore
from lakebox.storage.db import Database
from lakebox.work import Work

from s3_unit_helpers import raises_s3

BIG = concurrency.INLINE_BYTES


@pytest.fixture
def blobs(tmp_path):
    return BlobStore(str(tmp_path / "blobs"), durable=False)


@pytest.fixture
def ctx():
    """What `concurrency.run` uses of a request context: the server's workers."""
    return SimpleNamespace(state=SimpleNamespace(work=Work(Database(None))), operation="CopyObject")


def temp_files(blobs) -> list[str]:
    return os.listdir(blobs.tmp)


def test_small_work_runs_inline_and_big_work_in_a_thread(ctx):
    async def main():
        small = await concurrency.run(ctx, BIG - 1, threading.get_ident)
        big = await concurrency.run(ctx, BIG, threading.get_ident)
        return small, big

    loop_thread = threading.get_ident()
    small, big = asyncio.run(main())
    assert small == loop_thread != big


def test_the_loop_keeps_running_while_big_work_runs(ctx):
    started, release = threading.Event(), threading.Event()

    def work():
        started.set()
        assert release.wait(10)
        return "done"

    async def main():
        task = asyncio.ensure_future(concurrency.run(ctx, BIG, work))
        while not started.is_set():
            await asyncio.sleep(0)
        ticks = 0
        while ticks < 3:                    # the loop turns while the work is still waiting
            await asyncio.sleep(0)
            ticks += 1
        assert not task.done()
        release.set()
        return await task

    assert asyncio.run(main()) == "done"


def test_abandoned_work_is_discarded_when_it_ends(ctx, blobs):
    release, discarded = threading.Event(), []

    def work():
        assert release.wait(10)
        path = blobs.temp_path()
        open(path, "wb").close()
        return path

    async def main():
        task = asyncio.ensure_future(concurrency.run(ctx, BIG, work, discard=discarded.append))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        release.set()
        for _ in range(1000):                # the thread ends, then its result is discarded
            if discarded:
                break
            await asyncio.sleep(0.001)

    asyncio.run(main())
    assert len(discarded) == 1


def test_attempts_plan_again_then_give_up_as_s3_does():
    calls = []

    async def flaky():
        calls.append(1)
        if len(calls) < 2:
            raise concurrency.Changed()
        return "ok"

    assert asyncio.run(concurrency.attempts(flaky)) == "ok" and len(calls) == 2

    async def always_stale():
        raise concurrency.Changed()

    with raises_s3("ConditionalRequestConflict"):
        asyncio.run(concurrency.attempts(always_stale))


def test_staged_removes_the_temp_file_or_the_blob_on_error(blobs):
    temp = files.copy_whole(blobs, None, 0)
    with pytest.raises(RuntimeError):
        with concurrency.Staged(blobs, temp):
            raise RuntimeError("re-check failed")
    assert not os.path.exists(temp)

    temp = files.copy_whole(blobs, None, 0)
    with pytest.raises(RuntimeError):
        with concurrency.Staged(blobs, temp) as staged:
            blob_id = staged.commit()
            raise RuntimeError("row write failed")
    assert not os.path.exists(blobs.path(blob_id))

    temp = files.copy_whole(blobs, None, 0)
    with concurrency.Staged(blobs, temp) as staged:
        blob_id = staged.commit()
    assert os.path.exists(blobs.path(blob_id)) and temp_files(blobs) == []


def test_staged_bytes_become_a_blob_with_no_temp_file(blobs):
    with concurrency.Staged(blobs, b"small body") as staged:
        blob_id = staged.commit()
    assert blobs.read(blob_id) == b"small body" and temp_files(blobs) == []

    with pytest.raises(RuntimeError):
        with concurrency.Staged(blobs, b"small body") as staged:
            blob_id = staged.commit()
            raise RuntimeError("row write failed")
    assert not os.path.exists(blobs.path(blob_id))


def test_writers_leave_no_temp_file_when_a_source_is_missing(blobs, tmp_path):
    present = tmp_path / "present"
    present.write_bytes(b"x" * 100)
    with pytest.raises(FileNotFoundError):
        files.concatenate(blobs, [(str(present), 100), (str(tmp_path / "gone"), 100)], sync=True)
    with pytest.raises(FileNotFoundError):
        files.copy_hashing(blobs, str(tmp_path / "gone"), 0, 10, ("CRC32",))
    assert temp_files(blobs) == []


def test_copies_read_from_an_open_file_after_it_is_deleted(blobs, tmp_path):
    source = tmp_path / "source"
    data = os.urandom(3 << 20)
    source.write_bytes(data)
    opened = open(source, "rb")
    os.unlink(source)
    temp = files.closing_after(opened, files.copy_whole, blobs, opened, len(data), True)
    assert opened.closed
    with open(temp, "rb") as f:
        assert f.read() == data
    opened = open(temp, "rb")
    copy, md5_hex, sums = files.closing_after(opened, files.copy_hashing, blobs, opened, 5, 100, ("SHA256",))
    with open(copy, "rb") as f:
        assert f.read() == data[5:105]


def test_staged_small_bytes_stay_for_the_row_when_inline(blobs):
    with concurrency.Staged(blobs, b"small body", inline=True) as staged:
        blob_id = staged.commit()
    assert staged.content == b"small body" and not os.path.exists(blobs.path(blob_id))
    assert os.listdir(blobs.root) == ["tmp"] and temp_files(blobs) == []

    big = os.urandom(stored.INLINE_MAX + 1)
    with concurrency.Staged(blobs, big, inline=True) as staged:
        blob_id = staged.commit()
    assert staged.content is None and blobs.read(blob_id) == big
