"""A performance engineer checks query plans before scheduling a report: EXPLAIN through
boto3 (a DML statement, SubstatementType EXPLAIN, answered in `<id>.txt` with its
`.txt.metadata`, no UpdateCount, GetQueryResults' heading row `Query Plan` first and then
the `.txt` lines as written), then the same plan through a pyathena cursor, and
awswrangler's describe_table of the partitioned Hive table the report reads (read from
DESCRIBE's `.txt`, the partition key flagged). Facts: Athena's replies and result objects
as a public measurement log of real Athena records them (EXPLAIN: DML / EXPLAIN, `.txt`,
`Query Plan`, no UpdateCount)."""
import uuid

from trip_helpers import athena_execution, keys_under, pyathena_connect


def test_plans_are_checked_before_scheduling(client, bucket, database, lakebox_server, wr, session):
    athena, s3 = client("athena"), client("s3")
    prefix = f"plans-{uuid.uuid4().hex[:6]}/"
    output = f"s3://{bucket}/{prefix}"
    athena_execution(athena, "CREATE EXTERNAL TABLE sales (id int, amount double COMMENT 'in euros') "
                     "PARTITIONED BY (dt string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
                     f"LOCATION 's3://{bucket}/lake/sales/'", database, output)

    explained = athena_execution(athena, "EXPLAIN SELECT dt, sum(amount) FROM sales GROUP BY dt", database, output)
    qid = explained["QueryExecutionId"]
    assert (explained["StatementType"], explained["SubstatementType"]) == ("DML", "EXPLAIN")
    assert explained["ResultConfiguration"]["OutputLocation"] == f"{output}{qid}.txt"
    assert sorted(key[len(prefix):] for key in keys_under(s3, bucket, prefix) if qid in key) == [
        f"{qid}.txt", f"{qid}.txt.metadata"]
    plan = s3.get_object(Bucket=bucket, Key=f"{prefix}{qid}.txt")["Body"].read().decode()
    answer = athena.get_query_results(QueryExecutionId=qid)
    assert "UpdateCount" not in answer
    assert [c["Name"] for c in answer["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]] == ["Query Plan"]
    assert answer["ResultSet"]["ResultSetMetadata"]["ColumnInfo"][0]["Type"] == "varchar"
    rows = [[d.get("VarCharValue") for d in row["Data"]] for row in answer["ResultSet"]["Rows"]]
    assert rows[0] == ["Query Plan"]
    assert [row[0] for row in rows[1:]] == plan.rstrip("\n").split("\n")
    assert len(rows) > 2

    cursor = pyathena_connect(lakebox_server, bucket, database).cursor()
    cursor.execute("EXPLAIN SELECT dt, sum(amount) FROM sales GROUP BY dt")
    assert [column[0] for column in cursor.description] == ["Query Plan"]
    assert [row[0] for row in cursor.fetchall()] == [row[0] for row in rows[1:]]

    described = wr.athena.describe_table("sales", database=database, s3_output=output, boto3_session=session)
    assert described.to_dict("records") == [
        {"Column Name": "id", "Type": "int", "Partition": False, "Comment": ""},
        {"Column Name": "amount", "Type": "double", "Partition": False, "Comment": "in euros"},
        {"Column Name": "dt", "Type": "string", "Partition": True, "Comment": ""}]
