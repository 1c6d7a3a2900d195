"""The one SQLite database: WAL mode, one connection, per-service migrations.

The server runs every action on one event-loop thread, so one connection is the single
writer. Outside `transaction()` each statement commits on its own, so a write is in the
WAL, in the kernel's hands, before the action that made it returns: it survives
`kill -9`. Reaching the disk is the syncer's work (`storage/syncer.py`).
"""
import asyncio
import contextvars
import os
import sqlite3
import sys
import threading
import urllib.parse

CORE_SCHEMA = """
CREATE TABLE IF NOT EXISTS lakebox_schema (service TEXT PRIMARY KEY, version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS lakebox_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lakebox_blob_journal (seq INTEGER PRIMARY KEY, blob_id TEXT NOT NULL);
"""


class SharedTransaction(RuntimeError):
    """A statement or transaction from another asyncio task reached an open transaction.

    It would have joined that transaction silently, and a rollback would then drop a
    write that was already acknowledged: the cause is an `await` inside a transaction.
    """


class Database:
    def __init__(self, path: str | None):
        self.path = path or ":memory:"
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        # One thread at a time: a transaction holds it from BEGIN to COMMIT, so another
        # thread (the syncer, a test) waits for it to end rather than joining it.
        self._lock = threading.RLock()
        self._depth = 0
        self._owner = None      # the asyncio task (or None) that opened the transaction
        if path:
            self.conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a commit is written to the WAL (in the OS) but not
            # fsynced, so it survives the process being killed; the syncer fsyncs the WAL
            # in the background, or before the answer under `--fsync always`.
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.executescript(CORE_SCHEMA)
        self.conn.execute("PRAGMA user_version=1")

    def defer_checkpoints(self):
        """Stop commits from checkpointing the WAL into the database file: a checkpoint
        fsyncs (synchronous=NORMAL), and one falling in a request's COMMIT held the event
        loop for milliseconds. The syncer checkpoints instead, on its own thread."""
        with self._lock:
            self.conn.execute("PRAGMA wal_autocheckpoint=0")

    def migrate(self, service: str, statements: list[str]):
        """Apply the statements of `service`'s SCHEMA that this database has not seen."""
        row = self.one("SELECT version FROM lakebox_schema WHERE service=?", (service,))
        done = row["version"] if row else 0
        if done >= len(statements):
            return
        with self.transaction():
            for statement in statements[done:]:
                self.conn.execute(statement)
            self.conn.execute("INSERT OR REPLACE INTO lakebox_schema VALUES (?, ?)", (service, len(statements)))

    def execute(self, sql: str, args=()) -> sqlite3.Cursor:
        with self._lock:
            self._check_owner()
            return self.conn.execute(sql, args)

    def executemany(self, sql: str, rows) -> sqlite3.Cursor:
        with self.transaction():
            return self.conn.executemany(sql, rows)

    def query(self, sql: str, args=()) -> list[sqlite3.Row]:
        with self._lock:
            self._check_owner()
            return self.conn.execute(sql, args).fetchall()

    def one(self, sql: str, args=()) -> sqlite3.Row | None:
        with self._lock:
            self._check_owner()
            return self.conn.execute(sql, args).fetchone()

    def committed_changes(self) -> int:
        """Rows changed through this connection so far, counting committed work only."""
        with self._lock:       # a transaction holds the lock: none is half-done here
            return self.conn.total_changes

    def transaction(self) -> "_Transaction":
        """Group writes so they land together; nests (inner blocks join the outer).

        Use it in synchronous code only: nothing in it may `await`. If a statement from
        another asyncio task reaches an open transaction, it raises SharedTransaction
        instead of joining it.
        """
        return _Transaction(self)

    def _check_owner(self):
        if self._depth and _current_task() is not self._owner:
            raise SharedTransaction(
                "a database statement reached a transaction opened by another asyncio task: "
                "something awaits inside `with db.transaction()`")

    def wipe(self):
        """Drop every table, then forget all migrations. The blob journal stays: the
        syncer may be clearing it (its entries for wiped blobs find no row at start)."""
        with self._lock:
            tables = [r[0] for r in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "AND name != 'lakebox_blob_journal'")]
            for table in tables:
                self.conn.execute(f'DROP TABLE IF EXISTS "{table}"')
            self.conn.executescript(CORE_SCHEMA)

    def reader(self) -> "Reader":
        """A read-only connection of its own, for work on another thread (lakebox/work.py).

        On disk it reads beside the writer (WAL: readers and the writer do not block each
        other) and sees each committed write. An in-memory database cannot be opened
        twice, so there the reader gets a copy of it taken now (under the writer's lock,
        so never mid-transaction): the work then sees the state at its start, which is
        also what a long read on disk would see within one read transaction.
        """
        if self.path == ":memory:":
            conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            with self._lock:
                self.conn.backup(conn)
            conn.execute("PRAGMA query_only=ON")
        else:
            uri = "file:" + urllib.parse.quote(os.path.abspath(self.path)) + "?mode=ro"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        return Reader(conn)

    def close(self):
        self.conn.close()


