"""Queries an analyst writes over a small CSV table of orders, answered as Athena (Trino)
answers them: values in GetQueryResults' text forms and ColumnInfo types."""
import pytest

ORDERS = b"id,name,amount\n1,ann,12.50\n2,bob,7.25\n3,cy,\n"


def failure(query, sql):
    """The reason a query failed, a user's error (ErrorType 1000)."""
    execution, _, _ = query(sql, expect="FAILED")
    assert execution["Status"]["AthenaError"]["ErrorType"] == 1000
    return execution["Status"]["StateChangeReason"]


def json_table(query, s3, bucket, name, columns, body):
    """A table of JSON lines (the OpenX SerDe) named `name`, of `columns`, holding `body`."""
    s3.put_object(Bucket=bucket, Key=f"{name}/part-0.json", Body=body)
    query(f"CREATE EXTERNAL TABLE {name} ({columns}) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
          f"LOCATION 's3://{bucket}/{name}/'")


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
    assert failure(query, sql) == f"INVALID_CAST_ARGUMENT: {message}"


def test_with_timezone_is_a_timestamp_with_time_zone(query):
    # Trino's with_timezone(timestamp(p), zone) is a timestamp(p) with time zone, of the wall clock given
    _, rows, columns = query(
        "SELECT with_timezone(TIMESTAMP '2024-03-07 12:00:00', 'Asia/Tokyo') AS tokyo, "
        "typeof(with_timezone(TIMESTAMP '2024-03-07 12:00:00', 'Asia/Tokyo')) AS kind")
    assert rows[1] == ["2024-03-07 12:00:00.000 Asia/Tokyo", "timestamp(3) with time zone"]
    assert [c["Type"] for c in columns] == ["timestamp with time zone", "varchar"]


def test_strpos_of_the_nth_instance(query):
    # Trino: the N-th instance (overlapping), from the end when N is negative, 0 when fewer
    _, rows, columns = query(
        "SELECT strpos('abc/xyz/foo/bar', '/', 2) AS second, strpos('abc/xyz/foo/bar', '/', -1) AS last, "
        "strpos('abc/xyz/foo/bar', '/', 4) AS fourth, strpos('aaaa', 'aa', 2) AS overlapping, "
        "strpos('aaaa', 'aa', -2) AS from_end, strpos('héllo', 'l', 1) AS in_characters, "
        "strpos('abc', '', 3) AS empty")
    assert rows[1] == ["8", "12", "0", "2", "2", "3", "1"]
    assert {c["Type"] for c in columns} == {"bigint"}
    assert failure(query, "SELECT strpos('abc/xyz', '/', 0)") == \
        "INVALID_FUNCTION_ARGUMENT: 'instance' must be a positive or negative number."


def test_normalize_in_each_form_and_split_to_multimap(query):
    _, rows, columns = query(
        "SELECT length(normalize(U&'\\00E9', NFD)) AS decomposed, normalize(U&'\\FB01', NFKC) AS compatible, "
        "normalize(U&'\\FB01', NFKD) AS both, length(normalize(U&'e\\0301', NFC)) AS composed, "
        "element_at(split_to_multimap('a=1,b=2,a=3', ',', '='), 'a') AS a_values, "
        "array_sort(map_keys(split_to_multimap('a=1,b=2,a=3', ',', '='))) AS keys, "
        "typeof(split_to_multimap('a=1,b=2,a=3', ',', '=')) AS kind")
    assert rows[1] == ["2", "fi", "fi", "1", "[1, 3]", "[a, b]", "map(varchar, array(varchar))"]
    assert [c["Type"] for c in columns] == ["bigint", "varchar", "varchar", "bigint", "array", "array", "varchar"]


