"""A billing engineer reconciles invoice lines kept as CSV, prices as doubles and tax
rates as decimals, through pyathena. Amounts become whole cents with CAST(... AS
bigint), which rounds a double's half away from zero as Trino does (a DuckDB-style half
to even would lose a cent on every .5); decimals round half up and doubles by their
binary value; truncate cuts toward zero; a refund's remainder keeps the dividend's sign;
integer division truncates; an average of quantities becomes whole units the same way.
A line whose quantity overflows an integer, a rate divided by a zero count and the
absolute value of the smallest bigint fail with Trino's own error names and words."""
from decimal import Decimal

import pytest

from trip_helpers import athena_failure, pyathena_connect

LINES = """1,widget,2.5,1,0.125
2,gadget,0.125,20,0.075
3,refund,-2.5,1,0.000
4,bolt,1.005,1000,0.200
"""


@pytest.fixture
def invoices(lakebox_server, client, bucket, database):
    client("s3").put_object(Bucket=bucket, Key="lines/lines.csv", Body=LINES.encode())
    cursor = pyathena_connect(lakebox_server, bucket, database).cursor()
    cursor.execute(f"""CREATE EXTERNAL TABLE lines (id int, item string, price double, qty int,
                                                    tax_rate decimal(4,3))
                       ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
                       LOCATION 's3://{bucket}/lines/'""")
    return cursor


def test_amounts_in_whole_cents_and_units(invoices):
    invoices.execute("""SELECT id, CAST(price AS integer) AS whole_units, CAST(price * qty * 100 AS bigint) AS cents,
                               CAST(price * qty AS smallint) AS small_units, TRY_CAST(price AS tinyint) AS tiny
                        FROM lines ORDER BY id""")
    assert invoices.fetchall() == [(1, 3, 250, 3, 3), (2, 0, 250, 3, 0), (3, -3, -250, -3, -3),
                                   (4, 1, 100500, 1005, 1)]


def test_decimals_round_half_up_doubles_by_their_value(invoices):
    invoices.execute("""SELECT id, round(tax_rate, 2), round(price, 2), truncate(price, 1), truncate(tax_rate, 1),
                               typeof(round(tax_rate, 2))
                        FROM lines ORDER BY id""")
    assert invoices.fetchall() == [
        (1, Decimal("0.130"), 2.5, 2.5, Decimal("0.100"), "decimal(5,3)"),
        (2, Decimal("0.080"), 0.13, 0.1, Decimal("0.000"), "decimal(5,3)"),
        (3, Decimal("0.000"), -2.5, -2.5, Decimal("0.000"), "decimal(5,3)"),
        (4, Decimal("0.200"), 1.0, 1.0, Decimal("0.200"), "decimal(5,3)")]
    assert [(name, kind, precision, scale) for name, kind, _, _, precision, scale, _ in invoices.description] == [
        ("id", "integer", 10, 0), ("_col1", "decimal", 5, 3), ("_col2", "double", 17, 0), ("_col3", "double", 17, 0),
        ("_col4", "decimal", 4, 3), ("_col5", "varchar", 2147483647, 0)]


def test_remainders_and_integer_division(invoices):
    invoices.execute("""SELECT qty * -7 % 3, mod(qty * -7, 3), qty * 7 / 2, qty * -7 / 2, qty / 3e0
                        FROM lines WHERE id = 1""")
    assert invoices.fetchall() == [(-1, -1, 3, -3, 1 / 3)]


def test_overflow_and_division_by_zero(client, bucket, database, invoices):
    athena, output = client("athena"), f"s3://{bucket}/results/"
    assert athena_failure(athena, "SELECT qty + 2147483647 FROM lines WHERE id = 1", database, output) == \
        "NUMERIC_VALUE_OUT_OF_RANGE: integer addition overflow: 1 + 2147483647"
    assert athena_failure(athena, "SELECT sum(qty) / count_if(qty > 5000) FROM lines", database, output) == \
        "DIVISION_BY_ZERO: Division by zero"
    assert athena_failure(athena, "SELECT CAST(price * 1e10 AS integer) FROM lines WHERE id = 1", database,
                          output) == "NUMERIC_VALUE_OUT_OF_RANGE: Out of range for integer: 2.5E10"
    assert athena_failure(athena, "SELECT abs(qty * -9223372036854775807 - 1) FROM lines WHERE id = 1", database,
                          output) == \
        "NUMERIC_VALUE_OUT_OF_RANGE: Value -9223372036854775808 is out of range for abs(bigint)"


def test_averages_in_whole_units(invoices):
    invoices.execute("""SELECT CAST(avg(qty) AS integer), CAST(avg(qty) AS bigint), CAST(max(price) AS integer),
                               CAST(min(price) * 20 AS smallint), CAST(DOUBLE '0.5' AS bigint)
                        FROM lines WHERE id IN (1, 2)""")
    assert invoices.fetchall() == [(11, 11, 3, 3, 1)]
