"""Shared fixtures for Glue scenarios: a client that shows every error as the server
sent it (no retries), and databases with unique names that are deleted afterwards."""
import uuid

import pytest
from botocore.config import Config

NO_RETRIES = Config(retries={"total_max_attempts": 1})


@pytest.fixture
def glue(lakebox_server):
    return lakebox_server.client("glue", config=NO_RETRIES)


@pytest.fixture
def s3(lakebox_server):
    return lakebox_server.client("s3", config=NO_RETRIES)


@pytest.fixture
def database(glue):
    """A fresh database's name, deleted (with its tables) afterwards."""
    name = f"db_{uuid.uuid4().hex[:10]}"
    glue.create_database(DatabaseInput={"Name": name})
    yield name
    try:
        glue.delete_database(Name=name)
    except glue.exceptions.EntityNotFoundException:
        pass


@pytest.fixture
def bucket(s3):
    """A fresh bucket, emptied and deleted afterwards."""
    name = f"lake-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    yield name
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=name, Key=item["Key"])
    s3.delete_bucket(Bucket=name)
