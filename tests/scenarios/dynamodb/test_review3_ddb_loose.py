"""DynamoDB loose ends: which request faults are refused before the table is looked up,
the words of a missing table for UpdateTimeToLive, TransactGetItems with a malformed key,
DescribeTable's WarmThroughput / DeletionProtectionEnabled / TableClassSummary."""
import uuid

import pytest
from botocore.exceptions import ClientError

BIG = "a" * (400 * 1024)


def _missing():
    return f"missing-{uuid.uuid4().hex[:10]}"


def _error(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_an_oversize_put_to_a_missing_table_is_refused_for_its_size(ddb):
    assert _error(ddb.put_item, TableName=_missing(), Item={"pk": {"S": "k"}, "b": {"S": BIG}}) == (
        "ValidationException", "Item size has exceeded the maximum allowed size")


def test_a_put_just_under_the_size_to_a_missing_table_is_not_found(ddb):
    item = {"a": {"S": "k"}, "b": {"S": "a" * (400 * 1024 - 3)}}
    assert _error(ddb.put_item, TableName=_missing(), Item=item) == (
        "ResourceNotFoundException", "Requested resource not found")


def test_bad_values_and_return_values_precede_the_table_lookup(ddb):
    missing = _missing()
    assert _error(ddb.put_item, TableName=missing, Item={"pk": {"N": "1e126"}}) == (
        "ValidationException",
        "Number overflow. Attempting to store a number with magnitude larger than supported range")
    assert _error(ddb.put_item, TableName=missing, Item={"pk": {"S": "k"}}, ReturnValues="ALL_NEW") == (
        "ValidationException", "ReturnValues can only be ALL_OLD or NONE")
    assert _error(ddb.get_item, TableName=missing, Key={"pk": {"SS": []}})[0] == "ValidationException"
    assert _error(ddb.delete_item, TableName=missing, Key={"pk": {"S": "k"}}, ReturnValues="ALL_NEW") == (
        "ValidationException", "ReturnValues can only be ALL_OLD or NONE")
    assert _error(ddb.update_item, TableName=missing, Key={"pk": {"S": "k"}}, UpdateExpression="SET a = :v",
                  ExpressionAttributeValues={":v": {"N": "1"}, ":w": {"N": "2"}})[0] == "ValidationException"


def test_an_oversize_batch_put_to_a_missing_table_is_refused_for_its_size(ddb):
    request = {_missing(): [{"PutRequest": {"Item": {"pk": {"S": "k"}, "b": {"S": BIG}}}}]}
    assert _error(ddb.batch_write_item, RequestItems=request) == (
        "ValidationException", "Item size has exceeded the maximum allowed size")


def test_the_request_is_still_refused_for_a_missing_table_when_it_is_sound(ddb):
    assert _error(ddb.put_item, TableName=_missing(), Item={"pk": {"S": "k"}})[0] == "ResourceNotFoundException"
    request = {_missing(): [{"PutRequest": {"Item": {"pk": {"S": "k"}}}}]}
    assert _error(ddb.batch_write_item, RequestItems=request)[0] == "ResourceNotFoundException"


def test_update_time_to_live_of_a_missing_table_names_it(ddb):
    name = _missing()
    assert _error(ddb.update_time_to_live, TableName=name,
                  TimeToLiveSpecification={"AttributeName": "expires", "Enabled": True}) == (
        "ResourceNotFoundException", f"Requested resource not found: Table: {name} not found")
