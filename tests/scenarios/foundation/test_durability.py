"""An acknowledged write survives `kill -9` in both durability modes; a restart after a
machine crash never serves bytes that did not reach the disk."""
import os

import pytest
from botocore.exceptions import ClientError

from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only

MODES = ["background", "always"]
# A sync window longer than any test: what a test writes is still "in the last window"
# when it kills the server, as the last second of writes is when a machine crashes.
NEVER_SYNCED = {"LAKEBOX_SYNC_INTERVAL": "3600"}


def start(tmp_path, **env):
    return LakeboxServer(data_dir=str(tmp_path / "data"), limits="off", env=env).start()


@pytest.mark.parametrize("fsync", MODES)
def test_every_service_keeps_acknowledged_writes_through_kill_9(tmp_path, fsync):
    server = start(tmp_path, LAKEBOX_FSYNC=fsync)
    try:
        s3, kinesis, sts = server.client("s3"), server.client("kinesis"), server.client("sts")
        s3.create_bucket(Bucket="durable")
        # Small bodies are kept in their version's row, larger ones in blob files: both kinds.
        bodies = {f"k{i}": os.urandom(1024 + i) for i in range(20)}
        bodies.update({f"big{i}": os.urandom(100_000 + i) for i in range(3)})
        for key, body in bodies.items():
            s3.put_object(Bucket="durable", Key=key, Body=body)
        kinesis.create_stream(StreamName="durable", ShardCount=1)
        sequence = kinesis.put_records(StreamName="durable", Records=[
            {"Data": f"r{i}".encode(), "PartitionKey": "k"} for i in range(50)])["Records"][-1]["SequenceNumber"]
        credentials = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/durable",
                                      RoleSessionName="before-crash")["Credentials"]

        server.kill()
        server.start()

        s3 = server.client("s3")
        assert {key: s3.get_object(Bucket="durable", Key=key)["Body"].read() for key in bodies} == bodies
        records = read_shard(server.client("kinesis"), "durable")
        assert [r["Data"] for r in records] == [f"r{i}".encode() for i in range(50)]
        assert records[-1]["SequenceNumber"] == sequence
        after = server.client("sts", aws_access_key_id=credentials["AccessKeyId"],
                              aws_secret_access_key=credentials["SecretAccessKey"],
                              aws_session_token=credentials["SessionToken"])
        assert after.get_caller_identity()["Arn"] == \
            "arn:aws:sts::123456789012:assumed-role/durable/before-crash"
    finally:
        server.stop()


def test_objects_whose_bytes_did_not_reach_the_disk_are_lost_not_served(tmp_path, caplog):
    server = start(tmp_path, **NEVER_SYNCED)
    try:
        s3 = server.client("s3")
        s3.create_bucket(Bucket="crash")
        s3.put_bucket_versioning(Bucket="crash", VersioningConfiguration={"Status": "Enabled"})
        s3.put_object(Bucket="crash", Key="older", Body=b"synced before the crash")
        server.stop()           # a clean stop syncs everything
        server.start()
        s3 = server.client("s3")
        # Big enough to be blob files (small bodies are kept in their rows, which cannot tear).
        bodies = {"whole": os.urandom(100_000), "truncated": os.urandom(100_001), "missing": os.urandom(100_002),
                  "scrambled": os.urandom(100_003), "older": os.urandom(100_004)}
        for key, body in bodies.items():
            s3.put_object(Bucket="crash", Key=key, Body=body)
        small = os.urandom(1000)        # kept in its row: its bytes land with it, or not at all
        s3.put_object(Bucket="crash", Key="small", Body=small)
        upload = s3.create_multipart_upload(Bucket="crash", Key="mpu")["UploadId"]
        part_bodies = {1: os.urandom(5 << 20), 2: os.urandom(1000)}
        for number, body in part_bodies.items():
            s3.upload_part(Bucket="crash", Key="mpu", UploadId=upload, PartNumber=number, Body=body)
        composite = s3.create_multipart_upload(Bucket="crash", Key="composite", ChecksumAlgorithm="SHA256")
        composite_bodies = {1: os.urandom(5 << 20), 2: os.urandom(1000)}
        done = [s3.upload_part(Bucket="crash", Key="composite", UploadId=composite["UploadId"], PartNumber=number,
                               Body=body, ChecksumAlgorithm="SHA256") for number, body in composite_bodies.items()]
        s3.complete_multipart_upload(Bucket="crash", Key="composite", UploadId=composite["UploadId"], MultipartUpload={
            "Parts": [{"PartNumber": n, "ETag": part["ETag"], "ChecksumSHA256": part["ChecksumSHA256"]}
                      for n, part in zip(composite_bodies, done)]})
        server.kill()

        blob_of = blob_files(tmp_path / "data")
        with open(blob_of[bodies["truncated"]], "r+b") as torn:
            torn.truncate(1000)
        os.unlink(blob_of[bodies["missing"]])
        os.unlink(blob_of[bodies["older"]])     # its previous version is current again
        with open(blob_of[bodies["scrambled"]], "r+b") as scrambled:
            scrambled.write(bytes(100_003))    # the size was kept, the bytes were not
        os.unlink(blob_of[part_bodies[2]])
        with open(blob_of[composite_bodies[1] + composite_bodies[2]], "r+b") as composite_bytes:
            composite_bytes.seek(5 << 20)       # the second part's bytes were not kept
            composite_bytes.write(bytes(1000))
        # Restarted in this process, so that the losses it reports at start can be read.
        server = LakeboxServer(data_dir=str(tmp_path / "data"), mode="thread")
        with caplog.at_level("WARNING"):
            server.start()
        reported = [r.getMessage() for r in caplog.records if "lost in a crash" in r.getMessage()]
        assert sorted(message.split(" ")[0] for message in reported) == [
            "part", "s3://crash/composite", "s3://crash/missing", "s3://crash/older", "s3://crash/scrambled",
            "s3://crash/truncated"]

        s3 = server.client("s3")
        assert s3.get_object(Bucket="crash", Key="whole")["Body"].read() == bodies["whole"]
        assert s3.get_object(Bucket="crash", Key="small")["Body"].read() == small
        for key in ("truncated", "missing", "scrambled", "composite"):
            with pytest.raises(ClientError) as lost:
                s3.get_object(Bucket="crash", Key=key)
            assert lost.value.response["Error"]["Code"] == "NoSuchKey"
        assert s3.get_object(Bucket="crash", Key="older")["Body"].read() == b"synced before the crash"
        listed = s3.list_objects_v2(Bucket="crash")["Contents"]
        assert sorted(o["Key"] for o in listed) == ["older", "small", "whole"]
        parts = s3.list_parts(Bucket="crash", Key="mpu", UploadId=upload)["Parts"]
        assert [p["PartNumber"] for p in parts] == [1]
    finally:
        server.stop()


