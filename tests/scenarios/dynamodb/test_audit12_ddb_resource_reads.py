"""The boto3 Table resource as its users write it: batch_writer with overwrite_by_pkeys,
Key and Attr conditions, paginated index queries with Limit, and ReturnValues."""
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError


@pytest.fixture
def events(resource, make_table):
    """pk/sk table with a GSI on `kind` (ALL) and an LSI on `rank` (KEYS_ONLY), 30 items."""
    name = make_table(range=("sk", "S"), extra_definitions=[("kind", "S"), ("rank", "N")],
                      GlobalSecondaryIndexes=[{"IndexName": "by-kind", "KeySchema": [{"AttributeName": "kind", "KeyType": "HASH"}],
                                               "Projection": {"ProjectionType": "ALL"}}],
                      LocalSecondaryIndexes=[{"IndexName": "by-rank", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                                                     {"AttributeName": "rank", "KeyType": "RANGE"}],
                                              "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    table = resource.Table(name)
    with table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as batch:
        for i in range(30):
            batch.put_item(Item={"pk": "dev", "sk": f"{i:03d}", "kind": "even" if i % 2 == 0 else "odd", "rank": 30 - i,
                                 "tags": {"a", "b"} if i < 5 else {"c"}, "readings": list(range(i % 4))})
        batch.put_item(Item={"pk": "dev", "sk": "000", "kind": "even", "rank": 30, "tags": {"z"}, "readings": []})
        batch.put_item(Item={"pk": "gone", "sk": "x"})
        batch.delete_item(Key={"pk": "gone", "sk": "x"})
    return table


def test_overwrite_by_pkeys_keeps_the_last_request(events):
    assert events.get_item(Key={"pk": "dev", "sk": "000"})["Item"]["tags"] == {"z"}
    assert "Item" not in events.get_item(Key={"pk": "gone", "sk": "x"})
    assert events.scan(Select="COUNT")["Count"] == 30


def test_key_conditions(events):
    begins = events.query(KeyConditionExpression=Key("pk").eq("dev") & Key("sk").begins_with("01"))["Items"]
    assert [item["sk"] for item in begins] == [f"{i:03d}" for i in range(10, 20)]
    between = events.query(KeyConditionExpression=Key("pk").eq("dev") & Key("sk").between("005", "008"),
                           ScanIndexForward=False)["Items"]
    assert [item["sk"] for item in between] == ["008", "007", "006", "005"]
    ranked = events.query(IndexName="by-rank", KeyConditionExpression=Key("pk").eq("dev") & Key("rank").lte(3))["Items"]
    assert ranked == [{"pk": "dev", "sk": f"{30 - r:03d}", "rank": Decimal(r)} for r in (1, 2, 3)]


def test_attr_conditions(events):
    def matching(condition):
        return sorted(item["sk"] for item in events.scan(FilterExpression=condition)["Items"])

    assert matching(Attr("tags").contains("a")) == ["001", "002", "003", "004"]
    assert matching(Attr("readings").size().eq(3) & Attr("rank").lt(10)) == ["023", "027"]
    assert matching(Attr("rank").attribute_type("N") & Attr("rank").is_in([1, 2, 30])) == ["000", "028", "029"]
    assert len(matching(Attr("kind").exists() & Attr("missing").not_exists())) == 30
    assert matching(Attr("kind").ne("even") & Attr("sk").begins_with("00")) == ["001", "003", "005", "007", "009"]


def test_index_pages_carry_table_and_index_keys(events):
    # the resource's own client takes and gives plain Python values
    paginator = events.meta.client.get_paginator("query")
    pages = list(paginator.paginate(TableName=events.name, IndexName="by-kind", Limit=4,
                                    KeyConditionExpression="kind = :k", ExpressionAttributeValues={":k": "odd"}))
    assert [page["Count"] for page in pages] == [4, 4, 4, 3]
    assert set(pages[0]["LastEvaluatedKey"]) == {"pk", "sk", "kind"}
    assert "LastEvaluatedKey" not in pages[-1]
    seen = [item["sk"] for page in pages for item in page["Items"]]
    assert sorted(seen) == [f"{i:03d}" for i in range(1, 30, 2)] and len(set(seen)) == 15
    local = list(paginator.paginate(TableName=events.name, IndexName="by-rank", Limit=10,
                                    KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": "dev"}))
    assert [page["Count"] for page in local] == [10, 10, 10, 0]
    assert set(local[0]["LastEvaluatedKey"]) == {"pk", "sk", "rank"}
    assert [int(item["rank"]) for page in local for item in page["Items"]] == list(range(1, 31))


def test_return_values(events):
    key = {"pk": "dev", "sk": "001"}
    assert events.put_item(Item={**key, "kind": "odd", "rank": 7}, ReturnValues="ALL_OLD")["Attributes"]["rank"] == 29
    answer = events.update_item(Key=key, UpdateExpression="SET #r = #r + :one, note = :n", ReturnValues="UPDATED_OLD",
                                ExpressionAttributeNames={"#r": "rank"}, ExpressionAttributeValues={":one": 1, ":n": "x"})
    assert answer["Attributes"] == {"rank": 7}
    answer = events.update_item(Key=key, UpdateExpression="SET #r = #r + :one", ReturnValues="UPDATED_NEW",
                                ExpressionAttributeNames={"#r": "rank"}, ExpressionAttributeValues={":one": 1})
    assert answer["Attributes"] == {"rank": 9}
    answer = events.update_item(Key=key, UpdateExpression="REMOVE note", ReturnValues="ALL_NEW")
    assert answer["Attributes"] == {**key, "kind": "odd", "rank": 9}
    with pytest.raises(ClientError) as failed:
        events.delete_item(Key=key, ConditionExpression=Attr("rank").gt(100), ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert failed.value.response["Error"] == {"Code": "ConditionalCheckFailedException", "Message": "The conditional request failed"}
    assert failed.value.response["Item"] == {"pk": {"S": "dev"}, "sk": {"S": "001"}, "kind": {"S": "odd"}, "rank": {"N": "9"}}
    assert events.delete_item(Key=key, ReturnValues="ALL_OLD")["Attributes"]["rank"] == 9
    assert "Attributes" not in events.delete_item(Key=key, ReturnValues="ALL_OLD")