def test_regular_expressions_with_named_groups(query):
    # Java's syntax, as Trino reads it: (?<name>...) in a pattern, ${name} in a replacement
    _, rows, _ = query(
        "SELECT regexp_replace('John Smith', '(?<first>\\w+) (?<last>\\w+)', '${last}, ${first}') AS swapped, "
        "regexp_replace('2024-03-07', '(\\d+)-(?<m>\\d+)-(\\d+)', '$3/${m}/$1') AS mixed, "
        "regexp_extract('key=value', '(?<k>\\w+)=(?<v>\\w+)', 2) AS second, "
        "regexp_like('abc', '(?<x>b)c') AS matched, regexp_extract_all('a1b2', '(?<d>\\d)') AS digits, "
        "regexp_split('a1b2c', '(?<d>\\d)') AS parts, regexp_count('a1b2', '(?<d>\\d)') AS n")
    assert rows[1] == ["Smith, John", "07/03/2024", "value", "true", "[1, 2]", "[a, b, c]", "2"]


def test_interval_literals_of_several_fields(query):
    # Trino's interval spans and their printed forms ('Y-M', 'D HH:MM:SS.mmm')
    _, rows, _ = query(
        "SELECT INTERVAL '1-2' YEAR TO MONTH AS ym, INTERVAL '-1-2' YEAR TO MONTH AS negative, "
        "INTERVAL '1 02:03:04.5' DAY TO SECOND AS ds, INTERVAL '10:30' HOUR TO MINUTE AS hm, "
        "INTERVAL '2 03' DAY TO HOUR AS dh, INTERVAL '05:30.25' MINUTE TO SECOND AS ms, "
        "DATE '2024-01-31' + INTERVAL '1-1' YEAR TO MONTH AS next_year, "
        "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL '1 12:00:00' DAY TO SECOND AS later")
    assert rows[1] == ["1-2", "-1-2", "1 02:03:04.500", "0 10:30:00.000", "2 03:00:00.000", "0 00:05:30.250",
                       "2025-02-28", "2024-01-02 12:00:00.000"]
    _, rows, _ = query(
        "SELECT typeof(INTERVAL '1-2' YEAR TO MONTH), typeof(INTERVAL '3' MONTH), typeof(INTERVAL '3' MONTH * 2), "
        "typeof(-INTERVAL '2' YEAR), typeof(INTERVAL '3' DAY), typeof(INTERVAL '1 02:03:04.5' DAY TO SECOND)")
    assert rows[1] == ["interval year to month"] * 4 + ["interval day to second"] * 2


def test_a_date_plus_hours_fails_and_plus_days_stays_a_date(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="visits/v.csv", Body=b"1,2024-03-01\n2,2024-03-05\n")
    query(f"CREATE EXTERNAL TABLE visits (id int, day date) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
          f"LOCATION 's3://{bucket}/visits/'")
    _, rows, columns = query(
        "SELECT day + INTERVAL '48' HOUR AS two_days, DATE '2024-03-07' + INTERVAL '1' MONTH + INTERVAL '2' DAY AS both, "
        "day - INTERVAL '1' DAY + INTERVAL '1' YEAR AS back_and_on FROM visits ORDER BY id")
    assert rows[1:] == [["2024-03-03", "2024-04-09", "2025-02-28"], ["2024-03-07", "2024-04-09", "2025-03-04"]]
    assert [c["Type"] for c in columns] == ["date", "date", "date"]
    # Trino's DateTimeOperators: a date takes no hours, minutes or seconds (INVALID_FUNCTION_ARGUMENT)
    assert failure(query, "SELECT day + INTERVAL '1' HOUR FROM visits") == \
        "INVALID_FUNCTION_ARGUMENT: Cannot add hour, minutes or seconds to a date"
    assert failure(query, "SELECT DATE '2024-03-07' - INTERVAL '90' MINUTE") == \
        "INVALID_FUNCTION_ARGUMENT: Cannot subtract hour, minutes or seconds from a date"
    _, rows, columns = query("SELECT day + INTERVAL '1' HOUR AS never FROM visits WHERE id > 2")
    assert rows == [["never"]] and columns[0]["Type"] == "date"


def test_lpad_and_rpad_check_their_length_and_padding(query, orders):
    _, rows, _ = query("SELECT lpad(name, 5, '*') AS left_padded, rpad(name, 2, '-') AS cut, "
                       "lpad(CAST(id AS varchar), 4, '0') AS zeros FROM orders ORDER BY id")
    assert rows[1:] == [["**ann", "an", "0001"], ["**bob", "bo", "0002"], ["***cy", "cy", "0003"]]
    # Trino's StringFunctions.pad: the length first, then the padding (even when the text is cut)
    assert failure(query, "SELECT lpad(name, -1, 'x') FROM orders") == \
        "INVALID_FUNCTION_ARGUMENT: Target length must be in the range [0..2147483647]"
    assert failure(query, "SELECT rpad(name, 2, '') FROM orders") == \
        "INVALID_FUNCTION_ARGUMENT: Padding string must not be empty"


