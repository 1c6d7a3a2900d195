"""A query's mistakes about one column, in Trino's words and at the column's place (Trino's
AggregationAnalyzer and Scope): `line L:C: 'x' must be an aggregate expression or appear
in GROUP BY clause`, `Column 'x' is ambiguous`, and a qualified column that is not there
(with Athena's ending, as for an unqualified one) or a struct's field that is not there;
an ORDER BY or GROUP BY position past the select list (`ORDER BY position 3 is not in select list`); a set operation whose
sides differ in width (`UNION query has different number of fields: 1, 2`) or in a
column's type (`column 2 in UNION query has incompatible types: varchar(1), integer`)."""
import pytest

from lakebox.engine import EngineError
from engine_helpers import result_line

NOT_RESOLVED = "cannot be resolved or requester is not authorized to access requested resources"


@pytest.mark.parametrize("sql, name, message", [
    ("SELECT x, count(*) FROM (VALUES 1) AS t(x)", "EXPRESSION_NOT_AGGREGATE",
     "line 1:8: 'x' must be an aggregate expression or appear in GROUP BY clause"),
    ("SELECT\n  t.x,\n  count(*)\nFROM (VALUES 1) AS t(x)", "EXPRESSION_NOT_AGGREGATE",
     "line 2:3: 't.x' must be an aggregate expression or appear in GROUP BY clause"),
    ("SELECT upper(y), count(*) FROM (VALUES (1, 'a')) AS t(x, y) GROUP BY x", "EXPRESSION_NOT_AGGREGATE",
     "line 1:14: 'y' must be an aggregate expression or appear in GROUP BY clause"),
    ("SELECT a.x FROM (VALUES 1) a(x) JOIN (VALUES 1) b(x) ON a.x = b.x WHERE x > 0", "AMBIGUOUS_NAME",
     "line 1:73: Column 'x' is ambiguous"),
    ("SELECT t.nope FROM (VALUES 1) AS t(x)", "COLUMN_NOT_FOUND", f"line 1:8: Column 't.nope' {NOT_RESOLVED}"),
    ('SELECT "user", count(*) FROM (VALUES 1) AS t("user")', "EXPRESSION_NOT_AGGREGATE",
     """line 1:8: '"user"' must be an aggregate expression or appear in GROUP BY clause"""),
    ('SELECT t."user", count(*) FROM (VALUES 1) AS t("user")', "EXPRESSION_NOT_AGGREGATE",
     """line 1:8: 't."user"' must be an aggregate expression or appear in GROUP BY clause"""),
    ("SELECT id,\n  device.model FROM (SELECT 1 AS id, CAST(ROW('ios') AS ROW(os varchar)) AS device)",
     "COLUMN_NOT_FOUND", f"line 2:3: Column 'device.model' {NOT_RESOLVED}"),
    ("SELECT x FROM (VALUES 1) AS t(x) ORDER BY 12", "INVALID_COLUMN_REFERENCE",
     "line 1:43: ORDER BY position 12 is not in select list"),
    ("SELECT count(*) FROM (VALUES 1) AS t(x)\nGROUP BY 2", "INVALID_COLUMN_REFERENCE",
     "line 2:10: GROUP BY position 2 is not in select list"),
    ("SELECT x FROM (VALUES 1) AS t(x)\nUNION ALL SELECT x, x FROM (VALUES 1) AS u(x)", "TYPE_MISMATCH",
     "line 2:1: UNION query has different number of fields: 1, 2"),
    ("SELECT x FROM (VALUES 1) AS t(x)\nWHERE x > 0 AND count(*) > 1", "EXPRESSION_NOT_SCALAR",
     "line 2:7: WHERE clause cannot contain aggregations, window functions or grouping operations: [count(*)]"),
    ("SELECT 1,\n  sum(count(*)) FROM (VALUES 1) AS t(x)", "NESTED_AGGREGATION",
     "line 2:3: Cannot nest aggregations inside aggregation 'sum': [count(*)]"),
    ("SELECT 1 AS n, 'a' AS s\nUNION SELECT 2, 3", "TYPE_MISMATCH",
     "line 2:1: column 2 in UNION query has incompatible types: varchar(1), integer"),
])
def test_column_errors_in_trinos_words(sql, name, message):
    with pytest.raises(EngineError) as caught:
        result_line(sql)
    assert (caught.value.error_name, caught.value.message) == (name, message)


def test_an_aggregation_of_a_subquery_in_where_is_its_own():
    assert result_line("SELECT x FROM (VALUES 1, 2) AS t(x) WHERE x IN (SELECT max(y) FROM (VALUES 2) AS u(y))") == '"2"'
