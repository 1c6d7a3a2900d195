"""Everyday Trino functions run on DuckDB with Trino's answers (values as the result
file holds them); the ones lakebox does not run fail with NOT_SUPPORTED naming them."""
import pytest

from lakebox.engine import EngineError
from lakebox.engine.datetime_patterns import PatternNotSupported, from_joda, from_mysql
from lakebox.engine.dialect import NotSupported
from engine_helpers import result_line

URL = "'https://user@www.example.com:8080/path/x.html?q=1&r=2&r=3#frag'"

TRINO_ANSWERS = [
    (f"url_extract_protocol({URL}), url_extract_host({URL}), url_extract_port({URL})",
     '"https","www.example.com","8080"'),
    (f"url_extract_path({URL}), url_extract_query({URL}), url_extract_fragment({URL})",
     '"/path/x.html","q=1&r=2&r=3","frag"'),
    (f"url_extract_parameter({URL}, 'r'), url_extract_parameter({URL}, 'z'), url_extract_port('http://a.com/')",
     '"2",,'),
    ("url_extract_query('http://a.com/p'), url_extract_path('http://a.com'), url_encode('a b&c')", ',"","a+b%26c"'),
    ("format_datetime(TIMESTAMP '2024-03-05 14:07:09.123', 'yyyy-MM-dd HH:mm:ss.SSS')", '"2024-03-05 14:07:09.123"'),
    ("format_datetime(TIMESTAMP '2024-03-05 04:07:09', 'EEE, d MMM yy h:mm a ''at'' EEEE MMMM')",
     '"Tue, 5 Mar 24 4:07 AM at Tuesday March"'),
    ("parse_datetime('2024-03-05 14:07', 'yyyy-MM-dd HH:mm')", '"2024-03-05 14:07:00.000 UTC"'),
    ("to_iso8601(TIMESTAMP '2024-03-05 14:07:09.123'), to_iso8601(DATE '2024-03-05'), "
     "to_iso8601(from_iso8601_timestamp('2024-03-05T14:07:09Z'))",
     '"2024-03-05T14:07:09.123","2024-03-05","2024-03-05T14:07:09.000Z"'),
    ("date_format(TIMESTAMP '2024-03-05 14:07:09.123', '%Y-%m-%d %H:%i:%s %W %a %b %M %p %j %e %c %k %l %y %T %r %h')",
     '"2024-03-05 14:07:09 Tuesday Tue Mar March PM 065 5 3 14 2 24 14:07:09 02:07:09 PM 02"'),
    ("date_format(DATE '2024-12-30', '%x-%v 100%% %Q')", '"2025-01 100% Q"'),
    ("date_parse('05/03/2024 7', '%d/%m/%Y %k')", '"2024-03-05 07:00:00.000"'),
    ("array_distinct(ARRAY[3, 1, NULL, 3, 2, 1, NULL])", '"[3, 1, null, 2]"'),
    ("array_union(ARRAY[3, 1], ARRAY[1, 2]), array_intersect(ARRAY[3, 1, 2, 3], ARRAY[2, 3]), "
     "array_except(ARRAY[3, 1, 2, 3], ARRAY[2])", '"[3, 1, 2]","[3, 2]","[3, 1]"'),
    ("typeof(1), typeof(1.5), typeof(1e0), typeof(ARRAY[1]), typeof(MAP(ARRAY['a'], ARRAY[1])), "
     "typeof(CAST(ROW(1) AS ROW(a bigint))), typeof(TIMESTAMP '2024-01-01 00:00:00'), typeof(CAST(1 AS real))",
     '"integer","decimal(2,1)","double","array(integer)","map(varchar, integer)","row(a bigint)",'
     '"timestamp(3)","real"'),
    ("nan(), infinity(), e(), is_finite(1e0), is_infinite(infinity())",
     '"NaN","Infinity","2.718281828459045","true","true"'),
    ("millisecond(TIMESTAMP '2024-01-01 10:11:12.345'), current_timezone(), to_milliseconds(INTERVAL '2' SECOND)",
     '"345","UTC","2000"'),
    ("format('%s-%d %.2f', 'a', 1, 2.345e0)", '"a-1 2.35"'),
    ("zip(ARRAY[1, 2], ARRAY['a']), zip_with(ARRAY[1, 2], ARRAY[3, 4], (x, y) -> x * y)", '"[{1, a}, {2, null}]","[3, 8]"'),
    ("map_filter(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), (k, v) -> v > 1), "
     "transform_values(MAP(ARRAY['a'], ARRAY[1]), (k, v) -> v * 10), "
     "transform_keys(MAP(ARRAY['a'], ARRAY[1]), (k, v) -> upper(k))", '"{b=2}","{a=10}","{A=1}"'),
    ("any_match(ARRAY[1, 2], x -> x > 1), all_match(ARRAY[1, 2], x -> x > 1), none_match(ARRAY[1, 2], x -> x > 5), "
     "any_match(ARRAY[1, NULL], x -> x > 1), all_match(CAST(NULL AS array(integer)), x -> x > 1)",
     '"true","false","true",,'),
    ("arrays_overlap(ARRAY[1, 2], ARRAY[2]), array_has_duplicates(ARRAY[1, 1]), repeat('x', 2), "
     "cardinality(shuffle(ARRAY[1, 2, 3]))", '"true","true","[x, x]","3"'),
    ("codepoint('A'), hamming_distance('abc', 'abd'), levenshtein_distance('kitten', 'sitting'), normalize('é')",
     '"65","1","3","é"'),
    ("crc32(to_utf8('a')), width_bucket(5, 0, 10, 5), bit_count(-1, 8), json_size('{\"a\": [1, 2]}', '$.a')",
     '"3904355907","3","8","2"'),
    ("map_agg(x, y), multimap_agg(1, y) FROM (VALUES (1, 'a'), (2, 'b'), (2, 'c')) AS t(x, y) WHERE x = 2",
     '"{2=b}","{1=[b, c]}"'),
    ("regexp_replace('abcb', '(b)', '$1$1'), regexp_replace('a.b', '\\.', '\\$'), regexp_replace('abab', 'b')",
     '"abbcbb","a$b","aa"'),
    ("split_to_map('a=1,b=2', ',', '=')", '"{a=1, b=2}"'),
    ("date_diff('hour', TIMESTAMP '2024-01-01 00:59:00', TIMESTAMP '2024-01-01 01:01:00'), "
     "date_diff('day', TIMESTAMP '2024-01-01 23:00:00', TIMESTAMP '2024-01-02 01:00:00'), "
     "date_diff('year', DATE '2023-12-31', DATE '2024-01-01'), date_diff('month', DATE '2024-01-31', DATE '2024-02-29'), "
     "date_diff('day', DATE '2024-01-05', DATE '2024-01-01')", '"0","0","0","1","-4"'),
    ("split_part('a,b', ',', 5), split_part('a,b', ',', 2)", ',"b"'),
    ("DATE '2024-01-01' - DATE '2023-12-01', DATE '2024-01-01' - INTERVAL '1' DAY", '"31 00:00:00.000","2023-12-31"'),
    ("x, y, n FROM UNNEST(ARRAY[1, 2], ARRAY['a']) WITH ORDINALITY AS t(x, y, n) WHERE n = 2", '"2",,"2"'),
    ("k, v FROM UNNEST(MAP(ARRAY['a'], ARRAY[1])) AS t(k, v)", '"a","1"'),
    ("extract(dow FROM DATE '2024-01-07'), extract(day_of_week FROM DATE '2024-01-07'), "
     "extract(yow FROM DATE '2021-01-01'), extract(doy FROM DATE '2024-02-01'), extract(day FROM DATE '2024-02-01')",
     '"7","7","2020","32","1"'),
    ("to_hex(sha1(to_utf8('abc'))), every(true)", '"A9993E364706816ABA3E25717850C26C9CD0D89D","true"'),
    ("json_extract_scalar('{\"a\": {\"b\": 1}}', '$.a'), json_extract_scalar('{\"a\": [1]}', '$.a'), "
     "json_extract_scalar('{\"a\": 1}', '$.a'), json_extract_scalar('not json', '$.a'), "
     "json_extract('not json', '$.a'), json_extract('{\"a\": \"x\"}', '$.a')", ',,"1",,,"""x"""'),
    ("CAST(TIMESTAMP '2024-01-01 10:30:00.5' AS varchar), CAST(DATE '2024-01-01' AS varchar)",
     '"2024-01-01 10:30:00.500","2024-01-01"'),
    ("CAST(1e10 AS varchar), CAST(sum(x * 1e0) AS varchar), CAST(avg(n) AS varchar), CAST(CAST(1 AS real) AS varchar), "
     "CAST(1.5 AS varchar), CAST(max(n) AS varchar) FROM (VALUES (1e7, 1)) AS t(x, n)",
     '"1.0E10","1.0E7","1.0","1.0","1.5","1"'),
    ("to_utf8('hi'), from_utf8(to_utf8('hi')), to_hex(to_utf8('hi')), date_diff('day', DATE '2024-01-01', "
     "DATE '2024-03-01')", '"68 69","hi","6869","60"'),
    ("set_union(a) FROM (VALUES ARRAY[1, 2, 3], ARRAY[2, 3, 4], NULL, ARRAY[NULL, 5, NULL]) AS t(a)",
     '"[1, 2, 3, 4, null, 5]"'),
    ("set_union(a) FROM (VALUES CAST(NULL AS array(integer))) AS t(a)", '"[]"'),
    ("reduce_agg(v, 1, (s, x) -> s * x, (a, b) -> a * b), typeof(reduce_agg(v, 1, (s, x) -> s * x, (a, b) -> a * b)) "
     "FROM (VALUES 5, NULL, 7) AS t(v)", '"35","integer"'),
    ("reduce_agg(v, 1, (s, x) -> s * x, (a, b) -> a * b) FROM (VALUES 5, 7) AS t(v) WHERE v > 10", ""),
]