def test_a_torn_shard_log_is_cut_at_the_last_whole_record(tmp_path, caplog):
    server = start(tmp_path, **NEVER_SYNCED)
    try:
        kinesis = server.client("kinesis")
        kinesis.create_stream(StreamName="torn", ShardCount=1)
        kinesis.put_records(StreamName="torn", Records=[{"Data": b"kept", "PartitionKey": "k"}])
        segments = [os.path.join(d, f) for d, _, names in os.walk(tmp_path / "data" / "services" / "kinesis")
                    for f in names if f.endswith(".log")]
        assert len(segments) == 1
        whole = os.path.getsize(segments[0])
        kinesis.put_records(StreamName="torn", Records=[{"Data": b"torn-1", "PartitionKey": "k"},
                                                         {"Data": b"torn-2", "PartitionKey": "k"}])
        server.kill()
        os.truncate(segments[0], os.path.getsize(segments[0]) - 1)
        server = LakeboxServer(data_dir=str(tmp_path / "data"), mode="thread", limits="off")
        with caplog.at_level("WARNING"):
            server.start()
        assert [r.getMessage() for r in caplog.records if "records were lost" in r.getMessage()] == [
            "stream torn, shard shardId-000000000000: 2 records were lost: their bytes are not in the shard log "
            "(a crash before they reached the disk, or the log was cut short outside lakebox)"]
        assert os.path.getsize(segments[0]) == whole

        kinesis = server.client("kinesis")
        assert [r["Data"] for r in read_shard(kinesis, "torn")] == [b"kept"]
        kinesis.put_record(StreamName="torn", Data=b"after", PartitionKey="k")
        assert [r["Data"] for r in read_shard(kinesis, "torn")] == [b"kept", b"after"]
    finally:
        server.stop()


def test_clock_offset_survives_restart(tmp_path):
    server = LakeboxServer(data_dir=str(tmp_path / "data")).start()
    try:
        server.advance_clock(3600)
        server.kill()
        server.start()
        assert server._call("GET", "/_lakebox/clock")["offset"] == 3600
    finally:
        server.stop()


def test_reset_forgets_everything(tmp_path):
    with LakeboxServer(data_dir=str(tmp_path / "data")) as server:
        sts = server.client("sts")
        credentials = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/gone",
                                      RoleSessionName="wiped")["Credentials"]
        server.reset()
        info = sts.get_access_key_info(AccessKeyId=credentials["AccessKeyId"])
        assert info["Account"] == "000000000000"


def blob_files(data_dir) -> dict:
    """{bytes: path} of every blob file under a data dir."""
    found = {}
    for directory, _, names in os.walk(data_dir / "blobs"):
        if os.path.basename(directory) != "tmp":
            for name in names:
                path = os.path.join(directory, name)
                with open(path, "rb") as f:
                    found[f.read()] = path
    return found


def read_shard(kinesis, stream) -> list:
    """Every record of the stream's one shard, oldest first."""
    shard = kinesis.list_shards(StreamName=stream)["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = []
    while True:
        answer = kinesis.get_records(ShardIterator=iterator)
        records += answer["Records"]
        iterator = answer["NextShardIterator"]
        if not answer["Records"] and answer["MillisBehindLatest"] == 0:
            return records
