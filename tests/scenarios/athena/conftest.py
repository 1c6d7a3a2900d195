"""Shared fixtures for Athena scenarios: clients that show every error as the server
sent it, a lake bucket and a Glue database with unique names, and `query`, which runs
a statement to its end and returns the execution and its rows."""
import time
import uuid

import pytest
from botocore.config import Config

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


def wait(athena, query_id, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        execution = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        if execution["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED") or time.monotonic() > deadline:
            return execution
        time.sleep(0.02)


def all_rows(athena, query_id):
    rows, token = [], None
    while True:
        args = {"QueryExecutionId": query_id, **({"NextToken": token} if token else {})}
        page = athena.get_query_results(**args)
        rows += [[cell.get("VarCharValue") for cell in row["Data"]] for row in page["ResultSet"]["Rows"]]
        token = page.get("NextToken")
        if not token:
            return rows, page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]


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
