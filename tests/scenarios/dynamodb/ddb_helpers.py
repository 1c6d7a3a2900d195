"""Helpers for DynamoDB scenarios."""
import time
import uuid

import pytest
from botocore.exceptions import ClientError


def error_of(call, *args, **kwargs):
    """(code, message) of the ClientError a call raises."""
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def _until_done(read, status: str) -> dict:
    for _ in range(100):
        described = read()
        if described[status] != "IN_PROGRESS":
            return described
        time.sleep(0.1)
    raise AssertionError("the job never finished")


def finished_export(ddb, arn) -> dict:
    """The ExportDescription of an export once it is no longer IN_PROGRESS."""
    return _until_done(lambda: ddb.describe_export(ExportArn=arn)["ExportDescription"], "ExportStatus")


def finished_import(ddb, arn) -> dict:
    """The ImportTableDescription of an import once it is no longer IN_PROGRESS."""
    return _until_done(lambda: ddb.describe_import(ImportArn=arn)["ImportTableDescription"], "ImportStatus")


def key_schema(hash_name, range_name=None):
    keys = [{"AttributeName": hash_name, "KeyType": "HASH"}]
    if range_name:
        keys.append({"AttributeName": range_name, "KeyType": "RANGE"})
    return keys


def definitions(**types):
    return [{"AttributeName": name, "AttributeType": kind} for name, kind in types.items()]


def pynamodb_meta(endpoint, prefix):
    """A PynamoDB model's Meta for a fresh on-demand table on the server under test."""
    return type("Meta", (), {"table_name": f"{prefix}-{uuid.uuid4().hex[:10]}", "region": "us-east-1",
                             "host": endpoint, "aws_access_key_id": "test", "aws_secret_access_key": "test",
                             "billing_mode": "PAY_PER_REQUEST"})


def pynamodb_table(lakebox_server, build):
    """A fixture's body: the model `build(endpoint)` makes, its table created for the test
    and deleted after it."""
    if not lakebox_server.endpoint:
        pytest.skip("the model is pointed at lakebox's endpoint")
    model = build(lakebox_server.endpoint)
    model.create_table(wait=True)
    yield model
    model.delete_table()


def table_with_gsi(make_table, hash_key, range_key, index_name, index_key, projection="ALL"):
    """A table of string hash key and number range key with one GSI on a string key."""
    return make_table(hash=(hash_key, "S"), range=(range_key, "N"), extra_definitions=[(index_key, "S")],
                      GlobalSecondaryIndexes=[{"IndexName": index_name, "Projection": {"ProjectionType": projection},
                                               "KeySchema": [{"AttributeName": index_key, "KeyType": "HASH"}]}])