def test_text_cast_to_boolean_reads_only_trinos_words(query):
    # VarcharOperators.castToBoolean: true, false, t, f, 1, 0 in any case; nothing else
    _, rows, _ = query("SELECT CAST('T' AS boolean), CAST('1' AS boolean), CAST('False' AS boolean), "
                       "CAST('0' AS boolean), TRY_CAST('yes' AS boolean), try(CAST('n' AS boolean))")
    assert rows[1] == ["true", "true", "false", "false", None, None]
    assert failure(query, "SELECT CAST('yes' AS boolean)") == "INVALID_CAST_ARGUMENT: Cannot cast 'yes' to BOOLEAN"


def test_bitwise_functions_answer_bigints(query, orders):
    # Trino's signatures: bitwise_and(bigint, bigint) bigint, bitwise_or_agg(bigint) bigint, ...
    _, rows, columns = query(
        "SELECT bitwise_and(id, 3) AS a, bitwise_or(id, 4) AS o, bitwise_xor(id, 1) AS x, bitwise_not(id) AS n, "
        "bitwise_or_agg(id) OVER (ORDER BY id) AS running FROM orders ORDER BY id")
    assert rows[1:] == [["1", "5", "0", "-2", "1"], ["2", "6", "3", "-3", "3"], ["3", "7", "2", "-4", "3"]]
    assert {c["Type"] for c in columns} == {"bigint"}
    _, rows, columns = query("SELECT bitwise_and_agg(id), bitwise_or_agg(id), typeof(bitwise_and_agg(id)) FROM orders")
    assert rows[1] == ["0", "3", "bigint"]
    assert [c["Type"] for c in columns] == ["bigint", "bigint", "varchar"]


def test_date_patterns_trino_refuses_and_joda_zone_names(query):
    # DateTimeFunctions: %D %U %u %V %w %X are refused, as INVALID_FUNCTION_ARGUMENT
    assert failure(query, "SELECT date_format(TIMESTAMP '2024-01-01 00:00:00', '%U')") == \
        "INVALID_FUNCTION_ARGUMENT: %U not supported in date format string"
    assert failure(query, "SELECT date_parse('2024', '%X')") == \
        "INVALID_FUNCTION_ARGUMENT: %X not supported in date format string"
    # Joda's z and zzzz: the zone's short and long names, of a timestamp with time zone
    _, rows, _ = query("SELECT format_datetime(TIMESTAMP '2024-03-07 14:05:09 UTC', 'z|zzzz|ZZ|Z'), "
                       "format_datetime(from_unixtime(0), 'yyyy-MM-dd HH:mm z')")
    assert rows[1] == ["UTC|Coordinated Universal Time|+00:00|+0000", "1970-01-01 00:00 UTC"]
    # a timestamp has no zone to name (Trino's FormatDateTime)
    assert failure(query, "SELECT format_datetime(TIMESTAMP '2024-03-07 14:05:09', 'HH:mm z')") == \
        "INVALID_FUNCTION_ARGUMENT: format_datetime for TIMESTAMP type, cannot use 'Z' nor 'z' in format, as this " \
        "type does not contain TZ information"


def test_window_offsets_and_buckets_are_checked(query, orders):
    # Trino's LagFunction / LeadFunction and NTileFunction (INVALID_FUNCTION_ARGUMENT)
    for call, words in (("lag(id, -1)", "Offset must be at least 0"), ("lead(id, -2, 0)", "Offset must be at least 0"),
                        ("ntile(0)", "Buckets must be greater than 0")):
        assert failure(query, f"SELECT {call} OVER (ORDER BY id) FROM orders") == f"INVALID_FUNCTION_ARGUMENT: {words}"
    _, rows, _ = query("SELECT id, lag(id, 0) OVER (ORDER BY id), lead(id, 1, -1) OVER (ORDER BY id), "
                       "ntile(2) OVER (ORDER BY id) FROM orders ORDER BY id")
    assert rows[1:] == [["1", "1", "2", "1"], ["2", "2", "3", "1"], ["3", "3", "-1", "2"]]


