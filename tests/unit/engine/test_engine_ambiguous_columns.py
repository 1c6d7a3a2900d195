"""A reference to a name a derived table or WITH query gives two columns is Trino's
AMBIGUOUS_NAME at the reference (its name as Trino writes a QualifiedName, lower case);
other names, the whole relation, a lambda's parameter, a nested subquery's own column and
an ORDER BY of an output name still answer."""
import pytest

from lakebox.engine import EngineError
from engine_helpers import result_line

TWICE = "(SELECT 1 AS a, 2 AS a, 3 AS b) x"


@pytest.mark.parametrize("sql, message", [
    (f"SELECT x.a FROM {TWICE}", "line 1:8: Column 'x.a' is ambiguous"),
    (f'SELECT X."A" FROM {TWICE}', "line 1:8: Column 'x.a' is ambiguous"),
    (f"SELECT b FROM {TWICE} JOIN (VALUES 1) v(c) ON a = c", "line 1:73: Column 'a' is ambiguous"),
    (f"SELECT b FROM {TWICE} GROUP BY b, a", "line 1:61: Column 'a' is ambiguous"),
    (f"SELECT b FROM {TWICE} ORDER BY x.a", "line 1:58: Column 'x.a' is ambiguous"),
    ("WITH w AS (SELECT 1 AS a, 2 AS a) SELECT w.a FROM w", "line 1:42: Column 'w.a' is ambiguous"),
])
def test_an_ambiguous_reference_fails(sql, message):
    with pytest.raises(EngineError) as caught:
        result_line(sql)
    assert (caught.value.error_name, caught.value.message) == ("AMBIGUOUS_NAME", message)


@pytest.mark.parametrize("sql, line", [
    (f"SELECT * FROM {TWICE}", '"1","2","3"'),
    (f"SELECT x.b FROM {TWICE}", '"3"'),
    (f"SELECT transform(ARRAY[1], a -> a + 1) FROM {TWICE}", '"[2]"'),
    (f"SELECT (SELECT max(a) FROM (VALUES 5) t(a)) FROM {TWICE}", '"5"'),
    (f"SELECT 7 AS a FROM {TWICE} ORDER BY a", '"7"'),
    ("SELECT y.a FROM (SELECT 1, 2) y(a, c)", '"1"'),
])
def test_other_references_answer(sql, line):
    assert result_line(sql) == line
