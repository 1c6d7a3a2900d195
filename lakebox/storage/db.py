"""The one SQLite database: WAL mode, one connection, per-service migrations.

The server runs every action on one event-loop thread, so one connection is the single
writer. Outside `transaction()` each statement commits on its own, so a write is on
disk (in the WAL) before the action that made it returns: it survives `kill -9`.
"""
import contextlib
import os
import sqlite3
import threading
import urllib.parse

CORE_SCHEMA = """
CREATE TABLE IF NOT EXISTS lakebox_schema (service TEXT PRIMARY KEY, version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS lakebox_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Database:
    def __init__(self, path: str | None):
        self.path = path or ":memory:"
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()   # guards use from helper threads (tests, scheduler)
        self._depth = 0
        if path:
            self.conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a committed write is in the OS after commit, so it
            # survives the process being killed; FULL would add an fsync per commit.
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.executescript(CORE_SCHEMA)
        self.conn.execute("PRAGMA user_version=1")

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
            return self.conn.execute(sql, args)

    def executemany(self, sql: str, rows) -> sqlite3.Cursor:
        with self._lock:
            if self._depth:
                return self.conn.executemany(sql, rows)
            with self.transaction():
                return self.conn.executemany(sql, rows)

    def query(self, sql: str, args=()) -> list[sqlite3.Row]:
        with self._lock:
            return self.conn.execute(sql, args).fetchall()

    def one(self, sql: str, args=()) -> sqlite3.Row | None:
        with self._lock:
            return self.conn.execute(sql, args).fetchone()

    @contextlib.contextmanager
    def transaction(self):
        """Group writes so they land together; nests (inner blocks join the outer)."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._depth = 0
                self.conn.execute("ROLLBACK")
                raise
            self._depth = 0
            self.conn.execute("COMMIT")

    def wipe(self):
        """Drop every table but the bookkeeping, then forget all migrations."""
        with self._lock:
            tables = [r[0] for r in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
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