def test_json_cast_to_varchar_is_the_value_not_its_json(query):
    # Trino's JSON functions page: CAST(JSON 'null' AS VARCHAR) is NULL, CAST(JSON '"abc"' AS VARCHAR) is abc
    _, rows, _ = query(
        "SELECT CAST(JSON 'null' AS VARCHAR), CAST(JSON '\"abc\"' AS VARCHAR), CAST(JSON '12' AS VARCHAR), "
        "CAST(JSON '1.50' AS VARCHAR), CAST(JSON 'true' AS VARCHAR), CAST(json_parse('\"q\"') AS varchar)")
    assert rows[1] == [None, "abc", "12", "1.5", "true", "q"]
    _, rows, _ = query("SELECT CAST(json_extract(x, '$.name') AS varchar) AS name "
                       "FROM (VALUES (1, '{\"name\":\"n1\"}'), (2, '{\"name\":null}'), (3, '{}')) AS t(i, x) ORDER BY i")
    assert rows == [["name"], ["n1"], [None], [None]]


def test_approx_most_frequent_counts_the_top_values(query):
    # Trino: approx_most_frequent(buckets, value, capacity) -> map(value, bigint), exact on a few values
    _, rows, columns = query(
        "SELECT cardinality(m), element_at(m, 'z'), element_at(m, 'x'), element_at(m, 'y'), typeof(m) FROM ("
        "SELECT approx_most_frequent(2, v, 100) AS m FROM (VALUES 'x', 'x', 'y', 'z', 'z', 'z', NULL) AS t(v))")
    assert rows[1] == ["2", "3", "2", None, "map(varchar, bigint)"]
    _, rows, columns = query("SELECT approx_most_frequent(1, v, 10) AS top FROM (VALUES 1, 1, 2) AS t(v)")
    assert rows[1] == ["{1=2}"] and columns[0]["Type"] == "map"


def test_regexp_replace_with_a_function_of_the_groups(query, orders):
    # Trino's example: regexp_replace('new york', '(\w)(\w*)', x -> upper(x[1]) || lower(x[2])) is 'New York'
    _, rows, _ = query(
        "SELECT regexp_replace('new york', '(\\w)(\\w*)', x -> upper(x[1]) || lower(x[2])) AS title, "
        "regexp_replace('a1b22', '(\\d+)', x -> CAST(CAST(x[1] AS integer) * 2 AS varchar)) AS doubled, "
        "regexp_replace('abc', 'x', x -> 'y') AS untouched, regexp_replace('aXbX', 'X', x -> '-' || "
        "CAST(cardinality(x) AS varchar)) AS no_groups")
    assert rows[1] == ["New York", "a2b44", "abc", "a-0b-0"]
    _, rows, _ = query("SELECT regexp_replace(name, '^(\\w)', x -> upper(x[1])) FROM orders ORDER BY id")
    assert rows[1:] == [["Ann"], ["Bob"], ["Cy"]]


def test_json_extract_scalar_gives_a_number_as_the_document_writes_it(query, s3, bucket):
    # Trino's ScalarValueJsonExtractor answers the token's text (Jackson's getText)
    s3.put_object(Bucket=bucket, Key="payloads/p.txt", Body=b'{"price": 12.50, "qty": 2}\n{"price": 1e3, "qty": 1}\n')
    query(f"CREATE EXTERNAL TABLE payloads (body string) LOCATION 's3://{bucket}/payloads/'")
    _, rows, _ = query("SELECT json_extract_scalar(body, '$.price'), json_extract_scalar(body, '$.qty') "
                       "FROM payloads ORDER BY 2 DESC")
    assert rows[1:] == [["12.50", "2"], ["1e3", "1"]]
    _, rows, _ = query("SELECT json_extract_scalar('{\"a\":{\"b c\":[1, 2.250]}}', '$.a[\"b c\"][1]'), "
                       "json_extract_scalar('[0.10]', '$[0]'), json_extract_scalar('{\"a\":\"1.50\"}', '$.a')")
    assert rows[1] == ["2.250", "0.10", "1.50"]


