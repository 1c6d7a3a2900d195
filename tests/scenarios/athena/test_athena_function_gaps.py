"""Everyday calls Athena (engine version 3, Trino) answers in its own way: a call with a
number of arguments no signature of the function takes, the order of UNNEST's rows."""

_SUBSTR = ("substr(char(x), bigint) char(x), substr(char(x), bigint, bigint) char(x), "
           "substr(varbinary, bigint) varbinary, substr(varbinary, bigint, bigint) varbinary, "
           "substr(varchar(x), bigint) varchar(x), substr(varchar(x), bigint, bigint) varchar(x)")


def _reason(execution):
    return execution["Status"]["StateChangeReason"], execution["Status"]["AthenaError"]["ErrorCategory"]


def test_a_call_with_too_few_or_too_many_arguments_lists_the_signatures(query):
    execution, _, _ = query("SELECT substr('abc')", expect="FAILED")
    assert _reason(execution) == (
        f"FUNCTION_NOT_FOUND: line 1:8: Unexpected parameters (varchar(3)) for function substr. Expected: {_SUBSTR}", 2)
    execution, _, _ = query("SELECT 1,\n  substr('abc', 1, 2, 3)", expect="FAILED")
    assert _reason(execution) == (
        "FUNCTION_NOT_FOUND: line 2:3: Unexpected parameters (varchar(3), integer, integer, integer) "
        f"for function substr. Expected: {_SUBSTR}", 2)
    execution, _, _ = query("SELECT split('a,b')", expect="FAILED")
    assert _reason(execution) == (
        "FUNCTION_NOT_FOUND: line 1:8: Unexpected parameters (varchar(3)) for function split. Expected: "
        "split(varchar(x), varchar(y)) array(varchar(x)), split(varchar(x), varchar(y), bigint) array(varchar(x))", 2)
    execution, _, _ = query("SELECT upper('a', ARRAY[1])", expect="FAILED")
    assert _reason(execution) == (
        "FUNCTION_NOT_FOUND: line 1:8: Unexpected parameters (varchar(1), array(integer)) for function upper. "
        "Expected: upper(char(x)) char(x), upper(varchar(x)) varchar(x)", 2)


def test_round_without_an_argument_is_no_syntax_error(query):
    execution, _, _ = query("SELECT round()", expect="FAILED")
    reason, category = _reason(execution)
    assert reason.startswith("FUNCTION_NOT_FOUND: line 1:8: Unexpected parameters () for function round. "
                             "Expected: round(bigint) bigint, round(bigint, integer) bigint, ")
    assert category == 2


def test_the_right_number_of_arguments_still_runs(query):
    assert query("SELECT substr('abc', 2), round(2.5), split('a,b', ',')")[1][1] == ["bc", "3", "[a, b]"]


def test_unnest_keeps_the_array_order_through_a_filter_and_an_aggregate(query, bucket):
    query(f"CREATE TABLE nested WITH (external_location = 's3://{bucket}/nested/') AS "
          "SELECT * FROM (VALUES (1, ARRAY[1, 2, 3, 4]), (2, ARRAY[1, 4, 5])) AS t(id, a)")
    rows = query("SELECT id, x FROM nested CROSS JOIN UNNEST(a) AS u(x) WHERE x > 1 AND id = 1")[1]
    assert rows[1:] == [["1", "2"], ["1", "3"], ["1", "4"]]
    rows = query("SELECT n.id, array_agg(u.x) FROM nested AS n CROSS JOIN UNNEST(n.a) AS u(x) "
                 "WHERE u.x > 1 GROUP BY n.id ORDER BY n.id")[1]
    assert rows[1:] == [["1", "[2, 3, 4]"], ["2", "[4, 5]"]]
    assert query("SELECT * FROM nested CROSS JOIN UNNEST(a) AS u(x) WHERE x = 5")[1] == [
        ["id", "a", "x"], ["2", "[1, 4, 5]", "5"]]


def test_durations_checks_and_hashes_a_data_engineer_uses(query):
    rows = query("SELECT human_readable_seconds(3762), parse_duration('3.81 d'), luhn_check('79927398713'), "
                 "to_hex(xxhash64(to_utf8('abc'))), soundex('Robert'), combinations(ARRAY['a', 'b', 'c'], 2), "
                 "map_zip_with(MAP(ARRAY['a'], ARRAY[1]), MAP(ARRAY['a', 'b'], ARRAY[2, 3]), "
                 "(k, v1, v2) -> coalesce(v1, 0) * 10 + v2)")[1]
    assert rows[1] == ["1 hour, 2 minutes, 42 seconds", "3 19:26:24.000", "true", "44BC2CF5AD770999", "R163",
                       "[[a, b], [a, c], [b, c]]", "{a=12, b=3}"]


