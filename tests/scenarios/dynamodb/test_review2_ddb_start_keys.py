"""Resuming a Query from ExclusiveStartKey: the LastEvaluatedKey of a page resumes the
same query in either direction and on an index, while a key from somewhere else (another
partition, a sort key the condition excludes) is refused in DynamoDB's words, as tests
run against DynamoDB record them (dynalite's suite)."""
import pytest
from boto3.dynamodb.conditions import Key
from ddb_helpers import error_of


@pytest.fixture
def feed(make_table, resource):
    name = make_table(hash=("user", "S"), range=("posted", "N"), extra_definitions=[("topic", "S")],
                      GlobalSecondaryIndexes=[{"IndexName": "by-topic", "KeySchema": [
                          {"AttributeName": "topic", "KeyType": "HASH"}, {"AttributeName": "posted", "KeyType": "RANGE"}],
                          "Projection": {"ProjectionType": "ALL"}}])
    table = resource.Table(name)
    with table.batch_writer() as batch:
        for user in ("ana", "bo"):
            for n in range(10):
                batch.put_item(Item={"user": user, "posted": n, "topic": "news" if n % 2 else "sport"})
    return table


def _all_pages(table, **query):
    seen, start = [], None
    while True:
        page = table.query(Limit=3, **query, **({"ExclusiveStartKey": start} if start else {}))
        seen += [(item["user"], int(item["posted"])) for item in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if start is None:
            return seen


def test_last_evaluated_keys_resume_the_same_query(feed):
    assert _all_pages(feed, KeyConditionExpression=Key("user").eq("ana") & Key("posted").between(2, 8),
                      ScanIndexForward=False) == [("ana", n) for n in range(8, 1, -1)]
    assert _all_pages(feed, IndexName="by-topic", KeyConditionExpression=Key("topic").eq("news") &
                      Key("posted").gt(4)) == sorted(((u, n) for u in ("ana", "bo") for n in (5, 7, 9)),
                                                     key=lambda pair: (pair[1], pair[0]))


def test_a_key_of_another_partition(feed):
    page = feed.query(KeyConditionExpression=Key("user").eq("ana"), Limit=2)
    assert error_of(feed.query, KeyConditionExpression=Key("user").eq("bo"),
                    ExclusiveStartKey=page["LastEvaluatedKey"]) == (
        "ValidationException", "The provided starting key is outside query boundaries based on provided conditions")


def test_a_sort_key_the_condition_excludes(feed):
    assert error_of(feed.query, KeyConditionExpression=Key("user").eq("ana") & Key("posted").gt(5),
                    ExclusiveStartKey={"user": "ana", "posted": 2}) == (
        "ValidationException", "The provided starting key does not match the range key predicate")
    assert error_of(feed.query, IndexName="by-topic", KeyConditionExpression=Key("topic").eq("news") &
                    Key("posted").lt(3), ExclusiveStartKey={"user": "ana", "posted": 7, "topic": "news"}) == (
        "ValidationException", "The provided starting key does not match the range key predicate")


def test_another_partition_with_a_range_condition(feed):
    assert error_of(feed.query, KeyConditionExpression=Key("user").eq("bo") & Key("posted").lt(9),
                    ExclusiveStartKey={"user": "ana", "posted": 2}) == (
        "ValidationException", "The query can return at most one row and cannot be restarted")


def test_a_key_that_is_not_a_key(feed):
    assert error_of(feed.query, KeyConditionExpression=Key("user").eq("ana"),
                    ExclusiveStartKey={"user": "ana"}) == ("ValidationException", "The provided starting key is invalid")
