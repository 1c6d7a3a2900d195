"""Shared fixtures for Glue scenarios: a client that shows every error as the server
sent it (no retries), databases with unique names that are deleted afterwards, and
awswrangler pointed at the server with a boto3 session for it."""
import boto3
import pytest


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
