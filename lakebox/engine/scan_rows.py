"""How many rows a query read from its tables' files, as Athena's GetQueryRuntimeStatistics
counts them (`Rows.InputRows`): the rows DuckDB's scans of those files produced, read from
DuckDB's profile of the statement that ran the query. Scans of the query's own constants
(VALUES, sequence) read no table and count nothing. A statement DuckDB answers from
Parquet footers alone (`count(*)`) has no plan to profile: its files' rows are what it
read, as Trino's reader counts them."""
import json

# DuckDB's table functions that read a table's files (ORC, Avro and Regex SerDe files
# arrive as registered Arrow tables).
_FILE_SCANS = {"READ_PARQUET", "READ_CSV", "READ_CSV_AUTO", "READ_JSON", "READ_JSON_AUTO", "READ_NDJSON",
               "PYTHON_ARROW_SCAN"}


def input_rows(profile: str) -> int | None:
    """The rows the file scans of a statement's profile (DuckDB's JSON) produced; None
    when the statement ran no plan (answered from the files' metadata)."""
    plan = json.loads(profile).get("operator")
    if plan is None:
        return None
    total, pending = 0, list(plan)
    while pending:
        node = pending.pop()
        pending.extend(node.get("children") or [])
        if node.get("type") == "TABLE_SCAN" and node.get("name") in _FILE_SCANS:
            total += int(node.get("intermediate_rows") or 0)
    return total
