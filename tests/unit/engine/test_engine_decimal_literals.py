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
