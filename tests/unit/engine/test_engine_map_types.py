"""A map the query itself makes (in a subquery, a CTE, a VALUES list, by a cast or a map
function) is unnested into its keys and values, as Trino unnests a map column of a table
(`UNNEST(m) AS t(k, v)`); DuckDB's UNNEST takes one list."""
import pytest
from engine_helpers import result_line

CASES = [
    ("WITH x AS (SELECT map_filter(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), (k, v) -> v > 1) AS m) "
     "SELECT k, v FROM x CROSS JOIN UNNEST(m) AS u(k, v)", '"b","2"'),
    ("SELECT k, v FROM (SELECT MAP(ARRAY['a'], ARRAY[7]) AS mm) s CROSS JOIN UNNEST(mm) AS u(k, v)", '"a","7"'),
    ("SELECT id, k, v FROM (VALUES (1, MAP(ARRAY['x'], ARRAY[3]))) t(id, m) CROSS JOIN UNNEST(m) AS u(k, v)",
     '"1","x","3"'),
    ("SELECT k, v FROM UNNEST(CAST(json_parse('{\"b\": [1]}') AS MAP(VARCHAR, JSON))) AS u(k, v)", '"b","[1]"'),
    ("SELECT k, v, o FROM (SELECT transform_values(MAP(ARRAY['a'], ARRAY[1]), (k, v) -> v * 10) AS m) s "
     "CROSS JOIN UNNEST(m) WITH ORDINALITY AS u(k, v, o)", '"a","10","1"'),
]


@pytest.mark.parametrize("sql, line", CASES)
def test_a_map_the_query_makes_unnests_to_keys_and_values(sql, line):
    assert result_line(sql) == line


def test_a_map_an_aggregate_makes_is_cast_to_json_with_its_keys_in_order():
    sql = ("SELECT json_format(CAST(map_agg(k, v) AS JSON)) FROM (VALUES ('plum', 4), ('apple', 5)) t(k, v)")
    assert result_line(sql) == '"{""apple"":5,""plum"":4}"'


def test_a_name_the_query_gives_to_a_map_and_to_an_array_is_not_taken_for_a_map():
    sql = ("WITH a AS (SELECT MAP(ARRAY['k'], ARRAY[1]) AS m), b AS (SELECT ARRAY[1, 2] AS m) "
           "SELECT json_format(CAST(m AS JSON)) FROM b")
    assert result_line(sql) == '"[1,2]"'
