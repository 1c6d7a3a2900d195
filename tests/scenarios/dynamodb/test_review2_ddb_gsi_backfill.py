"""A global secondary index added to a table in use, as a user adds one: UpdateTable with
the new attribute definitions, wait until the index is ACTIVE, then query it page by
page. Items without the index's keys stay out of it (a sparse index), and so do items
whose key attribute has another type than the index's: DynamoDB's backfill leaves such
an item in the table and out of the index (an index key violation, in the developer
guide's words), while a new write of such an item is refused."""
import time

import pytest
from boto3.dynamodb.conditions import Attr, Key
from ddb_helpers import error_of


def _wait_active(ddb, name, index):
    for _ in range(120):
        described = ddb.describe_table(TableName=name)["Table"]
        state = {i["IndexName"]: i for i in described.get("GlobalSecondaryIndexes", [])}[index]
        if described["TableStatus"] == "ACTIVE" and state["IndexStatus"] == "ACTIVE":
            return state
        time.sleep(0.5)
    pytest.fail(f"index {index} never became ACTIVE")


@pytest.fixture
def players(ddb, make_table, resource):
    name = make_table(hash=("player", "S"), range=("game", "S"))
    table = resource.Table(name)
    with table.batch_writer() as batch:
        for n in range(30):
            batch.put_item(Item={"player": f"p{n:02d}", "game": "chess", "score": n % 10, "league": "gold" if n % 3
                                 else "silver"})
        batch.put_item(Item={"player": "newcomer", "game": "chess", "league": "gold"})
    ddb.put_item(TableName=name, Item={"player": {"S": "legacy"}, "game": {"S": "chess"},
                                       "league": {"S": "gold"}, "score": {"S": "high"}})
    ddb.update_table(TableName=name, AttributeDefinitions=[
        {"AttributeName": "league", "AttributeType": "S"}, {"AttributeName": "score", "AttributeType": "N"}],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "by-league", "KeySchema": [{"AttributeName": "league", "KeyType": "HASH"},
                                                    {"AttributeName": "score", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["game"]}}}])
    return table


def test_the_index_holds_every_eligible_item_after_the_backfill(ddb, players):
    state = _wait_active(ddb, players.name, "by-league")
    assert state["ItemCount"] == 30
    assert state["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["game"]}
    scanned = ddb.get_paginator("scan").paginate(TableName=players.name, IndexName="by-league",
                                                   PaginationConfig={"PageSize": 7})
    players_indexed = {item["player"]["S"] for page in scanned for item in page["Items"]}
    assert len(players_indexed) == 30
    assert "newcomer" not in players_indexed and "legacy" not in players_indexed


def test_the_item_with_a_key_of_another_type_stays_in_the_table(ddb, players):
    _wait_active(ddb, players.name, "by-league")
    legacy = players.get_item(Key={"player": "legacy", "game": "chess"})["Item"]
    assert legacy["score"] == "high"
    assert players.scan(FilterExpression=Attr("score").attribute_type("S"))["Count"] == 1
    assert error_of(players.put_item, Item={"player": "another", "game": "chess", "league": "gold", "score": "low"}) == (
        "ValidationException", "One or more parameter values were invalid: Type mismatch for Index Key score "
                               "Expected: N Actual: S IndexName: by-league")


def test_querying_the_new_index_page_by_page(ddb, players):
    _wait_active(ddb, players.name, "by-league")
    pages = list(ddb.get_paginator("query").paginate(
        TableName=players.name, IndexName="by-league", KeyConditionExpression="league = :l AND score >= :s",
        ExpressionAttributeValues={":l": {"S": "gold"}, ":s": {"N": "7"}}, ScanIndexForward=False,
        PaginationConfig={"PageSize": 2}))
    found = [(int(item["score"]["N"]), item["player"]["S"]) for page in pages for item in page["Items"]]
    assert [score for score, _ in found] == sorted((score for score, _ in found), reverse=True)
    assert sorted(found) == sorted((n % 10, f"p{n:02d}") for n in range(30) if n % 3 and n % 10 >= 7)
    assert set(pages[0]["Items"][0]) == {"player", "game", "league", "score"}
    top = players.query(IndexName="by-league", KeyConditionExpression=Key("league").eq("silver"),
                        ScanIndexForward=False, Limit=1)["Items"]
    assert top == [{"player": "p09", "game": "chess", "league": "silver", "score": 9}]
