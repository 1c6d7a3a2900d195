"""Helpers for DynamoDB scenarios."""
import pytest
from botocore.exceptions import ClientError


def error_of(call, *args, **kwargs):
    """(code, message) of the ClientError a call raises."""
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def key_schema(hash_name, range_name=None):
    keys = [{"AttributeName": hash_name, "KeyType": "HASH"}]
    if range_name:
        keys.append({"AttributeName": range_name, "KeyType": "RANGE"})
    return keys


def definitions(**types):
    return [{"AttributeName": name, "AttributeType": kind} for name, kind in types.items()]
