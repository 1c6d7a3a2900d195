"""A table that grows with its application: a GSI added to a loaded table (backfilled),
provisioned capacity switched to on-demand, TTL turned on and expired items removed on
the lakebox clock, tags, and the stream seeing TTL deletes as service removals."""
import time

import pytest
from boto3.dynamodb.conditions import Key


@pytest.fixture
def sessions(resource, table_name):
    table = resource("dynamodb").create_table(
        TableName=table_name, KeySchema=[{"AttributeName": "sid", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "sid", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "OLD_IMAGE"})
    table.wait_until_exists()
    with table.batch_writer() as batch:
        for n in range(12):
            batch.put_item(Item={"sid": f"s{n:02d}", "user": f"u{n % 4}", "started": 1000 + n})
    return table


def wait_active(client, name):
    for _ in range(300):
        described = client.describe_table(TableName=name)["Table"]
        if described["TableStatus"] == "ACTIVE" and all(
                index["IndexStatus"] == "ACTIVE" for index in described.get("GlobalSecondaryIndexes", [])):
            return described
        time.sleep(0.1)
    raise AssertionError("table did not become ACTIVE")


def test_add_gsi_and_switch_billing(sessions):
    client = sessions.meta.client
    client.update_table(
        TableName=sessions.name,
        AttributeDefinitions=[{"AttributeName": "user", "AttributeType": "S"},
                              {"AttributeName": "started", "AttributeType": "N"}],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "by_user", "Projection": {"ProjectionType": "KEYS_ONLY"},
            "KeySchema": [{"AttributeName": "user", "KeyType": "HASH"}, {"AttributeName": "started", "KeyType": "RANGE"}],
            "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}])
    wait_active(client, sessions.name)
    found = sessions.query(IndexName="by_user", KeyConditionExpression=Key("user").eq("u1"))
    assert [item["sid"] for item in found["Items"]] == ["s01", "s05", "s09"]
    assert set(found["Items"][0]) == {"sid", "user", "started"}
    client.update_table(TableName=sessions.name, BillingMode="PAY_PER_REQUEST")
    described = wait_active(client, sessions.name)
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert described["GlobalSecondaryIndexes"][0]["IndexName"] == "by_user"
    client.tag_resource(ResourceArn=described["TableArn"], Tags=[{"Key": "app", "Value": "web"}])
    assert client.list_tags_of_resource(ResourceArn=described["TableArn"])["Tags"] == [{"Key": "app", "Value": "web"}]


@pytest.mark.local_only
def test_ttl_expiry_reaches_the_stream(lakebox_server, client, sessions):
    ddb = client("dynamodb")
    ddb.update_time_to_live(TableName=sessions.name,
                            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    assert ddb.describe_time_to_live(TableName=sessions.name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    now = int(time.time())
    sessions.put_item(Item={"sid": "old", "user": "u9", "started": 1, "expires": now - 3600})
    sessions.put_item(Item={"sid": "fresh", "user": "u9", "started": 2, "expires": now + 10 * 86400})
    lakebox_server.advance_clock(3 * 86400)
    try:
        for _ in range(300):         # the TTL sweep runs on the scheduler: up to 30 s on a loaded machine
            if "Item" not in sessions.get_item(Key={"sid": "old"}):
                break
            time.sleep(0.1)
        assert "Item" not in sessions.get_item(Key={"sid": "old"})
        assert "Item" in sessions.get_item(Key={"sid": "fresh"})
    finally:
        lakebox_server.advance_clock(-3 * 86400)
    streams = client("dynamodbstreams")
    shards = streams.describe_stream(StreamArn=sessions.latest_stream_arn)["StreamDescription"]["Shards"]
    records = []
    for shard in shards:
        iterator = streams.get_shard_iterator(StreamArn=sessions.latest_stream_arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        records += streams.get_records(ShardIterator=iterator)["Records"]
    removal = [r for r in records if r["eventName"] == "REMOVE"]
    assert len(removal) == 1
    assert removal[0]["userIdentity"] == {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
    assert removal[0]["dynamodb"]["OldImage"]["sid"] == {"S": "old"}
