"""Where Trino fails a query, or answers where DuckDB fails: lakebox answers as Trino
does, never with a different value."""
import pytest

from lakebox.engine import EngineError
from engine_helpers import result_line

TRINO_ANSWERS = [
    ("CAST('12' AS integer), CAST('-3' AS bigint), CAST(1.5 AS integer), CAST(NULL AS integer)", '"12","-3","2",'),
    ("TRY_CAST('1.5' AS integer), TRY_CAST('7' AS bigint), TRY_CAST('x' AS smallint)", ',"7",'),
    ("5 IN (1, 5), 2.5 IN (1, 2.5), 'a' NOT IN ('b', 'cc'), DATE '2024-01-01' IN (DATE '2024-01-01')",
     '"true","true","true","true"'),
    ("date_add('week', 1, DATE '2024-01-01'), date_diff('hour', TIMESTAMP '2024-01-01 00:00:00', "
     "TIMESTAMP '2024-01-02 00:00:00'), date_trunc('quarter', DATE '2024-05-05')", '"2024-01-08","24","2024-04-01"'),
    ("json_parse('[1, 2]'), try(json_parse('x')), json_extract_scalar('{\"a\": {\"b\": 1}}', '$.a.b')",
     '"[1,2]",,"1"'),
    ("CAST(' 2024-1-5 ' AS date), CAST('2024-01-01 10:00' AS timestamp), TRY_CAST('2024-01-01T10:00:00' AS "
     "timestamp), try(CAST('2024-02-30' AS date))", '"2024-01-05","2024-01-01 10:00:00.000",,'),
    ("ARRAY[1, 2, 3][2], ARRAY[1, 2, 3][1 + 2], element_at(ARRAY[1, 2, 3], 5), element_at(ARRAY[1, 2, 3], -1)",
     '"2","3",,"3"'),
    ("MAP(ARRAY['k'], ARRAY[1])['k'], element_at(MAP(ARRAY['k'], ARRAY[1]), 'x')", '"1",'),
    ("1e0 / 0e0, 0e0 / 0e0, -1e0 / 0, 1e0 / 2, CAST(NULL AS double) / 0, CAST(5 AS double) / 0",
     '"Infinity","NaN","-Infinity","0.5",,"Infinity"'),
    ("7 / 2, 1.5 / 0.5", '"3","3.0"'),
    ("corr(x, y), covar_samp(x, y), covar_pop(x, y), stddev(x), stddev_pop(x) "
     "FROM (VALUES (1.0e0, 2.0e0)) AS t(x, y)", ',,"0.0",,"0.0"'),
    ("corr(x, y) FROM (VALUES (1e0, 2e0), (2e0, 5e0)) AS t(x, y)", '"1.0"'),
    ("corr(x, y) OVER () FROM (VALUES (1e0, 2e0)) AS t(x, y)", ""),
    ("CAST(CAST(ROW(1, 'a') AS ROW(v1 integer, v2 varchar)) AS JSON)", '"{""v1"":1,""v2"":""a""}"'),
    ("CAST(ROW(1, 'a', NULL, ARRAY[2]) AS JSON)", '"{"""":1,"""":""a"","""":null,"""":[2]}"'),
    ("reverse(ARRAY[1, 2, 3]), reverse('abc')", '"[3, 2, 1]","cba"'),
    ("length(to_utf8('h\u00e9llo')), length('h\u00e9llo'), length(from_base64('aGk='))", '"6","5","2"'),
    ("ARRAY[1, 2] || 3, 0 || ARRAY[1, 2], ARRAY[1] || ARRAY[2], 'a' || 'b'", '"[1, 2, 3]","[0, 1, 2]","[1, 2]","ab"'),
    ("sign(-3), typeof(sign(-3)), sign(-3e0), sign(CAST(2 AS bigint)), typeof(sign(CAST(2 AS real)))",
     '"-1","integer","-1.0","1","real"'),
    ("sign(nan()), sign(-infinity()), sign(DECIMAL '-1.5'), typeof(sign(DECIMAL '1.5'))",
     '"NaN","-1.0","-1","decimal(1,0)"'),
]


@pytest.mark.parametrize("select, line", TRINO_ANSWERS)
def test_trinos_answers(select, line):
    assert result_line("SELECT " + select) == line


CONCAT_EXPECTED = ("Expected: concat(E, array(E)) E, concat(array(E)) E, concat(array(E), E) E, "
                   "concat(char(x), char(y)), concat(varbinary), concat(varchar)")
