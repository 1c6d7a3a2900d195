"""An analytics team runs its Python shell producer and cancels a runaway Athena query.
Glue and Athena answer as captures of the real services recorded them (radkawar/stackd,
testdata/aws/athena/application_verified.json and cancellation_verified.json): a second
StartJobRun while the only slot is taken is "Concurrent runs exceeded.", a Python shell
run reports JobMode SCRIPT, JobRunQueuingEnabled false, GlueVersion 6.0 and the
python-jobs log group; a query stopped at once is CANCELLED "Query cancelled by user",
stopping it again is no error, its results are "Could not find results"
(RESULT_NOT_FOUND), and a deleted workgroup "WorkGroup is not found."."""
import uuid

import pytest
from botocore.exceptions import ClientError

from trip_helpers import error_of, wait_for

SLEEPER = b"import time\ntime.sleep(30)\n"
RUNAWAY = ("SELECT sum(sin(a.x + b.x)) FROM UNNEST(sequence(1,10000)) a(x) "
           "CROSS JOIN UNNEST(sequence(1,10000)) b(x)")


def test_producer_run_holds_its_only_slot(client, bucket):
    glue, s3 = client("glue"), client("s3")
    account = client("sts").get_caller_identity()["Account"]
    s3.put_object(Bucket=bucket, Key="scripts/producer.py", Body=SLEEPER)
    name = f"producer-{uuid.uuid4().hex[:8]}"
    glue.create_job(Name=name, Role=f"arn:aws:iam::{account}:role/producer",
                    Command={"Name": "pythonshell", "PythonVersion": "3.9",
                             "ScriptLocation": f"s3://{bucket}/scripts/producer.py"},
                    MaxCapacity=0.0625, Timeout=2, MaxRetries=0, ExecutionProperty={"MaxConcurrentRuns": 1},
                    DefaultArguments={"--library-set": "none"})
    try:
        run_id = glue.start_job_run(JobName=name, Arguments={"--mode": "success"})["JobRunId"]
        assert error_of(glue.start_job_run, JobName=name, Arguments={"--mode": "success"}) == (
            "ConcurrentRunsExceededException", "Concurrent runs exceeded.")
        run = glue.get_job_run(JobName=name, RunId=run_id, PredecessorsIncluded=True)["JobRun"]
        assert {k: run.get(k) for k in ("JobMode", "JobRunQueuingEnabled", "GlueVersion", "LogGroupName",
                                        "AllocatedCapacity", "MaxCapacity", "Timeout", "Arguments",
                                        "PredecessorRuns", "Attempt")} == {
            "JobMode": "SCRIPT", "JobRunQueuingEnabled": False, "GlueVersion": "6.0",
            "LogGroupName": "/aws-glue/python-jobs", "AllocatedCapacity": 0, "MaxCapacity": 0.0625, "Timeout": 2,
            "Arguments": {"--mode": "success"}, "PredecessorRuns": [], "Attempt": 0}
        glue.batch_stop_job_run(JobName=name, JobRunIds=[run_id])
    finally:
        glue.delete_job(JobName=name)


def test_runaway_query_cancelled_at_once(client, bucket):
    athena = client("athena")
    workgroup = f"cancel-{uuid.uuid4().hex[:8]}"
    athena.create_work_group(Name=workgroup, Configuration={
        "BytesScannedCutoffPerQuery": 10485760, "PublishCloudWatchMetricsEnabled": False,
        "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/results/"}})
    try:
        query_id = athena.start_query_execution(WorkGroup=workgroup, QueryString=RUNAWAY,
                                                ClientRequestToken=uuid.uuid4().hex)["QueryExecutionId"]
        athena.stop_query_execution(QueryExecutionId=query_id)
        execution = wait_for(lambda: (lambda e: e if e["Status"]["State"] == "CANCELLED" else None)(
            athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]))
        assert execution["Status"]["StateChangeReason"] == "Query cancelled by user"
        assert (execution["StatementType"], execution["SubstatementType"], execution["QueryExecutionContext"]) == (
            "DML", "SELECT", {})
        assert execution["ResultConfiguration"]["OutputLocation"] == f"s3://{bucket}/results/{query_id}.csv"
        assert athena.stop_query_execution(QueryExecutionId=query_id)["ResponseMetadata"]["HTTPStatusCode"] == 200
        with pytest.raises(ClientError) as caught:
            athena.get_query_results(QueryExecutionId=query_id)
        reply = caught.value.response
        assert (reply["Error"]["Code"], reply["Error"]["Message"], reply["AthenaErrorCode"]) == (
            "InvalidRequestException", "Could not find results", "RESULT_NOT_FOUND")
    finally:
        athena.delete_work_group(WorkGroup=workgroup, RecursiveDeleteOption=True)
    assert error_of(athena.get_work_group, WorkGroup=workgroup) == ("InvalidRequestException",
                                                                    "WorkGroup is not found.")
