"""A shard log damaged outside lakebox (its segment file cut short or removed) never
yields torn records: the records whose bytes are gone are lost, logged, and skipped;
GetRecords goes on with the others and the stream keeps taking records."""
import os

import pytest
from kinesis_helpers import read_shard

from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only

SHARDS = ("shardId-000000000000", "shardId-000000000001")


def segment_file(data_dir) -> str:
    [found] = [os.path.join(directory, name) for directory, _, names in os.walk(os.path.join(data_dir, "services"))
               for name in names if name.endswith(".log")]
    return found


def put_batch(kinesis, stream, batch: int) -> dict:
    """{shard: [data]} of one PutRecords call spread over both shards."""
    answer = kinesis.put_records(StreamName=stream, Records=[
        {"Data": f"{batch}-{i}".encode() * 20, "PartitionKey": f"key-{i}"} for i in range(20)])
    placed = {shard: [] for shard in SHARDS}
    for i, result in enumerate(answer["Records"]):
        placed[result["ShardId"]].append(f"{batch}-{i}".encode() * 20)
    return placed


def everything(kinesis, stream) -> dict:
    return {shard: [r["Data"] for r in read_shard(kinesis, stream, shard)] for shard in SHARDS}


def lost_reports(caplog) -> list:
    return sorted(r.getMessage() for r in caplog.records if "records were lost" in r.getMessage())


def test_a_log_cut_short_after_a_clean_stop_loses_only_the_cut_records(tmp_path, caplog):
    data_dir = str(tmp_path / "data")
    server = LakeboxServer(data_dir=data_dir, limits="off").start()
    try:
        kinesis = server.client("kinesis")
        kinesis.create_stream(StreamName="cut", ShardCount=2)
        kept = [put_batch(kinesis, "cut", batch) for batch in range(2)]
        whole = os.path.getsize(segment_file(data_dir))
        put_batch(kinesis, "cut", 2)
    finally:
        server.stop()

    os.truncate(segment_file(data_dir), whole + 100)
    server = LakeboxServer(data_dir=data_dir, limits="off", mode="thread")
    try:
        with caplog.at_level("WARNING", logger="lakebox.kinesis"):
            server.start()
        assert [report.split(":")[0] for report in lost_reports(caplog)] == [
            "stream cut, shard shardId-000000000000", "stream cut, shard shardId-000000000001"]
        kinesis = server.client("kinesis")
        assert everything(kinesis, "cut") == {shard: kept[0][shard] + kept[1][shard] for shard in SHARDS}
        after = put_batch(kinesis, "cut", 3)
        assert everything(kinesis, "cut") == {
            shard: kept[0][shard] + kept[1][shard] + after[shard] for shard in SHARDS}
    finally:
        server.stop()


def test_a_removed_log_loses_its_records_and_the_stream_goes_on(tmp_path):
    data_dir = str(tmp_path / "data")
    server = LakeboxServer(data_dir=data_dir, limits="off").start()
    try:
        kinesis = server.client("kinesis")
        kinesis.create_stream(StreamName="gone", ShardCount=2)
        put_batch(kinesis, "gone", 0)
    finally:
        server.stop()

    os.unlink(segment_file(data_dir))
    with LakeboxServer(data_dir=data_dir, limits="off") as server:
        kinesis = server.client("kinesis")
        assert everything(kinesis, "gone") == {shard: [] for shard in SHARDS}
        after = put_batch(kinesis, "gone", 1)
        assert everything(kinesis, "gone") == after


def test_records_cut_from_the_log_while_serving_are_skipped_not_torn(tmp_path, caplog):
    server = LakeboxServer(data_dir=str(tmp_path / "data"), limits="off", mode="thread").start()
    try:
        kinesis = server.client("kinesis")
        kinesis.create_stream(StreamName="shrunk", ShardCount=2)
        kept = put_batch(kinesis, "shrunk", 0)
        whole = os.path.getsize(segment_file(server.data_dir))
        put_batch(kinesis, "shrunk", 1)
        os.truncate(segment_file(server.data_dir), whole + 100)
        with caplog.at_level("WARNING", logger="lakebox.kinesis"):
            assert everything(kinesis, "shrunk") == kept
            assert everything(kinesis, "shrunk") == kept
        reports = lost_reports(caplog)
        assert [report.split(":")[0] for report in reports] == [
            "stream shrunk, shard shardId-000000000000", "stream shrunk, shard shardId-000000000001"]
    finally:
        server.stop()
