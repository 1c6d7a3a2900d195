"""A Kinesis consumer application as KCL-style code writes it by hand: shard leases and
checkpoints in a DynamoDB table (conditional writes, so two workers never both own a
shard), per-user totals accumulated in another table, a worker that stops midway and a
second one that takes the leases over and resumes after the last checkpoint, and a split
shard whose children are read only once the parent is finished. Every event is counted
exactly once."""
import json
import time
import uuid
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr

SHARD_END = "SHARD_END"


def make_table(ddb, name, key):
    table = ddb.create_table(TableName=name, KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
                             BillingMode="PAY_PER_REQUEST")
    table.wait_until_exists()
    return table


@pytest.fixture
def app(client, resource):
    kinesis, ddb = client("kinesis"), resource("dynamodb")
    suffix = uuid.uuid4().hex[:10]
    stream = f"orders-{suffix}"
    kinesis.create_stream(StreamName=stream, ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    leases, totals = make_table(ddb, f"leases-{suffix}", "shard_id"), make_table(ddb, f"totals-{suffix}", "user")
    yield {"kinesis": kinesis, "stream": stream, "leases": leases, "totals": totals}
    kinesis.delete_stream(StreamName=stream, EnforceConsumerDeletion=True)
    leases.delete()
    totals.delete()


class Worker:
    def __init__(self, app, name):
        self.kinesis, self.stream, self.name = app["kinesis"], app["stream"], name
        self.leases, self.totals = app["leases"], app["totals"]

    def take_lease(self, shard_id) -> dict | None:
        """The shard's lease: kept, or taken over (counter + 1), unless the shard is finished."""
        lease = self.leases.get_item(Key={"shard_id": shard_id}, ConsistentRead=True).get("Item")
        if lease and lease["checkpoint"] == SHARD_END:
            return None
        if lease and lease["owner"] == self.name:
            return lease
        counter = lease["counter"] if lease else Decimal(0)
        condition = Attr("counter").eq(counter) if lease else Attr("shard_id").not_exists()
        self.leases.put_item(Item={"shard_id": shard_id, "owner": self.name, "counter": counter + 1,
                                   "checkpoint": lease["checkpoint"] if lease else "TRIM_HORIZON"},
                             ConditionExpression=condition)
        return self.leases.get_item(Key={"shard_id": shard_id}, ConsistentRead=True)["Item"]

    def process(self, shard_id, max_batches=None) -> int:
        lease = self.take_lease(shard_id)
        if lease is None:
            return 0
        at = ({"ShardIteratorType": "TRIM_HORIZON"} if lease["checkpoint"] == "TRIM_HORIZON" else
              {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": lease["checkpoint"]})
        iterator = self.kinesis.get_shard_iterator(StreamName=self.stream, ShardId=shard_id, **at)["ShardIterator"]
        counted, batches = 0, 0
        while iterator and (max_batches is None or batches < max_batches):
            page = self.get_records(iterator)
            for record in page["Records"]:
                event = json.loads(record["Data"])
                self.totals.update_item(Key={"user": event["user"]}, UpdateExpression="ADD amount :a, orders :one",
                                        ExpressionAttributeValues={":a": Decimal(event["amount"]), ":one": 1})
            counted += len(page["Records"])
            batches += 1
            iterator = page.get("NextShardIterator")
            checkpoint = page["Records"][-1]["SequenceNumber"] if page["Records"] else lease["checkpoint"]
            if iterator is None:
                checkpoint = SHARD_END
            elif not page["Records"] and page.get("MillisBehindLatest", 0) == 0:
                iterator = None                        # caught up with an open shard
            self.checkpoint(lease, checkpoint)
            lease["checkpoint"] = checkpoint
        return counted

    def get_records(self, iterator):
        for _ in range(20):
            try:
                return self.kinesis.get_records(ShardIterator=iterator, Limit=40)
            except self.kinesis.exceptions.ProvisionedThroughputExceededException:
                time.sleep(0.25)                       # 5 reads a second per shard
        raise AssertionError("throttled for 5 seconds")

    def checkpoint(self, lease, sequence):
        self.leases.update_item(Key={"shard_id": lease["shard_id"]}, UpdateExpression="SET checkpoint = :c",
                                ConditionExpression=Attr("owner").eq(self.name) & Attr("counter").eq(lease["counter"]),
                                ExpressionAttributeValues={":c": sequence})

    def run(self) -> int:
        """One pass over every shard whose parents are finished, parents first."""
        shards = self.kinesis.list_shards(StreamName=self.stream)["Shards"]
        done = {s["shard_id"] for s in self.leases.scan(ConsistentRead=True)["Items"] if s["checkpoint"] == SHARD_END}
        counted = 0
        for shard in shards:
            parents = {shard.get("ParentShardId"), shard.get("AdjacentParentShardId")} - {None}
            if parents <= done:
                counted += self.process(shard["ShardId"])
                if self.leases.get_item(Key={"shard_id": shard["ShardId"]}, ConsistentRead=True)["Item"][
                        "checkpoint"] == SHARD_END:
                    done.add(shard["ShardId"])
        return counted


def put_events(kinesis, stream, events):
    for start in range(0, len(events), 100):
        answer = kinesis.put_records(StreamName=stream, Records=[
            {"Data": json.dumps(e).encode(), "PartitionKey": e["user"]} for e in events[start:start + 100]])
        assert answer["FailedRecordCount"] == 0


def test_checkpointed_consumer_survives_a_handover_and_a_split(app):
    kinesis, stream = app["kinesis"], app["stream"]
    events = [{"user": f"user-{i % 9}", "amount": i % 13 + 1} for i in range(240)]
    put_events(kinesis, stream, events[:160])

    first = Worker(app, "worker-a")
    shard_ids = [s["ShardId"] for s in kinesis.list_shards(StreamName=stream)["Shards"]]
    partial = first.process(shard_ids[0], max_batches=1)
    assert 0 < partial <= 40

    second = Worker(app, "worker-b")
    stale = first.leases.get_item(Key={"shard_id": shard_ids[0]}, ConsistentRead=True)["Item"]
    assert second.take_lease(shard_ids[0])["owner"] == "worker-b"
    with pytest.raises(first.leases.meta.client.exceptions.ConditionalCheckFailedException):
        first.checkpoint(stale, "0")                   # worker-a lost its lease: refused
    assert second.run() == 160 - partial

    parent = kinesis.list_shards(StreamName=stream)["Shards"][1]
    low, high = int(parent["HashKeyRange"]["StartingHashKey"]), int(parent["HashKeyRange"]["EndingHashKey"])
    kinesis.split_shard(StreamName=stream, ShardToSplit=parent["ShardId"], NewStartingHashKey=str((low + high) // 2))
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    put_events(kinesis, stream, events[160:])
    assert second.run() == 80
    assert second.run() == 0

    leases = {item["shard_id"]: item for item in app["leases"].scan(ConsistentRead=True)["Items"]}
    assert len(leases) == 4 and leases[parent["ShardId"]]["checkpoint"] == SHARD_END
    assert leases[shard_ids[0]]["owner"] == "worker-b" and leases[shard_ids[0]]["counter"] == 2
    expected = {}
    for e in events:
        amount, orders = expected.get(e["user"], (0, 0))
        expected[e["user"]] = (amount + e["amount"], orders + 1)
    totals = {t["user"]: (int(t["amount"]), int(t["orders"])) for t in app["totals"].scan()["Items"]}
    assert totals == expected
