"""A backend developer keeps a loyalty program in one DynamoDB table with the boto3
resource, as application code does: members keyed by id with a GSI on tier and join
date; a nightly job loads members with batch_writer (a file listing one member twice
is refused by DynamoDB with "Provided list of item keys contains duplicates" unless
the writer dedupes by key); the tier page queries the GSI with Key conditions and pages
with ExclusiveStartKey; preferences live in a nested map that does not exist until
if_not_exists makes it; points are Decimals, and one with more than 38 significant
digits, or an ADD that would need them, is refused."""
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError


@pytest.fixture
def members(resource, table_name):
    table = resource("dynamodb").create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "member_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "member_id", "AttributeType": "S"},
                              {"AttributeName": "tier", "AttributeType": "S"},
                              {"AttributeName": "joined", "AttributeType": "N"}],
        GlobalSecondaryIndexes=[{"IndexName": "tier-joined", "Projection": {"ProjectionType": "INCLUDE",
                                                                            "NonKeyAttributes": ["points"]},
                                 "KeySchema": [{"AttributeName": "tier", "KeyType": "HASH"},
                                               {"AttributeName": "joined", "KeyType": "RANGE"}]}])
    table.wait_until_exists()
    return table


def code_and_message(caught):
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_loyalty_program_day(members, client):
    nightly = [{"member_id": f"m{n:02}", "tier": "gold" if n % 3 == 0 else "silver", "joined": 20240100 + n,
                "points": Decimal(n * 100) + Decimal("0.5")} for n in range(1, 13)]
    with pytest.raises(ClientError) as twice:
        with members.batch_writer() as batch:
            for member in nightly + [dict(nightly[0], points=Decimal("1"))]:
                batch.put_item(Item=member)
    assert code_and_message(twice) == ("ValidationException", "Provided list of item keys contains duplicates")
    with members.batch_writer(overwrite_by_pkeys=["member_id"]) as batch:
        for member in nightly + [dict(nightly[0], points=Decimal("1"))]:
            batch.put_item(Item=member)
    assert members.get_item(Key={"member_id": "m01"})["Item"]["points"] == Decimal("1")

    gold = members.query(IndexName="tier-joined", KeyConditionExpression=Key("tier").eq("gold") & Key(
        "joined").between(20240103, 20240109))
    assert [(i["member_id"], i["joined"], i["points"]) for i in gold["Items"]] == [
        ("m03", 20240103, Decimal("300.5")), ("m06", 20240106, Decimal("600.5")), ("m09", 20240109, Decimal("900.5"))]
    assert sorted(gold["Items"][0]) == ["joined", "member_id", "points", "tier"]     # INCLUDE projection

    pages, start = [], {}
    while True:
        page = members.query(IndexName="tier-joined", KeyConditionExpression=Key("tier").eq("silver"),
                             FilterExpression=Attr("points").gt(Decimal(300)), ScanIndexForward=False, Limit=3,
                             **start)
        pages.append([i["member_id"] for i in page["Items"]])
        if "LastEvaluatedKey" not in page:
            break
        assert set(page["LastEvaluatedKey"]) == {"member_id", "tier", "joined"}
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
    assert pages == [["m11", "m10", "m08"], ["m07", "m05", "m04"], []]

    with pytest.raises(ClientError) as nested:
        members.update_item(Key={"member_id": "m02"}, UpdateExpression="SET prefs.#c = :v",
                            ExpressionAttributeNames={"#c": "channel"}, ExpressionAttributeValues={":v": "email"})
    assert code_and_message(nested) == (
        "ValidationException", "The document path provided in the update expression is invalid for update")
    members.update_item(Key={"member_id": "m02"}, UpdateExpression="SET prefs = if_not_exists(prefs, :empty)",
                        ExpressionAttributeValues={":empty": {}})
    updated = members.update_item(Key={"member_id": "m02"}, UpdateExpression="SET prefs.#c = :v ADD visits :one",
                                  ExpressionAttributeNames={"#c": "channel"},
                                  ExpressionAttributeValues={":v": "email", ":one": 1}, ReturnValues="UPDATED_NEW")
    assert updated["Attributes"] == {"prefs": {"channel": "email"}, "visits": Decimal(1)}

    exact = Decimal("1234567890123456789012345678901234567.8")                  # 38 significant digits
    members.update_item(Key={"member_id": "m04"}, UpdateExpression="SET points = :p",
                        ExpressionAttributeValues={":p": exact})
    assert members.get_item(Key={"member_id": "m04"})["Item"]["points"] == exact
    with pytest.raises(ClientError) as grown:
        members.update_item(Key={"member_id": "m04"}, UpdateExpression="ADD points :bonus",
                            ExpressionAttributeValues={":bonus": Decimal("0.01")})
    assert code_and_message(grown) == (
        "ValidationException", "Attempting to store more than 38 significant digits in a Number")
    with pytest.raises(ClientError) as precise:
        client("dynamodb").put_item(TableName=members.name, Item={       # boto3's Decimal context refuses it first
            "member_id": {"S": "m99"}, "points": {"N": "0.123456789012345678901234567890123456789"}})
    assert code_and_message(precise) == (
        "ValidationException", "Attempting to store more than 38 significant digits in a Number")
    assert members.get_item(Key={"member_id": "m04"})["Item"]["points"] == exact
    assert "Item" not in members.get_item(Key={"member_id": "m99"})
