"""Glue job runs of Python shell jobs, as a data engineer drives them with boto3: the
script is uploaded to S3, the job created, a run started and polled to its end. The
scripts use `awsglue.utils.getResolvedOptions` and boto3, as on Glue."""
import json
import os
import re
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from glue_helpers import ENDED, JOB_ROLE as ROLE

WRITE_SCRIPT = """
import sys
import boto3
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["JOB_NAME", "JOB_RUN_ID", "bucket", "key", "greeting"])
body = f"{args['greeting']} from {args['JOB_NAME']} run {args['JOB_RUN_ID']}"
boto3.client("s3").put_object(Bucket=args["bucket"], Key=args["key"], Body=body.encode())
print("wrote", args["key"])
"""

FAILING_SCRIPT = """
import sys
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["limit"])
raise ValueError(f"limit {args['limit']} is too low")
"""

SLEEPING_SCRIPT = """
import time
time.sleep(600)
"""

IDENTITY_SCRIPT = """
import json
import os
import sys
import boto3
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["bucket"])
who = boto3.client("sts").get_caller_identity()
boto3.client("s3").put_object(Bucket=args["bucket"], Key="identity.json",
                              Body=json.dumps({"Arn": who["Arn"], "Account": who["Account"]}).encode())
"""

WRANGLER_SCRIPT = """
import sys
import awswrangler as wr
import pandas as pd
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["bucket", "database"])
frame = pd.DataFrame({"city": ["Oslo", "Lima", "Pune"], "visits": [3, 1, 5]})
wr.s3.to_parquet(frame, path=f"s3://{args['bucket']}/cities/", dataset=True,
                 database=args["database"], table="cities")
busy = wr.athena.read_sql_query("SELECT city FROM cities WHERE visits > 2 ORDER BY city",
                                database=args["database"], ctas_approach=False,
                                s3_output=f"s3://{args['bucket']}/athena/")
wr.s3.to_csv(busy, f"s3://{args['bucket']}/report/busy.csv", index=False)
"""


