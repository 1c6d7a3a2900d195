"""Athena engine 3 (Trino) functions a data engineer reaches for, answered as Trino
answers them (https://trino.io/docs/current/functions.html): numeric_histogram,
from_unixtime_nanos (a timestamp(9) with time zone), slice with a negative start,
entropy of counts, weighted approx_percentile, reduce with a finishing function,
map_entries' rows of unnamed fields (field0, field1, as Athena shows a ROW), regexp_position, array_sort with a comparator."""


def test_numeric_histogram_over_a_table(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="latency/part-0.csv", Body=b"a,1.0\nb,2.0\nc,10.0\nd,11.0\ne,\n")
    query(f"CREATE EXTERNAL TABLE latency (host string, ms double) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
          f"LOCATION 's3://{bucket}/latency/'")
    _, rows, columns = query("SELECT numeric_histogram(2, ms) AS buckets, numeric_histogram(10, ms) AS every "
                             "FROM latency")
    assert rows[1] == ["{1.5=2.0, 10.5=2.0}", "{1.0=1.0, 2.0=1.0, 10.0=1.0, 11.0=1.0}"]
    assert [column["Type"] for column in columns] == ["map", "map"]


def test_numeric_histogram_needs_two_buckets(query):
    execution, _, _ = query("SELECT numeric_histogram(1, x) FROM (VALUES 1.0) AS t(x)", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == \
        "INVALID_FUNCTION_ARGUMENT: numeric_histogram bucket count must be greater than one"


def test_from_unixtime_nanos_keeps_its_nanoseconds(query):
    _, rows, columns = query(
        "SELECT from_unixtime_nanos(1704110400123456789) AS t, typeof(from_unixtime_nanos(0)) AS kind, "
        "to_iso8601(from_unixtime_nanos(1704110400123456789)) AS iso, "
        "CAST(from_unixtime_nanos(1704110400123456789) AS date) AS day")
    assert rows[1] == ["2024-01-01 12:00:00.123456789 UTC", "timestamp(9) with time zone",
                       "2024-01-01T12:00:00.123456789Z", "2024-01-01"]
    assert columns[0]["Type"] == "timestamp with time zone"


def test_array_map_and_aggregate_functions(query):
    _, rows, _ = query(
        "SELECT slice(ARRAY[1, 2, 3, 4], 2, 2) AS s1, slice(ARRAY[1, 2, 3, 4], -2, 1) AS s2, "
        "reduce(ARRAY[1, 2, 3], 0, (s, x) -> s + x, s -> s * 10) AS r, "
        "map_entries(MAP(ARRAY['a'], ARRAY[1])) AS entries, regexp_position('a1b22', '[0-9]+') AS pos")
    assert rows[1] == ["[2, 3]", "[3]", "60", "[{field0=a, field1=1}]", "2"]      # unnamed fields, as Athena shows ROW(...)
    _, rows, _ = query("SELECT array_sort(ARRAY['bb', 'a', 'cc'], (x, y) -> IF(length(x) < length(y), -1, "
                       "IF(length(x) = length(y), 0, 1))) AS by_length")
    assert rows[1] == ["[a, bb, cc]"]
    _, rows, _ = query("SELECT entropy(c) AS e, approx_percentile(x, c, 0.5) AS weighted "
                       "FROM (VALUES (1, 1), (2, 1), (3, 10)) AS t(x, c)")
    assert rows[1] == ["0.8166890883150204", "3"]
