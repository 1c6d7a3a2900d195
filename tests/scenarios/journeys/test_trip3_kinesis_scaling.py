"""A Kinesis producer and consumer through a scaling event, as hand-written applications
do it: the producer sends PutRecords batches larger than a shard takes in a second and
retries only the entries that failed, with back-off, until every entry is in; the stream
is scaled up (UpdateShardCount) and down again (MergeShards) while the consumer reads;
the consumer keeps a checkpoint per shard in DynamoDB (conditional writes that only move
forward), resumes with AFTER_SEQUENCE_NUMBER, and starts a child shard only once its
parents are read to the end, so each user's events come out in the order they went in."""
import json
import time
import uuid

import pytest
from boto3.dynamodb.conditions import Attr

from trip_helpers import keyed_table

THROTTLED = "ProvisionedThroughputExceededException"


@pytest.fixture
def stream(client):
    kinesis, name = client("kinesis"), f"clicks-{uuid.uuid4().hex[:10]}"
    kinesis.create_stream(StreamName=name, ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 0.2})
    yield name
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)


@pytest.fixture
def checkpoints(resource, table_name):
    return keyed_table(resource("dynamodb"), table_name, "shard_id")


def put_all(kinesis, stream, entries) -> list:
    """Puts every entry, retrying the failed ones; returns the FailedRecordCount of each call."""
    failures, pending, pause = [], list(entries), 0.2
    while pending:
        answer = kinesis.put_records(StreamName=stream, Records=pending)
        failures.append(answer["FailedRecordCount"])
        pending = [entry for entry, result in zip(pending, answer["Records"]) if "ErrorCode" in result]
        if pending:
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
    return failures


def call(fn, **kwargs):
    """A read call retried while the shard is over its read rate, as consumers do."""
    for _ in range(100):
        try:
            return fn(**kwargs)
        except fn.__self__.exceptions.ProvisionedThroughputExceededException:
            time.sleep(0.25)
    raise AssertionError("still throttled")


def test_producer_retries_only_the_failed_entries(client, stream):
    kinesis = client("kinesis")
    blob = b"x" * 16 * 1024
    entries = [{"Data": json.dumps({"n": n}, separators=(",", ":")).encode() + b" " + blob, "PartitionKey": f"user-{n % 40}"}
               for n in range(240)]                    # 3.8 MiB: about twice what two shards take in a second
    first = kinesis.put_records(StreamName=stream, Records=entries)
    failed = [r for r in first["Records"] if "ErrorCode" in r]
    assert first["FailedRecordCount"] == len(failed) > 0
    assert {r["ErrorCode"] for r in failed} == {THROTTLED}
    shard_ids = {r["ShardId"] for r in first["Records"] if "ShardId" in r}
    assert shard_ids == {"shardId-000000000000", "shardId-000000000001"}
    assert {r["ErrorMessage"] for r in failed} <= {
        f"Rate exceeded for shard {shard} in stream {stream} under account 000000000000." for shard in shard_ids}

    retried = [entry for entry, result in zip(entries, first["Records"]) if "ErrorCode" in result]
    assert put_all(kinesis, stream, retried)[-1] == 0
    numbers = []
    for shard in sorted(shard_ids):
        iterator = call(kinesis.get_shard_iterator, StreamName=stream, ShardId=shard,
                        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = call(kinesis.get_records, ShardIterator=iterator, Limit=100)
            numbers += [json.loads(r["Data"].split(b" ")[0])["n"] for r in page["Records"]]
            if not page["Records"] and page["MillisBehindLatest"] == 0:
                break
            iterator = page["NextShardIterator"]
    assert sorted(numbers) == list(range(240))          # every entry exactly once


class Consumer:
    """Reads every shard from its checkpoint; a shard is started only when its parents
    are finished (their checkpoint says SHARD_END)."""

    def __init__(self, kinesis, stream, table):
        self.kinesis, self.stream, self.table = kinesis, stream, table
        self.seen = []

    def checkpoint_of(self, shard_id):
        return self.table.get_item(Key={"shard_id": shard_id}, ConsistentRead=True).get("Item", {}).get("at")

    def save(self, shard_id, previous, at):
        """Moves a checkpoint from `previous` to `at`; fails if another worker moved it."""
        condition = Attr("shard_id").not_exists() if previous is None else Attr("at").eq(previous)
        self.table.put_item(Item={"shard_id": shard_id, "at": at}, ConditionExpression=condition)

    def ready(self, shard) -> bool:
        parents = [shard.get("ParentShardId"), shard.get("AdjacentParentShardId")]
        return all(p is None or self.checkpoint_of(p) == "SHARD_END" for p in parents)

    def drain(self):
        """Reads until every open shard is caught up and every closed one finished."""
        while True:
            shards = self.kinesis.list_shards(StreamName=self.stream)["Shards"]
            todo = [s for s in shards if self.checkpoint_of(s["ShardId"]) != "SHARD_END" and self.ready(s)]
            if not any(self.read(shard) for shard in todo):
                return

    def read(self, shard) -> bool:
        """Reads one shard up to its end or its tip; True if it got anything or finished it."""
        shard_id, at = shard["ShardId"], self.checkpoint_of(shard["ShardId"])
        start = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": at} if at
                 else {"ShardIteratorType": "TRIM_HORIZON"})
        iterator = call(self.kinesis.get_shard_iterator, StreamName=self.stream, ShardId=shard_id,
                        **start)["ShardIterator"]
        progressed = False
        while True:
            page = call(self.kinesis.get_records, ShardIterator=iterator, Limit=25)
            for record in page["Records"]:
                self.seen.append(json.loads(record["Data"]))
            if page["Records"]:
                last = page["Records"][-1]["SequenceNumber"]
                self.save(shard_id, at, last)
                at, progressed = last, True
            if "NextShardIterator" not in page:
                self.save(shard_id, at, "SHARD_END")
                return True
            if not page["Records"] and page["MillisBehindLatest"] == 0:
                return progressed
            iterator = page["NextShardIterator"]


