"""DynamoDB Streams: the four view types, INSERT/MODIFY/REMOVE in order, shards and
iterators through the dynamodbstreams API, and TTL deletions with the service's
identity."""
import time

import pytest
from botocore.config import Config
from ddb_helpers import error_of


@pytest.fixture
def streams(lakebox_server):
    return lakebox_server.client("dynamodbstreams", config=Config(retries={"total_max_attempts": 1}))


def _read_all(streams, arn):
    """Every record of every shard, parents before children (shards roll over)."""
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        for _ in range(20):
            page = streams.get_records(ShardIterator=iterator)
            records += page["Records"]
            iterator = page.get("NextShardIterator")
            if not page["Records"] or iterator is None:
                break
    return records


@pytest.mark.parametrize("view, images", [
    ("NEW_AND_OLD_IMAGES", {"NewImage", "OldImage"}), ("NEW_IMAGE", {"NewImage"}), ("OLD_IMAGE", {"OldImage"}),
    ("KEYS_ONLY", set()),
])
def test_change_records_in_order(ddb, streams, make_table, view, images):
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": view})
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": view}
    key = {"pk": {"S": "a"}}
    ddb.put_item(TableName=name, Item={**key, "v": {"N": "1"}})
    ddb.update_item(TableName=name, Key=key, UpdateExpression="SET v = :two",
                    ExpressionAttributeValues={":two": {"N": "2"}})
    ddb.put_item(TableName=name, Item={**key, "v": {"N": "2"}})          # no change: no record
    ddb.delete_item(TableName=name, Key=key)
    records = _read_all(streams, table["LatestStreamArn"])
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    sequence = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert sequence == sorted(sequence)
    for record in records:
        assert record["eventSource"] == "aws:dynamodb" and record["dynamodb"]["Keys"] == key
        assert record["dynamodb"]["StreamViewType"] == view
    modify = records[1]["dynamodb"]
    assert {"NewImage", "OldImage"} & set(modify) == images
    if "NewImage" in images:
        assert modify["NewImage"]["v"] == {"N": "2"}
    if "OldImage" in images:
        assert modify["OldImage"]["v"] == {"N": "1"}


def test_list_and_describe_streams(ddb, streams, make_table):
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    listed = streams.list_streams(TableName=name)["Streams"]
    assert [(s["StreamArn"], s["TableName"]) for s in listed] == [(arn, name)]
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamStatus"] == "ENABLED"
    assert description["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert "EndingSequenceNumber" not in description["Shards"][0]["SequenceNumberRange"]


def test_disabled_stream_closes_its_shard(ddb, streams, make_table):
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "x"}})
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    ddb.put_item(TableName=name, Item={"pk": {"S": "y"}})
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamStatus"] == "DISABLED"
    assert "EndingSequenceNumber" in description["Shards"][0]["SequenceNumberRange"]
    records = _read_all(streams, arn)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == ["x"]


def test_latest_iterator_sees_only_new_records(ddb, streams, make_table):
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "before"}})
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "after"}})
    page = streams.get_records(ShardIterator=iterator)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in page["Records"]] == ["after"]


def test_unknown_stream(streams):
    arn = "arn:aws:dynamodb:us-east-1:000000000000:table/none/stream/2026-01-01T00:00:00.000"
    assert error_of(streams.describe_stream, StreamArn=arn)[0] == "ResourceNotFoundException"


@pytest.mark.local_only
def test_ttl_deletes_expired_items_with_a_service_record(ddb, streams, make_table, clock):
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "OLD_IMAGE"})
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    now = int(time.time())
    ddb.put_item(TableName=name, Item={"pk": {"S": "soon"}, "expires": {"N": str(now + 3600)}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "later"}, "expires": {"N": str(now + 7 * 86400)}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "never"}})
    clock(2 * 3600)
    for _ in range(50):
        if "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "soon"}}):
            break
        time.sleep(0.1)
    remaining = sorted(i["pk"]["S"] for i in ddb.scan(TableName=name)["Items"])
    assert remaining == ["later", "never"]
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    removal = [r for r in _read_all(streams, arn) if r["eventName"] == "REMOVE"]
    assert len(removal) == 1
    assert removal[0]["userIdentity"] == {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
    assert removal[0]["dynamodb"]["OldImage"]["pk"] == {"S": "soon"}


@pytest.mark.local_only
def test_records_are_kept_24_hours(ddb, streams, make_table, clock):
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "old"}})
    clock(23 * 3600)
    ddb.put_item(TableName=name, Item={"pk": {"S": "recent"}})
    assert len(_read_all(streams, arn)) == 2
    clock(2 * 3600)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in _read_all(streams, arn)] == ["recent"]