AVG_EXPECTED = ("Expected: avg(bigint) double, avg(decimal(p,s)) decimal(p,s), avg(double) double, "
                "avg(interval day to second) interval day to second, "
                "avg(interval year to month) interval year to month, avg(real) real")
TRINO_FAILURES = [
    ("CAST('1.5' AS integer)", "INVALID_CAST_ARGUMENT", "Cannot cast '1.5' to INT"),
    ("CAST('1.5' AS bigint)", "INVALID_CAST_ARGUMENT", "Cannot cast '1.5' to BIGINT"),
    ("CAST(' 7' AS smallint)", "INVALID_CAST_ARGUMENT", "Cannot cast ' 7' to SMALLINT"),
    ("CAST('99999999999' AS integer)", "INVALID_CAST_ARGUMENT", "Cannot cast '99999999999' to INT"),
    ("x FROM (VALUES 1) AS t(x) WHERE 'a' IN (1, 2)", "TYPE_MISMATCH",
     "line 1:44: IN value and list items must be the same type or coercible to a common type. Cannot find common "
     "type between varchar(1) and integer, all types (without duplicates): [varchar(1), integer]"),
    ("x FROM (VALUES 1) AS t(x) WHERE 5 NOT IN (1, '2', '2')", "TYPE_MISMATCH",
     "line 1:42: IN value and list items must be the same type or coercible to a common type. Cannot find common "
     "type between integer and varchar(1), all types (without duplicates): [integer, varchar(1)]"),
    ("json_extract_scalar('{\"a\": {\"b\": 1}}', 'a.b')", "INVALID_FUNCTION_ARGUMENT", "Invalid JSON path: 'a.b'"),
    ("json_parse(x) FROM (VALUES '{\"a\": 1}', '{\"a\":') AS t(x)", "INVALID_FUNCTION_ARGUMENT",
     "Cannot convert value to JSON: '{\"a\":'"),
    # functions of other dialects that Trino does not have
    ("nvl(x, 0) FROM (VALUES 1) AS t(x)", "FUNCTION_NOT_FOUND", "line 1:8: Function 'nvl' not registered"),
    ("1,\n  len('abc')", "FUNCTION_NOT_FOUND", "line 2:3: Function 'len' not registered"),
    ("datediff('day', DATE '2024-01-01', DATE '2024-01-02')", "FUNCTION_NOT_FOUND",
     "line 1:8: Function 'datediff' not registered"),
    # a unit that is no field of the value's type (DuckDB takes plurals)
    ("date_add('days', 1, DATE '2024-01-01')", "INVALID_FUNCTION_ARGUMENT", "'days' is not a valid DATE field"),
    ("date_trunc('hour', DATE '2024-01-01')", "INVALID_FUNCTION_ARGUMENT", "'hour' is not a valid DATE field"),
    ("date_diff('Hours', TIMESTAMP '2024-01-01 00:00:00', now())", "INVALID_FUNCTION_ARGUMENT",
     "'hours' is not a valid TIMESTAMP field"),
    # Trino reads a date, then a time after spaces: no `T`, no zone, no 31st of February
    ("CAST('2024-01-01T10:00:00' AS timestamp)", "INVALID_CAST_ARGUMENT",
     "Value cannot be cast to timestamp: 2024-01-01T10:00:00"),
    ("CAST(x AS timestamp) FROM (VALUES '2024-01-01 10:00:00Z') AS t(x)", "INVALID_CAST_ARGUMENT",
     "Value cannot be cast to timestamp: 2024-01-01 10:00:00Z"),
    ("CAST('2024-02-30' AS date)", "INVALID_CAST_ARGUMENT", "Value cannot be cast to date: 2024-02-30"),
    ("CAST('2024-01-01 10:00:00' AS date)", "INVALID_CAST_ARGUMENT",
     "Value cannot be cast to date: 2024-01-01 10:00:00"),
    ("ARRAY[1, 2, 3][5]", "INVALID_FUNCTION_ARGUMENT",
     "Array subscript must be less than or equal to array length: 5 > 3"),
    ("ARRAY[1, 2, 3][0]", "INVALID_FUNCTION_ARGUMENT", "SQL array indices start at 1"),
    ("ARRAY[1, 2, 3][-1]", "INVALID_FUNCTION_ARGUMENT", "Array subscript is negative: -1"),
    ("MAP(ARRAY['k'], ARRAY[1])['x']", "INVALID_FUNCTION_ARGUMENT", "Key not present in map: x"),
    ("1 / 0", "DIVISION_BY_ZERO", "Division by zero"),
    ("8 + 'x'", "TYPE_MISMATCH", "line 1:10: Cannot apply operator: integer + varchar(1)"),
    ("8 != 'x'", "TYPE_MISMATCH", "line 1:10: Cannot apply operator: integer = varchar(1)"),
    ("x FROM (VALUES 1) AS t(x) WHERE 'a' >= 3", "TYPE_MISMATCH",
     "line 1:44: Cannot apply operator: varchar(1) <= integer"),
    ("1.5 *\n  'abc'", "TYPE_MISMATCH", "line 1:12: Cannot apply operator: decimal(2,1) * varchar(3)"),
    ("'a' || 1", "FUNCTION_NOT_FOUND", "line 1:12: Unexpected parameters (varchar(1), integer) for function concat. "
     + CONCAT_EXPECTED),
    ("1,\n  2.5 || 'ab'", "FUNCTION_NOT_FOUND",
     "line 2:7: Unexpected parameters (decimal(2,1), varchar(2)) for function concat. " + CONCAT_EXPECTED),
    ("avg(current_date)", "FUNCTION_NOT_FOUND", "line 1:8: Unexpected parameters (date) for function avg. "
     + AVG_EXPECTED),
    ("1,\n  AVG (DISTINCT CAST(x AS date)) FROM (VALUES '2024-01-01') t(x)", "FUNCTION_NOT_FOUND",
     "line 2:3: Unexpected parameters (date) for function avg. " + AVG_EXPECTED),
    ("DATE '2024-01-01' = '2024-01-01'", "TYPE_MISMATCH", "line 1:26: Cannot apply operator: date = varchar(10)"),
    # a text compared with the clock, or with a TIMESTAMP literal: Trino never casts it
    ("'2024-01-01' > now() - interval '1' day", "TYPE_MISMATCH",
     "line 1:21: Cannot apply operator: varchar(10) < timestamp(3) with time zone"),
    ("'2024-01-01' >= current_date", "TYPE_MISMATCH", "line 1:21: Cannot apply operator: varchar(10) <= date"),
    ("'2024-01-01' < TIMESTAMP '2024-01-02 00:00:00'", "TYPE_MISMATCH",
     "line 1:21: Cannot apply operator: varchar(10) < timestamp(3)"),
    ("from_iso8601_timestamp('2024-03-10 01:30:00')", "INVALID_FUNCTION_ARGUMENT",
     'Invalid format: "2024-03-10 01:30:00" is malformed at " 01:30:00"'),
    ("hour(from_iso8601_timestamp(x)) FROM (VALUES '2024-03-10 01:30:00') AS t(x)", "INVALID_FUNCTION_ARGUMENT",
     'Invalid format: "2024-03-10 01:30:00" is malformed at " 01:30:00"'),
    ("s FROM (VALUES 'a') AS t(s) WHERE s LIKE 1", "TYPE_MISMATCH",
     "line 1:49: Pattern for LIKE expression must evaluate to a varchar (actual: integer)"),
    ("5 LIKE 'a'", "TYPE_MISMATCH", "line 1:8: Left side of LIKE expression must evaluate to a varchar (actual: integer)"),
    # a number and a date or timestamp take no operator together (DuckDB adds days to a date)
    ("DATE '2024-01-01' + 1", "TYPE_MISMATCH", "line 1:26: Cannot apply operator: date + integer"),
    ("5 = DATE '2024-01-01'", "TYPE_MISMATCH", "line 1:10: Cannot apply operator: integer = date"),
    # a column of VALUES is typed as its values are (query_types)
    ("x + 'a' FROM (VALUES 1) AS t(x)", "TYPE_MISMATCH", "line 1:10: Cannot apply operator: integer + varchar(1)"),
    ("1.5 / 0", "DIVISION_BY_ZERO", "Division by zero"),
    ("CAST(12345678901 AS integer)", "NUMERIC_VALUE_OUT_OF_RANGE", "Out of range for integer: 12345678901"),
    ("CAST(300 AS tinyint)", "NUMERIC_VALUE_OUT_OF_RANGE", "Out of range for tinyint: 300"),
]


@pytest.mark.parametrize("select, name, message", TRINO_FAILURES)
def test_trinos_failures(select, name, message):
    with pytest.raises(EngineError) as raised:
        result_line("SELECT " + select)
    assert (raised.value.error_name, raised.value.message) == (name, message)

