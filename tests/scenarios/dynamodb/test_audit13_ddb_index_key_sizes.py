"""An index key is held to the table's key limits: 2048 bytes of UTF-8 for a secondary
index's partition key, 1024 for its sort key. A write that would put a bigger value in
an index key is refused in DynamoDB's words, which name the key, its size, the limit and
the index (recorded replies of DynamoDB: 'Size limit exceeded for Index Key componentId
Actual Size: 2175 bytes Max Size: 2048 bytes IndexName: work-sets-index'); an update
that would do it is refused as the TransactWriteItems reference lists it ('The update
expression attempted to update the secondary index key beyond allowed size limits')."""
import pytest

from ddb_helpers import error_of

INVALID = "One or more parameter values were invalid: "


@pytest.fixture
def posts(ddb, make_table):
    return make_table(extra_definitions=[("topic", "S"), ("title", "S")], GlobalSecondaryIndexes=[{
        "IndexName": "by-topic", "Projection": {"ProjectionType": "KEYS_ONLY"},
        "KeySchema": [{"AttributeName": "topic", "KeyType": "HASH"}, {"AttributeName": "title", "KeyType": "RANGE"}]}])


def test_index_keys_up_to_the_limits_are_indexed(ddb, posts):
    ddb.put_item(TableName=posts, Item={"pk": {"S": "p1"}, "topic": {"S": "t" * 2048}, "title": {"S": "é" * 512}})
    found = ddb.query(TableName=posts, IndexName="by-topic", KeyConditionExpression="topic = :t",
                      ExpressionAttributeValues={":t": {"S": "t" * 2048}})
    assert found["Items"] == [{"pk": {"S": "p1"}, "topic": {"S": "t" * 2048}, "title": {"S": "é" * 512}}]


@pytest.mark.parametrize("item, message", [
    ({"topic": {"S": "t" * 2049}}, "Size limit exceeded for Index Key topic Actual Size: 2049 bytes Max Size: 2048 "
                                   "bytes IndexName: by-topic"),
    ({"topic": {"S": "é" * 1025}}, "Size limit exceeded for Index Key topic Actual Size: 2050 bytes Max Size: 2048 "
                                   "bytes IndexName: by-topic"),
    ({"topic": {"S": "t"}, "title": {"S": "x" * 1025}},
     "Size limit exceeded for Index Key title Actual Size: 1025 bytes Max Size: 1024 bytes IndexName: by-topic"),
])
def test_a_write_past_an_index_key_limit_is_refused(ddb, posts, item, message):
    item = {"pk": {"S": "p2"}, **item}
    assert error_of(ddb.put_item, TableName=posts, Item=item) == ("ValidationException", INVALID + message)
    assert error_of(ddb.batch_write_item, RequestItems={posts: [{"PutRequest": {"Item": item}}]}) == (
        "ValidationException", INVALID + message)
    assert ddb.scan(TableName=posts)["Count"] == 0


def test_an_update_past_an_index_key_limit_is_refused(ddb, posts):
    key = {"pk": {"S": "p3"}}
    ddb.put_item(TableName=posts, Item={**key, "topic": {"S": "short"}})
    assert error_of(ddb.update_item, TableName=posts, Key=key, UpdateExpression="SET topic = :t",
                    ExpressionAttributeValues={":t": {"S": "t" * 2049}}) == (
        "ValidationException", "The update expression attempted to update the secondary index key beyond allowed "
                               "size limits")
    assert ddb.get_item(TableName=posts, Key=key)["Item"] == {**key, "topic": {"S": "short"}}