def events(users, start, count):
    return [{"Data": json.dumps({"user": u, "n": n}).encode(), "PartitionKey": u}
            for n in range(start, start + count) for u in users]


def test_consumer_follows_scale_up_and_merge(client, stream, checkpoints):
    kinesis = client("kinesis")
    users = [f"user-{i}" for i in range(12)]
    consumer = Consumer(kinesis, stream, checkpoints)

    put_all(kinesis, stream, events(users, 0, 5))
    consumer.drain()
    assert len(consumer.seen) == 60

    put_all(kinesis, stream, events(users, 5, 5))      # not yet read when the stream scales
    kinesis.update_shard_count(StreamName=stream, TargetShardCount=4, ScalingType="UNIFORM_SCALING")
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 0.2})
    summary = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 4
    put_all(kinesis, stream, events(users, 10, 5))
    consumer.drain()
    assert len(consumer.seen) == 180

    shards = kinesis.list_shards(StreamName=stream)["Shards"]
    closed = [s["ShardId"] for s in shards if "EndingSequenceNumber" in s["SequenceNumberRange"]]
    open_shards = sorted((s for s in shards if "EndingSequenceNumber" not in s["SequenceNumberRange"]),
                         key=lambda s: int(s["HashKeyRange"]["StartingHashKey"]))
    assert len(closed) == 2 and {checkpoints.get_item(Key={"shard_id": c})["Item"]["at"] for c in closed} == {"SHARD_END"}
    assert len(open_shards) == 4
    left, right = open_shards[0], open_shards[1]
    assert int(left["HashKeyRange"]["EndingHashKey"]) + 1 == int(right["HashKeyRange"]["StartingHashKey"])
    kinesis.merge_shards(StreamName=stream, ShardToMerge=left["ShardId"], AdjacentShardToMerge=right["ShardId"])
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 0.2})
    put_all(kinesis, stream, events(users, 15, 5))
    consumer.drain()

    assert len(consumer.seen) == 240
    for user in users:                                  # in order per user, each event once
        assert [e["n"] for e in consumer.seen if e["user"] == user] == list(range(20))
    merged = [s for s in kinesis.list_shards(StreamName=stream)["Shards"]
              if s.get("AdjacentParentShardId") == right["ShardId"]]
    assert [m["ParentShardId"] for m in merged] == [left["ShardId"]]
    assert merged[0]["HashKeyRange"] == {"StartingHashKey": left["HashKeyRange"]["StartingHashKey"],
                                         "EndingHashKey": right["HashKeyRange"]["EndingHashKey"]}
    after = kinesis.list_shards(StreamName=stream, ShardFilter={"Type": "AFTER_SHARD_ID",
                                                                 "ShardId": right["ShardId"]})["Shards"]
    assert merged[0]["ShardId"] in [s["ShardId"] for s in after]

    restarted = Consumer(kinesis, stream, checkpoints)  # a restarted worker finds nothing new
    restarted.drain()
    assert restarted.seen == []
