"""Reading through a local secondary index: attributes it does not project are fetched
from the table when the request names them (developer guide, "Local secondary indexes":
DynamoDB automatically fetches attributes not projected into the index)."""
import pytest


@pytest.fixture
def tasks(ddb, make_table):
    name = make_table(range=("sk", "S"), extra_definitions=[("due", "N")], LocalSecondaryIndexes=[{
        "IndexName": "by-due", "Projection": {"ProjectionType": "KEYS_ONLY"},
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "due", "KeyType": "RANGE"}]}])
    for n, title in enumerate(["write", "review", "ship"]):
        ddb.put_item(TableName=name, Item={"pk": {"S": "team"}, "sk": {"S": f"task-{n}"}, "due": {"N": str(30 - n)},
                                           "title": {"S": title}})
    return name


def _by_due(ddb, name, **extra):
    return ddb.query(TableName=name, IndexName="by-due", KeyConditionExpression="pk = :p AND due < :d",
                     ExpressionAttributeValues={":p": {"S": "team"}, ":d": {"N": "30"}}, **extra)["Items"]


def test_projection_expression_fetches_what_the_index_lacks(ddb, tasks):
    assert _by_due(ddb, tasks, ProjectionExpression="title, due") == [
        {"title": {"S": "ship"}, "due": {"N": "28"}}, {"title": {"S": "review"}, "due": {"N": "29"}}]


def test_all_attributes_fetches_the_whole_item(ddb, tasks):
    assert [set(i) for i in _by_due(ddb, tasks, Select="ALL_ATTRIBUTES")] == [{"pk", "sk", "due", "title"}] * 2


def test_projected_attributes_only_by_default(ddb, tasks):
    assert [set(i) for i in _by_due(ddb, tasks)] == [{"pk", "sk", "due"}] * 2
