"""Helpers of the engine's unit tests (a module of its own, imported by name)."""
import os
import tempfile

from lakebox.engine import dialect, new_engine

ENGINE = new_engine()


def result_line(sql):
    """The first row of `sql`'s result file, as Athena writes it."""
    query = ENGINE.prepare(dialect.parse(sql), [], "default")
    query.bind()
    path = tempfile.mktemp()
    try:
        query.write_csv(path)
        with open(path) as f:
            return f.read().splitlines()[1]
    finally:
        query.close()
        if os.path.exists(path):
            os.unlink(path)
