"""An audit team's consumer drains a sessions table's stream (NEW_IMAGE view) once in a
while. Over a day the stream's shards roll over, and the consumer pages DescribeStream two
shards at a time (Limit, ExclusiveStartShardId, LastEvaluatedShardId), reading each
shard's lineage. It learns the stream's clocks the hard way: an iterator held more than
15 minutes is ExpiredIteratorException, a record older than 24 hours is
TrimmedDataAccessException, both for a checkpoint and for an iterator taken before the
trim. TTL deletions arrive with the DynamoDB service as userIdentity. When the stream is
disabled it stays readable, then is gone a day later."""
import time
import uuid

import pytest

from trip_helpers import error_of, keyed_table

pytestmark = pytest.mark.local_only          # hours and days pass on the lakebox clock

HOURS = 3600


def iterator(streams, arn, shard_id, kind="TRIM_HORIZON", **more):
    return streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id, ShardIteratorType=kind,
                                      **more)["ShardIterator"]


def all_shards(streams, arn) -> list:
    """DescribeStream paged two shards at a time."""
    shards, start = [], {}
    while True:
        description = streams.describe_stream(StreamArn=arn, Limit=2, **start)["StreamDescription"]
        assert len(description["Shards"]) <= 2
        shards += description["Shards"]
        if "LastEvaluatedShardId" not in description:
            return shards
        assert description["LastEvaluatedShardId"] == description["Shards"][-1]["ShardId"]
        start = {"ExclusiveStartShardId": description["LastEvaluatedShardId"]}


def keys(records):
    return [r["dynamodb"]["Keys"]["session_id"]["S"] for r in records]


def test_an_audit_consumer_meets_the_streams_clocks(client, resource, clock):
    ddb, streams = client("dynamodb"), client("dynamodbstreams")
    name = f"sessions-{uuid.uuid4().hex[:10]}"
    sessions = keyed_table(resource("dynamodb"), name, "session_id")
    try:
        ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
        ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ends"})
        arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
        sessions.put_item(Item={"session_id": "s-1", "user": "ana"})
        clock(4 * HOURS + 1)
        sessions.put_item(Item={"session_id": "s-2", "user": "bo"})
        clock(4 * HOURS + 1)
        ahead = 2 * (4 * HOURS + 1)                                   # the lakebox clock runs this far ahead
        sessions.put_item(Item={"session_id": "s-3", "user": "cy", "ends": int(time.time()) + ahead + 4 * HOURS})
        first, second, third = shards = all_shards(streams, arn)
        assert "ParentShardId" not in first
        assert (second["ParentShardId"], third["ParentShardId"]) == (first["ShardId"], second["ShardId"])
        assert [("EndingSequenceNumber" in s["SequenceNumberRange"]) for s in shards] == [True, True, False]
        assert [keys(streams.get_records(ShardIterator=iterator(streams, arn, s["ShardId"]))["Records"])
                for s in shards] == [["s-1"], ["s-2"], ["s-3"]]

        # An iterator is good for 15 minutes.
        held = iterator(streams, arn, third["ShardId"])
        clock(14 * 60)
        assert keys(streams.get_records(ShardIterator=held)["Records"]) == ["s-3"]
        clock(2 * 60)
        code, message = error_of(streams.get_records, ShardIterator=held)
        assert code == "ExpiredIteratorException"
        assert message.startswith("Iterator expired. The iterator was created at time ")
        assert message.endswith(" which is further in the future than the tolerated delay of 900000 milliseconds.")

        # The TTL deletion of s-3 (its time has come) carries the service's identity; the
        # third shard is over four hours old by then, so the removal opens a fourth.
        clock(8 * HOURS)
        for _ in range(50):
            if "Item" not in sessions.get_item(Key={"session_id": "s-3"}):
                break
            time.sleep(0.1)
        *_, fourth = shards = all_shards(streams, arn)
        assert len(shards) == 4 and fourth["ParentShardId"] == third["ShardId"]
        removal = streams.get_records(ShardIterator=iterator(streams, arn, fourth["ShardId"]))["Records"]
        [removal] = removal
        assert removal["userIdentity"] == {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
        assert removal["dynamodb"]["Keys"] == {"session_id": {"S": "s-3"}} and "NewImage" not in removal["dynamodb"]
        assert "OldImage" not in removal["dynamodb"]

        # s-1 turns 24 hours old: an iterator taken just before is trimmed, and its shard goes.
        clock(24 * HOURS - (4 * HOURS + 1) * 2 - 8 * HOURS - 16 * 60 - 60)  # a minute before s-1 turns 24 hours
        early = iterator(streams, arn, first["ShardId"])
        clock(2 * 60)
        assert error_of(streams.get_records, ShardIterator=early) == (
            "TrimmedDataAccessException", "The requested data has been trimmed")
        assert [s["ShardId"] for s in all_shards(streams, arn)] == [s["ShardId"] for s in (second, third, fourth)]

        # Disabled, the stream stays readable for 24 hours, then is gone.
        ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
        described = streams.describe_stream(StreamArn=arn)["StreamDescription"]
        assert described["StreamStatus"] == "DISABLED"
        assert keys(streams.get_records(ShardIterator=iterator(streams, arn, second["ShardId"]))["Records"]) == ["s-2"]
        clock(25 * HOURS)
        for _ in range(50):
            if not streams.list_streams(TableName=name)["Streams"]:
                break
            time.sleep(0.1)
        assert streams.list_streams(TableName=name)["Streams"] == []
        assert error_of(streams.describe_stream, StreamArn=arn) == (
            "ResourceNotFoundException", f"Requested resource not found: Stream: {arn} not found")
    finally:
        ddb.delete_table(TableName=name)
