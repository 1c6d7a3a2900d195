"""Producing and consuming records with boto3: routing, ordering, iterators, sizes."""
import datetime
import hashlib

import pytest
from kinesis_helpers import ACCOUNT
from kinesis_helpers import error_of, get_records, read_shard


def _shard_of_key(kinesis, stream, key):
    digest = int(hashlib.md5(key.encode()).hexdigest(), 16)
    for shard in kinesis.list_shards(StreamName=stream)["Shards"]:
        hash_range = shard["HashKeyRange"]
        if int(hash_range["StartingHashKey"]) <= digest <= int(hash_range["EndingHashKey"]):
            return shard["ShardId"]


def test_producer_consumer_loop_keeps_per_shard_order(kinesis, make_stream):
    stream = make_stream(shards=4)
    sent = {}
    for i in range(200):
        key = f"user-{i % 17}"
        answer = kinesis.put_record(StreamName=stream, Data=f"{key}:{i}".encode(), PartitionKey=key)
        assert answer["ShardId"] == _shard_of_key(kinesis, stream, key)
        sent.setdefault(answer["ShardId"], []).append((answer["SequenceNumber"], f"{key}:{i}".encode()))
    for shard_id, expected in sent.items():
        got = read_shard(kinesis, stream, shard_id)
        assert [(r["SequenceNumber"], r["Data"]) for r in got] == expected
        numbers = [int(r["SequenceNumber"]) for r in got]
        assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def test_put_records_answers_in_request_order(kinesis, make_stream):
    stream = make_stream(shards=2)
    entries = [{"Data": f"r{i}".encode(), "PartitionKey": f"p{i}"} for i in range(50)]
    answer = kinesis.put_records(StreamName=stream, Records=entries)
    assert answer["FailedRecordCount"] == 0 and len(answer["Records"]) == 50
    for entry, result in zip(entries, answer["Records"]):
        assert result["ShardId"] == _shard_of_key(kinesis, stream, entry["PartitionKey"])
    records = read_shard(kinesis, stream, "shardId-000000000000") + read_shard(kinesis, stream, "shardId-000000000001")
    by_number = {r["SequenceNumber"]: r["Data"] for r in records}
    assert [by_number[r["SequenceNumber"]] for r in answer["Records"]] == [e["Data"] for e in entries]


def test_explicit_hash_key_overrides_the_partition_key(kinesis, make_stream):
    stream = make_stream(shards=2)
    upper = kinesis.put_record(StreamName=stream, Data=b"x", PartitionKey="same",
                               ExplicitHashKey=str(2**128 - 1))
    lower = kinesis.put_record(StreamName=stream, Data=b"x", PartitionKey="same", ExplicitHashKey="0")
    assert (lower["ShardId"], upper["ShardId"]) == ("shardId-000000000000", "shardId-000000000001")
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.put_record(StreamName=stream, Data=b"x", PartitionKey="k", ExplicitHashKey=str(2**128))


def test_sequence_number_for_ordering_gives_a_larger_number(kinesis, make_stream):
    stream = make_stream()
    first = kinesis.put_record(StreamName=stream, Data=b"1", PartitionKey="k")["SequenceNumber"]
    second = kinesis.put_record(StreamName=stream, Data=b"2", PartitionKey="k",
                                SequenceNumberForOrdering=first)["SequenceNumber"]
    assert int(second) > int(first)


def test_oversized_records_are_rejected_with_every_offender_named(kinesis, make_stream):
    stream = make_stream()
    big = b"x" * (1024 * 1024 + 1)
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.put_records(StreamName=stream, Records=[{"Data": big, "PartitionKey": "a"},
                                                        {"Data": b"ok", "PartitionKey": "b"},
                                                        {"Data": big, "PartitionKey": "c"}])
    assert error_of(raised) == (
        "ValidationException",
        "2 validation errors detected: Value at 'records.1.member.data' failed to satisfy constraint: Member "
        "must have length less than or equal to 1048576; Value at 'records.3.member.data' failed to satisfy "
        "constraint: Member must have length less than or equal to 1048576")
    assert read_shard(kinesis, stream, "shardId-000000000000") == []


def test_a_request_over_ten_mib_is_rejected_whole(kinesis, make_stream):
    stream = make_stream(shards=2, MaxRecordSizeInKiB=10240)
    entries = [{"Data": b"x" * (3 * 1024 * 1024), "PartitionKey": str(i)} for i in range(4)]
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.put_records(StreamName=stream, Records=entries)
    assert error_of(raised) == ("InvalidArgumentException", "Records size exceeds 10 MB limit")


def test_more_than_500_records_fail_validation(kinesis, make_stream):
    stream = make_stream()
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.put_records(StreamName=stream, Records=[{"Data": b"x", "PartitionKey": "k"}] * 501)
    code, message = error_of(raised)
    assert code == "ValidationException"
    assert "at 'records' failed to satisfy constraint: Member must have length less than or equal to 500" in message


