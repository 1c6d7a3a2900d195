"""Values in results as Athena writes them (Trino's text forms), read back through
GetQueryResults, and through pyathena's converters, which parse those forms."""
import datetime

REGION = "us-east-1"
SELECT = ("SELECT ARRAY[1, NULL] AS a, MAP(ARRAY['k'], ARRAY[1]) AS m, "
          "CAST(ROW(1, 'x') AS ROW(n integer, s varchar)) AS r, to_utf8('hi') AS b, 1e10 AS d, "
          "TIMESTAMP '2024-01-01 10:00:00' AS t, ARRAY[CAST(ROW(2.5e0) AS ROW(v double))] AS nested")


def test_get_query_results_in_trinos_text_forms(query):
    _, rows, columns = query(SELECT)
    assert rows[1] == ["[1, null]", "{k=1}", "{n=1, s=x}", "68 69", "1.0E10", "2024-01-01 10:00:00.000",
                       "[{v=2.5}]"]
    assert [column["Type"] for column in columns] == ["array", "map", "row", "varbinary", "double", "timestamp",
                                                      "array"]


def test_timestamps_print_and_type_as_trinos(query):
    """timestamp(6) prints its 6 digits, timestamp(3) its 3; Athena's ColumnInfo calls both
    `timestamp` (pyathena's converters key on that name), with the precision apart."""
    _, rows, columns = query("SELECT CAST('2024-01-02 03:04:05.123456' AS timestamp(6)) AS micro, "
                             "CAST('2024-01-02 03:04:05.123456' AS timestamp(3)) AS milli, "
                             "typeof(CAST('2024-01-02 03:04:05' AS timestamp(6))) AS micro_type, "
                             "typeof(current_timestamp) AS now_type, current_timestamp AS now")
    assert rows[1][:4] == ["2024-01-02 03:04:05.123456", "2024-01-02 03:04:05.123", "timestamp(6)",
                           "timestamp(3) with time zone"]
    assert rows[1][4].endswith(" UTC") and len(rows[1][4]) == len("2024-01-02 03:04:05.123 UTC")
    assert [(column["Type"], column["Precision"]) for column in columns] == [
        ("timestamp", 6), ("timestamp", 3), ("varchar", 2147483647), ("varchar", 2147483647),
        ("timestamp with time zone", 3)]


def test_everyday_functions_answer_as_trinos(query):
    _, rows, columns = query("SELECT sequence(DATE '2024-01-30', DATE '2024-02-01') AS days, "
                             "cardinality(MAP(ARRAY['a'], ARRAY[1])) AS entries, "
                             "json_array_contains('[1, 2]', 2) AS has_two, cbrt(27) AS root")
    assert rows[1] == ["[2024-01-30, 2024-01-31, 2024-02-01]", "1", "true", "3.0"]
    assert [column["Type"] for column in columns] == ["array", "bigint", "boolean", "double"]


def test_pyathena_reads_the_values_back(lakebox_server, bucket, database):
    from pyathena import connect
    cursor = connect(s3_staging_dir=f"s3://{bucket}/pyathena/", region_name=REGION, schema_name=database,
                     aws_access_key_id="test", aws_secret_access_key="test",
                     endpoint_url=lakebox_server.endpoint).cursor()
    cursor.execute(SELECT)
    array, mapping, row, binary, double, moment, nested = cursor.fetchone()
    assert array == [1, None]
    assert mapping == {"k": "1"} and row == {"n": "1", "s": "x"}     # pyathena keeps nested scalars as text
    assert binary == b"hi" and double == 1e10
    assert moment == datetime.datetime(2024, 1, 1, 10, 0)
    assert nested == [{"v": "2.5"}]


def test_nested_columns_of_a_json_table(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="nested/part-0.json", Body=(
        b'{"id": 1, "user": {"Name": "ann", "tags": ["a", "b"]}, "attrs": {"k": 1.5}, "at": "2024-01-01 10:00:00"}\n'
        b'{"id": 2, "user": {"Name": "bo", "tags": []}, "attrs": {}, "at": null}\n'))
    query("CREATE EXTERNAL TABLE nested (id int, user struct<name:string,tags:array<string>>, "
          "attrs map<string,double>, at timestamp) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
          "LOCATION 's3://%s/nested/'" % bucket)
    _, rows, _ = query("SELECT * FROM nested ORDER BY id")
    assert rows == [["id", "user", "attrs", "at"], ["1", "{name=ann, tags=[a, b]}", "{k=1.5}", "2024-01-01 10:00:00.000"],
                    ["2", "{name=bo, tags=[]}", "{}", None]]
    _, rows, _ = query("SELECT id, k, v FROM nested CROSS JOIN UNNEST(attrs) AS u(k, v)")
    assert rows == [["id", "k", "v"], ["1", "k", "1.5"]]
    _, rows, _ = query("SELECT id, tag, n FROM nested CROSS JOIN UNNEST(user.tags) WITH ORDINALITY AS u(tag, n) "
                       "ORDER BY n")
    assert rows == [["id", "tag", "n"], ["1", "a", "1"], ["1", "b", "2"]]
