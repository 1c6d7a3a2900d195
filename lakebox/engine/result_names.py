"""A query's output names as Trino gives them: two columns may share one
(`SELECT p.id, q.id FROM p JOIN q ...`, `SELECT 1 AS a, 2 AS a`), and Athena's result
(its ColumnInfo and the header row of its CSV file) names both `id`. DuckDB keeps them
at the top of a query, but renames the second `id_1` in a subquery's result and in the
header of a CSV file it writes: the tables' reads go into the query's own WITH (never
around it as a subquery), and a header with a shared name is written here."""
import os
import re
import shutil

from lakebox.engine import duck_read

# Leading comments (sqlglot writes them as /* ... */), then the query's own WITH.
_LEADING_WITH = re.compile(r"^((?:\s*/\*.*?\*/)*\s*)WITH(\s+RECURSIVE)?\s+", re.IGNORECASE | re.DOTALL)
_LEADING_PAREN = re.compile(r"^(?:\s*/\*.*?\*/)*\s*\(", re.DOTALL)


def with_reads(tables: str, sql: str) -> str:
    """`sql` (DuckDB's) with `tables` (`name AS NOT MATERIALIZED (...)`, ...) before its
    own common table expressions, which may read them."""
    found = _LEADING_WITH.match(sql)
    if found:
        return f"{found.group(1)}WITH{found.group(2) or ''} {tables}, {sql[found.end():]}"
    if _LEADING_PAREN.match(sql):      # `(WITH ...)`: DuckDB's outer WITH is not seen inside
        return f"WITH {tables} SELECT * FROM ({sql})"
    return f"WITH {tables} {sql}"


def shared(names: list[str]) -> list[str]:
    """The names given to more than one column (DuckDB compares them ignoring case), in
    the order they first repeat."""
    seen, repeated = set(), []
    for name in names:
        key = name.lower()
        if key in seen and name not in repeated:
            repeated.append(name)
        seen.add(key)
    return repeated


def copy_csv(execute, select: str, path: str, names: list[str]) -> int:
    """Write the rows of `select` into the Athena result file `path` (a header row, every
    value quoted) with `execute(sql) -> rows written`; returns the rows."""
    target = duck_read.quote(path)
    if not shared(names):
        return execute(f"COPY ({select}) TO {target} (FORMAT csv, FORCE_QUOTE *, HEADER true)")
    body = path + ".rows"           # DuckDB's header would rename a shared name: ours, then the rows
    try:
        rows = execute(f"COPY ({select}) TO {duck_read.quote(body)} (FORMAT csv, FORCE_QUOTE *, HEADER false)")
        with open(path, "wb") as out, open(body, "rb") as source:
            out.write((",".join('"' + name.replace('"', '""') + '"' for name in names) + "\n").encode())
            shutil.copyfileobj(source, out)
    finally:
        if os.path.exists(body):
            os.unlink(body)
    return rows
