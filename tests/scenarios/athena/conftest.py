"""Shared fixtures for Athena scenarios: clients that show every error as the server
sent it, a lake bucket and a Glue database with unique names, and `query`, which runs
a statement to its end and returns the execution and its rows."""
import uuid

import pytest
from botocore.config import Config

from athena_helpers import all_rows, wait

NO_RETRIES = Config(retries={"total_max_attempts": 1})


@pytest.fixture
def athena(lakebox_server):
    return lakebox_server.client("athena", config=NO_RETRIES)


@pytest.fixture
def glue(lakebox_server):
    return lakebox_server.client("glue", config=NO_RETRIES)


@pytest.fixture
def s3(lakebox_server):
    return lakebox_server.client("s3", config=NO_RETRIES)


@pytest.fixture
def bucket(s3):
    name = f"lake-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    yield name
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=name, Key=item["Key"])
    s3.delete_bucket(Bucket=name)


@pytest.fixture
def database(glue):
    name = f"db_{uuid.uuid4().hex[:10]}"
    glue.create_database(DatabaseInput={"Name": name})
    yield name
    try:
        glue.delete_database(Name=name)
    except glue.exceptions.EntityNotFoundException:
        pass


@pytest.fixture
def query(athena, bucket, database):
    """query(sql, **start_args) -> (execution, rows, column info); rows include the header."""
    def run(sql, expect="SUCCEEDED", **args):
        args.setdefault("QueryExecutionContext", {"Database": database})
        args.setdefault("ResultConfiguration", {"OutputLocation": f"s3://{bucket}/results/"})
        query_id = athena.start_query_execution(QueryString=sql, **args)["QueryExecutionId"]
        execution = wait(athena, query_id)
        assert execution["Status"]["State"] == expect, execution["Status"]
        if expect != "SUCCEEDED":
            return execution, None, None
        rows, columns = all_rows(athena, query_id)
        return execution, rows, columns
    return run
