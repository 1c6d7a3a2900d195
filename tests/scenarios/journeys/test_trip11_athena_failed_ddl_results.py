"""An on-call engineer's result-bucket janitor tells apart what failed statements leave
behind: a failed Hive DDL statement (SHOW PARTITIONS of an unpartitioned table) writes
its `FAILED: ...` reason (its StateChangeReason, bare) to `<id>.txt` with no `.metadata`, and GetQueryResults answers
it with an empty result set (no error); a failed SELECT leaves nothing and
GetQueryResults refuses it with INVALID_QUERY_EXECUTION_STATE. Facts: Athena's replies
and result objects for failed statements as a public measurement log of real Athena
records them (the Hive DDL's `.txt` holds its reason, GetQueryResults 200 with an empty
ResultSet; a failed SELECT writes nothing)."""
import uuid

from athenaops_helpers import athena_refusal, ended
from trip_helpers import athena_execution, keys_under


def test_janitor_reads_what_failures_leave(client, bucket, database):
    athena, s3 = client("athena"), client("s3")
    prefix = f"janitor-{uuid.uuid4().hex[:6]}/"
    output = f"s3://{bucket}/{prefix}"
    athena_execution(athena, "CREATE EXTERNAL TABLE flat (n int) "
                     f"LOCATION 's3://{bucket}/lake/flat/'", database, output)

    def started(sql):
        return ended(athena, athena.start_query_execution(
            QueryString=sql, QueryExecutionContext={"Database": database},
            ResultConfiguration={"OutputLocation": output})["QueryExecutionId"])

    def left_by(query_id):
        return sorted(key[len(prefix):] for key in keys_under(s3, bucket, prefix) if query_id in key)

    shown = started("SHOW PARTITIONS flat")
    sid = shown["QueryExecutionId"]
    assert shown["Status"]["State"] == "FAILED"
    assert (shown["StatementType"], shown["SubstatementType"]) == ("UTILITY", "SHOW_PARTITIONS")
    assert shown["ResultConfiguration"]["OutputLocation"] == f"{output}{sid}.txt"
    assert left_by(sid) == [f"{sid}.txt"]
    reason = "FAILED: SemanticException [Error 10241]: Table flat is not a partitioned table"
    assert shown["Status"]["StateChangeReason"] == reason          # Hive's words, bare
    assert s3.get_object(Bucket=bucket, Key=f"{prefix}{sid}.txt")["Body"].read() == reason.encode()
    answer = athena.get_query_results(QueryExecutionId=sid)
    assert answer["ResultSet"]["Rows"] == [] and "ResultSetMetadata" not in answer["ResultSet"]
    assert "UpdateCount" not in answer and "NextToken" not in answer

    selected = started("SELECT nope FROM flat")
    qid = selected["QueryExecutionId"]
    assert selected["Status"]["State"] == "FAILED"
    assert left_by(qid) == []
    assert athena_refusal(athena.get_query_results, QueryExecutionId=qid) == (
        "InvalidRequestException", "INVALID_QUERY_EXECUTION_STATE",
        "Query did not finish successfully. Final query state: FAILED")
