"""A data engineer's nightly loader is a Glue Python shell job made from the team's job
template, which turns job bookmarks on (`--job-bookmark-option job-bookmark-enable` in
DefaultArguments). The script reads the argument like any other and, since a Python shell
job has no GlueContext to keep a bookmark, keeps its own watermark object in S3: each run
copies only the files it has not seen. The engineer's runbook asks Glue for the job's
bookmark (before a backfill, to reset it): Glue has no continuation for a job that never
committed one, with or without a RunId, and ResetJobBookmark says the same; a job name
that does not exist gets the same answer."""
import json
import uuid

import pytest

from trip_helpers import error_of, wait_for

ROLE = "arn:aws:iam::000000000000:role/GlueJobRole-trip9"
ENDED = ("SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT", "ERROR")

LOADER = """
import json
import sys
import boto3
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["JOB_NAME", "bucket"])
s3 = boto3.client("s3")
bucket = args["bucket"]
try:
    seen = json.loads(s3.get_object(Bucket=bucket, Key="state/watermark.json")["Body"].read())
except s3.exceptions.NoSuchKey:
    seen = []
keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="landing/").get("Contents", []))
new = [key for key in keys if key not in seen]
for key in new:
    s3.copy_object(Bucket=bucket, Key="curated/" + key.split("/", 1)[1], CopySource={"Bucket": bucket, "Key": key})
s3.put_object(Bucket=bucket, Key="state/watermark.json", Body=json.dumps(seen + new).encode())
s3.put_object(Bucket=bucket, Key=f"state/runs/{len(seen)}.txt",
              Body=f"{args['job_bookmark_option']} copied {len(new)}".encode())
"""


def run_to_end(glue, job, **kwargs):
    run_id = glue.start_job_run(JobName=job, **kwargs)["JobRunId"]

    def ended():
        run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
        return run if run["JobRunState"] in ENDED else None
    run = wait_for(ended, timeout=120)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    return run


@pytest.fixture
def loader(client, bucket):
    glue, s3 = client("glue"), client("s3")
    s3.put_object(Bucket=bucket, Key="scripts/loader.py", Body=LOADER.encode())
    name = f"nightly-loader-{uuid.uuid4().hex[:8]}"
    glue.create_job(Name=name, Role=ROLE, GlueVersion="3.0", MaxCapacity=0.0625,
                    Command={"Name": "pythonshell", "PythonVersion": "3.9",
                             "ScriptLocation": f"s3://{bucket}/scripts/loader.py"},
                    DefaultArguments={"--job-bookmark-option": "job-bookmark-enable", "--bucket": bucket})
    yield name
    glue.delete_job(JobName=name)


def test_python_shell_loader_keeps_its_own_watermark(client, bucket, loader):
    glue, s3 = client("glue"), client("s3")
    s3.put_object(Bucket=bucket, Key="landing/2024-06-01.csv", Body=b"1,a\n")
    s3.put_object(Bucket=bucket, Key="landing/2024-06-02.csv", Body=b"2,b\n")
    first = run_to_end(glue, loader)
    assert "Arguments" not in first
    s3.put_object(Bucket=bucket, Key="landing/2024-06-03.csv", Body=b"3,c\n")
    run_to_end(glue, loader)

    curated = s3.list_objects_v2(Bucket=bucket, Prefix="curated/")["Contents"]
    assert [o["Key"] for o in curated] == ["curated/2024-06-01.csv", "curated/2024-06-02.csv",
                                          "curated/2024-06-03.csv"]
    assert [s3.get_object(Bucket=bucket, Key=f"state/runs/{n}.txt")["Body"].read() for n in (0, 2)] == [
        b"job-bookmark-enable copied 2", b"job-bookmark-enable copied 1"]
    assert json.loads(s3.get_object(Bucket=bucket, Key="state/watermark.json")["Body"].read()) == [
        "landing/2024-06-01.csv", "landing/2024-06-02.csv", "landing/2024-06-03.csv"]

    none = ("EntityNotFoundException", f"Continuation for job {loader} not found")
    assert error_of(glue.get_job_bookmark, JobName=loader) == none
    assert error_of(glue.get_job_bookmark, JobName=loader, RunId=first["Id"]) == none
    assert error_of(glue.reset_job_bookmark, JobName=loader) == none
    assert error_of(glue.reset_job_bookmark, JobName=loader, RunId=first["Id"]) == none
    assert error_of(glue.get_job_bookmark, JobName="no-such-loader") == (
        "EntityNotFoundException", "Continuation for job no-such-loader not found")

    # the backfill: the engineer resets the script's own watermark, and the next run copies all
    s3.delete_object(Bucket=bucket, Key="state/watermark.json")
    backfill = run_to_end(glue, loader, Arguments={"--job-bookmark-option": "job-bookmark-disable"})
    assert backfill["Arguments"] == {"--job-bookmark-option": "job-bookmark-disable"}
    assert s3.get_object(Bucket=bucket, Key="state/runs/0.txt")["Body"].read() == b"job-bookmark-disable copied 3"
    assert len(glue.get_job_runs(JobName=loader)["JobRuns"]) == 3


PROBE = """
import sys
import boto3
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["bucket"])
boto3.client("s3").put_object(Bucket=args["bucket"], Key="probe.txt", Body=args["job_bookmark_option"].encode())
getResolvedOptions(sys.argv, ["bucket", "job-bookmark-option"])
"""


def test_the_bookmark_option_a_script_sees(client, bucket):
    """Without the argument the script reads job-bookmark-disable; naming the reserved
    argument fails the run (the awsglue library's RuntimeError)."""
    glue, s3 = client("glue"), client("s3")
    s3.put_object(Bucket=bucket, Key="scripts/probe.py", Body=PROBE.encode())
    name = f"probe-{uuid.uuid4().hex[:8]}"
    glue.create_job(Name=name, Role=ROLE, Command={"Name": "pythonshell", "PythonVersion": "3.9",
                                                   "ScriptLocation": f"s3://{bucket}/scripts/probe.py"},
                    DefaultArguments={"--bucket": bucket})
    try:
        run_id = glue.start_job_run(JobName=name)["JobRunId"]
        run = wait_for(lambda: (r := glue.get_job_run(JobName=name, RunId=run_id)["JobRun"])["JobRunState"] in ENDED
                       and r, timeout=120)
        assert (run["JobRunState"], run["ErrorMessage"]) == (
            "FAILED", "RuntimeError: Using reserved arguments job-bookmark-option")
        assert s3.get_object(Bucket=bucket, Key="probe.txt")["Body"].read() == b"job-bookmark-disable"
    finally:
        glue.delete_job(JobName=name)
