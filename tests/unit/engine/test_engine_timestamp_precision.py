"""date_trunc of a column keeps the column's own type (a timestamp(6) stays one)."""
from lakebox.engine import dialect


def test_a_column_is_truncated_by_difference():
    sql = dialect.translate(dialect.parse("SELECT date_trunc('hour', ts), date_trunc('day', max(ts)), "
                                          "date_trunc('day', ts + INTERVAL '1' HOUR) FROM t GROUP BY ts"))
    assert "ts - (ts - DATE_TRUNC('HOUR', ts))" in sql
    assert "MAX(ts) - (MAX(ts) - DATE_TRUNC('DAY', MAX(ts)))" in sql
    assert "DATE_TRUNC('DAY', ts + INTERVAL '1' HOUR)" in sql
