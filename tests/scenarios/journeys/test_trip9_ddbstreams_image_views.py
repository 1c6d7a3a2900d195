"""A platform team keeps two consumers of a catalog table (partition key sku, sort key
region): a search indexer that wants NEW_IMAGE and an undo log that wants OLD_IMAGE. To
choose, they run the same edits against a table of each view type and compare what
arrives: an UpdateItem that names only a key makes an item of just its key (an INSERT),
attributes removed leave an image of only the key, a delete of an item that is not there
and a put of the same item write nothing, and each image is the whole item, keys and
all, never only the attributes the write touched."""
import uuid

import pytest


def catalog(ddb, view) -> tuple:
    name = f"catalog-{view.lower()}-{uuid.uuid4().hex[:8]}"
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "sku", "KeyType": "HASH"},
                                {"AttributeName": "region", "KeyType": "RANGE"}],
                     AttributeDefinitions=[{"AttributeName": "sku", "AttributeType": "S"},
                                           {"AttributeName": "region", "AttributeType": "S"}],
                     StreamSpecification={"StreamEnabled": True, "StreamViewType": view})
    ddb.get_waiter("table_exists").wait(TableName=name)
    return name, ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]


def edits(ddb, name):
    key = {"sku": {"S": "lamp-7"}, "region": {"S": "eu"}}
    ddb.update_item(TableName=name, Key=key)                                         # just the key
    ddb.update_item(TableName=name, Key=key, UpdateExpression="SET price = :p, colour = :c",
                    ExpressionAttributeValues={":p": {"N": "49"}, ":c": {"S": "teal"}})
    ddb.update_item(TableName=name, Key=key, UpdateExpression="REMOVE price, colour")
    ddb.put_item(TableName=name, Item=dict(key))                                      # the same item again
    ddb.update_item(TableName=name, Key=key, UpdateExpression="SET stock = :s",
                    ExpressionAttributeValues={":s": {"N": "3"}})
    ddb.delete_item(TableName=name, Key=key)
    ddb.delete_item(TableName=name, Key=key)                                          # no longer there


def records(streams, arn) -> list:
    [shard] = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    page = streams.get_records(ShardIterator=iterator)
    assert "NextShardIterator" in page
    return page["Records"]


KEY = {"sku": {"S": "lamp-7"}, "region": {"S": "eu"}}
ITEMS = [None, dict(KEY), {**KEY, "price": {"N": "49"}, "colour": {"S": "teal"}}, dict(KEY),
         {**KEY, "stock": {"N": "3"}}, None]
EVENTS = ["INSERT", "MODIFY", "MODIFY", "MODIFY", "REMOVE"]


@pytest.mark.parametrize("view, image", [("NEW_IMAGE", "NewImage"), ("OLD_IMAGE", "OldImage")])
def test_a_search_indexer_and_an_undo_log_compare_their_images(client, view, image):
    ddb, streams = client("dynamodb"), client("dynamodbstreams")
    name, arn = catalog(ddb, view)
    try:
        edits(ddb, name)
        found = records(streams, arn)
        assert [r["eventName"] for r in found] == EVENTS
        assert all(r["dynamodb"]["Keys"] == KEY and r["dynamodb"]["StreamViewType"] == view for r in found)
        # NEW_IMAGE shows each item after its change, OLD_IMAGE before: none for INSERT / REMOVE.
        expected = ITEMS[1:] if view == "NEW_IMAGE" else ITEMS[:-1]
        assert [r["dynamodb"].get(image) for r in found] == expected
        other = "OldImage" if image == "NewImage" else "NewImage"
        assert not any(other in r["dynamodb"] for r in found)
        # Keys: "sku" "lamp-7" "region" "eu", 17 bytes; an image adds its whole item (price 49
        # is 5 + 2 bytes, colour teal 6 + 4, stock 3 5 + 2).
        sizes = {"NEW_IMAGE": [34, 51, 34, 41, 17], "OLD_IMAGE": [17, 34, 51, 34, 41]}[view]
        assert [r["dynamodb"]["SizeBytes"] for r in found] == sizes
    finally:
        ddb.delete_table(TableName=name)

