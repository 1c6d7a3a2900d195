"""A nightly DAG run driven the way Airflow's Athena operator drives it, with boto3 alone:
each task submits its statement with a ClientRequestToken made from the run and task,
so a retried submission (after a lost answer) finds the same execution instead of
running twice; the tasks stage a day with CTAS, append it to the reporting table with
INSERT INTO, check the result, and drop the staging table; an analyst's runaway query
in the same workgroup is stopped by the orchestrator's timeout; the run's executions
are read back in one BatchGetQueryExecution."""
import time
import uuid

import pytest

from trip_helpers import wait_for

RUN = "scheduled__2024-06-02T00:00:00"


def token(task):
    return f"{RUN}-{task}-{uuid.uuid4().hex[:6]}"[:128]


@pytest.fixture
def runner(client, bucket, database):
    athena = client("athena")

    def submit(sql, request_token):
        return athena.start_query_execution(QueryString=sql, ClientRequestToken=request_token,
                                            QueryExecutionContext={"Database": database},
                                            ResultConfiguration={"OutputLocation": f"s3://{bucket}/athena/"})[
            "QueryExecutionId"]

    def finished(query_id):
        def ended():
            execution = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
            return execution if execution["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED") else None
        return wait_for(ended, timeout=120)

    def task(name, sql):
        request_token = token(name)
        query_id = submit(sql, request_token)
        assert submit(sql, request_token) == query_id            # the retried submission
        execution = finished(query_id)
        assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
        return execution
    return athena, task, submit, finished


def test_nightly_dag_run(client, bucket, database, runner):
    athena, task, submit, finished = runner
    s3 = client("s3")
    for day, rows in (("2024-06-01", "1,ana,10.0\n2,ben,4.5\n"), ("2024-06-02", "3,ana,2.5\n4,cy,7.0\n5,cy,1.0\n")):
        s3.put_object(Bucket=bucket, Key=f"landing/dt={day}/orders.csv", Body=rows.encode())
    task("create_landing", f"CREATE EXTERNAL TABLE landing (id int, customer string, amount double) "
                           f"PARTITIONED BY (dt string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
                           f"LOCATION 's3://{bucket}/landing/'")
    task("repair_landing", "MSCK REPAIR TABLE landing")
    task("create_report", f"CREATE TABLE report WITH (format = 'PARQUET', external_location = "
                          f"'s3://{bucket}/report/', partitioned_by = ARRAY['dt']) AS "
                          f"SELECT customer, sum(amount) AS total, count(*) AS orders, dt FROM landing "
                          f"WHERE dt = '2024-06-01' GROUP BY customer, dt")

    stage = task("stage_day", f"CREATE TABLE stage_20240602 WITH (format = 'PARQUET', external_location = "
                              f"'s3://{bucket}/stage/2024-06-02/') AS SELECT customer, sum(amount) AS total, "
                              f"count(*) AS orders, dt FROM landing WHERE dt = '2024-06-02' GROUP BY customer, dt")
    assert stage["StatementType"] == "DDL"
    load = task("load_day", "INSERT INTO report SELECT customer, total, orders, dt FROM stage_20240602")
    check = task("check_day", "SELECT count(*) AS customers, sum(orders) AS orders FROM report WHERE dt = '2024-06-02'")
    rows = athena.get_query_results(QueryExecutionId=check["QueryExecutionId"])["ResultSet"]["Rows"]
    assert [[c["VarCharValue"] for c in r["Data"]] for r in rows] == [["customers", "orders"], ["2", "3"]]
    statistics = athena.get_query_runtime_statistics(QueryExecutionId=check["QueryExecutionId"])
    assert statistics["QueryRuntimeStatistics"]["Rows"]["OutputRows"] == 1
    task("drop_stage", "DROP TABLE stage_20240602")
    with pytest.raises(client("glue").exceptions.EntityNotFoundException):
        client("glue").get_table(DatabaseName=database, Name="stage_20240602")
    report = athena.get_query_results(QueryExecutionId=task(
        "report", "SELECT dt, customer, total, orders FROM report ORDER BY dt, customer")["QueryExecutionId"])
    assert [[c["VarCharValue"] for c in r["Data"]] for r in report["ResultSet"]["Rows"][1:]] == [
        ["2024-06-01", "ana", "10.0", "1"], ["2024-06-01", "ben", "4.5", "1"],
        ["2024-06-02", "ana", "2.5", "1"], ["2024-06-02", "cy", "8.0", "2"]]

    runaway = submit("SELECT count(*) FROM UNNEST(sequence(1, 10000)) a CROSS JOIN UNNEST(sequence(1, 10000)) b "
                     "CROSS JOIN UNNEST(sequence(1, 10000)) c", token("adhoc"))
    deadline = time.monotonic() + 60
    while athena.get_query_execution(QueryExecutionId=runaway)["QueryExecution"]["Status"]["State"] != "RUNNING":
        assert time.monotonic() < deadline, "the runaway query never ran"
        time.sleep(0.05)
    athena.stop_query_execution(QueryExecutionId=runaway)
    assert finished(runaway)["Status"]["State"] == "CANCELLED"

    missing = str(uuid.uuid4())
    ids = [stage["QueryExecutionId"], load["QueryExecutionId"], check["QueryExecutionId"], runaway]
    batch = athena.batch_get_query_execution(QueryExecutionIds=ids + [missing])
    states = {e["QueryExecutionId"]: (e["Status"]["State"], e["StatementType"]) for e in batch["QueryExecutions"]}
    assert states == {ids[0]: ("SUCCEEDED", "DDL"), ids[1]: ("SUCCEEDED", "DML"), ids[2]: ("SUCCEEDED", "DML"),
                      runaway: ("CANCELLED", "DML")}
    assert [u["QueryExecutionId"] for u in batch["UnprocessedQueryExecutionIds"]] == [missing]
    assert load["Statistics"]["DataScannedInBytes"] > 0
