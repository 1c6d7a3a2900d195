"""A record acknowledged by PutRecord(Batch) is delivered exactly once even when the
server is killed (`kill -9`) before its buffer flushes, or between flushes."""
import pytest

from firehose_helpers import objects
from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only

ROLE = "arn:aws:iam::000000000000:role/firehose"


def test_buffer_survives_kill_9_and_is_delivered_once(tmp_path):
    server = LakeboxServer(data_dir=str(tmp_path / "data")).start()
    try:
        firehose, s3 = server.client("firehose"), server.client("s3")
        s3.create_bucket(Bucket="durable")
        firehose.create_delivery_stream(DeliveryStreamName="d", ExtendedS3DestinationConfiguration={
            "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::durable",
            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 300}})
        sent = [f"{i}\n".encode() for i in range(2_000)]
        firehose.put_record_batch(DeliveryStreamName="d", Records=[{"Data": d} for d in sent[:500]])
        server.advance_clock(301)                         # the first 500 are delivered
        assert len(objects(s3, "durable")) == 1
        for start in range(500, 2_000, 500):
            firehose.put_record_batch(DeliveryStreamName="d", Records=[{"Data": d} for d in sent[start:start + 500]])

        server.kill()
        server.start()
        firehose, s3 = server.client("firehose"), server.client("s3")
        server.advance_clock(301)
        server.advance_clock(301)
        delivered = b"".join(body for _, body in sorted(objects(s3, "durable").items()))
        assert sorted(delivered.splitlines(keepends=True)) == sorted(sent)
    finally:
        server.stop()
