"""A clickstream consumer on enhanced fan-out that keeps page counters in DynamoDB: the
stream is encrypted at rest with a customer managed KMS key (by alias); the application
registers its consumer, subscribes to each shard from TRIM_HORIZON, counts pages with
atomic ADD updates and saves each shard's ContinuationSequenceNumber as its checkpoint;
restarted later, it resubscribes AFTER_SEQUENCE_NUMBER from the checkpoints and counts
only the new clicks."""
import json
import time
import uuid
from collections import Counter

import pytest

from trip_helpers import keyed_table, wait_for

pytestmark = pytest.mark.local_only          # a restart within 5 s of a subscription is moved past on the clock

PAGES = ["/", "/cart", "/search", "/item"]


@pytest.fixture
def clickstream(client):
    kinesis, kms = client("kinesis"), client("kms")
    key = kms.create_key(Description="clickstream at rest")["KeyMetadata"]["KeyId"]
    alias = f"alias/clicks-{uuid.uuid4().hex[:8]}"
    kms.create_alias(AliasName=alias, TargetKeyId=key)
    name = f"clicks-{uuid.uuid4().hex[:10]}"
    kinesis.create_stream(StreamName=name, ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId=alias)
    wait_for(lambda: kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"][
        "StreamStatus"] == "ACTIVE")
    yield name, alias
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
    kms.delete_alias(AliasName=alias)
    kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)


def clicks(start, count):
    return [{"user": f"u{i % 13}", "page": PAGES[i % 4] if i % 5 else "/", "n": i} for i in range(start, start + count)]


def produce(kinesis, stream, batch) -> Counter:
    """Puts the clicks; returns how many landed on each shard."""
    answer = kinesis.put_records(StreamName=stream, Records=[
        {"Data": json.dumps(c).encode(), "PartitionKey": c["user"]} for c in batch])
    assert answer["FailedRecordCount"] == 0
    return Counter(r["ShardId"] for r in answer["Records"])


class CounterApp:
    def __init__(self, kinesis, dynamodb, consumer_arn, counters, checkpoints):
        self.kinesis, self.consumer_arn = kinesis, consumer_arn
        self.counters, self.checkpoints = dynamodb.Table(counters), dynamodb.Table(checkpoints)

    def drain(self, shard_id, expected):
        """Reads `expected` records of the shard through a subscription, from its checkpoint."""
        saved = self.checkpoints.get_item(Key={"shard": shard_id}, ConsistentRead=True).get("Item")
        start = ({"Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": saved["sequence"]} if saved
                 else {"Type": "TRIM_HORIZON"})
        stream = self.kinesis.subscribe_to_shard(ConsumerARN=self.consumer_arn, ShardId=shard_id,
                                                 StartingPosition=start)["EventStream"]
        read, deadline, behind = [], time.monotonic() + 30, None
        try:
            for event in stream:
                shard_event = event["SubscribeToShardEvent"]
                for record in shard_event["Records"]:
                    assert record["EncryptionType"] == "KMS"
                    read.append(json.loads(record["Data"]))
                    self.counters.update_item(Key={"page": read[-1]["page"]}, UpdateExpression="ADD hits :one",
                                              ExpressionAttributeValues={":one": 1})
                self.checkpoints.put_item(Item={"shard": shard_id,
                                                "sequence": shard_event["ContinuationSequenceNumber"]})
                behind = shard_event["MillisBehindLatest"]
                if len(read) >= expected or time.monotonic() > deadline:
                    break
        finally:
            stream.close()
        assert len(read) == expected
        assert behind == 0
        return read


def test_fan_out_consumer_counts_and_resumes(client, clock, resource, clickstream, table_name):
    kinesis = client("kinesis")
    stream, alias = clickstream
    summary = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
    assert (summary["EncryptionType"], summary["KeyId"]) == ("KMS", alias)
    dynamodb = resource("dynamodb")
    counters = keyed_table(dynamodb, table_name, "page").name
    checkpoints = keyed_table(dynamodb, f"{table_name}-ckpt", "shard").name
    try:
        consumer = kinesis.register_stream_consumer(StreamARN=summary["StreamARN"], ConsumerName="page-counter")
        arn = consumer["Consumer"]["ConsumerARN"]
        wait_for(lambda: kinesis.describe_stream_consumer(ConsumerARN=arn)["ConsumerDescription"][
            "ConsumerStatus"] == "ACTIVE")
        listed = kinesis.list_stream_consumers(StreamARN=summary["StreamARN"])["Consumers"]
        assert [c["ConsumerName"] for c in listed] == ["page-counter"]

        first = clicks(0, 120)
        landed = produce(kinesis, stream, first)
        assert sorted(landed) == ["shardId-000000000000", "shardId-000000000001"]
        app = CounterApp(kinesis, dynamodb, arn, counters, checkpoints)
        read = [c for shard, count in sorted(landed.items()) for c in app.drain(shard, count)]
        assert sorted(c["n"] for c in read) == list(range(120))
        per_user = [c["n"] for c in read if c["user"] == "u1"]
        assert per_user == sorted(per_user)              # one partition key's records stay in order
        hits = {i["page"]: int(i["hits"]) for i in dynamodb.Table(counters).scan(ConsistentRead=True)["Items"]}
        assert hits == dict(Counter(c["page"] for c in first))

        second = clicks(120, 45)
        landed_again = produce(kinesis, stream, second)
        clock(6)                                         # the restart comes more than 5 s after the last subscription
        restarted = CounterApp(kinesis, dynamodb, arn, counters, checkpoints)
        read_again = [c for shard, count in sorted(landed_again.items()) for c in restarted.drain(shard, count)]
        assert sorted(c["n"] for c in read_again) == list(range(120, 165))
        hits = {i["page"]: int(i["hits"]) for i in dynamodb.Table(counters).scan(ConsistentRead=True)["Items"]}
        assert hits == dict(Counter(c["page"] for c in first + second))

        kinesis.deregister_stream_consumer(ConsumerARN=arn)
        wait_for(lambda: not kinesis.list_stream_consumers(StreamARN=summary["StreamARN"])["Consumers"])
    finally:
        dynamodb.Table(checkpoints).delete()