def test_a_double_cast_to_an_integer_it_does_not_fit(query):
    # Trino's DoubleOperators: out of range (the double as Java prints it), NaN refused
    for sql, reason in (("SELECT CAST(1e10 AS integer)", "NUMERIC_VALUE_OUT_OF_RANGE: Out of range for integer: 1.0E10"),
                        ("SELECT CAST(nan() AS integer)", "INVALID_CAST_ARGUMENT: Cannot cast double NaN to integer"),
                        ("SELECT CAST(1e5 AS smallint)", "NUMERIC_VALUE_OUT_OF_RANGE: Out of range for smallint: 100000.0")):
        assert failure(query, sql) == reason


def test_decimal_arithmetic_past_38_digits_overflows(query):
    # Trino's DecimalOperators and decimal sum: NUMERIC_VALUE_OUT_OF_RANGE "Decimal overflow"
    big = "CAST('99999999999999999999999999999999999999' AS decimal(38,0))"
    for sql in (f"SELECT {big} + 1", f"SELECT {big} * 10", f"SELECT sum(x) FROM (VALUES {big}, {big}) AS t(x)"):
        assert failure(query, sql) == "NUMERIC_VALUE_OUT_OF_RANGE: Decimal overflow"


def test_a_decimal_cast_to_fewer_whole_digits(query, orders):
    # Trino's DecimalCasts words, as Athena users record them ("Cannot cast DECIMAL(10, 2) '1494725.62'
    # to DECIMAL(9, 3)"); values that fit are rounded half up; TRY_CAST and try() of the others are NULL
    for value, source, target in (("amount", "DECIMAL(10, 2) '12.50'", "2,1"),
                                  ("12345.678", "DECIMAL(8, 3) '12345.678'", "4,1")):
        assert failure(query, f"SELECT CAST({value} AS decimal({target})) FROM orders") == \
            f"INVALID_CAST_ARGUMENT: Cannot cast {source} to DECIMAL({target.replace(',', ', ')})"
    _, rows, columns = query("SELECT CAST(amount AS decimal(3,1)), TRY_CAST(amount AS decimal(2,1)), "
                             "try(CAST(amount AS decimal(2,1))) FROM orders ORDER BY id")
    assert rows[1:] == [["12.5", None, None], ["7.3", "7.3", "7.3"], [None, None, None]]
    assert {c["Type"] for c in columns} == {"decimal"}


def test_unnest_of_an_array_of_rows_gives_a_column_per_field(query, s3, bucket):
    # Trino's UNNEST: "If the array contains rows, the rows are expanded into columns"
    json_table(query, s3, bucket, "trails", "id int, resources array<struct<arn:string,kind:string>>",
               b'{"id": 1, "resources": [{"arn": "a1", "kind": "bucket"}, {"arn": "a2", "kind": "object"}]}\n'
               b'{"id": 2, "resources": [{"arn": "a3", "kind": "key"}]}\n')
    _, rows, columns = query("SELECT id, arn, kind FROM trails CROSS JOIN UNNEST(resources) AS r(arn, kind) "
                             "ORDER BY arn")
    assert rows[1:] == [["1", "a1", "bucket"], ["1", "a2", "object"], ["2", "a3", "key"]]
    assert [c["Type"] for c in columns] == ["integer", "varchar", "varchar"]
    _, rows, _ = query("SELECT x, y, n FROM UNNEST(ARRAY[ROW('a', 1), ROW('b', 2)]) WITH ORDINALITY AS t(x, y, n) "
                       "ORDER BY n")
    assert rows[1:] == [["a", "1", "1"], ["b", "2", "2"]]


