"""The worker facility (lakebox/work.py): where work runs, how its results land through
the single writer, and what cancelling, failing and reading leave behind."""
import asyncio
import gc
import sqlite3
import threading

import pytest

from lakebox.storage.db import Database
from lakebox.work import TaskCancelled, Work


@pytest.fixture(params=["file", "memory"])
def db(request, tmp_path):
    database = Database(str(tmp_path / "lakebox.db") if request.param == "file" else None)
    database.execute("CREATE TABLE results (name TEXT PRIMARY KEY, value TEXT)")
    yield database
    database.close()


def rows(db):
    return [tuple(row) for row in db.query("SELECT name, value FROM results ORDER BY name")]


async def until(condition):
    for _ in range(5000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("condition never held")


def test_work_runs_on_a_worker_and_its_commit_on_the_loop(db):
    threads = {}

    def fn(task, name):
        threads["work"] = threading.get_ident()
        task.report(0.5)
        return name.upper()

    def commit(result):
        threads["commit"] = threading.get_ident()
        db.execute("INSERT INTO results VALUES ('a', ?)", (result,))
        return {"Stored": result}

    async def main():
        work = Work(db)
        task = work.submit("athena", "query", fn, "rows", commit=commit)
        assert work.get(task.id) is task and work.running("athena") == [task]
        answer = await task
        return work, task, answer

    work, task, answer = asyncio.run(main())
    loop_thread = threading.get_ident()
    assert answer == {"Stored": "ROWS"}
    assert threads["commit"] == loop_thread != threads["work"]
    assert (task.state, task.progress) == ("SUCCEEDED", 1.0)
    assert rows(db) == [("a", "ROWS")]
    assert work.get(task.id) is None and work.running("athena") == []   # finished tasks are forgotten


def test_a_failing_work_function_commits_nothing_and_reports_its_error(db):
    committed, discarded = [], []

    def fn(task):
        raise ValueError("the source is unreadable")

    async def main():
        task = Work(db).submit("glue", "crawl", fn, commit=committed.append, discard=discarded.append)
        with pytest.raises(ValueError, match="unreadable"):
            await task
        return task

    task = asyncio.run(main())
    assert task.state == "FAILED" and isinstance(task.error, ValueError)
    assert committed == [] and discarded == []      # nothing was made, so nothing to discard


def test_a_commit_that_raises_is_rolled_back_and_the_result_discarded(db):
    discarded = []

    def commit(result):
        db.execute("INSERT INTO results VALUES ('half', 'written')")
        raise RuntimeError("a re-check failed")

    async def main():
        task = Work(db).submit("s3", "copy", lambda task: "temp-file", commit=commit, discard=discarded.append)
        with pytest.raises(RuntimeError):
            await task
        return task

    task = asyncio.run(main())
    assert task.state == "FAILED"
    assert rows(db) == []                           # the commit's first write was rolled back
    assert discarded == ["temp-file"]


def test_cancelling_running_work_stops_it_at_its_next_check(db):
    committed, discarded, steps = [], [], []
    started = threading.Event()

    def fn(task):
        started.set()
        for step in range(100_000):
            task.check()
            task.report(step / 100_000)
            steps.append(step)
            threading.Event().wait(0.001)
        return "all"

    async def main():
        task = Work(db).submit("athena", "query", fn, commit=committed.append, discard=discarded.append)
        await until(lambda: task.progress > 0)
        assert task.state == "RUNNING"
        task.cancel()
        with pytest.raises(TaskCancelled):
            await task
        return task

    task = asyncio.run(main())
    assert task.state == "CANCELLED" and task.error is None
    assert len(steps) < 100_000 and committed == [] and discarded == []


def test_work_that_ends_after_a_cancel_is_discarded_not_committed(db):
    release, discarded = threading.Event(), []

    def fn(task):                                   # byte work with no step to check at
        assert release.wait(10)
        return "temp-file"

    async def main():
        task = Work(db).submit("s3", "copy", fn, commit=lambda result: pytest.fail("committed"),
                               discard=discarded.append)
        await until(lambda: task.state == "RUNNING")
        task.cancel()
        release.set()
        with pytest.raises(TaskCancelled):
            await task
        return task

    assert asyncio.run(main()).state == "CANCELLED"
    assert discarded == ["temp-file"]


def test_a_queued_task_that_is_cancelled_never_starts(db):
    release, ran = threading.Event(), []

    async def main():
        work = Work(db, workers=1)
        first = work.submit("glue", "crawl", lambda task: release.wait(10))
        second = work.submit("glue", "crawl", lambda task: ran.append(1))
        assert second.state == "QUEUED"
        second.cancel()
        release.set()
        assert await first is True
        with pytest.raises(TaskCancelled):
            await second
        return second

    assert asyncio.run(main()).state == "CANCELLED" and ran == []


def test_cancel_all_stops_every_task(db):
    async def main():
        work = Work(db)
        tasks = [work.submit("athena", "query", _until_cancelled) for _ in range(3)]
        work.cancel_all()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        return tasks, outcomes

    tasks, outcomes = asyncio.run(main())
    assert all(isinstance(outcome, TaskCancelled) for outcome in outcomes)
    assert {task.state for task in tasks} == {"CANCELLED"}


def _until_cancelled(task):
    while True:
        task.check()
        threading.Event().wait(0.001)


def test_at_most_the_configured_workers_run_and_none_stay_idle(db):
    lock, running, peak = threading.Lock(), [0], [0]

    def fn(task):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        threading.Event().wait(0.01)
        with lock:
            running[0] -= 1
        return task.id

    async def main():
        work = Work(db, workers=2)
        tasks = [work.submit("firehose", "convert", fn) for _ in range(6)]
        return await asyncio.gather(*tasks)

    before = threading.active_count()
    assert len(set(asyncio.run(main()))) == 6
    assert peak[0] == 2
    for _ in range(1000):                           # workers end once the queue is empty
        if threading.active_count() == before:
            break
        threading.Event().wait(0.001)
    assert threading.active_count() == before


def test_one_service_cannot_take_every_worker(db):
    release = threading.Event()

    async def main():
        work = Work(db, workers=4, per_service=2)
        queries = [work.submit("athena", "query", lambda task: release.wait(10)) for _ in range(3)]
        await until(lambda: [query.state for query in queries].count("RUNNING") == 2)
        copy = work.submit("s3", "CopyObject", lambda task: "copied")
        assert await copy == "copied"                 # while two queries hold their workers
        states = [query.state for query in queries]
        release.set()
        await asyncio.gather(*queries)
        return states

    assert asyncio.run(main()) == ["RUNNING", "RUNNING", "QUEUED"]


def test_the_reader_sees_committed_rows_and_refuses_writes(db):
    db.execute("INSERT INTO results VALUES ('seen', 'yes')")

    def fn(task):
        found = [tuple(row) for row in task.reader.query("SELECT name, value FROM results")]
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            task.reader.execute("INSERT INTO results VALUES ('sneaked', 'in')")
        return found

    async def main():
        return await Work(db).submit("athena", "query", fn)

    assert asyncio.run(main()) == [("seen", "yes")]
    assert rows(db) == [("seen", "yes")]


def test_the_reader_is_closed_when_the_work_ends(db):
    async def main():
        task = Work(db).submit("athena", "query", lambda task: task.reader)
        return await task

    reader = asyncio.run(main())
    with pytest.raises(sqlite3.ProgrammingError):
        reader.one("SELECT 1")


def test_a_failed_task_nobody_awaits_is_not_logged_as_lost(db, caplog):
    async def main():
        task = Work(db).submit("athena", "query", lambda task: 1 / 0)
        await until(lambda: task.done)
        return task.state, type(task.error)

    assert asyncio.run(main()) == ("FAILED", ZeroDivisionError)
    gc.collect()                                    # an unretrieved error is logged when collected
    assert "never retrieved" not in caplog.text


def test_work_that_ends_after_the_server_stopped_is_discarded(db):
    release, discarded = threading.Event(), []

    async def main():
        task = Work(db).submit("s3", "copy", lambda task: release.wait(10) and "temp-file",
                               commit=lambda result: pytest.fail("committed"), discard=discarded.append)
        await until(lambda: task.state == "RUNNING")

    asyncio.run(main())                             # the loop closes while the work runs
    release.set()
    for _ in range(1000):
        if discarded:
            break
        threading.Event().wait(0.001)
    assert discarded == ["temp-file"]
