"""Every acknowledged record survives `kill -9` with its sequence number, and an
iterator taken before the crash reads the same records after the restart."""
import pytest
from kinesis_helpers import get_records, read_shard

from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only


def test_records_iterators_and_reshards_survive_kill_9(tmp_path):
    server = LakeboxServer(data_dir=str(tmp_path / "data")).start()
    try:
        kinesis = server.client("kinesis")
        kinesis.create_stream(StreamName="durable", ShardCount=2)
        acknowledged = {}
        for batch in range(5):
            answer = kinesis.put_records(StreamName="durable", Records=[
                {"Data": f"{batch}-{i}".encode(), "PartitionKey": f"k{i}"} for i in range(100)])
            for i, result in enumerate(answer["Records"]):
                acknowledged[result["SequenceNumber"]] = (result["ShardId"], f"{batch}-{i}".encode())
        iterator = kinesis.get_shard_iterator(StreamName="durable", ShardId="shardId-000000000000",
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        middle = get_records(kinesis, iterator, Limit=10)
        kinesis.split_shard(StreamName="durable", ShardToSplit="shardId-000000000001",
                            NewStartingHashKey=str(3 * 2**126))
        last = kinesis.put_record(StreamName="durable", Data=b"last words", PartitionKey="k1")
        acknowledged[last["SequenceNumber"]] = (last["ShardId"], b"last words")

        server.kill()
        server.start()
        kinesis = server.client("kinesis")

        found = {}
        for shard in kinesis.list_shards(StreamName="durable")["Shards"]:
            for record in read_shard(kinesis, "durable", shard["ShardId"]):
                found[record["SequenceNumber"]] = (shard["ShardId"], record["Data"])
        assert found == acknowledged
        after_restart = get_records(kinesis, middle["NextShardIterator"], Limit=10)
        before = [r["SequenceNumber"] for r in middle["Records"]]
        assert int(after_restart["Records"][0]["SequenceNumber"]) > int(before[-1])
        again = get_records(kinesis, iterator, Limit=10)
        assert [r["SequenceNumber"] for r in again["Records"]] == before
        more = kinesis.put_record(StreamName="durable", Data=b"after", PartitionKey="k1")
        assert int(more["SequenceNumber"]) > int(last["SequenceNumber"])
    finally:
        server.stop()