def test_all_five_iterator_types(kinesis, make_stream):
    stream = make_stream()
    shard = "shardId-000000000000"
    numbers = [kinesis.put_record(StreamName=stream, Data=f"{i}".encode(), PartitionKey="k")["SequenceNumber"]
               for i in range(5)]
    data = lambda records: [r["Data"] for r in records]  # noqa: E731
    assert data(read_shard(kinesis, stream, shard)) == [b"0", b"1", b"2", b"3", b"4"]
    assert data(read_shard(kinesis, stream, shard, "AT_SEQUENCE_NUMBER",
                           StartingSequenceNumber=numbers[2])) == [b"2", b"3", b"4"]
    assert data(read_shard(kinesis, stream, shard, "AFTER_SEQUENCE_NUMBER",
                           StartingSequenceNumber=numbers[2])) == [b"3", b"4"]
    latest = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard, ShardIteratorType="LATEST")
    assert get_records(kinesis, latest["ShardIterator"])["Records"] == []
    kinesis.put_record(StreamName=stream, Data=b"5", PartitionKey="k")
    assert data(get_records(kinesis, latest["ShardIterator"])["Records"]) == [b"5"]
    arrival = read_shard(kinesis, stream, shard)[0]["ApproximateArrivalTimestamp"]
    at_time = read_shard(kinesis, stream, shard, "AT_TIMESTAMP", Timestamp=arrival)
    assert data(at_time)[0] == b"0"
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):     # a time still to come is refused
        read_shard(kinesis, stream, shard, "AT_TIMESTAMP", Timestamp=future)


def test_shard_starting_sequence_number_is_a_valid_position(kinesis, make_stream):
    stream = make_stream()
    start = kinesis.list_shards(StreamName=stream)["Shards"][0]["SequenceNumberRange"]["StartingSequenceNumber"]
    kinesis.put_record(StreamName=stream, Data=b"first", PartitionKey="k")
    records = read_shard(kinesis, stream, "shardId-000000000000", "AT_SEQUENCE_NUMBER", StartingSequenceNumber=start)
    assert [r["Data"] for r in records] == [b"first"]


def test_get_records_limit_millis_behind_and_arrival(kinesis, make_stream):
    stream = make_stream()
    kinesis.put_records(StreamName=stream, Records=[{"Data": f"{i}".encode(), "PartitionKey": "k"} for i in range(10)])
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    first = get_records(kinesis, iterator, Limit=4)
    assert [r["Data"] for r in first["Records"]] == [b"0", b"1", b"2", b"3"]
    assert first["MillisBehindLatest"] >= 0
    assert isinstance(first["Records"][0]["ApproximateArrivalTimestamp"], datetime.datetime)
    assert first["Records"][0]["PartitionKey"] == "k"
    rest = get_records(kinesis, first["NextShardIterator"])
    assert [r["Data"] for r in rest["Records"]] == [f"{i}".encode() for i in range(4, 10)]
    assert rest["MillisBehindLatest"] == 0
    assert get_records(kinesis, rest["NextShardIterator"])["Records"] == []


def test_iterator_arguments_must_match_the_type(kinesis, make_stream):
    stream = make_stream()
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000",
                                   ShardIteratorType="AT_SEQUENCE_NUMBER")
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000",
                                   ShardIteratorType="AT_TIMESTAMP")


def test_unknown_shard_and_foreign_sequence_numbers(kinesis, make_stream):
    stream = make_stream(shards=2)
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException) as raised:
        kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000009", ShardIteratorType="LATEST")
    assert error_of(raised) == ("ResourceNotFoundException",
                                f"Shard shardId-000000000009 in stream {stream} under account {ACCOUNT} does not exist")
    other = kinesis.put_record(StreamName=stream, Data=b"x", PartitionKey="k", ExplicitHashKey="0")
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000001",
                                   ShardIteratorType="AT_SEQUENCE_NUMBER", StartingSequenceNumber=other["SequenceNumber"])
    assert error_of(raised) == ("InvalidArgumentException",
                                "Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used "
                                "in a call to a shard with shardId-000000000001")


def test_garbage_iterators_are_invalid(kinesis):
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.get_records(ShardIterator="AAAAAAAAAAGarbage+garbage/garbage==")


@pytest.mark.local_only
def test_iterators_expire_after_five_minutes_of_server_time(kinesis, make_stream, clock):
    stream = make_stream()
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    clock(299)
    fresh = get_records(kinesis, iterator)["NextShardIterator"]
    clock(2)
    with pytest.raises(kinesis.exceptions.ExpiredIteratorException) as raised:
        kinesis.get_records(ShardIterator=iterator)
    code, message = error_of(raised)
    assert message.startswith("Iterator expired. The iterator was created at time ")
    assert message.endswith("which is further in the future than the tolerated delay of 300000 milliseconds.")
    assert get_records(kinesis, fresh)["Records"] == []


@pytest.mark.local_only
def test_records_past_retention_are_gone(kinesis, make_stream, clock):
    stream = make_stream()
    kinesis.put_record(StreamName=stream, Data=b"old", PartitionKey="k")
    clock(23 * 3600)
    kinesis.put_record(StreamName=stream, Data=b"new", PartitionKey="k")
    assert [r["Data"] for r in read_shard(kinesis, stream, "shardId-000000000000")] == [b"old", b"new"]
    clock(2 * 3600)
    assert [r["Data"] for r in read_shard(kinesis, stream, "shardId-000000000000")] == [b"new"]
    kinesis.increase_stream_retention_period(StreamName=stream, RetentionPeriodHours=48)
    kinesis.put_record(StreamName=stream, Data=b"newer", PartitionKey="k")
    clock(30 * 3600)
    assert [r["Data"] for r in read_shard(kinesis, stream, "shardId-000000000000")] == [b"new", b"newer"]
    kinesis.decrease_stream_retention_period(StreamName=stream, RetentionPeriodHours=24)
    assert [r["Data"] for r in read_shard(kinesis, stream, "shardId-000000000000")] == []
