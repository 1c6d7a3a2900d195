"""Shared fixtures for DynamoDB scenarios: clients that show every error as the server
sent it (no retries), and tables with unique names that are deleted afterwards."""
import uuid

import boto3
import pytest
from botocore.config import Config

from lakebox.testing import LakeboxServer

NO_RETRIES = Config(retries={"total_max_attempts": 1})


@pytest.fixture
def ddb(client):
    return client("dynamodb")


@pytest.fixture
def resource(lakebox_server):
    kwargs = {"config": NO_RETRIES, "region_name": "us-east-1"}
    if lakebox_server.endpoint:
        kwargs.update(endpoint_url=lakebox_server.endpoint, aws_access_key_id="test", aws_secret_access_key="test")
    return boto3.resource("dynamodb", **kwargs)


@pytest.fixture
def s3(client):
    return client("s3")


@pytest.fixture
def bucket(fresh_bucket):
    """A new bucket for exports and imports, emptied and deleted afterwards."""
    return fresh_bucket("exports")


@pytest.fixture
def make_table(ddb):
    """make_table(hash=("pk", "S"), range=None, **create_args) -> name of an ACTIVE
    on-demand table, deleted at the end."""
    made = []

    def make(hash=("pk", "S"), range=None, **args):
        name = f"test-{uuid.uuid4().hex[:12]}"
        keys = [{"AttributeName": hash[0], "KeyType": "HASH"}]
        definitions = {hash[0]: hash[1]}
        if range:
            keys.append({"AttributeName": range[0], "KeyType": "RANGE"})
            definitions[range[0]] = range[1]
        for extra in args.pop("extra_definitions", []):
            definitions[extra[0]] = extra[1]
        if "ProvisionedThroughput" not in args:
            args.setdefault("BillingMode", "PAY_PER_REQUEST")
        ddb.create_table(TableName=name, KeySchema=keys, AttributeDefinitions=[
            {"AttributeName": n, "AttributeType": t} for n, t in definitions.items()], **args)
        made.append(name)
        ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        return name

    yield make
    for name in made:
        try:
            if ddb.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"]:
                ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
            ddb.delete_table(TableName=name)
        except ddb.exceptions.ResourceNotFoundException:
            pass


@pytest.fixture(scope="module")
def slow_server():
    """A server of the module's own whose tables and indexes stay CREATING/UPDATING/
    DELETING for 30 seconds of the lakebox clock."""
    with LakeboxServer(env={"LAKEBOX_TRANSITION_DELAY": "30"}) as server:
        yield server
