"""The `__type` DynamoDB puts in its error bodies: the code qualified by its owner's
namespace, as recorded replies of DynamoDB show (botocore keeps what follows `#`):
`com.amazonaws.dynamodb.v20120810#` for the service's own errors,
`com.amazon.coral.validate#ValidationException` for input validation."""
import json

import pytest


@pytest.fixture
def wire_bodies(ddb):
    """The raw JSON bodies of the client's answers, in order."""
    bodies = []

    def keep(http_response, **_):
        bodies.append(json.loads(http_response.content or b"{}"))

    ddb.meta.events.register("after-call.dynamodb.*", keep)
    return bodies


def test_a_missing_table_is_qualified_by_the_service_namespace(ddb, wire_bodies):
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.describe_table(TableName="no-such-table-here")
    assert wire_bodies[-1]["__type"] == "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"


def test_a_failed_condition_is_qualified_by_the_service_namespace(ddb, make_table, wire_bodies):
    table = make_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.put_item(TableName=table, Item={"pk": {"S": "a"}}, ConditionExpression="attribute_not_exists(pk)")
    assert wire_bodies[-1] == {"__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
                               "message": "The conditional request failed"}


def test_invalid_input_is_qualified_by_the_validation_namespace(ddb, make_table, wire_bodies):
    table = make_table()
    with pytest.raises(ddb.exceptions.ClientError) as caught:
        ddb.put_item(TableName=table, Item={"other": {"S": "a"}})
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert wire_bodies[-1] == {"__type": "com.amazon.coral.validate#ValidationException",
                               "message": "One or more parameter values were invalid: Missing the key pk in the item"}
