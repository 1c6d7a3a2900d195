"""A recursive WITH query goes at most 10 steps deep, as in Athena ("The maximum recursion
depth is 10", Athena's SELECT page): the anchor and ten steps answer, an eleventh step
that adds rows fails the query in Trino's words (its RelationPlanner), a cycle too."""
import pytest
from engine_helpers import result_line

from lakebox.engine.base import EngineError

LIMIT = "Recursion depth limit exceeded (10). Use 'max_recursion_depth' session property to modify the limit."


def test_ten_steps_answer():
    assert result_line("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 11) "
                       "SELECT count(*), max(n) FROM t") == '"11","11"'
    assert result_line("WITH RECURSIVE chain AS (SELECT 1 AS id, CAST('a' AS varchar) AS path UNION ALL "
                       "SELECT c.id + 1, c.path || '>' || CAST(c.id + 1 AS varchar) FROM chain c WHERE c.id < 4) "
                       "SELECT max(path), count(*) FROM chain") == '"a>2>3>4","4"'
    # the recursive query read in a subquery of the step (its depth is left uncounted)
    assert result_line("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM (SELECT n FROM t) s "
                       "WHERE n < 3) SELECT max(n) FROM t") == '"3"'


@pytest.mark.parametrize("sql", [
    "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 12) SELECT max(n) FROM t",
    "WITH RECURSIVE t(n) AS (SELECT 1 UNION SELECT n FROM t) SELECT count(*) FROM t",      # a cycle
])
def test_an_eleventh_step_with_rows_fails(sql):
    with pytest.raises(EngineError) as caught:
        result_line(sql)
    assert (caught.value.error_name, caught.value.message) == ("NOT_SUPPORTED", LIMIT)
