"""Trino's answers to an analyst's UNNEST ... WITH ORDINALITY (rows as they come, in
array order) and to functions Athena (engine 3) has: the bitwise shifts, the time zone
of a timestamp with time zone, length of a char(n), url_extract_parameter."""


def json_table(query, s3, bucket, name, columns, body):
    """A table of JSON lines (the OpenX SerDe) named `name`, of `columns`, holding `body`."""
    s3.put_object(Bucket=bucket, Key=f"{name}/part-0.json", Body=body)
    query(f"CREATE EXTERNAL TABLE {name} ({columns}) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
          f"LOCATION 's3://{bucket}/{name}/'")


def test_unnest_with_ordinality_keeps_the_array_order(query, s3, bucket):
    # Trino yields an array's elements in order, numbered 1..n, with no ORDER BY too
    json_table(query, s3, bucket, "steps", "id int, path array<string>",
               b'{"id": 1, "path": ["home", "cart", "pay"]}\n')
    _, rows, columns = query("SELECT id, page, n FROM steps CROSS JOIN UNNEST(path) WITH ORDINALITY AS t(page, n)")
    assert rows[1:] == [["1", "home", "1"], ["1", "cart", "2"], ["1", "pay", "3"]]
    assert [c["Type"] for c in columns] == ["integer", "varchar", "bigint"]
    _, rows, _ = query("SELECT page, n FROM steps CROSS JOIN UNNEST(path) WITH ORDINALITY AS t(page, n) "
                       "WHERE n > 1")
    assert rows[1:] == [["cart", "2"], ["pay", "3"]]
    _, rows, _ = query("SELECT x, n FROM UNNEST(ARRAY['c', 'b', 'a']) WITH ORDINALITY AS t(x, n)")
    assert rows[1:] == [["c", "1"], ["b", "2"], ["a", "3"]]


def test_bitwise_shifts_wrap_in_the_values_width(query):
    # Trino's examples (functions/bitwise), and Java's shifts: 32 bits for an integer
    _, rows, _ = query(
        "SELECT bitwise_left_shift(1, 2), bitwise_left_shift(5, 2), bitwise_left_shift(20, 0), "
        "bitwise_left_shift(0, 1), bitwise_left_shift(1, 31), bitwise_left_shift(CAST(1 AS bigint), 63), "
        "bitwise_left_shift(CAST(3 AS tinyint), 7)")
    assert rows[1] == ["4", "20", "20", "0", "-2147483648", "-9223372036854775808", "-128"]
    _, rows, _ = query(
        "SELECT bitwise_right_shift(8, 3), bitwise_right_shift(9, 1), bitwise_right_shift(20, 0), "
        "bitwise_right_shift(12, 64), bitwise_right_shift(-1, 28), bitwise_right_shift(CAST(-1 AS bigint), 60)")
    assert rows[1] == ["1", "4", "20", "0", "15", "15"]
    _, rows, _ = query(
        "SELECT bitwise_right_shift_arithmetic(-8, 1), bitwise_right_shift_arithmetic(12, 2), "
        "bitwise_right_shift_arithmetic(-12, 64), bitwise_right_shift_arithmetic(12, 64)")
    assert rows[1] == ["-4", "3", "-1", "0"]
    _, _, columns = query("SELECT bitwise_left_shift(1, 2) AS i, bitwise_right_shift(CAST(9 AS tinyint), 1) AS t, "
                          "bitwise_right_shift_arithmetic(CAST(-9 AS smallint), 1) AS s, "
                          "bitwise_left_shift(CAST(1 AS bigint), 2) AS b")
    assert [c["Type"] for c in columns] == ["integer", "tinyint", "smallint", "bigint"]


def test_timezone_hour_and_minute_of_a_timestamp_with_time_zone(query):
    # the offset of the value's zone at its instant; Java's division keeps the sign on both
    _, rows, columns = query(
        "SELECT timezone_hour(TIMESTAMP '2024-01-15 10:00:00 America/New_York') AS ny_winter, "
        "timezone_hour(TIMESTAMP '2024-07-15 10:00:00 America/New_York') AS ny_summer, "
        "timezone_hour(TIMESTAMP '2024-01-15 10:00:00 Asia/Kolkata') AS ist_hour, "
        "timezone_minute(TIMESTAMP '2024-01-15 10:00:00 Asia/Kolkata') AS ist_minute, "
        "timezone_hour(TIMESTAMP '2024-07-15 10:00:00 America/St_Johns') AS nl_hour, "
        "timezone_minute(TIMESTAMP '2024-07-15 10:00:00 America/St_Johns') AS nl_minute, "
        "timezone_hour(TIMESTAMP '2024-01-15 10:00:00 UTC') AS utc, "
        "timezone_minute(from_iso8601_timestamp('2024-01-15T10:00:00+05:45')) AS iso_minute")
    assert rows[1] == ["-5", "-4", "5", "30", "-2", "-30", "0", "45"]
    assert {c["Type"] for c in columns} == {"bigint"}


def test_length_of_a_char_is_its_declared_length(query):
    # a char(n) is padded with spaces to n characters
    _, rows, columns = query("SELECT length(CAST('ab' AS char(5))) AS padded, length(CAST('abc' AS char(3))) AS full, "
                             "length(CAST(NULL AS char(4))) AS missing")
    assert rows[1] == ["5", "3", None]
    assert columns[0]["Type"] == "bigint"


def test_url_parts_are_percent_decoded(query):
    # Trino reads the parts with java.net.URI's getQuery / getPath / getFragment, which decode
    # the %XX escapes (a '+' stays) before the query is split into parameters
    url = "'https://shop.example/caf%C3%A9/p?q=red%20shoes&sort=price%2Bdesc&tag=a+b&x=1%262#top%20part'"
    _, rows, _ = query(
        f"SELECT url_extract_parameter({url}, 'q'), url_extract_parameter({url}, 'sort'), "
        f"url_extract_parameter({url}, 'tag'), url_extract_parameter({url}, 'x'), url_extract_parameter({url}, '2'), "
        f"url_extract_query({url}), url_extract_path({url}), url_extract_fragment({url})")
    assert rows[1] == ["red shoes", "price+desc", "a+b", "1", "", "q=red shoes&sort=price+desc&tag=a+b&x=1&2",
                       "/café/p", "top part"]
    _, rows, _ = query("SELECT url_extract_parameter('http://example.com/p?k1=v1&k2=v2&k3&k4#Ref1', 'k2'), "
                       "url_extract_parameter('http://example.com/p?k=a=b=c&x=y', 'k'), "
                       "url_extract_parameter('http://example.com/p?k1=v1', 'k5')")
    assert rows[1] == ["v2", "a=b=c", None]
