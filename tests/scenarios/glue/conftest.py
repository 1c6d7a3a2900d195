"""Shared fixtures for Glue scenarios: a client that shows every error as the server
sent it (no retries), databases with unique names that are deleted afterwards,
awswrangler pointed at the server with a boto3 session for it, and a crawl run to its end."""
import time
import uuid

import boto3
import pytest
from glue_helpers import ENDED, JOB_ROLE, run_crawler


@pytest.fixture
def glue(client):
    return client("glue")


@pytest.fixture
def s3(client):
    return client("s3")


@pytest.fixture
def database(fresh_database):
    return fresh_database("db")


@pytest.fixture
def bucket(fresh_bucket):
    return fresh_bucket("lake")


@pytest.fixture
def wr(lakebox_server):
    import awswrangler
    if lakebox_server.endpoint:
        awswrangler.config.s3_endpoint_url = lakebox_server.endpoint
        awswrangler.config.glue_endpoint_url = lakebox_server.endpoint
    yield awswrangler
    awswrangler.config.reset("s3_endpoint_url")
    awswrangler.config.reset("glue_endpoint_url")


@pytest.fixture
def session():
    return boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")


@pytest.fixture
def crawl(glue):
    """Creates a crawler over one S3 path, runs it to its end and returns it; the
    crawlers are deleted afterwards."""
    made = []

    def crawl(database, path, **settings):
        name = f"crawl-{uuid.uuid4().hex[:8]}"
        glue.create_crawler(Name=name, Role="arn:aws:iam::000000000000:role/service-role/AWSGlueServiceRole-lake",
                            DatabaseName=database, Targets={"S3Targets": [{"Path": path}]}, **settings)
        made.append(name)
        return run_crawler(glue, name)

    yield crawl
    for name in made:
        glue.delete_crawler(Name=name)


@pytest.fixture
def python_job(glue, s3, bucket):
    """python_job(script, **definition) -> the name of a new Python shell job running
    `script` (uploaded to the bucket); the jobs are deleted afterwards."""
    made = []

    def make(script, **definition):
        name = f"pyshell-{uuid.uuid4().hex[:8]}"
        s3.put_object(Bucket=bucket, Key=f"scripts/{name}.py", Body=script.encode())
        glue.create_job(Name=name, Role=JOB_ROLE, Command={
            "Name": "pythonshell", "ScriptLocation": f"s3://{bucket}/scripts/{name}.py", "PythonVersion": "3.9"},
            **definition)
        made.append(name)
        return name

    yield make
    for name in made:
        for run in glue.get_job_runs(JobName=name)["JobRuns"]:
            if run["JobRunState"] not in ENDED:
                glue.batch_stop_job_run(JobName=name, JobRunIds=[run["Id"]])
        glue.delete_job(JobName=name)


@pytest.fixture
def new_crawler(glue):
    """The name for a crawler the test creates; deleted afterwards, once its crawl has ended."""
    name = f"crawler-{uuid.uuid4().hex[:8]}"
    yield name
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if glue.get_crawler(Name=name)["Crawler"]["State"] == "READY":
                glue.delete_crawler(Name=name)
                return
        except glue.exceptions.EntityNotFoundException:
            return
        time.sleep(0.2)
