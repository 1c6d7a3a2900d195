"""Shared fixtures for Athena scenarios: clients that show every error as the server
sent it, a lake bucket and a Glue database with unique names, and `query`, which runs
a statement to its end and returns the execution and its rows."""
import pytest

from athena_helpers import all_rows, wait


@pytest.fixture
def athena(client):
    return client("athena")


@pytest.fixture
def glue(client):
    return client("glue")


@pytest.fixture
def s3(client):
    return client("s3")


@pytest.fixture
def bucket(fresh_bucket):
    return fresh_bucket("lake")


@pytest.fixture
def database(fresh_database):
    return fresh_database("db")


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