def test_element_at_has_no_element_zero(query, s3, bucket):
    # Trino's element_at: NULL past either end (negative counts from the end), element 0 refused
    json_table(query, s3, bucket, "tagged", "id int, tags array<string>",
               b'{"id": 1, "tags": ["x", "y"]}\n{"id": 2, "tags": []}\n')
    _, rows, _ = query("SELECT element_at(tags, 1), element_at(tags, -1), element_at(tags, 3), "
                       "try(element_at(tags, 0)) FROM tagged ORDER BY id")
    assert rows[1:] == [["x", "y", None, None], [None, None, None, None]]
    assert failure(query, "SELECT element_at(tags, 0) FROM tagged") == \
        "INVALID_FUNCTION_ARGUMENT: SQL array indices start at 1"


def test_format_prints_any_value_with_s(query, orders):
    # Trino's format is Java's String.format: %s and %b take a value of any type
    _, rows, _ = query("SELECT format('%s', 1.5e0), format('%s', 1e10), format('%b', true), format('%s', 42), "
                       "format('%2$s %1$s', 'a', 2), format('%s-%05d-%.2f', 'a', 42, 3.14159), "
                       "format('%s', DATE '2024-01-02')")
    assert rows[1] == ["1.5", "1.0E10", "true", "42", "2 a", "a-00042-3.14", "2024-01-02"]
    _, rows, _ = query("SELECT format('%s #%s', name, id) FROM orders ORDER BY id")
    assert rows[1:] == [["ann #1"], ["bob #2"], ["cy #3"]]


def test_concat_of_a_number_and_a_text_is_refused(query, orders):
    # as `||` is: Trino's concat takes texts, with no implicit cast of the integer column
    assert failure(query, "SELECT concat(id, '-', name) FROM orders") == (
        "FUNCTION_NOT_FOUND: line 1:8: Unexpected parameters (integer, varchar(1), varchar) for function concat. "
        "Expected: concat(E, array(E)) E, concat(array(E)) E, concat(array(E), E) E, concat(char(x), char(y)), "
        "concat(varbinary), concat(varchar)")
    _, rows, _ = query("SELECT concat(CAST(id AS varchar), '-', name) FROM orders ORDER BY id")
    assert rows[1:] == [["1-ann"], ["2-bob"], ["3-cy"]]


def test_sequence_of_integers_counts_down_and_checks_its_step(query, orders):
    # Trino's sequence: a step of -1 when stop < start; SequenceFunction's checks (INVALID_FUNCTION_ARGUMENT)
    _, rows, _ = query("SELECT sequence(5, 1), sequence(10, 2, -2), sequence(2, 2, 2), typeof(sequence(3, 1))")
    assert rows[1] == ["[5, 4, 3, 2, 1]", "[10, 8, 6, 4, 2]", "[2]", "array(bigint)"]
    _, rows, _ = query("SELECT id, sequence(id, 1) FROM orders ORDER BY id")
    assert rows[1:] == [["1", "[1]"], ["2", "[2, 1]"], ["3", "[3, 2, 1]"]]
    for call, words in (("sequence(1, 10, 0)", "step must not be zero"),
                        ("sequence(5, 1, 1)", "sequence stop value should be greater than or equal to start value if "
                                              "step is greater than zero otherwise stop should be less than or equal "
                                              "to start"),
                        ("sequence(1, 20000)", "result of sequence function must not have more than 10000 entries")):
        assert failure(query, f"SELECT {call}") == f"INVALID_FUNCTION_ARGUMENT: {words}"


def test_an_array_map_or_row_column_cast_to_varchar_is_refused(query, s3, bucket):
    # Trino's analyzer: no cast from a container type to a text (TYPE_MISMATCH at the CAST)
    json_table(query, s3, bucket, "profiles", "id int, tags array<string>, info struct<city:string,zip:int>",
               b'{"id": 1, "tags": ["x"], "info": {"city": "Oslo", "zip": 150}}\n')
    assert failure(query, "SELECT CAST(tags AS varchar) FROM profiles") == \
        "TYPE_MISMATCH: line 1:8: Cannot cast array(varchar) to varchar"
    assert failure(query, "SELECT id, TRY_CAST(info AS varchar) FROM profiles") == \
        "TYPE_MISMATCH: line 1:12: Cannot cast row(city varchar, zip integer) to varchar"
    _, rows, _ = query("SELECT array_join(tags, ','), CAST(info.zip AS varchar) FROM profiles")
    assert rows[1] == ["x", "150"]
