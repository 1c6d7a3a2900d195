"""A user's pass over Kinesis consumers: the KCL pattern (a lease table in DynamoDB holding
each shard's checkpoint, a worker that stops and another that resumes from the
checkpoints while the stream is resharded), replay from a timestamp, and the aws cli."""
import base64
import json
import time
import uuid

import pytest
from aws_cli import run_cli
from kinesis_helpers import NO_RETRIES, get_records

SHARD_END = "SHARD_END"


@pytest.fixture
def leases(lakebox_server):
    """A KCL-style lease table: leaseKey (shard id) -> checkpoint, parent shard ids."""
    dynamodb = lakebox_server.client("dynamodb", config=NO_RETRIES)
    name = f"leases-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "leaseKey", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "leaseKey", "KeyType": "HASH"}])
    dynamodb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    yield dynamodb, name
    dynamodb.delete_table(TableName=name)


def _checkpoint(leases, shard_id, sequence, parents=()):
    dynamodb, table = leases
    dynamodb.put_item(TableName=table, Item={"leaseKey": {"S": shard_id}, "checkpoint": {"S": sequence},
                                             "parentShardIds": {"L": [{"S": p} for p in parents]}})


def _checkpoints(leases) -> dict:
    dynamodb, table = leases
    items = dynamodb.scan(TableName=table, ConsistentRead=True)["Items"]
    return {item["leaseKey"]["S"]: item["checkpoint"]["S"] for item in items}


def _work(kinesis, stream, leases, budget):
    """One worker's pass, as the KCL does it: every shard whose parents are finished is
    read from its checkpoint (or TRIM_HORIZON); a finished shard is checkpointed
    SHARD_END and its children become leases. Stops after `budget` records."""
    seen = []
    while budget > 0:
        done = _checkpoints(leases)
        shards = kinesis.list_shards(StreamName=stream)["Shards"]
        ready = [s for s in shards if done.get(s["ShardId"]) != SHARD_END and all(
            done.get(p) == SHARD_END for p in (s.get("ParentShardId"), s.get("AdjacentParentShardId")) if p)]
        if not ready:
            return seen
        progressed = False
        for shard in ready:
            position = done.get(shard["ShardId"])
            args = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": position} if position \
                else {"ShardIteratorType": "TRIM_HORIZON"}
            iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard["ShardId"], **args)["ShardIterator"]
            while iterator and budget > 0:
                answer = get_records(kinesis, iterator, Limit=min(budget, 25))
                for record in answer["Records"]:
                    seen.append(record["Data"].decode())
                    _checkpoint(leases, shard["ShardId"], record["SequenceNumber"])
                budget -= len(answer["Records"])
                progressed = progressed or bool(answer["Records"])
                if answer.get("NextShardIterator") is None:
                    _checkpoint(leases, shard["ShardId"], SHARD_END)
                    progressed = True
                if not answer["Records"] and answer.get("MillisBehindLatest") == 0:
                    break
                iterator = answer.get("NextShardIterator")
        if not progressed:
            return seen
    return seen


def _put(kinesis, stream, keys, start, count):
    records = [{"Data": f"{key}:{n}".encode(), "PartitionKey": key}
               for n in range(start, start + count) for key in keys]
    for offset in range(0, len(records), 500):
        answer = kinesis.put_records(StreamName=stream, Records=records[offset:offset + 500])
        assert answer["FailedRecordCount"] == 0


def test_workers_resume_from_checkpoints_across_a_reshard(kinesis, make_stream, leases):
    stream = make_stream(shards=2)
    keys = [f"device-{n}" for n in range(12)]
    _put(kinesis, stream, keys, 0, 10)
    first = _work(kinesis, stream, leases, budget=50)
    assert len(first) == 50

    kinesis.update_shard_count(StreamName=stream, TargetShardCount=4, ScalingType="UNIFORM_SCALING")
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    _put(kinesis, stream, keys, 10, 10)
    second = _work(kinesis, stream, leases, budget=10_000)

    everything = first + second
    assert sorted(everything) == sorted(f"{key}:{n}" for key in keys for n in range(20))
    for key in keys:
        assert [int(r.split(":")[1]) for r in everything if r.startswith(key + ":")] == list(range(20))
    checkpoints = _checkpoints(leases)
    assert [checkpoints[f"shardId-00000000000{n}"] for n in (0, 1)] == [SHARD_END, SHARD_END]
    assert len(checkpoints) == 6


def test_replay_from_a_records_arrival_time(kinesis, make_stream):
    """AT_TIMESTAMP starts at the first record that arrived at or after the time. (boto3
    sends the time in whole seconds, so the replayed batch comes a second later.)"""
    stream = make_stream()
    for n in range(2):
        kinesis.put_record(StreamName=stream, Data=f"early{n}".encode(), PartitionKey="k")
    time.sleep(1.2)
    for n in range(3):
        kinesis.put_record(StreamName=stream, Data=f"late{n}".encode(), PartitionKey="k")
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = get_records(kinesis, iterator)["Records"]
    first_late = records[2]["ApproximateArrivalTimestamp"]
    replay = kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000",
                                        ShardIteratorType="AT_TIMESTAMP", Timestamp=first_late)["ShardIterator"]
    assert [r["Data"] for r in get_records(kinesis, replay)["Records"]] == [b"late0", b"late1", b"late2"]


def test_at_sequence_and_after_sequence_positions(kinesis, make_stream):
    stream = make_stream()
    sequences = [kinesis.put_record(StreamName=stream, Data=f"r{n}".encode(), PartitionKey="k")["SequenceNumber"]
                 for n in range(4)]
    assert sequences == sorted(sequences, key=int)

    def read_from(kind):
        iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000",
                                              ShardIteratorType=kind, StartingSequenceNumber=sequences[1])
        return [r["Data"] for r in get_records(kinesis, iterator["ShardIterator"])["Records"]]
    assert read_from("AT_SEQUENCE_NUMBER") == [b"r1", b"r2", b"r3"]
    assert read_from("AFTER_SEQUENCE_NUMBER") == [b"r2", b"r3"]


def test_cli_producer_and_consumer(lakebox_server, make_stream):
    stream = make_stream()
    put = run_cli(lakebox_server, "kinesis", "put-records", "--stream-name", stream, "--records",
                  json.dumps([{"Data": "first", "PartitionKey": "k"}, {"Data": "second", "PartitionKey": "k"}]))
    assert put.returncode == 0, put.stderr
    assert json.loads(put.stdout)["FailedRecordCount"] == 0
    iterator = run_cli(lakebox_server, "kinesis", "get-shard-iterator", "--stream-name", stream, "--shard-id",
                       "shardId-000000000000", "--shard-iterator-type", "TRIM_HORIZON", "--query", "ShardIterator")
    got = run_cli(lakebox_server, "kinesis", "get-records", "--shard-iterator", json.loads(iterator.stdout))
    assert got.returncode == 0, got.stderr
    assert [base64.b64decode(r["Data"]) for r in json.loads(got.stdout)["Records"]] == [b"first", b"second"]
    missing = run_cli(lakebox_server, "kinesis", "describe-stream-summary", "--stream-name", "no-such-stream")
    assert missing.returncode != 0
    assert "ResourceNotFoundException" in missing.stderr and "Stream no-such-stream under account" in missing.stderr
