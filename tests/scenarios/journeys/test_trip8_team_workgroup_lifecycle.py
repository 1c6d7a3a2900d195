"""A platform team gives the finance analysts a work group of their own: results forced
under the team's prefix, whatever the client asks. An analyst's pyathena connection names
the work group and turns result reuse on: the same report run twice is answered from the
first run's result (ReuseInformation, no bytes scanned), a different text runs again. The
team saves the report as a named query and a prepared statement of the work group; at the
end of the quarter the work group is deleted: refused while it holds queries ("is not
empty"), then deleted with RecursiveDeleteOption, its named queries, prepared statements
and query history with it. An EXECUTE that leaves out the statement's parameter is taken
and fails, as a query whose ExecutionParameters are missing does."""
import uuid

import pytest
from pyathena.error import OperationalError

from trip_helpers import athena_rows, error_of, keys_under, pyathena_connect

LEDGER = b"2024-01-05,rent,-1200.00\n2024-01-09,sale,310.50\n2024-02-01,sale,99.90\n2024-02-03,fees,-12.00\n"


@pytest.fixture
def finance(client, bucket, database):
    athena = client("athena")
    name = f"finance-{uuid.uuid4().hex[:8]}"
    athena.create_work_group(Name=name, Description="finance analysts", Configuration={
        "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/finance-results/"},
        "EnforceWorkGroupConfiguration": True})
    client("s3").put_object(Bucket=bucket, Key="finance/ledger/2024.csv", Body=LEDGER)
    athena_rows(athena, f"""CREATE EXTERNAL TABLE ledger (day date, kind string, amount decimal(12,2))
                            ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/finance/ledger/'""",
                database, f"s3://{bucket}/setup/")
    yield name
    try:
        athena.delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)
    except athena.exceptions.InvalidRequestException:
        pass                # the test deleted it


REPORT = "SELECT date_trunc('month', day) AS month, sum(amount) AS net FROM ledger GROUP BY 1 ORDER BY 1"


def test_team_workgroup_from_reuse_to_deletion(lakebox_server, client, bucket, database, finance):
    s3, athena = client("s3"), client("athena")
    connection = pyathena_connect(lakebox_server, bucket, database, work_group=finance,
                                  result_reuse_enable=True, result_reuse_minutes=60)
    cursor = connection.cursor()
    cursor.execute(REPORT)
    assert [(str(month), str(net)) for month, net in cursor.fetchall()] == [
        ("2024-01-01", "-889.50"), ("2024-02-01", "87.90")]
    first = athena.get_query_execution(QueryExecutionId=cursor.query_id)["QueryExecution"]
    assert first["WorkGroup"] == finance
    assert first["ResultConfiguration"]["OutputLocation"] == \
        f"s3://{bucket}/finance-results/{cursor.query_id}.csv"          # the client's staging dir is overridden
    assert first["Statistics"]["ResultReuseInformation"] == {"ReusedPreviousResult": False}

    cursor.execute(REPORT)
    again = athena.get_query_execution(QueryExecutionId=cursor.query_id)["QueryExecution"]
    assert again["Statistics"]["ResultReuseInformation"] == {"ReusedPreviousResult": True}
    assert again["Statistics"]["DataScannedInBytes"] == 0
    assert again["ResultConfiguration"]["OutputLocation"] == first["ResultConfiguration"]["OutputLocation"]
    assert [(str(month), str(net)) for month, net in cursor.fetchall()] == [
        ("2024-01-01", "-889.50"), ("2024-02-01", "87.90")]

    cursor.execute(REPORT.replace("ORDER BY 1", "ORDER BY 1 DESC"))
    other = athena.get_query_execution(QueryExecutionId=cursor.query_id)["QueryExecution"]
    assert other["Statistics"]["ResultReuseInformation"] == {"ReusedPreviousResult": False}
    assert [str(net) for _, net in cursor.fetchall()] == ["87.90", "-889.50"]
    assert keys_under(s3, bucket, "staging/") == []

    # the nightly clean-up deletes the results: the next run cannot reuse them, and runs
    s3.delete_object(Bucket=bucket, Key=f"finance-results/{first['QueryExecutionId']}.csv")
    cursor.execute(REPORT)
    rerun = athena.get_query_execution(QueryExecutionId=cursor.query_id)["QueryExecution"]
    assert rerun["Statistics"]["ResultReuseInformation"] == {"ReusedPreviousResult": False}
    assert len(cursor.fetchall()) == 2

    # a colleague in the primary work group: a result is reused only into the same result configuration
    def colleague(staging):
        shared = pyathena_connect(lakebox_server, bucket, database, s3_staging_dir=f"s3://{bucket}/{staging}/",
                                  result_reuse_enable=True, result_reuse_minutes=60).cursor()
        shared.execute(REPORT)
        reuse = athena.get_query_execution(QueryExecutionId=shared.query_id)["QueryExecution"]["Statistics"]
        return reuse["ResultReuseInformation"]["ReusedPreviousResult"], len(shared.fetchall())
    assert colleague("mine") == (False, 2)
    assert colleague("theirs") == (False, 2)
    assert colleague("mine") == (True, 2)

    named = athena.create_named_query(Name="monthly net", Database=database, QueryString=REPORT,
                                      WorkGroup=finance)["NamedQueryId"]
    assert [q["Name"] for q in athena.batch_get_named_query(NamedQueryIds=[named])["NamedQueries"]] == ["monthly net"]
    athena.create_prepared_statement(StatementName="net_since", WorkGroup=finance,
                                     QueryStatement="SELECT sum(amount) FROM ledger WHERE day >= ?")
    cursor.execute("EXECUTE net_since USING DATE '2024-01-09'")
    assert [str(net) for net, in cursor.fetchall()] == ["398.40"]
    with pytest.raises(OperationalError) as unbound:        # taken, then failed, as with ExecutionParameters
        cursor.execute("EXECUTE net_since")
    assert str(unbound.value) == "Incorrect number of parameters: expected 1 but found 0"
    status = athena.get_query_execution(QueryExecutionId=cursor.query_id)["QueryExecution"]["Status"]
    assert (status["State"], status["AthenaError"]["ErrorCategory"], status["AthenaError"]["ErrorType"]) == (
        "FAILED", 2, 1006)
    history = athena.list_query_executions(WorkGroup=finance)["QueryExecutionIds"]
    assert len(history) == 6 and history[0] == cursor.query_id

    assert error_of(athena.delete_work_group, WorkGroup=finance) == (
        "InvalidRequestException", f"WorkGroup {finance} is not empty")
    assert athena.get_work_group(WorkGroup=finance)["WorkGroup"]["State"] == "ENABLED"
    athena.delete_work_group(WorkGroup=finance, RecursiveDeleteOption=True)
    assert error_of(athena.get_work_group, WorkGroup=finance) == (
        "InvalidRequestException", "WorkGroup is not found.")
    assert error_of(athena.get_named_query, NamedQueryId=named) == (
        "InvalidRequestException", f"NamedQuery {named} was not found")

    athena.create_work_group(Name=finance)           # the name again: a new, empty work group
    assert athena.list_query_executions(WorkGroup=finance)["QueryExecutionIds"] == []
    assert athena.list_prepared_statements(WorkGroup=finance)["PreparedStatements"] == []
    athena.delete_work_group(WorkGroup=finance)