@pytest.mark.parametrize("select, line", TRINO_ANSWERS)
def test_trino_function_answers(select, line):
    assert result_line("SELECT " + select) == line


@pytest.mark.parametrize("select, name", [
    ("xxhash64(to_utf8('a'))", "xxhash64"), ("ST_Point(1, 2)", "st_point"),
    ("with_timezone(TIMESTAMP '2024-01-01 00:00:00', 'Asia/Tokyo')", "with_timezone"),
    ("date_format(DATE '2024-01-01', '%D')", "date_format"), ("format_datetime(DATE '2024-01-01', 'GGG')",
                                                              "format_datetime"),
])
def test_functions_lakebox_does_not_run_are_named(select, name):
    with pytest.raises((NotSupported, EngineError)) as caught:
        result_line("SELECT " + select)
    error = caught.value
    assert getattr(error, "error_name", "NOT_SUPPORTED") == "NOT_SUPPORTED" and f"'{name}'" in str(error)


def test_unknown_function_is_not_registered():
    with pytest.raises(EngineError) as caught:
        result_line("SELECT no_such_function(1)")
    assert (caught.value.error_name, caught.value.message) == \
        ("FUNCTION_NOT_FOUND", "Function 'no_such_function' not registered")


def test_patterns():
    assert from_joda("yyyy-MM-dd'T'HH:mm:ss.SSSSSS") == "%Y-%m-%dT%H:%M:%S.%f"
    assert from_joda("d/M/yyyy", parsing=True) == "%d/%m/%Y"
    assert from_mysql("%e.%c.%Y %%") == "%-d.%-m.%Y %%"
    with pytest.raises(PatternNotSupported):
        from_mysql("%U")


