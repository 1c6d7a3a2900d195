"""A producer writing to a plain (unencrypted) stream reads its answers as real Kinesis
gave them in us-east-1 (radkawar/stackd testdata/aws/kinesis/records.json): PutRecord
answers ShardId and SequenceNumber only and PutRecords FailedRecordCount and Records,
neither naming an EncryptionType; an empty Data blob is a record like any other."""
from trip_helpers import shard_read


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
