"""A payments team's hot shard: one merchant's partition key sends more than a shard's
1 MiB a second, and PutRecords answers the entries past the shard's rate with
ErrorCode ProvisionedThroughputExceededException and Kinesis's message ("Rate exceeded
for shard shardId-... in stream ... under account ..."), while the same batch's entries
for the other shard are written; a PutRecord to the hot shard is refused likewise. The
team's KPL producer (aws-kinesis-agg, records starting with the KPL magic bytes F3 89
9A C2) spreads the merchant's events with explicit hash keys taken from ListShards'
hash ranges, then the hot shard is split and read to its end: its last GetRecords has
no NextShardIterator and names the children. A consumer that kept a shard iterator
for more than five minutes is told it expired, in Kinesis's words."""
import json
import os
import re

import pytest
from aws_kinesis_agg.aggregator import RecordAggregator
from aws_kinesis_agg.deaggregator import iter_deaggregate_records

from trip_helpers import error_of, shard_read

KPL_MAGIC = b"\xf3\x89\x9a\xc2"
SHARD = "shardId-{:012d}".format
KIB = 1024


@pytest.fixture
def payments(kinesis_streams):
    return kinesis_streams("payments", shards=2)


@pytest.mark.skipif(os.environ.get("LAKEBOX_TEST_LIMITS", "aws") == "off",
                    reason="AWS's limits need --limits aws")
def test_hot_shard_throttled_then_spread_and_split(client, payments):
    kinesis = client("kinesis")
    name, arn = payments
    account = arn.split(":")[4]
    lower, upper = kinesis.list_shards(StreamName=name)["Shards"]
    hot_key = str(int(lower["HashKeyRange"]["StartingHashKey"]))
    cold_key = upper["HashKeyRange"]["StartingHashKey"]

    # 2.4 MiB in one second to the lower shard, 48 KiB to the upper one.
    batch = [{"Data": bytes([n]) * (300 * KIB), "PartitionKey": "merchant-42", "ExplicitHashKey": hot_key}
             for n in range(8)]
    batch += [{"Data": bytes([100 + n]) * (16 * KIB), "PartitionKey": f"merchant-{n}", "ExplicitHashKey": cold_key}
              for n in range(3)]
    answer = kinesis.put_records(StreamName=name, Records=batch)
    results = answer["Records"]
    rate_exceeded = f"Rate exceeded for shard {SHARD(0)} in stream {name} under account {account}."
    failed = [r for r in results if "ErrorCode" in r]
    assert answer["FailedRecordCount"] == len(failed) >= 4
    assert all((r["ErrorCode"], r["ErrorMessage"]) == ("ProvisionedThroughputExceededException", rate_exceeded)
               for r in failed)
    assert all("SequenceNumber" not in r and "ShardId" not in r for r in failed)
    written_hot = [r for r in results[:8] if "ErrorCode" not in r]
    assert written_hot and all(r["ShardId"] == SHARD(0) for r in written_hot)
    assert [r["ShardId"] for r in results[8:]] == [SHARD(1)] * 3
    assert error_of(kinesis.put_record, StreamName=name, Data=b"x" * (300 * KIB), PartitionKey="merchant-42",
                    ExplicitHashKey=hot_key) == ("ProvisionedThroughputExceededException", rate_exceeded)

    # The KPL producer aggregates the merchant's events, each aggregate to the cold shard.
    aggregator = RecordAggregator()
    for n in range(40):
        aggregator.add_user_record(f"merchant-42-{n}", json.dumps({"payment": n}).encode(),
                                   explicit_hash_key=cold_key)
    partition_key, hash_key, data = aggregator.clear_and_get().get_contents()
    assert data[:4] == KPL_MAGIC and hash_key == cold_key
    placed = kinesis.put_record(StreamName=name, Data=data, PartitionKey=partition_key, ExplicitHashKey=hash_key)
    assert placed["ShardId"] == SHARD(1)
    records, _ = shard_read(kinesis, arn, SHARD(1))
    assert [r["Data"][:1] for r in records[:3]] == [b"d", b"e", b"f"]
    aggregate = records[3]
    assert aggregate["Data"] == data and aggregate["SequenceNumber"] == placed["SequenceNumber"]
    users = list(iter_deaggregate_records([aggregate], data_format="Boto3"))
    assert [u["kinesis"]["partitionKey"] for u in users] == [f"merchant-42-{n}" for n in range(40)]
    assert {u["kinesis"]["sequenceNumber"] for u in users} == {placed["SequenceNumber"]}

    # The hot shard is split; read to its end it names its children.
    middle = str(int(lower["HashKeyRange"]["EndingHashKey"]) // 2)
    kinesis.split_shard(StreamName=name, ShardToSplit=SHARD(0), NewStartingHashKey=middle)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    records, last = shard_read(kinesis, arn, SHARD(0))
    assert [r["Data"][:1] for r in records] == [bytes([n]) for n in range(len(written_hot))]
    assert "NextShardIterator" not in last
    assert last["ChildShards"] == [
        {"ShardId": SHARD(2), "ParentShards": [SHARD(0)],
         "HashKeyRange": {"StartingHashKey": hot_key, "EndingHashKey": str(int(middle) - 1)}},
        {"ShardId": SHARD(3), "ParentShards": [SHARD(0)],
         "HashKeyRange": {"StartingHashKey": middle, "EndingHashKey": lower["HashKeyRange"]["EndingHashKey"]}}]


@pytest.mark.local_only
def test_an_iterator_kept_past_five_minutes(client, payments, clock):
    kinesis = client("kinesis")
    name, _ = payments
    kinesis.put_record(StreamName=name, Data=b"late", PartitionKey="merchant-7")
    shard = kinesis.put_record(StreamName=name, Data=b"later", PartitionKey="merchant-7")["ShardId"]
    iterator = kinesis.get_shard_iterator(StreamName=name, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    page = kinesis.get_records(ShardIterator=iterator, Limit=1)
    assert [r["Data"] for r in page["Records"]] == [b"late"]
    clock(299)
    page = kinesis.get_records(ShardIterator=page["NextShardIterator"], Limit=1)
    assert [r["Data"] for r in page["Records"]] == [b"later"]
    clock(301)
    code, message = error_of(kinesis.get_records, ShardIterator=page["NextShardIterator"])
    date = r"[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}"
    assert code == "ExpiredIteratorException"
    assert re.fullmatch(rf"Iterator expired\. The iterator was created at time {date} while right now it is {date} "
                        r"which is further in the future than the tolerated delay of 300000 milliseconds\.",
                        message), message
