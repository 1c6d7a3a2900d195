"""A `*` over a relation that names a column twice gives both result columns that name,
as Trino does (DuckDB renames the second `a_1` inside a subquery); a column really named
`a_1` keeps its name, and a star over an unknown relation is left as DuckDB names it."""
import pytest

from lakebox.engine import dialect
from engine_helpers import ENGINE


def _names(sql):
    query = ENGINE.prepare(dialect.parse(sql), [], "default")
    try:
        query.bind()
        return [name for name, _ in query.columns]
    finally:
        query.close()


@pytest.mark.parametrize("sql, names", [
    ("SELECT * FROM (SELECT 1 AS a, 2 AS a) x", ["a", "a"]),
    ("SELECT x.*, 3 AS a_1 FROM (SELECT 1 AS a, 2 AS a) x", ["a", "a", "a_1"]),
    ("WITH w AS (SELECT 1 AS id, 2 AS id) SELECT * FROM (SELECT * FROM w) y", ["id", "id"]),
    ("SELECT * FROM (SELECT 1 AS a, 2 AS a) x UNION ALL SELECT 3, 4", ["a", "a"]),
    ("SELECT * FROM (SELECT 1 AS a, 2 AS a_1) x", ["a", "a_1"]),
    ("SELECT * FROM (SELECT 1, 2) x(a, b)", ["a", "b"]),
])
def test_star_names(sql, names):
    assert _names(sql) == names
