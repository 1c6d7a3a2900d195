"""UpdateItem on an attribute a global index keys on, as DynamoDB judges it (words as
dynalite's suite recorded them against DynamoDB, and as the model's list of update
refusals gives them): a value whose type is known before the item is read (a value,
arithmetic, ADD's operand, a legacy PUT) is a type mismatch naming the index; a value
taken from the item that turns out of the wrong type is an update to an unsupported
type; a path inside the key attribute is refused, since index keys are scalars."""
import pytest
from ddb_helpers import error_of

KEY = {"order": {"S": "o-1"}}
SCALARS = ("Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: "
           "IndexKey: status")


@pytest.fixture
def orders(ddb, make_table):
    name = make_table(hash=("order", "S"), extra_definitions=[("status", "S")], GlobalSecondaryIndexes=[
        {"IndexName": "by-status", "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
         "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    ddb.put_item(TableName=name, Item={**KEY, "status": {"S": "open"}, "code": {"N": "7"}, "prev": {"S": "new"}})
    return name


def _update(ddb, table, expression, values=None):
    kwargs = {"ExpressionAttributeValues": values} if values else {}
    return error_of(ddb.update_item, TableName=table, Key=KEY, UpdateExpression=expression,
                    ExpressionAttributeNames={"#s": "status"}, **kwargs)


def test_a_known_value_of_the_wrong_type(ddb, orders):
    mismatch = ("ValidationException", "One or more parameter values were invalid: Type mismatch for Index Key status "
                                       "Expected: S Actual: N IndexName: by-status")
    assert _update(ddb, orders, "SET #s = :n", {":n": {"N": "1"}}) == mismatch
    assert _update(ddb, orders, "SET #s = code + :n", {":n": {"N": "1"}}) == mismatch
    assert _update(ddb, orders, "ADD #s :n", {":n": {"N": "1"}}) == mismatch
    assert error_of(ddb.update_item, TableName=orders, Key=KEY,
                    AttributeUpdates={"status": {"Action": "PUT", "Value": {"N": "1"}}}) == mismatch


def test_a_value_from_the_item_of_the_wrong_type(ddb, orders):
    assert _update(ddb, orders, "SET #s = code") == (
        "ValidationException", "The update expression attempted to update the secondary index key to unsupported type")
    assert ddb.get_item(TableName=orders, Key=KEY)["Item"]["status"] == {"S": "open"}


def test_a_path_inside_the_index_key(ddb, orders):
    assert _update(ddb, orders, "SET #s.detail = :v", {":v": {"S": "x"}}) == ("ValidationException", SCALARS)
    assert _update(ddb, orders, "SET note = #s[0]") == ("ValidationException", SCALARS)


def test_a_value_from_the_item_of_the_right_type(ddb, orders):
    answer = ddb.update_item(TableName=orders, Key=KEY, UpdateExpression="SET #s = prev, prev = #s",
                             ExpressionAttributeNames={"#s": "status"}, ReturnValues="UPDATED_NEW")
    assert answer["Attributes"] == {"status": {"S": "new"}, "prev": {"S": "open"}}
    found = ddb.query(TableName=orders, IndexName="by-status", KeyConditionExpression="#s = :s",
                      ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": {"S": "new"}})
    assert found["Items"] == [{"order": {"S": "o-1"}, "status": {"S": "new"}}]
