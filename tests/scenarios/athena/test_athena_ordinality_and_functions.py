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

