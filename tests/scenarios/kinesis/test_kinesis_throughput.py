"""AWS's per-shard throughput limits, and producers that live with them.

These run against lakebox with `--limits aws` (the default). The test clock is moved
instead of waiting, so they are exact and quick; the producer test also passes on AWS,
where the limits are the same."""
import os
import random
import time

import pytest
from kinesis_helpers import ACCOUNT
from kinesis_helpers import error_of, read_shard

limits_on = pytest.mark.skipif(os.environ.get("LAKEBOX_TEST_LIMITS", "aws") == "off",
                               reason="the server runs with --limits off")
KIB = 1024


def _rate_bound(per_second, started):
    """How many units a full bucket of `per_second` can hand out since `started`
    (wall time keeps refilling it while the test runs), with a little slack."""
    return per_second + per_second * (time.monotonic() - started) + 2


@pytest.mark.local_only
@limits_on
def test_a_shard_takes_1000_records_a_second(kinesis, make_stream, clock):
    stream = make_stream()
    clock(2)                                # a full second's worth of tokens
    batch = [{"Data": b"x", "PartitionKey": str(i)} for i in range(500)]
    started = time.monotonic()
    answers = [kinesis.put_records(StreamName=stream, Records=batch) for _ in range(4)]
    accepted = sum(500 - a["FailedRecordCount"] for a in answers)
    assert 1000 <= accepted <= _rate_bound(1000, started)
    failed = [r for r in answers[-1]["Records"] if "ErrorCode" in r]
    assert len(failed) == answers[-1]["FailedRecordCount"] > 0
    assert failed[-1] == {"ErrorCode": "ProvisionedThroughputExceededException",
                          "ErrorMessage": f"Rate exceeded for shard shardId-000000000000 in stream {stream} "
                                          f"under account {ACCOUNT}."}
    clock(1)
    assert kinesis.put_records(StreamName=stream, Records=batch)["FailedRecordCount"] == 0


@pytest.mark.local_only
@limits_on
def test_a_shard_takes_one_mib_a_second(kinesis, make_stream, clock):
    stream = make_stream()
    clock(2)
    entries = [{"Data": b"x" * (200 * KIB), "PartitionKey": str(i)} for i in range(6)]
    answer = kinesis.put_records(StreamName=stream, Records=entries)
    assert [("ErrorCode" in r) for r in answer["Records"]] == [False] * 5 + [True]
    assert answer["FailedRecordCount"] == 1
    with pytest.raises(kinesis.exceptions.ProvisionedThroughputExceededException) as raised:
        kinesis.put_record(StreamName=stream, Data=b"x" * (500 * KIB), PartitionKey="k")
    assert error_of(raised) == ("ProvisionedThroughputExceededException",
                                f"Rate exceeded for shard shardId-000000000000 in stream {stream} "
                                f"under account {ACCOUNT}.")
    clock(1)
    assert kinesis.put_record(StreamName=stream, Data=b"x" * (500 * KIB), PartitionKey="k")["ShardId"]


@pytest.mark.local_only
@limits_on
def test_get_records_five_calls_a_second_per_shard(kinesis, make_stream, clock):
    stream = make_stream()
    clock(2)
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000",
                                          ShardIteratorType="LATEST")["ShardIterator"]
    started, served = time.monotonic(), 0
    with pytest.raises(kinesis.exceptions.ProvisionedThroughputExceededException):
        for _ in range(100):
            iterator = kinesis.get_records(ShardIterator=iterator)["NextShardIterator"]
            served += 1
    assert 5 <= served <= _rate_bound(5, started)
    clock(0.2)
    assert kinesis.get_records(ShardIterator=iterator)["Records"] == []


@pytest.mark.local_only
@limits_on
def test_a_ten_mib_read_throttles_the_shard_for_five_seconds(kinesis, make_stream, clock):
    stream = make_stream(MaxRecordSizeInKiB=10240)
    for _ in range(10):
        clock(10)    # let the writes through: 1 MiB/s in
        kinesis.put_record(StreamName=stream, Data=b"x" * (1024 * KIB - 1), PartitionKey="k")
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    answer = kinesis.get_records(ShardIterator=iterator)
    assert len(answer["Records"]) == 10
    clock(3.5)    # inside the 5 s, with room for a busy machine's own seconds to pass
    with pytest.raises(kinesis.exceptions.ProvisionedThroughputExceededException):
        kinesis.get_records(ShardIterator=answer["NextShardIterator"])
    clock(1.6)
    assert kinesis.get_records(ShardIterator=answer["NextShardIterator"])["Records"] == []


