"""Fixtures for journeys across services: a boto3 session, awswrangler pointed at the
server, a lake bucket and a Glue database with unique names, DynamoDB tables that are
deleted afterwards."""
import uuid

import boto3
import pytest
from botocore.config import Config

from trip_helpers import KEY, REGION, SECRET

NO_RETRIES = Config(retries={"total_max_attempts": 1})
WRANGLER_ENDPOINTS = ("s3_endpoint_url", "glue_endpoint_url", "athena_endpoint_url",
                      "dynamodb_endpoint_url", "kms_endpoint_url", "sts_endpoint_url")


@pytest.fixture
def session():
    return boto3.Session(aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name=REGION)


@pytest.fixture
def resource(lakebox_server, session):
    def make(service):
        kwargs = {"config": NO_RETRIES}
        if lakebox_server.endpoint:
            kwargs["endpoint_url"] = lakebox_server.endpoint
        return session.resource(service, **kwargs)
    return make


@pytest.fixture
def wr(lakebox_server):
    import awswrangler
    for name in WRANGLER_ENDPOINTS:
        if lakebox_server.endpoint:
            setattr(awswrangler.config, name, lakebox_server.endpoint)
    yield awswrangler
    for name in WRANGLER_ENDPOINTS:
        awswrangler.config.reset(name)


@pytest.fixture
def bucket(fresh_bucket):
    return fresh_bucket("trip")


@pytest.fixture
def database(fresh_database):
    return fresh_database("trip")


@pytest.fixture
def table_name(client):
    """A unique DynamoDB table name; the table is deleted at the end if it was made."""
    ddb = client("dynamodb")
    name = f"trip-{uuid.uuid4().hex[:12]}"
    yield name
    try:
        ddb.delete_table(TableName=name)
    except ddb.exceptions.ResourceNotFoundException:
        pass