def test_invalid_arguments_of_those_functions(query):
    for sql, reason in [
        ("SELECT parse_duration('soon')",
         "INVALID_FUNCTION_ARGUMENT: duration is not a valid data duration string: soon"),
        ("SELECT luhn_check('12a4')", "INVALID_FUNCTION_ARGUMENT: Input contains non-digit character"),
        ("SELECT combinations(ARRAY[1, 2], 6)", "INVALID_FUNCTION_ARGUMENT: combination size must not exceed 5: 6"),
    ]:
        execution, _, _ = query(sql, expect="FAILED")
        assert execution["Status"]["StateChangeReason"] == reason


def test_select_distinct_orders_only_by_what_it_selects(query):
    execution, _, _ = query("SELECT DISTINCT a FROM (VALUES (1, 2)) AS t(a, b)\nORDER BY a, b", expect="FAILED")
    assert _reason(execution) == ("EXPRESSION_NOT_IN_DISTINCT: line 2:13: For SELECT DISTINCT, ORDER BY "
                                  "expressions must appear in select list", 2)
    rows = query("SELECT DISTINCT a AS x, b FROM (VALUES (1, 2), (1, 2), (3, 4)) AS t(a, b) ORDER BY x DESC, t.b")[1]
    assert rows[1:] == [["3", "4"], ["1", "2"]]


def test_an_array_joins_an_array_of_arrays_as_one_element(query):
    rows = query("SELECT ARRAY[4, 5] || ARRAY[ARRAY[1, 2], ARRAY[3, 4]], ARRAY[ARRAY[1]] || ARRAY[2]")[1]
    assert rows[1] == ["[[4, 5], [1, 2], [3, 4]]", "[[1], [2]]"]


def test_unload_into_a_location_with_data_fails_and_writes_nothing(query, s3, bucket, database):
    s3.put_object(Bucket=bucket, Key="taken/old.json", Body=b"{}")
    execution, _, _ = query(f"UNLOAD (SELECT 1 AS x) TO 's3://{bucket}/taken/' WITH (format = 'JSON')", expect="FAILED")
    # as awswrangler users report it (aws-sdk-pandas issue 1200)
    assert _reason(execution) == ("HIVE_PATH_ALREADY_EXISTS: Target directory already exists", 2)
    assert [item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix="taken/")["Contents"]] == ["taken/old.json"]


def test_show_create_table_of_a_bucketed_table_names_its_buckets(query, bucket):
    query(f"CREATE TABLE clicks WITH (format = 'PARQUET', external_location = 's3://{bucket}/clicks/', "
          "bucketed_by = ARRAY['id', 'name'], bucket_count = 8) AS SELECT 1 AS id, 'a' AS name")
    lines = [row[0] for row in query("SHOW CREATE TABLE clicks")[1][1:]]
    at = lines.index("CLUSTERED BY (")
    assert lines[at - 1] == "  `name` string)"
    assert lines[at:at + 4] == ["CLUSTERED BY (", "  id,", "  name)", "INTO 8 BUCKETS"]
    assert lines[at + 4] == "ROW FORMAT SERDE"


def test_runtime_statistics_count_the_result_bytes(athena, s3, query, bucket):
    execution, _, _ = query("SELECT x FROM UNNEST(sequence(1, 3)) AS t(x)")
    query_id = execution["QueryExecutionId"]
    runtime = athena.get_query_runtime_statistics(QueryExecutionId=query_id)["QueryRuntimeStatistics"]
    size = s3.head_object(Bucket=bucket, Key=f"results/{query_id}.csv")["ContentLength"]
    assert (runtime["Rows"]["OutputRows"], runtime["Rows"]["OutputBytes"]) == (3, size)
    assert set(runtime["Timeline"]) == {"QueryQueueTimeInMillis", "ServicePreProcessingTimeInMillis",
                                        "QueryPlanningTimeInMillis", "EngineExecutionTimeInMillis",
                                        "ServiceProcessingTimeInMillis", "TotalExecutionTimeInMillis"}
