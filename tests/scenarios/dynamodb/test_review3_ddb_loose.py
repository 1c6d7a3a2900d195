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


ON_DEMAND_WARM = {"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000}


def test_an_on_demand_table_and_its_index_start_warm_at_12000_reads_and_4000_writes(ddb, make_table):
    name = make_table(extra_definitions=[("g", "S")], GlobalSecondaryIndexes=[{
        "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"}}])
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["WarmThroughput"] == {**ON_DEMAND_WARM, "Status": "ACTIVE"}
    assert table["GlobalSecondaryIndexes"][0]["WarmThroughput"] == {**ON_DEMAND_WARM, "Status": "ACTIVE"}
    assert table["DeletionProtectionEnabled"] is False
    assert "TableClassSummary" not in table


def test_a_provisioned_table_is_warm_at_its_provisioned_units(ddb, make_table):
    name = make_table(ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 3})
    assert ddb.describe_table(TableName=name)["Table"]["WarmThroughput"] == {
        "ReadUnitsPerSecond": 5, "WriteUnitsPerSecond": 3, "Status": "ACTIVE"}


def test_create_table_answers_the_warm_throughput_while_creating(ddb):
    name = _missing()
    answer = ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                              BillingMode="PAY_PER_REQUEST",
                              WarmThroughput={"ReadUnitsPerSecond": 12001, "WriteUnitsPerSecond": 4001})
    try:
        assert answer["TableDescription"]["WarmThroughput"] == {
            "ReadUnitsPerSecond": 12001, "WriteUnitsPerSecond": 4001, "Status": "CREATING"}
    finally:
        ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        ddb.delete_table(TableName=name)


def test_warm_throughput_rises_with_the_provisioned_units_and_never_falls(ddb, make_table):
    name = make_table(ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    waiter = ddb.get_waiter("table_exists")
    ddb.update_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 50, "WriteCapacityUnits": 20})
    waiter.wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    ddb.update_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 2})
    waiter.wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    warm = ddb.describe_table(TableName=name)["Table"]["WarmThroughput"]
    assert (warm["ReadUnitsPerSecond"], warm["WriteUnitsPerSecond"]) == (50, 20)


def test_update_table_raises_the_warm_throughput_asked_for(ddb, make_table):
    name = make_table()
    ddb.update_table(TableName=name, WarmThroughput={"ReadUnitsPerSecond": 15000})
    warm = ddb.describe_table(TableName=name)["Table"]["WarmThroughput"]
    assert (warm["ReadUnitsPerSecond"], warm["WriteUnitsPerSecond"]) == (15000, 4000)


def test_an_index_update_may_ask_for_warm_throughput_alone(ddb, make_table):
    name = make_table(extra_definitions=[("g", "S")], GlobalSecondaryIndexes=[{
        "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Update": {
        "IndexName": "by-g", "WarmThroughput": {"WriteUnitsPerSecond": 9000}}}])
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    warm = ddb.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"][0]["WarmThroughput"]
    assert (warm["ReadUnitsPerSecond"], warm["WriteUnitsPerSecond"]) == (12000, 9000)


def _cancelled(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response.get("CancellationReasons")


@pytest.mark.parametrize("key", [{}, {"pk": {"N": "1"}}, {"pk": {"S": "a"}, "other": {"S": "b"}}])
def test_transact_get_with_a_key_not_matching_the_schema_is_cancelled(ddb, make_table, key):
    name = make_table()
    code, message, reasons = _cancelled(ddb.transact_get_items, TransactItems=[
        {"Get": {"TableName": name, "Key": {"pk": {"S": "fine"}}}}, {"Get": {"TableName": name, "Key": key}}])
    assert code == "TransactionCanceledException"
    assert message == "Transaction cancelled, please refer cancellation reasons for specific reasons [None, " \
                      "ValidationError]"
    assert reasons == [{"Code": "None"}, {"Code": "ValidationError",
                                          "Message": "The provided key element does not match the schema"}]


def test_transact_get_with_an_empty_string_key_is_a_validation_exception(ddb, make_table):
    name = make_table()
    assert _error(ddb.transact_get_items, TransactItems=[{"Get": {"TableName": name, "Key": {"pk": {"S": ""}}}}]) == (
        "ValidationException", "One or more parameter values are not valid. The AttributeValue for a key attribute "
                               "cannot contain an empty string value. Key: pk")


def test_transact_write_lookup_keys_cancel_on_the_wrong_type_and_refuse_empty_strings(ddb, make_table):
    name = make_table()
    code, _, reasons = _cancelled(ddb.transact_write_items, TransactItems=[
        {"Delete": {"TableName": name, "Key": {"pk": {"N": "1"}}}}])
    assert (code, reasons) == ("TransactionCanceledException", [
        {"Code": "ValidationError", "Message": "The provided key element does not match the schema"}])
    assert _error(ddb.transact_write_items, TransactItems=[
        {"Delete": {"TableName": name, "Key": {"pk": {"S": ""}}}}]) == (
        "ValidationException", "One or more parameter values are not valid. The AttributeValue for a key attribute "
                               "cannot contain an empty string value. Key: pk")


def test_query_and_scan_expressions_are_refused_before_the_table_lookup(ddb):
    code, message = _error(ddb.query, TableName=_missing(), KeyConditionExpression="things are not ok")
    assert code == "ValidationException" and message.startswith("Invalid KeyConditionExpression: Syntax error; ")
    assert _error(ddb.query, TableName=_missing(), FilterExpression="a = :a",
                  ExpressionAttributeValues={":a": {"S": "x"}}) == (
        "ValidationException",
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
    code, message = _error(ddb.scan, TableName=_missing(), FilterExpression="a = ")
    assert code == "ValidationException" and message.startswith("Invalid FilterExpression: Syntax error; ")
    assert _error(ddb.scan, TableName=_missing())[0] == "ResourceNotFoundException"
