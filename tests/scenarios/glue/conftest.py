"""Shared fixtures for Glue scenarios: a client that shows every error as the server
sent it (no retries), databases with unique names that are deleted afterwards,
awswrangler pointed at the server with a boto3 session for it, and a crawl run to its end."""
import uuid

import boto3
import pytest
from glue_helpers import run_crawler


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
