"""Suite-wide fixtures.

- `client(service)`: a boto3 client of the server that shows every error as the server
  sent it (no retries).
- `clock(seconds)`: moves the lakebox clock forward (to expire TTLs, flush buffers, age
  retention).
- `fresh_bucket` / `fresh_database(prefix)`: an S3 bucket or a Glue database with a unique
  name, emptied and deleted afterwards.
- Every test that used the shared server leaves its clock where it found it: the session
  server is shared, and a clock left moved makes later tests judge presigned URLs and
  credentials against the wrong time."""
import json
import urllib.request
import uuid

import pytest
from botocore.config import Config

NO_RETRIES = Config(retries={"total_max_attempts": 1})


@pytest.fixture
def client(lakebox_server):
    def make(service, **config):
        return lakebox_server.client(service, config=NO_RETRIES.merge(Config(**config)) if config else NO_RETRIES)
    return make


@pytest.fixture
def clock(lakebox_server):
    """Moves the server clock forward; `_clock_put_back` moves it back after the test."""
    return lakebox_server.advance_clock


@pytest.fixture
def fresh_bucket(client):
    """fresh_bucket(prefix) -> name of a new bucket, emptied and deleted afterwards."""
    s3 = client("s3")
    made = []

    def make(prefix):
        name = f"{prefix}-{uuid.uuid4().hex[:12]}"
        s3.create_bucket(Bucket=name)
        made.append(name)
        return name

    yield make
    for name in made:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
            for item in page.get("Contents", []):
                s3.delete_object(Bucket=name, Key=item["Key"])
        s3.delete_bucket(Bucket=name)


@pytest.fixture
def fresh_database(client):
    """fresh_database(prefix) -> name of a new Glue database, deleted (with its tables)
    afterwards."""
    glue = client("glue")
    made = []

    def make(prefix):
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        glue.create_database(DatabaseInput={"Name": name})
        made.append(name)
        return name

    yield make
    for name in made:
        try:
            glue.delete_database(Name=name)
        except glue.exceptions.EntityNotFoundException:
            pass


@pytest.fixture(autouse=True)
def _clock_put_back(request):
    yield
    if "lakebox_server" not in request.fixturenames:
        return
    server = request.getfixturevalue("lakebox_server")
    if server.endpoint is None:          # LAKEBOX_TARGET=aws: no clock to move
        return
    with urllib.request.urlopen(server.endpoint + "/_lakebox/clock", timeout=10) as answer:
        if not json.load(answer)["offset"]:
            return
    put_back = urllib.request.Request(server.endpoint + "/_lakebox/clock", method="POST",
                                      data=json.dumps({"offset": 0}).encode(),
                                      headers={"Content-Type": "application/json"})
    urllib.request.urlopen(put_back, timeout=10).close()
