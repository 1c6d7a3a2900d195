"""A transaction cannot be shared by accident: a statement from another asyncio task that
reaches an open transaction raises instead of joining it."""
import asyncio

import pytest

from lakebox.storage.db import Database, SharedTransaction


@pytest.fixture
def db(tmp_path):
    database = Database(str(tmp_path / "lakebox.db"))
    database.execute("CREATE TABLE t (v TEXT)")
    yield database
    database.close()


def values(db):
    return [row["v"] for row in db.query("SELECT v FROM t ORDER BY v")]


def test_a_statement_from_another_task_refuses_to_join_an_open_transaction(db):
    async def main():
        opened, release = asyncio.Event(), asyncio.Event()

        async def awaits_inside():
            with db.transaction():
                db.execute("INSERT INTO t VALUES ('inside')")
                opened.set()
                await release.wait()           # the mistake: an await inside a transaction
                raise RuntimeError("rolled back")

        async def other_request():
            await opened.wait()
            try:
                with pytest.raises(SharedTransaction):
                    db.execute("INSERT INTO t VALUES ('other')")
                with pytest.raises(SharedTransaction):
                    with db.transaction():
                        pass
            finally:
                release.set()

        results = await asyncio.gather(awaits_inside(), other_request(), return_exceptions=True)
        assert isinstance(results[0], RuntimeError) and results[1] is None

    asyncio.run(main())
    assert values(db) == []
    db.execute("INSERT INTO t VALUES ('after')")       # the connection is usable again
    assert values(db) == ["after"]


def test_a_loop_callback_cannot_join_a_task_transaction_either(db):
    async def main():
        caught = []

        def callback():
            try:
                db.execute("INSERT INTO t VALUES ('callback')")
            except SharedTransaction as error:
                caught.append(error)

        with db.transaction():
            asyncio.get_running_loop().call_soon(callback)
            await asyncio.sleep(0)
        return caught

    assert len(asyncio.run(main())) == 1


def test_nesting_in_the_same_task_joins_and_commits_together(db):
    async def main():
        with db.transaction():
            db.execute("INSERT INTO t VALUES ('outer')")
            with db.transaction():
                db.execute("INSERT INTO t VALUES ('inner')")
            db.executemany("INSERT INTO t VALUES (?)", [("many",)])

    asyncio.run(main())
    assert values(db) == ["inner", "many", "outer"]


def test_a_rollback_undoes_the_nested_writes_of_its_own_task(db):
    with pytest.raises(ValueError):
        with db.transaction():
            db.execute("INSERT INTO t VALUES ('a')")
            with db.transaction():
                db.execute("INSERT INTO t VALUES ('b')")
            raise ValueError
    assert values(db) == []


def test_the_owned_handle_writes_in_the_transaction_and_others_are_still_refused(db):
    """`with db.transaction() as owned:` statements join the block's transaction (they
    commit or roll back with it); a statement from another task is refused as ever."""
    with db.transaction() as owned:
        owned.execute("INSERT INTO t VALUES ('kept')")
        assert owned.one("SELECT count(*) AS n FROM t")["n"] == 1
    with pytest.raises(RuntimeError):
        with db.transaction() as owned:
            owned.execute("INSERT INTO t VALUES ('dropped')")
            raise RuntimeError("rolled back")
    assert values(db) == ["kept"]

    async def main():
        opened, release = asyncio.Event(), asyncio.Event()

        async def owner():
            with db.transaction() as owned:
                owned.execute("INSERT INTO t VALUES ('owner')")
                opened.set()
                await release.wait()
                owned.execute("INSERT INTO t VALUES ('owner again')")

        async def other():
            await opened.wait()
            try:
                with pytest.raises(SharedTransaction):
                    db.execute("INSERT INTO t VALUES ('other')")
            finally:
                release.set()

        await asyncio.gather(owner(), other())

    asyncio.run(main())
    assert values(db) == ["kept", "owner", "owner again"]
