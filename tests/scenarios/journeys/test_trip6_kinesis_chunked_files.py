"""Shipping files through Kinesis in chunks, as a log shipper does it: each file is read 1
MiB at a time (`f.read(1024 * 1024)`, the largest data blob a record takes) and every
chunk is put with the file's name as partition key and SequenceNumberForOrdering,
retried with back-off when the shard is busy (one shard takes 1 MiB a second); the
consumer reassembles each file from its records in sequence order and checks its MD5. A
chunk one byte too large is refused with a ValidationException. Later the team raises
the stream's maximum record size (UpdateMaxRecordSize) and ships 2 MiB chunks of the
next file in single records."""
import hashlib
import io
import os
import time

import pytest

from trip_helpers import error_of

MIB = 1024 * 1024


@pytest.fixture
def logs(kinesis_streams):
    return kinesis_streams("log-shipper")[0]


def ship(kinesis, stream, name, payload, chunk_size):
    """Puts `payload` in chunks of `chunk_size` bytes; returns how many puts were throttled."""
    source, previous, throttled = io.BytesIO(payload), None, 0
    while chunk := source.read(chunk_size):
        record = {"StreamName": stream, "PartitionKey": name, "Data": chunk}
        if previous:
            record["SequenceNumberForOrdering"] = previous
        pause = 0.2
        while True:
            try:
                previous = kinesis.put_record(**record)["SequenceNumber"]
                break
            except kinesis.exceptions.ProvisionedThroughputExceededException:
                throttled += 1
                assert throttled < 200, "a chunk was never taken"
                time.sleep(pause)
                pause = min(pause * 2, 2.0)
    return throttled


def received(kinesis, stream):
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = []
    while iterator:
        try:
            page = kinesis.get_records(ShardIterator=iterator)
        except kinesis.exceptions.ProvisionedThroughputExceededException:
            time.sleep(1)                           # 2 MiB a second per shard for reads
            continue
        records += page["Records"]
        iterator = page["NextShardIterator"] if page["MillisBehindLatest"] > 0 or page["Records"] else None
    return records


def test_files_in_one_mib_chunks(client, logs):
    kinesis = client("kinesis")
    app_log = os.urandom(2 * MIB + 12345)
    ship(kinesis, logs, "app.log", app_log, MIB)
    assert error_of(kinesis.put_record, StreamName=logs, PartitionKey="app.log", Data=b"x" * (MIB + 1)) == (
        "ValidationException", "1 validation error detected: Value at 'data' failed to satisfy constraint: "
                               "Member must have length less than or equal to 1048576")

    records = received(kinesis, logs)
    assert [len(r["Data"]) for r in records] == [MIB, MIB, 12345]
    assert all(r["PartitionKey"] == "app.log" for r in records)
    rebuilt = b"".join(r["Data"] for r in sorted(records, key=lambda r: int(r["SequenceNumber"])))
    assert hashlib.md5(rebuilt).hexdigest() == hashlib.md5(app_log).hexdigest()

    kinesis.update_max_record_size(StreamARN=kinesis.describe_stream_summary(StreamName=logs)[
        "StreamDescriptionSummary"]["StreamARN"], MaxRecordSizeInKiB=2048)
    summary = kinesis.describe_stream_summary(StreamName=logs)["StreamDescriptionSummary"]
    assert summary["MaxRecordSizeInKiB"] == 2048
    big_log = os.urandom(4 * MIB)
    ship(kinesis, logs, "big.log", big_log, 2 * MIB)
    big = [r for r in received(kinesis, logs) if r["PartitionKey"] == "big.log"]
    assert [len(r["Data"]) for r in big] == [2 * MIB, 2 * MIB]
    assert b"".join(r["Data"] for r in big) == big_log
