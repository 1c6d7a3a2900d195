"""Values in a result file as Trino writes them (Athena's result CSV and GetQueryResults)."""
import pytest

from engine_helpers import result_line
from lakebox.engine.text import java_double, java_real


@pytest.mark.parametrize("sql, line", [
    ("SELECT ARRAY[1, 2, NULL]", '"[1, 2, null]"'),
    ("SELECT ARRAY['a', 'b c']", '"[a, b c]"'),
    ("SELECT MAP(ARRAY['k', 'j'], ARRAY[1, NULL])", '"{k=1, j=null}"'),
    ("SELECT CAST(ROW(1, 'x') AS ROW(a integer, b varchar))", '"{a=1, b=x}"'),
    ("SELECT ROW(1, 'x')", '"{field0=1, field1=x}"'),
    ("SELECT ARRAY[CAST(ROW(1, ARRAY[2.5e0]) AS ROW(a integer, b array(double)))]", '"[{a=1, b=[2.5]}]"'),
    ("SELECT MAP(ARRAY['a'], ARRAY[ARRAY[TIMESTAMP '2024-01-01 10:00:00']])", '"{a=[2024-01-01 10:00:00.000]}"'),
    ("SELECT TIMESTAMP '2024-01-01 10:00:00.123456'", '"2024-01-01 10:00:00.123456"'),   # a timestamp(6) literal
    ("SELECT TIME '10:00:01'", '"10:00:01.000"'),
    ("SELECT to_utf8('hello')", '"68 65 6c 6c 6f"'),
    ("SELECT 1e10, 1e-5, 0.5e0, 1234567.5e0, 123456789e0", '"1.0E10","1.0E-5","0.5","1234567.5","1.23456789E8"'),
    ("SELECT CAST(0 AS double), CAST(1 AS double), CAST(1.1 AS real)", '"0.0","1.0","1.1"'),
    ("SELECT CAST('NaN' AS double), CAST('Infinity' AS double), -CAST('Infinity' AS double)",
     '"NaN","Infinity","-Infinity"'),
    ("SELECT CAST(NULL AS array(integer)), CAST(NULL AS double)", ","),
    ("SELECT true, CAST(1.50 AS decimal(5, 2)), DATE '2024-02-29'", '"true","1.50","2024-02-29"'),
    ("SELECT 1 AS a, 2 AS a, x AS a FROM (VALUES 3) AS t(x)", '"1","2","3"'),
    ("SELECT INTERVAL '90' MINUTE, INTERVAL '14' MONTH, INTERVAL '-36' HOUR, INTERVAL '1.5' SECOND",
     '"0 01:30:00.000","1-2","-1 12:00:00.000","0 00:00:01.500"'),
])
def test_values_in_trinos_text_form(sql, line):
    assert result_line(sql) == line


def test_java_number_forms():
    assert [java_double(v) for v in (1e10, 1.5e-7, -2.5e20, 0.001, 9999999.0, 1e7, -0.0, 1e21)] == \
        ["1.0E10", "1.5E-7", "-2.5E20", "0.001", "9999999.0", "1.0E7", "-0.0", "1.0E21"]
    assert java_real(3.4e38) == "3.4E38" and java_real(1e-5) == "1.0E-5"