@limits_on
def test_small_reads_back_to_back_are_not_throttled(kinesis, make_stream):
    # Five 100 KiB reads in well under a second are 500 KiB/s, within 2 MiB/s and 5 calls/s:
    # AWS serves each, however soon after the last one it comes.
    stream = make_stream()
    kinesis.put_records(StreamName=stream, Records=[
        {"Data": bytes([n]) * (100 * KIB), "PartitionKey": "k"} for n in range(5)])
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    firsts = []
    for _ in range(5):
        answer = kinesis.get_records(ShardIterator=iterator, Limit=1)
        firsts += [r["Data"][0] for r in answer["Records"]]
        iterator = answer["NextShardIterator"]
    assert firsts == [0, 1, 2, 3, 4]


@pytest.mark.local_only
@limits_on
def test_get_shard_iterator_five_calls_a_second_per_shard(kinesis, make_stream, clock):
    stream = make_stream()
    clock(2)
    started, served = time.monotonic(), 0
    with pytest.raises(kinesis.exceptions.ProvisionedThroughputExceededException):
        for _ in range(100):
            kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000", ShardIteratorType="LATEST")
            served += 1
    assert 5 <= served <= _rate_bound(5, started)


def test_producer_with_backoff_delivers_every_record_exactly_once(kinesis, make_stream):
    """The classic producer: send in batches of 500, resend only the failed entries,
    back off exponentially while the shards push back."""
    stream = make_stream(shards=2)
    pending = [{"Data": f"event-{i}".encode(), "PartitionKey": f"user-{i % 40}"} for i in range(5000)]
    delay, rounds = 0.05, 0
    while pending:
        rounds += 1
        assert rounds < 100, "the producer never got through"
        retry = []
        for start in range(0, len(pending), 500):
            batch = pending[start:start + 500]
            answer = kinesis.put_records(StreamName=stream, Records=batch)
            failed = [entry for entry, result in zip(batch, answer["Records"]) if "ErrorCode" in result]
            assert len(failed) == answer.get("FailedRecordCount", 0)
            retry += failed
        pending = retry
        if pending:
            time.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 1.0)
    received = read_shard(kinesis, stream, "shardId-000000000000") + read_shard(kinesis, stream, "shardId-000000000001")
    assert sorted(r["Data"] for r in received) == sorted(f"event-{i}".encode() for i in range(5000))


@pytest.mark.local_only
@limits_on
def test_update_shard_count_ten_times_a_day(kinesis, make_stream, clock):
    stream = make_stream(shards=1)
    for i in range(10):
        clock(1)      # resharding calls: 5 a second per account
        kinesis.update_shard_count(StreamName=stream, TargetShardCount=2 if i % 2 == 0 else 1,
                                   ScalingType="UNIFORM_SCALING")
    clock(1)
    with pytest.raises(kinesis.exceptions.LimitExceededException):
        kinesis.update_shard_count(StreamName=stream, TargetShardCount=2, ScalingType="UNIFORM_SCALING")
    clock(24 * 3600)
    kinesis.update_shard_count(StreamName=stream, TargetShardCount=2, ScalingType="UNIFORM_SCALING")
    assert kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["OpenShardCount"] == 2


@pytest.mark.local_only
@limits_on
def test_the_account_shard_quota(kinesis):
    with pytest.raises(kinesis.exceptions.LimitExceededException) as raised:
        kinesis.create_stream(StreamName="far-too-big", ShardCount=20_001)
    assert error_of(raised)[1].startswith(f"This request would exceed the shard limit for the account {ACCOUNT} "
                                          f"in us-east-1.")
    assert "far-too-big" not in kinesis.list_streams()["StreamNames"]


@pytest.mark.local_only
@limits_on
def test_resharding_calls_five_a_second(kinesis, make_stream, clock):
    stream = make_stream(shards=8)
    clock(2)
    started, served = time.monotonic(), 0
    with pytest.raises(kinesis.exceptions.LimitExceededException):
        for index in range(8):
            shard = kinesis.list_shards(StreamName=stream)["Shards"][index]
            middle = (int(shard["HashKeyRange"]["StartingHashKey"]) + int(shard["HashKeyRange"]["EndingHashKey"])) // 2
            kinesis.split_shard(StreamName=stream, ShardToSplit=shard["ShardId"], NewStartingHashKey=str(middle))
            served += 1
    assert 5 <= served <= _rate_bound(5, started)
