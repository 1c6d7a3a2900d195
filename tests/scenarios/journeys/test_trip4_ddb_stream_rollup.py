"""A DynamoDB Streams consumer as a hand-written worker keeps it: orders are written with
batches, updates, a transaction and a failed conditional write; the worker reads the
orders table's stream shard by shard with the dynamodbstreams client (small GetRecords
pages), keeps per-customer totals in a rollup table from the old and new images, and
checkpoints each shard's last sequence number in a third table, so a second run resumes
where the first stopped; a write that changes nothing leaves no record; an order
expired by TTL (on the lakebox clock) arrives as a service REMOVE and leaves the
rollup."""
import time
import uuid

import pytest

from trip_helpers import wait_for

pytestmark = pytest.mark.local_only          # TTL expiry is reached by moving the lakebox clock


def key_table(ddb, name, *keys):
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": k, "KeyType": t} for k, t in zip(keys, ("HASH", "RANGE"))],
                     AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k in keys],
                     **({"StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}}
                        if name.startswith("orders") else {}))
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})


@pytest.fixture
def tables(client):
    ddb = client("dynamodb")
    suffix = uuid.uuid4().hex[:8]
    names = {"orders": f"orders-{suffix}", "rollup": f"rollup-{suffix}", "checkpoints": f"checkpoints-{suffix}"}
    key_table(ddb, names["orders"], "order_id")
    key_table(ddb, names["rollup"], "customer")
    key_table(ddb, names["checkpoints"], "consumer", "shard")
    yield names
    for name in names.values():
        ddb.delete_table(TableName=name)


def order(order_id, customer, cents, **extra):
    return {"order_id": {"S": order_id}, "customer": {"S": customer}, "cents": {"N": str(cents)}, **extra}


def amount_of(image):
    return (image["customer"]["S"], int(image["cents"]["N"])) if image else (None, 0)


class RollupWorker:
    """Applies the orders stream to the rollup table, checkpointing per shard."""

    def __init__(self, ddb, streams, tables, name="rollup-worker"):
        self.ddb, self.streams, self.tables, self.name = ddb, streams, tables, name
        self.arn = ddb.describe_table(TableName=tables["orders"])["Table"]["LatestStreamArn"]
        self.seen = []

    def run(self):
        for shard in self.shards():
            iterator = self.iterator(shard["ShardId"])
            while iterator:
                page = self.streams.get_records(ShardIterator=iterator, Limit=3)
                for record in page["Records"]:
                    self.apply(record)
                    self.checkpoint(shard["ShardId"], record["dynamodb"]["SequenceNumber"])
                if not page["Records"]:
                    break
                iterator = page.get("NextShardIterator")

    def shards(self):
        shards, start = [], {}
        while True:
            description = self.streams.describe_stream(StreamArn=self.arn, Limit=100, **start)["StreamDescription"]
            shards += description["Shards"]
            if "LastEvaluatedShardId" not in description:
                return shards
            start = {"ExclusiveStartShardId": description["LastEvaluatedShardId"]}

    def iterator(self, shard_id):
        saved = self.ddb.get_item(TableName=self.tables["checkpoints"], ConsistentRead=True,
                                  Key={"consumer": {"S": self.name}, "shard": {"S": shard_id}}).get("Item")
        where = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": saved["sequence"]["S"]}
                 if saved else {"ShardIteratorType": "TRIM_HORIZON"})
        return self.streams.get_shard_iterator(StreamArn=self.arn, ShardId=shard_id, **where)["ShardIterator"]

    def apply(self, record):
        self.seen.append(record)
        change = record["dynamodb"]
        for customer, cents, count in self.deltas(change.get("OldImage"), change.get("NewImage")):
            self.ddb.update_item(TableName=self.tables["rollup"], Key={"customer": {"S": customer}},
                                 UpdateExpression="ADD total_cents :c, orders :n",
                                 ExpressionAttributeValues={":c": {"N": str(cents)}, ":n": {"N": str(count)}})

    @staticmethod
    def deltas(old, new):
        (was, before), (now, after) = amount_of(old), amount_of(new)
        if was == now:
            return [(now, after - before, 0)]
        return [(c, sign * cents, sign) for c, cents, sign in ((was, before, -1), (now, after, 1)) if c]

    def checkpoint(self, shard_id, sequence):
        self.ddb.put_item(TableName=self.tables["checkpoints"], Item={
            "consumer": {"S": self.name}, "shard": {"S": shard_id}, "sequence": {"S": sequence}})