def _wait(glue, name, run_id, states=ENDED, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        run = glue.get_job_run(JobName=name, RunId=run_id)["JobRun"]
        if run["JobRunState"] in states or time.monotonic() > deadline:
            return run
        time.sleep(0.2)


def test_a_script_reads_its_arguments_and_writes_to_s3(glue, s3, bucket, python_job):
    name = python_job(WRITE_SCRIPT, DefaultArguments={"--bucket": bucket, "--greeting": "hi"}, GlueVersion="3.0",
                      NonOverridableArguments={"--key": "out/hello.txt"})
    run_id = glue.start_job_run(JobName=name, Arguments={"--key": "elsewhere.txt", "--greeting": "hello"})["JobRunId"]
    assert re.fullmatch(r"jr_[0-9a-f]{64}", run_id)

    run = _wait(glue, name, run_id)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    body = s3.get_object(Bucket=bucket, Key="out/hello.txt")["Body"].read().decode()
    assert body == f"hello from {name} run {run_id}"
    # the script got the job's defaults overlaid by the run's arguments, and the job's
    # non-overridable ones over those; the run shows its own
    assert run["Arguments"] == {"--key": "elsewhere.txt", "--greeting": "hello"}
    assert (run["Id"], run["Attempt"], run["JobName"]) == (run_id, 0, name)
    assert run["MaxCapacity"] == 0.0625 and run["AllocatedCapacity"] == 0
    assert run["Timeout"] == 2880 and run["GlueVersion"] == "3.0"
    assert run["LogGroupName"] == "/aws-glue/python-jobs"
    assert run["StartedOn"] <= run["CompletedOn"] and run["LastModifiedOn"] == run["CompletedOn"]
    assert isinstance(run["ExecutionTime"], int) and "ErrorMessage" not in run
    assert [r["Id"] for r in glue.get_job_runs(JobName=name)["JobRuns"]] == [run_id]


def test_a_failing_script_fails_the_run_with_its_exception(glue, python_job):
    name = python_job(FAILING_SCRIPT, MaxCapacity=1.0)
    run_id = glue.start_job_run(JobName=name, Arguments={"--limit": "3"})["JobRunId"]
    run = _wait(glue, name, run_id)
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"] == "ValueError: limit 3 is too low"
    assert run["MaxCapacity"] == 1.0


def test_a_failed_run_is_retried_max_retries_times(glue, python_job):
    name = python_job(FAILING_SCRIPT, MaxRetries=2)
    first = glue.start_job_run(JobName=name, Arguments={"--limit": "1"})["JobRunId"]
    assert _appears(glue, name, f"{first}_attempt_2")
    assert _wait(glue, name, f"{first}_attempt_2")["JobRunState"] == "FAILED"
    runs = glue.get_job_runs(JobName=name)["JobRuns"]
    assert [(r["Id"], r["Attempt"], r.get("PreviousRunId")) for r in runs] == [
        (f"{first}_attempt_2", 2, f"{first}_attempt_1"), (f"{first}_attempt_1", 1, first), (first, 0, None)]
    assert {r["JobRunState"] for r in runs} == {"FAILED"}
    assert {r["ErrorMessage"] for r in runs} == {"ValueError: limit 1 is too low"}
    assert all(r["Arguments"] == {"--limit": "1"} for r in runs)


def _appears(glue, name, run_id, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            glue.get_job_run(JobName=name, RunId=run_id)
            return True
        except ClientError:
            time.sleep(0.2)
    return False


def test_a_missing_argument_is_glues_argument_error(glue, python_job):
    name = python_job(FAILING_SCRIPT)
    run = _wait(glue, name, glue.start_job_run(JobName=name)["JobRunId"])
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"] == "awsglue.utils.GlueArgumentError: the following arguments are required: --limit"


def test_a_second_run_beyond_max_concurrent_runs_is_refused(glue, python_job):
    name = python_job(SLEEPING_SCRIPT)
    first = glue.start_job_run(JobName=name)["JobRunId"]
    with pytest.raises(ClientError) as refused:
        glue.start_job_run(JobName=name)
    assert refused.value.response["Error"]["Code"] == "ConcurrentRunsExceededException"
    assert refused.value.response["Error"]["Message"] == "Concurrent runs exceeded."
    glue.batch_stop_job_run(JobName=name, JobRunIds=[first])
    _wait(glue, name, first)


def test_max_concurrent_runs_allows_that_many(glue, python_job):
    name = python_job(SLEEPING_SCRIPT, ExecutionProperty={"MaxConcurrentRuns": 2})
    runs = [glue.start_job_run(JobName=name)["JobRunId"] for _ in range(2)]
    with pytest.raises(ClientError) as refused:
        glue.start_job_run(JobName=name)
    assert refused.value.response["Error"]["Code"] == "ConcurrentRunsExceededException"
    listed = glue.get_job_runs(JobName=name)["JobRuns"]
    assert [r["Id"] for r in listed] == list(reversed(runs))             # newest first
    glue.batch_stop_job_run(JobName=name, JobRunIds=runs)
    assert [_wait(glue, name, run_id)["JobRunState"] for run_id in runs] == ["STOPPED", "STOPPED"]


def test_get_job_runs_pages_newest_first(glue, python_job):
    name = python_job("print('done')\n", ExecutionProperty={"MaxConcurrentRuns": 3})
    started = [glue.start_job_run(JobName=name)["JobRunId"] for _ in range(3)]
    for run_id in started:
        assert _wait(glue, name, run_id)["JobRunState"] == "SUCCEEDED"
    first = glue.get_job_runs(JobName=name, MaxResults=2)
    assert [r["Id"] for r in first["JobRuns"]] == [started[2], started[1]]
    rest = glue.get_job_runs(JobName=name, MaxResults=2, NextToken=first["NextToken"])
    assert [r["Id"] for r in rest["JobRuns"]] == [started[0]] and "NextToken" not in rest
    pages = glue.get_paginator("get_job_runs").paginate(JobName=name, PaginationConfig={"PageSize": 1})
    assert [r["Id"] for page in pages for r in page["JobRuns"]] == list(reversed(started))


def test_with_run_queuing_a_run_beyond_the_limit_waits_for_a_slot(glue, python_job):
    name = python_job(SLEEPING_SCRIPT, JobRunQueuingEnabled=True)
    first = glue.start_job_run(JobName=name)["JobRunId"]
    second = glue.start_job_run(JobName=name)["JobRunId"]
    third = glue.start_job_run(JobName=name)["JobRunId"]
    waiting = glue.get_job_run(JobName=name, RunId=second)["JobRun"]
    assert waiting["JobRunState"] == "WAITING" and waiting["JobRunQueuingEnabled"] is True
    glue.batch_stop_job_run(JobName=name, JobRunIds=[third])           # a queued run stops at once
    assert glue.get_job_run(JobName=name, RunId=third)["JobRun"]["JobRunState"] == "STOPPED"

    glue.batch_stop_job_run(JobName=name, JobRunIds=[first])
    assert _wait(glue, name, first)["JobRunState"] == "STOPPED"
    assert _wait(glue, name, second, states=("RUNNING",))["JobRunState"] == "RUNNING"
    glue.batch_stop_job_run(JobName=name, JobRunIds=[second])
    assert _wait(glue, name, second)["JobRunState"] == "STOPPED"


def test_batch_stop_job_run_stops_a_sleeping_script(glue, python_job):
    name = python_job(SLEEPING_SCRIPT)
    run_id = glue.start_job_run(JobName=name)["JobRunId"]
    assert _wait(glue, name, run_id, states=("RUNNING",))["JobRunState"] == "RUNNING"
    unknown = "jr_" + "0" * 64
    answer = glue.batch_stop_job_run(JobName=name, JobRunIds=[run_id, unknown])
    assert answer["SuccessfulSubmissions"] == [{"JobName": name, "JobRunId": run_id}]
    assert [(e["JobRunId"], e["ErrorDetail"]["ErrorCode"]) for e in answer["Errors"]] == [
        (unknown, "EntityNotFoundException")]
    assert glue.get_job_run(JobName=name, RunId=run_id)["JobRun"]["JobRunState"] in ("STOPPING", "STOPPED")
    run = _wait(glue, name, run_id)
    assert run["JobRunState"] == "STOPPED"
    assert "CompletedOn" in run
    # the job may run again once its run has stopped
    again = glue.start_job_run(JobName=name)["JobRunId"]
    glue.batch_stop_job_run(JobName=name, JobRunIds=[again])
    assert _wait(glue, name, again)["JobRunState"] == "STOPPED"


@pytest.mark.local_only
def test_a_run_past_its_timeout_ends_as_timeout(glue, python_job, clock):
    name = python_job(SLEEPING_SCRIPT, Timeout=30)
    run_id = glue.start_job_run(JobName=name, Timeout=1)["JobRunId"]
    assert _wait(glue, name, run_id, states=("RUNNING",))["Timeout"] == 1
    clock(61)
    run = _wait(glue, name, run_id)
    assert run["JobRunState"] == "TIMEOUT"
    assert run["ExecutionTime"] == 60
    # its process is gone: the job takes a new run
    again = glue.start_job_run(JobName=name)["JobRunId"]
    glue.batch_stop_job_run(JobName=name, JobRunIds=[again])
    _wait(glue, name, again)


def test_the_script_acts_as_the_jobs_role(glue, s3, bucket, python_job):
    name = python_job(IDENTITY_SCRIPT, DefaultArguments={"--bucket": bucket})
    run = _wait(glue, name, glue.start_job_run(JobName=name)["JobRunId"])
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert "Arguments" not in run                # none passed to StartJobRun
    who = json.loads(s3.get_object(Bucket=bucket, Key="identity.json")["Body"].read())
    assert who["Account"] == "000000000000"
    assert who["Arn"].startswith("arn:aws:sts::000000000000:assumed-role/GlueJobRole-scenario/")


def test_an_awswrangler_script_writes_a_table_and_queries_it_with_athena(glue, s3, bucket, database, python_job):
    name = python_job(WRANGLER_SCRIPT, DefaultArguments={"--bucket": bucket, "--database": database})
    run = _wait(glue, name, glue.start_job_run(JobName=name)["JobRunId"], seconds=120)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    table = glue.get_table(DatabaseName=database, Name="cities")["Table"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["city", "visits"]
    report = s3.get_object(Bucket=bucket, Key="report/busy.csv")["Body"].read().decode()
    assert report.splitlines() == ["city", "Oslo", "Pune"]


def test_extra_py_files_are_on_the_scripts_path(glue, s3, bucket, python_job):
    import io
    import zipfile
    s3.put_object(Bucket=bucket, Key="libs/greetings.py", Body=b"def greet(who):\n    return f'hello {who}'\n")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("shout/__init__.py", "def shout(text):\n    return text.upper()\n")
    s3.put_object(Bucket=bucket, Key="libs/shout.zip", Body=packed.getvalue())
    script = ("import sys, boto3\nfrom awsglue.utils import getResolvedOptions\n"
              "from greetings import greet\nfrom shout import shout\n"
              "args = getResolvedOptions(sys.argv, ['bucket'])\n"
              "boto3.client('s3').put_object(Bucket=args['bucket'], Key='greeting.txt', Body=shout(greet('glue')))\n")
    name = python_job(script, DefaultArguments={
        "--bucket": bucket, "--extra-py-files": f"s3://{bucket}/libs/greetings.py,s3://{bucket}/libs/shout.zip"})
    run = _wait(glue, name, glue.start_job_run(JobName=name)["JobRunId"])
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert s3.get_object(Bucket=bucket, Key="greeting.txt")["Body"].read() == b"HELLO GLUE"


@pytest.mark.local_only
def test_a_role_named_in_another_account_acts_in_the_jobs_account(glue, s3, bucket):
    """Glue passes only roles of the job's own account; a placeholder account in the
    Role's ARN does not send the script to another account, where the bucket is not its."""
    name = f"pyshell-{uuid.uuid4().hex[:8]}"
    s3.put_object(Bucket=bucket, Key=f"scripts/{name}.py", Body=IDENTITY_SCRIPT.encode())
    glue.create_job(Name=name, Role="arn:aws:iam::123456789012:role/service-role/PlaceholderRole",
                    DefaultArguments={"--bucket": bucket},
                    Command={"Name": "pythonshell", "ScriptLocation": f"s3://{bucket}/scripts/{name}.py"})
    try:
        run = _wait(glue, name, glue.start_job_run(JobName=name)["JobRunId"])
        assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
        who = json.loads(s3.get_object(Bucket=bucket, Key="identity.json")["Body"].read())
        assert who["Arn"] == "arn:aws:sts::000000000000:assumed-role/PlaceholderRole/GlueJobRunnerSession"
    finally:
        glue.delete_job(JobName=name)


def test_starting_a_run_of_a_missing_job(glue):
    with pytest.raises(ClientError) as missing:
        glue.start_job_run(JobName=f"no-such-job-{uuid.uuid4().hex[:8]}")
    assert missing.value.response["Error"]["Code"] == "EntityNotFoundException"
    assert missing.value.response["Error"]["Message"] == "Failed to start job run due to missing metadata."


def test_getting_a_run_that_does_not_exist(glue, python_job):
    name = python_job(SLEEPING_SCRIPT)
    with pytest.raises(ClientError) as missing:
        glue.get_job_run(JobName=name, RunId="jr_" + "1" * 64)
    assert missing.value.response["Error"]["Code"] == "EntityNotFoundException"


@pytest.mark.local_only
def test_a_spark_job_run_fails_at_once_saying_lakebox_runs_python_shell_only(glue, bucket):
    name = f"spark-{uuid.uuid4().hex[:8]}"
    glue.create_job(Name=name, Role=ROLE, GlueVersion="4.0", WorkerType="G.1X", NumberOfWorkers=2,
                    Command={"Name": "glueetl", "ScriptLocation": f"s3://{bucket}/etl.py"})
    try:
        run = glue.get_job_run(JobName=name, RunId=glue.start_job_run(JobName=name)["JobRunId"])["JobRun"]
        assert run["JobRunState"] == "FAILED"
        assert "lakebox runs Python shell jobs only" in run["ErrorMessage"]
        assert (run["WorkerType"], run["NumberOfWorkers"], run["LogGroupName"]) == ("G.1X", 2, "/aws-glue/jobs")
    finally:
        glue.delete_job(JobName=name)


@pytest.mark.local_only
def test_a_reset_ends_the_scripts_it_forgets(lakebox, tmp_path):
    glue, s3 = lakebox.client("glue"), lakebox.client("s3")
    s3.create_bucket(Bucket="scripts")
    s3.put_object(Bucket="scripts", Key="sleep.py", Body=b"import os, sys, time\n"
                  b"open(sys.argv[sys.argv.index('--pidfile') + 1], 'w').write(str(os.getpid()))\ntime.sleep(300)\n")
    glue.create_job(Name="sleeper", Role="GlueJobRole", DefaultArguments={"--pidfile": str(tmp_path / "pid")},
                    Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/sleep.py"})
    glue.start_job_run(JobName="sleeper")
    deadline = time.monotonic() + 30
    while not ((tmp_path / "pid").exists() and (tmp_path / "pid").read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    pid = int((tmp_path / "pid").read_text())

    lakebox.reset()
    deadline = time.monotonic() + 15
    while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not os.path.exists(f"/proc/{pid}")
