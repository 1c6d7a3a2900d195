"""The Glue "getting started with crawlers and jobs" flow of AWS's Python examples, step
by step: look the crawler up (EntityNotFoundException means create it), create it over
CSV flight data in S3 with a table prefix, start it and poll GetCrawler until READY,
read the database and its tables, then clean up tables, database and crawler. Job
definitions (the "hello" example's GetJobs paginator, CreateJob, GetJob, ListJobs,
DeleteJob) are kept; a run of the PySpark ETL script is started and looked up."""
import uuid

import pytest
from botocore.exceptions import ClientError

from glue_helpers import run_crawler

FLIGHTS = (b"year,quarter,month,day_of_month,fl_date,carrier,origin,dest,dep_delay\n"
           b"2016,1,1,1,2016-01-01,AA,JFK,LAX,-3\n"
           b"2016,1,1,2,2016-01-02,DL,ATL,SEA,12\n"
           b"2016,1,1,3,2016-01-03,UA,SFO,ORD,0\n")


def _crawler_or_none(glue, name):
    try:
        return glue.get_crawler(Name=name)["Crawler"]
    except ClientError as err:
        if err.response["Error"]["Code"] == "EntityNotFoundException":
            return None
        raise


def test_crawler_flow(glue, s3, bucket):
    for part in range(2):
        s3.put_object(Bucket=bucket, Key=f"flight/2016/csv/part-{part}.csv", Body=FLIGHTS)
    crawler_name = f"doc-example-crawler-{uuid.uuid4().hex[:8]}"
    db_name = f"doc-example-database-{uuid.uuid4().hex[:8]}"

    assert _crawler_or_none(glue, crawler_name) is None
    glue.create_crawler(Name=crawler_name, Role="arn:aws:iam::000000000000:role/AWSGlueServiceRole-doc-example",
                        DatabaseName=db_name, TablePrefix="doc-example-",
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/flight/2016/csv"}]})
    crawler = _crawler_or_none(glue, crawler_name)
    assert crawler["State"] == "READY"
    assert crawler["DatabaseName"] == db_name
    assert crawler["TablePrefix"] == "doc-example-"

    crawler = run_crawler(glue, crawler_name)      # StartCrawler, then GetCrawler until READY
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED"

    database = glue.get_database(Name=db_name)["Database"]
    assert database["Name"] == db_name
    tables = glue.get_tables(DatabaseName=db_name)["TableList"]
    assert [t["Name"] for t in tables] == ["doc-example-csv"]
    table = tables[0]
    assert table["StorageDescriptor"]["Location"] == f"s3://{bucket}/flight/2016/csv/"
    assert table["Parameters"]["classification"] == "csv"
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == [
        "year", "quarter", "month", "day_of_month", "fl_date", "carrier", "origin", "dest", "dep_delay"]
    assert table["StorageDescriptor"]["Columns"][0]["Type"] == "bigint"

    for table in tables:
        glue.delete_table(DatabaseName=db_name, Name=table["Name"])
    glue.delete_database(Name=db_name)
    glue.delete_crawler(Name=crawler_name)
    assert _crawler_or_none(glue, crawler_name) is None
    with pytest.raises(ClientError) as caught:
        glue.get_database(Name=db_name)
    assert caught.value.response["Error"]["Code"] == "EntityNotFoundException"


JOB_ROLE = "arn:aws:iam::000000000000:role/AWSGlueServiceRole-doc-example"


def _job_command(bucket):
    return {"Name": "glueetl", "ScriptLocation": f"s3://{bucket}/flight_etl_job_script.py", "PythonVersion": "3"}


def test_hello_glue_pages_job_definitions(glue, bucket):
    made = [f"doc-example-job-{uuid.uuid4().hex[:8]}-{i}" for i in range(3)]
    for name in made:
        glue.create_job(Name=name, Role=JOB_ROLE, Command=_job_command(bucket), GlueVersion="3.0")
    try:
        pages = glue.get_paginator("get_jobs").paginate(PaginationConfig={"MaxItems": 10, "PageSize": 2})
        names = [job["Name"] for page in pages for job in page["Jobs"]]
        assert set(made) <= set(names)
        listed = [name for page in glue.get_paginator("list_jobs").paginate(PaginationConfig={"PageSize": 1})
                  for name in page["JobNames"]]
        assert set(made) <= set(listed)
    finally:
        for name in made:
            glue.delete_job(JobName=name)


def test_job_definition_lifecycle(glue, bucket):
    job_name = f"doc-example-job-{uuid.uuid4().hex[:8]}"
    definition = {"Description": "Getting started example job.", "Role": JOB_ROLE, "Command": _job_command(bucket),
                  "GlueVersion": "3.0"}
    assert glue.create_job(Name=job_name, **definition)["Name"] == job_name
    assert glue.create_job(Name=job_name, **definition)["Name"] == job_name      # a retry
    with pytest.raises(ClientError) as caught:
        glue.create_job(Name=job_name, **dict(definition, Description="another"))
    assert caught.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    glue.tag_resource(ResourceArn=f"arn:aws:glue:us-east-1:000000000000:job/{job_name}", TagsToAdd={"team": "docs"})
    assert glue.list_jobs(Tags={"team": "docs"})["JobNames"] == [job_name]

    job = glue.get_job(JobName=job_name)["Job"]
    assert job["Name"] == job_name
    assert job["Command"]["ScriptLocation"] == f"s3://{bucket}/flight_etl_job_script.py"
    assert job["Role"] == JOB_ROLE
    assert job["CreatedOn"] == job["LastModifiedOn"]

    glue.update_job(JobName=job_name, JobUpdate=dict(definition, Description="updated"))
    assert glue.get_job(JobName=job_name)["Job"]["Description"] == "updated"
    batch = glue.batch_get_jobs(JobNames=[job_name, "doc-example-missing-job"])
    assert [j["Name"] for j in batch["Jobs"]] == [job_name]
    assert batch["JobsNotFound"] == ["doc-example-missing-job"]

    assert glue.delete_job(JobName=job_name)["JobName"] == job_name
    with pytest.raises(ClientError) as caught:
        glue.get_job(JobName=job_name)
    assert caught.value.response["Error"]["Code"] == "EntityNotFoundException"
    assert caught.value.response["Error"]["Message"] == "Job not found."
    assert glue.delete_job(JobName=job_name)["JobName"] == job_name


def test_job_run(glue, bucket):
    """The example starts its PySpark job and looks the run up. lakebox has no Spark: the
    run is there, and fails at once saying so (Python shell jobs run: test_glue_job_runs.py)."""
    job_name = f"doc-example-job-{uuid.uuid4().hex[:8]}"
    glue.create_job(Name=job_name, Role=JOB_ROLE, Command=_job_command(bucket), GlueVersion="3.0")
    try:
        run_id = glue.start_job_run(JobName=job_name, Arguments={
            "--input_database": "db", "--input_table": "t", "--output_bucket_url": f"s3://{bucket}/"})["JobRunId"]
        assert glue.get_job_run(JobName=job_name, RunId=run_id)["JobRun"]["Id"] == run_id
        assert [r["Id"] for r in glue.get_job_runs(JobName=job_name)["JobRuns"]] == [run_id]
    finally:
        glue.delete_job(JobName=job_name)
