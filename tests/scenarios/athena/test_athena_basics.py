"""Queries through the Athena API: states, results with Athena's types, result files."""
import io

import pyarrow as pa
import pyarrow.parquet as pq


def test_select_one(query, s3, bucket):
    execution, rows, columns = query("SELECT 1, 'a' AS s, CAST(NULL AS varchar) AS n, 7 / 2 AS d")
    assert rows == [["_col0", "s", "n", "d"], ["1", "a", None, "3"]]
    assert [(c["Name"], c["Type"]) for c in columns] == [("_col0", "integer"), ("s", "varchar"), ("n", "varchar"),
                                                         ("d", "integer")]
    assert execution["StatementType"] == "DML"
    location = execution["ResultConfiguration"]["OutputLocation"]
    assert location == f"s3://{bucket}/results/{execution['QueryExecutionId']}.csv"
    body = s3.get_object(Bucket=bucket, Key=f"results/{execution['QueryExecutionId']}.csv")["Body"].read()
    assert body == b'"_col0","s","n","d"\n"1","a",,"3"\n'
    s3.head_object(Bucket=bucket, Key=f"results/{execution['QueryExecutionId']}.csv.metadata")


def _put_parquet(s3, bucket, key, table):
    sink = io.BytesIO()
    pq.write_table(table, sink)
    s3.put_object(Bucket=bucket, Key=key, Body=sink.getvalue())


def test_partitioned_parquet_table(query, s3, glue, bucket, database):
    for day, ids in (("2024-01-01", [1, 2]), ("2024-01-02", [3])):
        _put_parquet(s3, bucket, f"sales/dt={day}/part-0.parquet",
                     pa.table({"id": pa.array(ids, pa.int64()), "amount": [i * 1.5 for i in ids]}))
    query("""CREATE EXTERNAL TABLE sales (id bigint, amount double) PARTITIONED BY (dt string)
             STORED AS PARQUET LOCATION 's3://%s/sales/'""" % bucket)
    _, rows, _ = query("MSCK REPAIR TABLE sales")
    partitions = glue.get_partitions(DatabaseName=database, TableName="sales")["Partitions"]
    assert sorted(p["Values"][0] for p in partitions) == ["2024-01-01", "2024-01-02"]
    execution, rows, columns = query("SELECT dt, count(*) AS n, sum(id) AS total FROM sales GROUP BY dt ORDER BY dt")
    assert rows == [["dt", "n", "total"], ["2024-01-01", "2", "3"], ["2024-01-02", "1", "3"]]
    assert [c["Type"] for c in columns] == ["varchar", "bigint", "bigint"]
    everything = execution["Statistics"]["DataScannedInBytes"]
    pruned, rows, _ = query("SELECT id FROM sales WHERE dt = '2024-01-02'")
    assert rows == [["id"], ["3"]]
    assert 0 < pruned["Statistics"]["DataScannedInBytes"] < everything


def test_syntax_error_is_refused_at_submission(athena, bucket):
    try:
        athena.start_query_execution(QueryString="SELEC 1",
                                     ResultConfiguration={"OutputLocation": f"s3://{bucket}/r/"})
    except athena.exceptions.InvalidRequestException as error:
        assert error.response["Error"]["Message"].startswith("line 1:1: ")
    else:
        raise AssertionError("a syntax error was accepted")


def test_missing_table_fails_the_query(query, database):
    execution, _, _ = query("SELECT * FROM nope", expect="FAILED")
    status = execution["Status"]
    assert status["StateChangeReason"] == f"TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.{database}.nope' " \
                                          "does not exist"
    assert status["AthenaError"]["ErrorCategory"] == 2


def test_path_pseudo_columns_tablesample_and_explain(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="pp/one.csv", Body=b"1\n2\n")
    s3.put_object(Bucket=bucket, Key="pp/two.csv", Body=b"3\n")
    query("CREATE EXTERNAL TABLE pp (n int) LOCATION 's3://%s/pp/'" % bucket)
    _, rows, _ = query('SELECT "$path", "$file_size", count(*) AS c FROM pp GROUP BY 1, 2 ORDER BY 1')
    assert rows == [["$path", "$file_size", "c"], [f"s3://{bucket}/pp/one.csv", "4", "2"],
                    [f"s3://{bucket}/pp/two.csv", "2", "1"]]
    _, rows, _ = query("SELECT count(*) FROM pp TABLESAMPLE BERNOULLI (100)")
    assert rows == [["_col0"], ["3"]]
    _, rows, columns = query("EXPLAIN SELECT n FROM pp WHERE n > 1")
    assert columns[0]["Name"] == "Query Plan" and len(rows) > 2


def test_missing_column_fails_with_trinos_words(query):
    execution, _, _ = query("SELECT x, nope FROM (VALUES 1) AS t(x)", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == ("COLUMN_NOT_FOUND: line 1:11: Column 'nope' cannot be resolved "
                                                        "or requester is not authorized to access requested resources")
    assert execution["Status"]["AthenaError"]["ErrorCategory"] == 2


def test_incomplete_statements_are_refused_at_submission(athena, bucket):
    for sql, message in (("SELECT", "line 1:7: mismatched input '<EOF>'"),
                         ("EXPLAIN", "line 1:8: mismatched input '<EOF>'"),
                         ("SELECT 1; SELECT 2", "line 1:1: Only one sql statement is allowed. Got: 2")):
        try:
            athena.start_query_execution(QueryString=sql, ResultConfiguration={"OutputLocation": f"s3://{bucket}/r/"})
        except athena.exceptions.InvalidRequestException as error:
            assert error.response["Error"]["Message"] == message
        else:
            raise AssertionError(f"{sql!r} was accepted")


def test_runtime_errors_in_trinos_words(query):
    for sql, reason in (("SELECT CAST('x' AS integer)", "INVALID_CAST_ARGUMENT: Cannot cast 'x' to INT"),
                        ("SELECT 1 / 0", "DIVISION_BY_ZERO: Division by zero")):
        execution, _, _ = query(sql, expect="FAILED")
        assert execution["Status"]["StateChangeReason"] == reason
    _, rows, _ = query("VALUES (1, 'a'), (2, 'b')")
    assert rows == [["_col0", "_col1"], ["1", "a"], ["2", "b"]]