def test_wrong_arguments_and_unparsable_dates_in_trinos_words():
    for select, name, message in (("repeat('a')", "FUNCTION_NOT_FOUND", "Unexpected parameters for function repeat"),
                                  ("date_parse('x', '%Y')", "INVALID_FUNCTION_ARGUMENT", 'Invalid format: "x"')):
        with pytest.raises(EngineError) as caught:
            result_line("SELECT " + select)
        assert (caught.value.error_name, caught.value.message) == (name, message)


def test_cast_of_a_double_catalog_column_to_varchar_is_javas():
    from lakebox.engine import dialect
    sql = dialect.translate(dialect.parse("SELECT CAST(price AS varchar), CAST(qty AS varchar) FROM t"),
                            {"price": "double", "qty": "bigint"})
    assert "TRINO_DOUBLE_TEXT(price)" in sql and "CAST(qty AS TEXT)" in sql


def test_overflow_in_trinos_words():
    for select, message in (("2147483647 + 1", "integer addition overflow: 2147483647 + 1"),
                            ("sum(x) FROM (VALUES 9223372036854775807, 1) AS t(x)",
                             "Out of range for bigint: 9223372036854775808")):
        with pytest.raises(EngineError) as caught:
            result_line("SELECT " + select)
        assert (caught.value.error_name, caught.value.message) == ("NUMERIC_VALUE_OUT_OF_RANGE", message)
