"""A call whose arguments are of types no signature of the function takes fails as Trino
fails it: FUNCTION_NOT_FOUND at the call, the types and the signatures listed; a call
whose arguments Trino coerces (an integer to a bigint or a double, a date to a timestamp)
runs."""
import pytest

from lakebox.engine import argument_types, dialect

COLUMNS = {"id": "int", "name": "string", "amount": "double", "dt": "string", "day": "date", "ts": "timestamp"}
DATE_FORMAT = ("date_format(timestamp(p), varchar(x)) varchar, "
               "date_format(timestamp(p) with time zone, varchar(x)) varchar")
SUM = ("sum(bigint) bigint, sum(decimal(p,s)) decimal(38,s), sum(double) double, "
       "sum(interval day to second) interval day to second, sum(interval year to month) interval year to month, "
       "sum(real) real")


def refusal(sql):
    return argument_types.unexpected_types(dialect.parse(sql), COLUMNS, sql)


@pytest.mark.parametrize("sql, message", [
    ("SELECT date_format(dt, '%Y-%m') FROM t",
     f"line 1:8: Unexpected parameters (varchar, varchar(5)) for function date_format. Expected: {DATE_FORMAT}"),
    ("SELECT id,\n  sum(name) FROM t GROUP BY id",
     f"line 2:3: Unexpected parameters (varchar) for function sum. Expected: {SUM}"),
    ("SELECT upper(amount) FROM t", "line 1:8: Unexpected parameters (double) for function upper. Expected: "
                                    "upper(char(x)) char(x), upper(varchar(x)) varchar(x)"),
    ("SELECT year(dt) FROM t", "line 1:8: Unexpected parameters (varchar) for function year. Expected: year(date) "
                               "bigint, year(interval year to month) bigint, year(timestamp(p)) bigint, "
                               "year(timestamp(p) with time zone) bigint"),
    ("SELECT regexp_like(id, 'a') FROM t", "line 1:8: Unexpected parameters (integer, varchar(1)) for function "
                                           "regexp_like. Expected: regexp_like(varchar(x), JoniRegExp) boolean"),
    ("SELECT split(amount, ',') FROM t", "line 1:8: Unexpected parameters (double, varchar(1)) for function split. "
                                         "Expected: split(varchar(x), varchar(y)) array(varchar(x)), "
                                         "split(varchar(x), varchar(y), bigint) array(varchar(x))"),
])
def test_arguments_of_no_signature_are_refused(sql, message):
    assert refusal(sql) == ("FUNCTION_NOT_FOUND", message)


@pytest.mark.parametrize("sql", [
    "SELECT substr(name, 1, 2), round(id), round(amount, 2), sum(id), date_format(ts, '%Y') FROM t",
    "SELECT date_diff('day', day, ts), date_add('hour', 1, day), year(day), to_unixtime(day) FROM t",
    "SELECT year(date_parse(dt, '%Y')), upper(CAST(id AS varchar)), sum(DISTINCT id) FROM t",
    "SELECT regexp_like(name, 'a'), regexp_extract(name, '(a)', 1), split(name, ',', 2), split(dt, '-') FROM t",
])
def test_coerced_or_unknown_arguments_pass(sql):
    assert refusal(sql) is None
