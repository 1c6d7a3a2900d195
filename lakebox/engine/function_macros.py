"""The Trino functions lakebox runs as DuckDB macros (`functions.install` creates each as
`trino_<name>`; `functions.rewrite` renames a call to its macro): URL parts, string,
array, map and aggregate functions whose DuckDB counterparts answer otherwise or do not
exist. Data only: name, parameters, and the DuckDB SQL body.
"""
from lakebox.engine import strict

_SCHEME = "[A-Za-z][A-Za-z0-9+.-]*"
_AUTHORITY = rf"^{_SCHEME}://(?:[^@/?#]*@)?"


def _position_from(n: str) -> str:
    """regexp_position(s, p, st, n): the pieces of the text from st on split before each
    match of p (a NUL put there), the n-th match after the first n pieces."""
    pieces = "string_split(regexp_replace(substr(s, st), p, chr(0) || '\\0', 'g'), chr(0))"
    return ("CAST(CASE WHEN st < 1 THEN "
            + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'start position cannot be smaller than 1'")
            + f" WHEN {n} < 1 THEN "
            + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'occurrence cannot be smaller than 1'")
            + f" WHEN st > length(s) OR len({pieces}) <= {n} THEN -1 "
            f"ELSE st + list_sum(list_transform({pieces}[1:{n}], lambda piece: length(piece))) END AS INTEGER)")


def _time_sequence(steps: str, element: str, refusal: str = "") -> str:
    """A sequence of `steps` + 1 elements (`element` of i), after Trino's checks of its step
    (`refusal` first, if any), direction and length."""
    return ("CASE WHEN trino_interval_months(s) = 0 AND trino_interval_micros(s) = 0 THEN "
            + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'step must not be zero'") + refusal
            + " WHEN ((trino_interval_months(s) > 0 OR trino_interval_micros(s) > 0) AND b < a) "
            "OR ((trino_interval_months(s) < 0 OR trino_interval_micros(s) < 0) AND b > a) THEN "
            + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'sequence stop value should be greater than or equal "
                                                              "to start value if step is greater than zero otherwise "
                                                              "stop should be less than or equal to start'")
            + f" WHEN {steps} + 1 > 10000 THEN "
            + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'result of sequence function must not have more "
                                                              "than 10000 entries'")
            + f" ELSE list_transform(range({steps} + 1), lambda i: {element}) END")