class Reader:
    """A read-only connection: `query` and `one` as on `Database`; writes raise
    `sqlite3.OperationalError` ("attempt to write a readonly database")."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def query(self, sql: str, args=()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, args).fetchall()

    def one(self, sql: str, args=()) -> sqlite3.Row | None:
        return self.conn.execute(sql, args).fetchone()

    def execute(self, sql: str, args=()) -> sqlite3.Cursor:
        return self.conn.execute(sql, args)

    def close(self):
        self.conn.close()


class _Transaction:
    """`Database.transaction()`: a plain context manager (every write takes one or two,
    and a generator-based one costs about a microsecond more on each side)."""
    __slots__ = ("db",)

    def __init__(self, db: Database):
        self.db = db

    def __enter__(self) -> "Owned":
        db = self.db
        db._lock.acquire()
        try:
            if db._depth:
                db._check_owner()
                db._depth += 1
            else:
                db.conn.execute("BEGIN IMMEDIATE")
                db._depth, db._owner = 1, _current_task()
        except BaseException:
            db._lock.release()
            raise
        return Owned(db.conn)

    def __exit__(self, exc_type, exc, traceback) -> bool:
        db = self.db
        try:
            if db._depth > 1:
                db._depth -= 1
            else:
                db._depth, db._owner = 0, None
                db.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")
        finally:
            db._lock.release()
        return False


class Owned:
    """`with db.transaction() as owned:` statements of the block that opened (or joined)
    the transaction. The block is its owner by construction, and holds the lock from its
    start, so these skip what `Database.execute` does for a statement from anywhere: the
    lock again, and the owner check (a look-up of the running task, which in Python 3.11
    is a `getpid` system call). A statement from another task still goes through
    `Database` and is refused. Use it inside the block only."""
    __slots__ = ("conn",)

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def execute(self, sql: str, args=()) -> sqlite3.Cursor:
        return self.conn.execute(sql, args)

    def one(self, sql: str, args=()) -> sqlite3.Row | None:
        return self.conn.execute(sql, args).fetchone()


# The request lakebox/httpwire.py runs outside any asyncio task: it drives a request's
# coroutine itself until the coroutine first waits, and the request owns what it opens.
running_request = contextvars.ContextVar("lakebox_running_request", default=None)


def _asyncio_current_task():
    """The running asyncio task, else the request being run outside one, else None (a
    plain thread, a loop callback)."""
    try:
        return asyncio.current_task() or running_request.get()
    except RuntimeError:
        return None


def _task_of_running_loop():
    """`_asyncio_current_task` in a dict look-up: Python 3.11's `asyncio.current_task` is
    a Python function that looks up the loop and raises outside one, and every statement
    inside a transaction asks (`_check_owner`)."""
    loop = _get_running_loop()
    return None if loop is None else _current_tasks.get(loop) or running_request.get()


_get_running_loop = asyncio.events._get_running_loop       # None outside a loop, never raises
_current_tasks = getattr(asyncio.tasks, "_current_tasks", None)
# From 3.12 `asyncio.current_task` is C, and where the tasks are kept is the runtime's own.
_current_task = _task_of_running_loop if sys.version_info < (3, 12) and isinstance(_current_tasks, dict) \
    else _asyncio_current_task
