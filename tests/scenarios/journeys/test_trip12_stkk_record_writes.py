"""A producer writing to a plain (unencrypted) stream reads its answers as real Kinesis
gave them in us-east-1 (radkawar/stackd testdata/aws/kinesis/records.json): PutRecord
answers ShardId and SequenceNumber only and PutRecords FailedRecordCount and Records,
neither naming an EncryptionType; an empty Data blob is a record like any other."""
from trip_helpers import error_of, shard_read


def test_plain_writes_name_no_encryption(client, kinesis_streams):
    kinesis = client("kinesis")
    _, arn = kinesis_streams("plain")
    one = kinesis.put_record(StreamARN=arn, Data=b"\x00\xff\x80\x01\nrecord-A", PartitionKey="same")
    assert sorted(set(one) - {"ResponseMetadata"}) == ["SequenceNumber", "ShardId"]
    empty = kinesis.put_record(StreamARN=arn, Data=b"", PartitionKey="same")
    batch = kinesis.put_records(StreamARN=arn, Records=[{"PartitionKey": "same", "Data": b"batch-one"},
                                                        {"PartitionKey": "same", "Data": b"\x00batch-two\xff"}])
    assert sorted(set(batch) - {"ResponseMetadata"}) == ["FailedRecordCount", "Records"]
    assert batch["FailedRecordCount"] == 0
    assert [sorted(r) for r in batch["Records"]] == [["SequenceNumber", "ShardId"]] * 2
    assert int(one["SequenceNumber"]) < int(empty["SequenceNumber"]) < int(batch["Records"][0]["SequenceNumber"])
    records, _ = shard_read(kinesis, arn, "shardId-000000000000")
    assert [r["Data"] for r in records] == [b"\x00\xff\x80\x01\nrecord-A", b"", b"batch-one", b"\x00batch-two\xff"]
    assert all("EncryptionType" not in r for r in records)


def test_an_iterator_asked_the_wrong_way(client, kinesis_streams):
    """GetShardIterator's refusal of a type without its sequence number, or with one it
    does not take, names the two ways to ask (records.json, sequence-mode-missing-sequence
    and latest-with-unneeded-sequence)."""
    kinesis = client("kinesis")
    _, arn = kinesis_streams("iter")
    seq = kinesis.put_record(StreamARN=arn, Data=b"x", PartitionKey="same")["SequenceNumber"]
    ways = ("Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or "
            "(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. ")
    assert error_of(kinesis.get_shard_iterator, StreamARN=arn, ShardId="shardId-000000000000",
                    ShardIteratorType="AT_SEQUENCE_NUMBER") == (
        "InvalidArgumentException", ways + "Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber.")
    assert error_of(kinesis.get_shard_iterator, StreamARN=arn, ShardId="shardId-000000000000",
                    ShardIteratorType="LATEST", StartingSequenceNumber=seq) == (
        "InvalidArgumentException", ways + "Request specified LATEST and also a StartingSequenceNumber.")
