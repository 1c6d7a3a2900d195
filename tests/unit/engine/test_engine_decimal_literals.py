"""A DECIMAL literal is typed by its digits in Trino (`DECIMAL '0.50'` is a decimal(2,2),
Trino's Decimals.parse), and a decimal whose digits are all after the point is written
with its 0 (`0.50`, as Java's BigDecimal); DuckDB's CAST AS DECIMAL is a decimal(18,3),
and its text of a decimal(2,2) is `.50`."""
from engine_helpers import result_line


def test_a_decimal_literal_has_the_type_of_its_digits():
    sql = ("SELECT DECIMAL '0.50', typeof(DECIMAL '0.50'), DECIMAL '123.4', typeof(DECIMAL '-5'), "
           "typeof(DECIMAL '007.10'), 3 * DECIMAL '0.50', typeof(3 * DECIMAL '0.50')")
    assert result_line(sql) == '"0.50","decimal(2,2)","123.4","decimal(1,0)","decimal(3,2)","1.50","decimal(12,2)"'


def test_a_decimal_of_only_a_fraction_is_written_with_its_zero():
    sql = "SELECT DECIMAL '-0.07', CAST(0.5 AS decimal(1,1)), ARRAY[DECIMAL '0.25']"
    assert result_line(sql) == '"-0.07","0.5","[0.25]"'


def test_a_values_column_of_decimals_is_a_decimal_that_holds_every_row():
    """avg of a decimal is a decimal of its type (rounded half up), also over a VALUES list."""
    sql = ("SELECT avg(x), typeof(avg(x)), (SELECT avg(p) FROM (VALUES ('a', DECIMAL '1.50'), ('b', DECIMAL '2.25')) "
           "t(k, p)) FROM (VALUES 1.5, 10.25) t(x)")
    assert result_line(sql) == '"5.88","decimal(4,2)","1.88"'


def test_a_cast_to_decimal_of_no_precision_is_a_decimal_38_0():
    sql = "SELECT CAST('0.50' AS DECIMAL), typeof(CAST('0.50' AS DECIMAL)), CAST(2.5 AS decimal), CAST('1.49' AS decimal)"
    assert result_line(sql) == '"1","decimal(38,0)","3","1"'