def rollup(ddb, tables):
    items = ddb.scan(TableName=tables["rollup"], ConsistentRead=True)["Items"]
    return {i["customer"]["S"]: (int(i["total_cents"]["N"]), int(i["orders"]["N"])) for i in items}


def test_stream_consumer_keeps_a_rollup_with_checkpoints(client, clock, tables):
    ddb, streams = client("dynamodb"), client("dynamodbstreams")
    orders = tables["orders"]
    expired = int(time.time()) - 3600
    ddb.batch_write_item(RequestItems={orders: [{"PutRequest": {"Item": item}} for item in (
        order("o1", "c1", 100), order("o2", "c1", 250), order("o3", "c2", 75), order("o4", "c3", 40),
        order("o5", "c3", 60, expires={"N": str(expired)}))]})
    ddb.update_item(TableName=orders, Key={"order_id": {"S": "o2"}}, UpdateExpression="SET cents = :c",
                    ExpressionAttributeValues={":c": {"N": "300"}})
    ddb.put_item(TableName=orders, Item=order("o3", "c2", 75))           # the same item again: no change
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.update_item(TableName=orders, Key={"order_id": {"S": "o1"}}, UpdateExpression="SET cents = :c",
                        ConditionExpression="cents > :min",
                        ExpressionAttributeValues={":c": {"N": "1"}, ":min": {"N": "1000"}})
    ddb.transact_write_items(TransactItems=[
        {"Delete": {"TableName": orders, "Key": {"order_id": {"S": "o4"}}}},
        {"Put": {"TableName": orders, "Item": order("o6", "c2", 500)}},
        {"Update": {"TableName": orders, "Key": {"order_id": {"S": "o1"}},
                    "UpdateExpression": "SET customer = :to", "ExpressionAttributeValues": {":to": {"S": "c2"}}}}])

    worker = RollupWorker(ddb, streams, tables)
    worker.run()
    assert [r["eventName"] for r in worker.seen].count("INSERT") == 6
    assert [r["eventName"] for r in worker.seen].count("MODIFY") == 2
    assert [r["eventName"] for r in worker.seen].count("REMOVE") == 1
    assert len(worker.seen) == 9
    assert rollup(ddb, tables) == {"c1": (300, 1), "c2": (675, 3), "c3": (60, 1)}
    moved = next(r for r in worker.seen
                 if r["eventName"] == "MODIFY" and r["dynamodb"]["Keys"]["order_id"]["S"] == "o1")
    assert moved["dynamodb"]["OldImage"]["customer"] == {"S": "c1"}
    assert moved["dynamodb"]["NewImage"]["customer"] == {"S": "c2"}
    assert moved["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"

    again = RollupWorker(ddb, streams, tables)
    again.run()
    assert again.seen == []
    assert rollup(ddb, tables) == {"c1": (300, 1), "c2": (675, 3), "c3": (60, 1)}

    ddb.update_time_to_live(TableName=orders, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    clock(2 * 86400)
    wait_for(lambda: "Item" not in ddb.get_item(TableName=orders, Key={"order_id": {"S": "o5"}}, ConsistentRead=True),
             timeout=60)
    ddb.put_item(TableName=orders, Item=order("o7", "c3", 15))
    after_ttl = RollupWorker(ddb, streams, tables)
    after_ttl.run()
    assert [(r["eventName"], r["dynamodb"]["Keys"]["order_id"]["S"]) for r in after_ttl.seen] == [
        ("REMOVE", "o5"), ("INSERT", "o7")]
    assert after_ttl.seen[0]["userIdentity"] == {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
    assert "userIdentity" not in after_ttl.seen[1]
    assert rollup(ddb, tables) == {"c1": (300, 1), "c2": (675, 3), "c3": (15, 1)}
    sequences = [int(r["dynamodb"]["SequenceNumber"]) for r in worker.seen + after_ttl.seen]
    assert len(set(sequences)) == len(sequences)