# name -> (parameters, DuckDB body). Order matters: a macro may use one defined above it.
MACROS = [
    # java.net.URI's getPath, getQuery and getFragment (Trino's url_extract_*) decode the
    # %XX escapes (a '+' stays); a '%' not followed by two hex digits is no URI: NULL.
    ("url_decoded", "x", "CASE WHEN strpos(regexp_replace(x, '%[0-9A-Fa-f]{2}', '', 'g'), '%') = 0 "
                         "THEN url_decode(x) END"),
    ("url_extract_protocol", "u", f"CASE WHEN regexp_matches(u, '^{_SCHEME}:') "
                                  f"THEN regexp_extract(u, '^({_SCHEME}):', 1) END"),
    ("url_extract_host", "u", rf"nullif(regexp_extract(u, '{_AUTHORITY}(\[[^\]]*\]|[^:/?#]*)', 1), '')"),
    ("url_extract_port", "u", rf"TRY_CAST(nullif(regexp_extract(u, '{_AUTHORITY}(?:\[[^\]]*\]|[^:/?#]*):([0-9]+)', "
                              "1), '') AS BIGINT)"),
    ("url_extract_path", "u", f"trino_url_decoded(regexp_extract(u, '^(?:{_SCHEME}:)?(?://[^/?#]*)?([^?#]*)', 1))"),
    ("url_extract_query", "u", "CASE WHEN regexp_matches(u, '^[^#]*[?]') "
                               "THEN trino_url_decoded(regexp_extract(u, '^[^#?]*[?]([^#]*)', 1)) END"),
    ("url_extract_fragment", "u", "CASE WHEN strpos(u, '#') > 0 THEN trino_url_decoded(substr(u, strpos(u, '#') + 1)) "
                                  "END"),
    # Split after the query is decoded, as Trino does: `a=b%26c` gives a the value 'b'.
    ("url_extract_parameter", "u, name",
     "list_transform(list_filter(string_split(trino_url_extract_query(u), '&'), "
     "lambda p: split_part(p, '=', 1) = name), "
     "lambda p: CASE WHEN strpos(p, '=') > 0 THEN substr(p, strpos(p, '=') + 1) ELSE '' END)[1]"),
    # Java's URLEncoder: a space is '+', '*' stays, '~' is encoded.
    ("url_encode", "x", "replace(replace(replace(url_encode(x), '%20', '+'), '~', '%7E'), '%2A', '*')"),
    ("url_decode", "x", "url_decode(replace(x, '+', '%20'))"),
    ("array_distinct", "a", "list_filter(a, lambda x, i: list_position(a, x) = i)"),
    ("array_union", "a, b", "trino_array_distinct(list_concat(a, b))"),
    ("array_intersect", "a, b", "trino_array_distinct(list_filter(a, lambda x: list_position(b, x) IS NOT NULL))"),
    ("array_except", "a, b", "trino_array_distinct(list_filter(a, lambda x: list_position(b, x) IS NULL))"),
    ("array_has_duplicates", "a", "len(trino_array_distinct(a)) < len(a)"),
    # The distinct elements of every array of the group (a NULL element kept once), an
    # empty array when every input is NULL.
    ("set_union", "a", "coalesce(trino_array_distinct(flatten(list(a) FILTER (WHERE a IS NOT NULL))), [])"),
    ("repeat", "x, n", "CASE WHEN n > 10000 THEN "
     + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'count argument of repeat function must be less than or equal "
                                                       "to 10000'")
     + " WHEN n < 0 THEN "
     + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'count argument of repeat function must be greater than or "
                                                       "equal to 0'")
     + " ELSE list_transform(range(CAST(n AS BIGINT)), lambda i: x) END"),
    ("shuffle", "a", "list_transform(list_sort(list_transform(a, lambda x: {'r': random(), 'v': x})), "
                     "lambda s: s.v)"),
    # Java's Math.cbrt gives a perfect cube's root exactly (DuckDB: 3.0000000000000004).
    ("cbrt", "x", "CASE WHEN pow(round(cbrt(x)), 3) = x THEN round(cbrt(x)) ELSE cbrt(x) END"),
    ("json_array_contains", "j, v", "CASE WHEN json_valid(j) AND json_type(j) = 'ARRAY' "
                                    "THEN list_contains(json_extract(j, '$[*]'), to_json(v)) END"),
    ("json_array_get", "j, i", "CASE WHEN json_valid(j) AND json_type(j) = 'ARRAY' THEN json_extract(j, '$[' || "
                               "CASE WHEN i >= 0 THEN CAST(i AS VARCHAR) ELSE '#' || i END || ']') END"),
    ("is_json_scalar", "j", "json_type(j) NOT IN ('OBJECT', 'ARRAY')"),
    # Trino compares the elements as IDENTICAL (a NULL matches a NULL).
    ("contains_sequence", "x, seq", "CASE WHEN x IS NOT NULL AND seq IS NOT NULL THEN coalesce(list_bool_or("
                                    "list_transform(range(0, len(x) - len(seq) + 1), "
                                    "lambda i: x[i + 1:i + len(seq)] IS NOT DISTINCT FROM seq)), false) END"),
    ("trim_array", "a, n", "CASE WHEN n < 0 THEN "
     + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'size must not be negative: ' || n")
     + " WHEN n > len(a) THEN "
     + strict.failure_sql("INVALID_FUNCTION_ARGUMENT",
                          "'size must not exceed array cardinality ' || len(a) || ': ' || n")
     + " ELSE a[1:len(a) - n] END"),
    # Trino's substr is '' from position 0, before the first character or for a length
    # below 1 (DuckDB's counts from there); NULL for a NULL argument.
    ("substring_from", "s, start", "CASE WHEN s IS NULL OR start IS NULL THEN NULL "
                                   "WHEN start = 0 OR -start > length(s) THEN '' ELSE substr(s, start) END"),
    ("substring_for", "s, start, n", "CASE WHEN s IS NULL OR start IS NULL OR n IS NULL THEN NULL "
                                     "WHEN start = 0 OR n <= 0 OR -start > length(s) THEN '' "
                                     "ELSE substr(s, start, n) END"),
    # Trino's array_position is 0 when the element is not there; contains is NULL, and
    # array_max/array_min are NULL, when a NULL element could decide.
    ("array_position", "a, x", "CASE WHEN a IS NOT NULL AND x IS NOT NULL "
                               "THEN CAST(coalesce(list_position(a, x), 0) AS BIGINT) END"),
    ("contains", "a, x", "CASE WHEN a IS NULL OR x IS NULL THEN NULL WHEN list_contains(a, x) THEN true "
                         "WHEN list_position(a, NULL) IS NOT NULL THEN NULL ELSE false END"),
    ("array_max", "a", "CASE WHEN list_position(a, NULL) IS NULL THEN list_max(a) END"),
    ("array_min", "a", "CASE WHEN list_position(a, NULL) IS NULL THEN list_min(a) END"),
    ("e", "", "CAST(2.718281828459045 AS DOUBLE)"),
    ("nan", "", "CAST('NaN' AS DOUBLE)"),
    ("infinity", "", "CAST('Infinity' AS DOUBLE)"),
    ("millisecond", "t", "CAST(millisecond(t) % 1000 AS BIGINT)"),
    ("current_timezone", "", "'UTC'"),
    ("to_milliseconds", "i", "CAST(epoch(i) * 1000 AS BIGINT)"),
    ("to_iso8601", "x", "CASE typeof(x) WHEN 'DATE' THEN strftime(x, '%Y-%m-%d') "
                        "WHEN 'TIMESTAMP WITH TIME ZONE' THEN strftime(x, '%Y-%m-%dT%H:%M:%S.%g') || 'Z' "
                        "WHEN 'TIMESTAMP_NS' THEN strftime(x, '%Y-%m-%dT%H:%M:%S.%f') "     # timestamp(6)
                        "ELSE strftime(CAST(x AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%g') END"),
    # NULL where the path finds nothing (or the JSON is NULL), 0 for a scalar
    ("json_size", "j, p", "CASE WHEN json_type(j, p) IS NULL THEN NULL "
                          "WHEN json_type(j, p) = 'ARRAY' THEN CAST(json_array_length(j, p) AS BIGINT) "
                          "WHEN json_type(j, p) = 'OBJECT' THEN CAST(len(json_keys(j, p)) AS BIGINT) ELSE 0 END"),
    ("bit_count", "x, bits", "CAST(CASE WHEN x >= 0 THEN bit_count(CAST(x AS BIGINT)) "
                             "ELSE bit_count(CAST(x AS BIGINT)) - (64 - bits) END AS BIGINT)"),
    # Trino's shifts wrap in the value's width (Java's), a shift past it is 0 (-1 for a
    # negative value shifted arithmetically); DuckDB's fail on overflow. Done in HUGEINT
    # on the value's bits; the answer is a BIGINT (functions._shift gives it the value's type).
    ("value_bits", "v", "CASE typeof(v) WHEN 'TINYINT' THEN 8 WHEN 'SMALLINT' THEN 16 WHEN 'INTEGER' THEN 32 "
                        "ELSE 64 END"),
    ("signed_bits", "r, b", "CAST(r - CASE WHEN r >= (CAST(1 AS HUGEINT) << (b - 1)) "
                            "THEN CAST(1 AS HUGEINT) << b ELSE 0 END AS BIGINT)"),
    ("bitwise_left_shift", "v, s", "CASE WHEN v IS NULL OR s IS NULL THEN NULL WHEN s >= trino_value_bits(v) THEN 0 "
     "ELSE trino_signed_bits((CAST(v AS HUGEINT) & ((CAST(1 AS HUGEINT) << (trino_value_bits(v) - "
     "least(s, trino_value_bits(v)))) - 1)) << least(s, trino_value_bits(v)), trino_value_bits(v)) END"),
    ("bitwise_right_shift", "v, s", "CASE WHEN v IS NULL OR s IS NULL THEN NULL WHEN s >= trino_value_bits(v) THEN 0 "
     "ELSE trino_signed_bits((CAST(v AS HUGEINT) & ((CAST(1 AS HUGEINT) << trino_value_bits(v)) - 1)) >> "
     "least(s, 63), trino_value_bits(v)) END"),
    ("bitwise_right_shift_arithmetic", "v, s", "CASE WHEN v IS NULL OR s IS NULL THEN NULL "
     "WHEN s >= trino_value_bits(v) THEN CASE WHEN v >= 0 THEN 0 ELSE -1 END "
     "ELSE CAST(CAST(v AS BIGINT) >> least(s, 63) AS BIGINT) END"),
    # The offset of a value's zone; one of UTC (the session's zone) when time_zones.py left the call.
    ("timezone_hour", "x", "CASE WHEN x IS NOT NULL THEN CAST(0 AS BIGINT) END"),
    ("timezone_minute", "x", "CASE WHEN x IS NOT NULL THEN CAST(0 AS BIGINT) END"),
    ("yow", "x", "isoyear(x)"),
    ("every", "x", "bool_and(x)"),
    # the `buckets` values seen most often, with their counts (exact below `capacity` values)
    ("approx_most_frequent", "buckets, x, capacity",
     "map_from_entries(list_transform(list_reverse_sort(list_transform(map_entries(histogram(x)), "
     "lambda e: {'n': e.value, 'v': e.key}))[1:buckets], lambda e: {'key': e.v, 'value': CAST(e.n AS BIGINT)}))"),
    # CAST(double AS varchar) as Java prints it (1.0E10); the plain range is DuckDB's too.
    ("double_text", "x", "CASE WHEN abs(x) >= 0.001 AND abs(x) < 10000000 THEN CAST(x AS VARCHAR) "
                         "ELSE lakebox_java_double(x) END"),
    ("real_text", "x", "CASE WHEN abs(x) >= 0.001 AND abs(x) < 10000000 THEN CAST(x AS VARCHAR) "
                       "ELSE lakebox_java_real(x) END"),
    ("timestamp_text", "x", "strftime(CAST(x AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%g')"),
    ("timestamptz_text", "x", "strftime(x, '%Y-%m-%d %H:%M:%S.%g UTC')"),
    ("timestamp6_text", "x", "strftime(CAST(x AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%f')"),
    # CAST(json AS varchar): a string's text, a number's or boolean's, NULL for null (objects
    # and arrays, which Trino refuses, are left as their JSON text)
    ("json_text", "j", "CASE json_type(j) WHEN 'NULL' THEN NULL WHEN 'VARCHAR' THEN json_extract_string(j, '$') "
                       "WHEN 'DOUBLE' THEN trino_double_text(CAST(j AS DOUBLE)) ELSE CAST(j AS VARCHAR) END"),
    # Trino's JSON functions answer NULL for text that is not JSON (DuckDB's fail the query),
    # and json_extract_scalar NULL for an object or an array.
    # A number is its text in the document (1.50), not DuckDB's reprint (1.5).
    ("json_extract_scalar", "j, p", "CASE WHEN json_valid(j) AND json_type(j, p) = 'DOUBLE' "
                                    "THEN coalesce(lakebox_json_number_text(CAST(j AS VARCHAR), p), "
                                    "json_extract_string(j, p)) "
                                    "WHEN json_valid(j) AND json_type(j, p) NOT IN ('OBJECT', 'ARRAY') "
                                    "THEN json_extract_string(j, p) END"),
    ("json_extract", "j, p", "CASE WHEN json_valid(j) THEN json_extract(j, p) END"),
    # Trino's split_part is NULL past the last field (DuckDB's is '').
    ("split_part", "s, d, i", "CASE WHEN i <= 0 THEN "
     + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'Index must be greater than zero'")
     + " WHEN i <= len(string_split(s, d)) THEN split_part(s, d, i) END"),
    ("split_to_map_keys", "s, entry, pair", "list_transform(string_split(s, entry), lambda e: split_part(e, pair, 1))"),
    # a key twice fails, naming the first one seen again
    ("split_to_map", "s, entry, pair",
     "CASE WHEN len(list_distinct(trino_split_to_map_keys(s, entry, pair))) < len(string_split(s, entry)) THEN "
     + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'Duplicate keys (' || list_filter(trino_split_to_map_keys("
                                                       "s, entry, pair), lambda k, i: list_position("
                                                       "trino_split_to_map_keys(s, entry, pair), k) < i)[1] "
                                                       "|| ') are not allowed'")
     + " ELSE map_from_entries(list_transform(string_split(s, entry), "
     "lambda e: {'key': split_part(e, pair, 1), 'value': substr(e, strpos(e, pair) + length(pair))})) END"),
    # Trino's pad: a target length in [0, 2^31 - 1] and a padding that is not empty, checked
    *((name, "s, n, p", "CASE WHEN n < 0 OR n > 2147483647 THEN "
       + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'Target length must be in the range [0..2147483647]'")
       + " WHEN p = '' THEN " + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'Padding string must not be empty'")
       + f" ELSE {name}(s, n, p) END") for name in ("lpad", "rpad")),
    # Trino's sequence of integers: its step checked, at most 10000 entries
    ("sequence", "a, b, s", "CASE WHEN s = 0 THEN "
     + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'step must not be zero'")
     + " WHEN (s > 0 AND b < a) OR (s < 0 AND b > a) THEN "
     + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'sequence stop value should be greater than or equal to start "
                                                       "value if step is greater than zero otherwise stop should be "
                                                       "less than or equal to start'")
     + " WHEN (CAST(b AS BIGINT) - a) // s + 1 > 10000 THEN "
     + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'result of sequence function must not have more than 10000 "
                                                       "entries'")
     + " ELSE generate_series(CAST(a AS BIGINT), CAST(b AS BIGINT), CAST(s AS BIGINT)) END"),
    # sequences of dates and timestamps by an interval: the n-th element start + n * step
    # (Jan 31 plus two months is Mar 31), the step and the length checked as Trino does
    ("interval_months", "s", "datepart('year', s) * 12 + datepart('month', s)"),
    ("interval_micros", "s", "CAST(datepart('day', s) AS BIGINT) * 86400000000 + (datepart('hour', s) * 3600 "
                             "+ datepart('minute', s) * 60) * 1000000 + datepart('microseconds', s)"),
    ("date_sequence", "a, b, s", _time_sequence(
        "CASE WHEN trino_interval_months(s) <> 0 THEN date_sub('month', a, b) // trino_interval_months(s) "
        "ELSE date_sub('day', a, b) // (trino_interval_micros(s) // 86400000000) END",
        "CAST(a + i * s AS DATE)",
        " WHEN trino_interval_months(s) = 0 AND trino_interval_micros(s) % 86400000000 <> 0 THEN "
        + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'sequence step must be a day interval if start and end "
                                                          "values are dates'"))),
    ("timestamp_sequence", "a, b, s", _time_sequence(
        "CASE WHEN trino_interval_months(s) <> 0 THEN date_sub('month', a, b) // trino_interval_months(s) "
        "ELSE (epoch_us(b) - epoch_us(a)) // trino_interval_micros(s) END", "a + i * s")),
    # each key once, in the order it first appears, with its values in theirs
    ("split_to_multimap", "s, entry, pair",
     "map_from_entries(list_transform(list_filter(list_transform(string_split(s, entry), "
     "lambda e: split_part(e, pair, 1)), lambda k, i: list_position(list_transform(string_split(s, entry), "
     "lambda e: split_part(e, pair, 1)), k) = i), lambda k: {'key': k, 'value': list_transform("
     "list_filter(string_split(s, entry), lambda e: split_part(e, pair, 1) = k), "
     "lambda e: substr(e, strpos(e, pair) + length(pair)))}))"),
    # width_bucket(x, bins): the number of the (ascending) bins' bounds at or below x
    ("width_bucket", "x, low, high, n",
     "CASE WHEN x < low THEN 0 WHEN x >= high THEN n + 1 "
     "ELSE CAST(floor(CAST(x - low AS DOUBLE) * n / CAST(high - low AS DOUBLE)) AS BIGINT) + 1 END, "
     "(x, bins) AS CAST(len(list_filter(bins, lambda b: b <= x)) AS BIGINT)"),
    # true for a non-null element in common; else NULL when either holds a NULL (and
    # neither is empty), false otherwise
    ("arrays_overlap", "a, b",
     "CASE WHEN len(a) = 0 OR len(b) = 0 THEN false WHEN list_has_any(a, b) THEN true "
     "WHEN len(list_filter(a, lambda x: x IS NULL)) > 0 OR len(list_filter(b, lambda x: x IS NULL)) > 0 "
     "THEN NULL ELSE false END"),
    # Trino's slice(a, start, length): a negative start counts from the end
    ("slice", "a, s, n", "CASE WHEN s = 0 THEN "
     + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'SQL array indices start at 1'")
     + " WHEN n < 0 THEN "
     + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'length must be greater than or equal to 0'")
     + " WHEN s < 0 AND -s > len(a) THEN list_slice(a, 1, 0) "
     "ELSE list_slice(a, CASE WHEN s > 0 THEN s ELSE len(a) + s + 1 END, "
     "CASE WHEN s > 0 THEN s ELSE len(a) + s + 1 END + n - 1) END"),
    # Trino's entropy of counts, computed as Trino does: (ln(S) - sum(c * ln(c)) / S) / ln(2)
    # over the positive counts
    ("entropy", "c", "CASE WHEN min(c) < 0 THEN "
     + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'Entropy count argument must be non-negative'")
     + " WHEN coalesce(sum(c) FILTER (WHERE c > 0), 0) = 0 THEN CAST(0.0 AS DOUBLE) "
     "ELSE (ln(sum(c) FILTER (WHERE c > 0)) - sum(c * ln(c)) FILTER (WHERE c > 0) / sum(c) FILTER (WHERE c > 0)) "
     "/ ln(2) END"),
    # a map's entries are rows of unnamed fields in Trino ({k, v}; DuckDB names them key, value)
    ("map_entries", "m", "list_transform(map_entries(m), lambda e: row(e.key, e.value))"),
    # the position of the first match, -1 without one (the text before the leftmost match); from a
    # start, the n-th match of the text from there on, -1 without one or when the start is past the
    # end (Trino's JoniRegexpFunctions.regexpPosition)
    ("regexp_position", "s, p", "CAST(CASE WHEN regexp_matches(s, p) "
                                "THEN length(regexp_replace(s, '(?s)(' || p || ').*', '')) + 1 ELSE -1 END AS INTEGER), "
     f"(s, p, st) AS {_position_from('1')}, (s, p, st, n) AS {_position_from('n')}"),
    # n-grams of an array: the whole array when it is shorter than n
    ("ngrams", "a, n", "CASE WHEN n <= 0 THEN " + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'N must be positive'")
     + " WHEN len(a) <= n THEN [a] ELSE list_transform(range(1, len(a) - n + 2), lambda i: a[i:i + n - 1]) END"),
    # Trino's split with a limit: the last element holds the rest of the text
    ("split_limit", "s, d, n", "CASE WHEN n <= 0 THEN "
     + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'Limit must be positive'")
     + " WHEN len(string_split(s, d)) <= n THEN string_split(s, d) "
     "ELSE list_concat(string_split(s, d)[1:n - 1], [array_to_string(string_split(s, d)[n:], d)]) END"),
    # Java's Long.toString(x, radix) and Long.parseLong(s, radix): lower-case digits, a sign
    ("to_base", "x, r", "CASE WHEN x < 0 THEN '-' || lower(to_base(-x, r)) ELSE lower(to_base(x, r)) END"),
    ("from_base", "s, r",
     "CASE WHEN NOT regexp_matches(lower(s), '^[+-]?[0-9a-z]+$') OR list_bool_or(list_transform("
     "string_split(regexp_replace(lower(s), '^[+-]', ''), ''), "
     "lambda c: strpos('0123456789abcdefghijklmnopqrstuvwxyz', c) > r)) THEN "
     + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'Not a valid base-' || r || ' number: ' || s")
     + " ELSE CASE WHEN s[1] = '-' THEN -1 ELSE 1 END * list_reduce(list_transform("
     "string_split(regexp_replace(lower(s), '^[+-]', ''), ''), "
     "lambda c: CAST(strpos('0123456789abcdefghijklmnopqrstuvwxyz', c) - 1 AS BIGINT)), "
     "lambda acc, digit: acc * r + digit, CAST(0 AS BIGINT)) END"),
    ("map_agg", "k, v", "map_from_entries(list_filter(list({'key': k, 'value': v}) FILTER (WHERE k IS NOT NULL), "
                        "lambda e, i: list_position(list_transform(list({'key': k, 'value': v}) "
                        "FILTER (WHERE k IS NOT NULL), lambda y: y.key), e.key) = i))"),
    # texts of unequal lengths fail; two empty ones are 0 apart (DuckDB's hamming refuses them)
    ("hamming_distance", "a, b", "CASE WHEN length(a) <> length(b) THEN "
     + strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'The input strings to hamming_distance function must have the "
                                                       "same length'")
     + " WHEN length(a) = 0 THEN CAST(0 AS BIGINT) ELSE hamming(a, b) END"),
    # map_union: each key once, with its value from the first map of the group holding it
    ("map_union", "m", "map_from_entries(list_filter(flatten(list(map_entries(m)) FILTER (WHERE m IS NOT NULL)), "
                       "lambda e, i: list_position(list_transform(flatten(list(map_entries(m)) "
                       "FILTER (WHERE m IS NOT NULL)), lambda y: y.key), e.key) = i))"),
    # array_remove keeps the NULL elements (Trino's ArrayRemoveFunction), and is NULL for a NULL value
    ("array_remove", "a, v", "CASE WHEN v IS NOT NULL THEN list_filter(a, lambda e: e IS NULL OR e <> v) END"),
    # HyperLogLog sketches, kept as the distinct hashes they saw: Trino's sketch starts
    # sparse and counts the few thousand values of a test's tables exactly, as
    # approx_distinct does here; NULL when no value was seen (cardinality reads its length)
    ("approx_set", "x", "CASE WHEN count(x) > 0 THEN list_distinct(list(hash(x)) FILTER (WHERE x IS NOT NULL)) END"),
    ("merge", "h", "CASE WHEN count(h) > 0 THEN list_distinct(flatten(list(h) FILTER (WHERE h IS NOT NULL))) END"),
    ("empty_approx_set", "", "CAST([] AS UBIGINT[])"),
    ("multimap_agg", "k, v", "map_from_entries(list_transform(list_distinct(list(k) FILTER (WHERE k IS NOT NULL)), "
                             "lambda key: {'key': key, 'value': list_transform(list_filter(list({'k': k, 'v': v}), "
                             "lambda p: p.k = key), lambda p: p.v)}))"),
]
