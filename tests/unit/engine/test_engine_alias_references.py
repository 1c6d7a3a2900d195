"""A select-list alias named in WHERE, GROUP BY or HAVING: Trino does not resolve it
(`Column 'y' cannot be resolved`), though DuckDB would; an alias that is also a source
column, an alias in ORDER BY, and a subquery's own names keep working."""
import pytest

from lakebox.engine import EngineError
from engine_helpers import result_line

NOT_RESOLVED = "cannot be resolved or requester is not authorized to access requested resources"


@pytest.mark.parametrize("sql, message", [
    ("SELECT x + 1 AS y FROM (VALUES 1) AS t(x) WHERE y > 1", f"line 1:49: Column 'y' {NOT_RESOLVED}"),
    ("SELECT x + 1 AS y, count(*) AS n FROM (VALUES 1) AS t(x)\nGROUP BY y", f"line 2:10: Column 'y' {NOT_RESOLVED}"),
    ("SELECT x AS y, count(*) AS n FROM (VALUES 1) AS t(x) GROUP BY x HAVING n > 0",
     f"line 1:72: Column 'n' {NOT_RESOLVED}"),
    ("SELECT y FROM (SELECT x * 2 AS y FROM (VALUES 1) AS t(x) WHERE y > 0) AS s",
     f"line 1:64: Column 'y' {NOT_RESOLVED}"),
])
def test_alias_where_trino_resolves_none(sql, message):
    with pytest.raises(EngineError) as caught:
        result_line(sql)
    assert (caught.value.error_name, caught.value.message) == ("COLUMN_NOT_FOUND", message)


@pytest.mark.parametrize("sql, line", [
    ("SELECT upper(x) AS x FROM (VALUES 'a') AS t(x) WHERE x = 'a'", '"A"'),        # the source's x
    ("SELECT x + 1 AS y FROM (VALUES 1) AS t(x) ORDER BY y", '"2"'),                 # ORDER BY takes aliases
    ("SELECT y * 10 AS z FROM (SELECT x + 1 AS y FROM (VALUES 1) AS t(x)) AS s WHERE y > 0", '"20"'),
    ("SELECT x AS y FROM (VALUES 1) AS t(x) WHERE x IN (SELECT v AS y FROM (VALUES 1) AS u(v) WHERE v > 0)", '"1"'),
])
def test_source_columns_and_order_by_aliases_resolve(sql, line):
    assert result_line(sql) == line
