"""Queries an analyst writes over a small CSV table of orders, answered as Athena (Trino)
answers them: values in GetQueryResults' text forms and ColumnInfo types."""
import pytest

ORDERS = b"id,name,amount\n1,ann,12.50\n2,bob,7.25\n3,cy,\n"


@pytest.fixture
def orders(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="orders/part-0.csv", Body=ORDERS)
    query(f"""CREATE EXTERNAL TABLE orders (id int, name string, amount decimal(10,2))
              ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
              LOCATION 's3://{bucket}/orders/' TBLPROPERTIES ('skip.header.line.count'='1')""")
    return "orders"


def test_avg_of_a_decimal_as_a_window_and_with_a_filter(query, orders):
    # avg(decimal(10,2)) is a decimal(10,2) rounded half up, over a window and filtered too
    _, rows, columns = query(
        "SELECT id, avg(amount) OVER () AS overall, "
        "avg(amount) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS moving, "
        "avg(amount) FILTER (WHERE id > 1) OVER () AS later FROM orders ORDER BY id")
    assert rows[1:] == [["1", "9.88", "12.50", "7.25"], ["2", "9.88", "9.88", "7.25"], ["3", "9.88", "7.25", "7.25"]]
    assert [c["Type"] for c in columns] == ["integer", "decimal", "decimal", "decimal"]
    _, rows, _ = query("SELECT avg(amount) FILTER (WHERE id > 1) AS later, "
                       "typeof(avg(amount) FILTER (WHERE id > 1)) AS kind FROM orders")
    assert rows[1] == ["7.25", "decimal(10,2)"]


@pytest.mark.parametrize("sql, message", [
    ("SELECT CAST(name AS boolean) FROM orders", "Cannot cast 'ann' to BOOLEAN"),
    ("SELECT CAST(name AS real) FROM orders", "Cannot cast 'ann' to REAL"),
    ("SELECT CAST(name AS decimal(4,1)) FROM orders",
     "Cannot cast VARCHAR 'ann' to DECIMAL(4, 1). Value is not a number."),
    ("SELECT CAST('12345.6' AS decimal(4,1))", "Cannot cast VARCHAR '12345.6' to DECIMAL(4, 1). Value too large."),
])
def test_a_text_cast_to_a_type_it_is_not_names_the_type(query, athena, orders, sql, message):
    # Trino's VarcharOperators / DecimalCasts words: the type's SQL name, and for a decimal why it failed
    execution, _, _ = query(sql, expect="FAILED")
    assert execution["Status"]["AthenaError"]["ErrorType"] == 1000
    assert execution["Status"]["StateChangeReason"] == f"INVALID_CAST_ARGUMENT: {message}"


def test_with_timezone_is_a_timestamp_with_time_zone(query):
    # Trino's with_timezone(timestamp(p), zone) is a timestamp(p) with time zone, of the wall clock given
    _, rows, columns = query(
        "SELECT with_timezone(TIMESTAMP '2024-03-07 12:00:00', 'Asia/Tokyo') AS tokyo, "
        "typeof(with_timezone(TIMESTAMP '2024-03-07 12:00:00', 'Asia/Tokyo')) AS kind")
    assert rows[1] == ["2024-03-07 12:00:00.000 Asia/Tokyo", "timestamp(3) with time zone"]
    assert [c["Type"] for c in columns] == ["timestamp with time zone", "varchar"]
