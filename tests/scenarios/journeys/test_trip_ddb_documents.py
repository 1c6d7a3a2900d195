"""Document-style DynamoDB work with the boto3 resource: nested maps and lists updated
in place, list_append / if_not_exists counters, size() and IN filters, an LSI, parallel
scan segments, batch_get_item, and the validation errors users hit first."""
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key

from trip_helpers import error_of


@pytest.fixture
def profiles(resource, table_name):
    table = resource("dynamodb").create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "org", "KeyType": "HASH"}, {"AttributeName": "user", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "org", "AttributeType": "S"},
                              {"AttributeName": "user", "AttributeType": "S"},
                              {"AttributeName": "joined", "AttributeType": "N"}],
        LocalSecondaryIndexes=[{"IndexName": "by_joined", "Projection": {"ProjectionType": "KEYS_ONLY"},
                                "KeySchema": [{"AttributeName": "org", "KeyType": "HASH"},
                                              {"AttributeName": "joined", "KeyType": "RANGE"}]}])
    table.wait_until_exists()
    with table.batch_writer() as batch:
        for n, user in enumerate(["ann", "bob", "cat", "dan", "eve"]):
            batch.put_item(Item={"org": "acme", "user": user, "joined": 2020 + n, "role": ["admin", "dev", "ops"][n % 3],
                                 "profile": {"langs": ["en"], "address": {"city": "Porto"}}, "logins": n})
    return table


def test_nested_updates(profiles):
    key = {"org": "acme", "user": "ann"}
    new = profiles.update_item(
        Key=key, ReturnValues="ALL_NEW",
        UpdateExpression="SET profile.langs = list_append(profile.langs, :more), profile.address.zip = :zip, "
                         "visits = if_not_exists(visits, :zero) + :one REMOVE logins",
        ExpressionAttributeValues={":more": ["pt", "es"], ":zip": "4000", ":zero": 0, ":one": 1})["Attributes"]
    assert new["profile"] == {"langs": ["en", "pt", "es"], "address": {"city": "Porto", "zip": "4000"}}
    assert new["visits"] == 1 and "logins" not in new
    again = profiles.update_item(Key=key, UpdateExpression="SET visits = if_not_exists(visits, :zero) + :one "
                                 "REMOVE profile.langs[0]", ExpressionAttributeValues={":zero": 0, ":one": 1},
                                 ReturnValues="ALL_NEW")["Attributes"]
    assert again["visits"] == 2 and again["profile"]["langs"] == ["pt", "es"]
    projected = profiles.get_item(Key=key, ProjectionExpression="profile.address.city, profile.langs[1]")["Item"]
    assert projected == {"profile": {"address": {"city": "Porto"}, "langs": ["es"]}}
    code, message = error_of(profiles.update_item, Key=key, UpdateExpression="SET profile.nothere.deep = :v",
                             ExpressionAttributeValues={":v": 1})
    assert (code, message) == ("ValidationException",
                               "The document path provided in the update expression is invalid for update")


def test_filters_lsi_and_segments(profiles):
    found = profiles.query(KeyConditionExpression=Key("org").eq("acme"),
                           FilterExpression=Attr("role").is_in(["ops", "dev"]) & Attr("profile.langs").size().eq(1))
    assert [item["user"] for item in found["Items"]] == ["bob", "cat", "eve"]
    typed = profiles.scan(FilterExpression=Attr("logins").attribute_type("N") & Attr("logins").between(1, 3))
    assert sorted(item["user"] for item in typed["Items"]) == ["bob", "cat", "dan"]
    recent = profiles.query(IndexName="by_joined", KeyConditionExpression=Key("org").eq("acme") & Key("joined").gte(2023),
                            ScanIndexForward=False)
    assert recent["Items"] == [{"org": "acme", "user": "eve", "joined": Decimal(2024)},
                               {"org": "acme", "user": "dan", "joined": Decimal(2023)}]
    seen = []
    for segment in range(3):
        seen += [item["user"] for item in profiles.scan(Segment=segment, TotalSegments=3)["Items"]]
    assert sorted(seen) == ["ann", "bob", "cat", "dan", "eve"]


def test_batch_get_and_counts(resource, profiles):
    ddb = resource("dynamodb")
    got = ddb.batch_get_item(RequestItems={profiles.name: {
        "Keys": [{"org": "acme", "user": "bob"}, {"org": "acme", "user": "zed"}, {"org": "acme", "user": "eve"}],
        "ProjectionExpression": "#u, #r", "ExpressionAttributeNames": {"#u": "user", "#r": "role"}}})
    assert sorted(got["Responses"][profiles.name], key=lambda item: item["user"]) == [
        {"user": "bob", "role": "dev"}, {"user": "eve", "role": "dev"}]
    assert got["UnprocessedKeys"] == {}
    consumed = profiles.query(KeyConditionExpression=Key("org").eq("acme"), ReturnConsumedCapacity="TOTAL",
                              Select="COUNT")
    assert consumed["Count"] == 5 and consumed["ConsumedCapacity"]["TableName"] == profiles.name


def test_validation_errors(profiles):
    code, message = error_of(profiles.put_item, Item={"org": "acme"})
    assert (code, message) == ("ValidationException",
                               "One or more parameter values were invalid: Missing the key user in the item")
    code, message = error_of(profiles.put_item, Item={"org": "acme", "user": ""})
    assert code == "ValidationException"
    assert message == ("One or more parameter values are not valid. The AttributeValue for a key attribute "
                       "cannot contain an empty string value. Key: user")
    code, message = error_of(profiles.put_item, Item={"org": "acme", "user": "x", "joined": "soon"})
    assert (code, message) == ("ValidationException",
                               "One or more parameter values were invalid: Type mismatch for Index Key joined "
                               "Expected: N Actual: S IndexName: by_joined")
    code, message = error_of(profiles.get_item, Key={"org": "acme"})
    assert (code, message) == ("ValidationException", "The provided key element does not match the schema")
    code, message = error_of(profiles.query, KeyConditionExpression=Key("user").eq("ann"))
    assert code == "ValidationException"
    assert message == "Query condition missed key schema element: org"
    code, message = error_of(profiles.meta.client.describe_table, TableName="no-such-table-here")
    assert code == "ResourceNotFoundException"
    assert message.startswith("Requested resource not found")
