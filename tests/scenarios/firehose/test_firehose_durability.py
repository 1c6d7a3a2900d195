"""A record acknowledged by PutRecord(Batch) is delivered exactly once even when the
server is killed (`kill -9`) before its buffer flushes, or between flushes."""
import pytest

from firehose_helpers import ROLE, objects
from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only


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


def test_kinesis_source_resumes_from_its_checkpoints_after_kill_9(tmp_path):
    server = LakeboxServer(data_dir=str(tmp_path / "data")).start()
    try:
        kinesis, firehose, s3 = server.client("kinesis"), server.client("firehose"), server.client("s3")
        s3.create_bucket(Bucket="from-kinesis")
        kinesis.create_stream(StreamName="src", ShardCount=2)
        kinesis.get_waiter("stream_exists").wait(StreamName="src", WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        arn = kinesis.describe_stream_summary(StreamName="src")["StreamDescriptionSummary"]["StreamARN"]
        firehose.create_delivery_stream(
            DeliveryStreamName="k", DeliveryStreamType="KinesisStreamAsSource",
            KinesisStreamSourceConfiguration={"KinesisStreamARN": arn, "RoleARN": ROLE},
            ExtendedS3DestinationConfiguration={"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::from-kinesis",
                                                "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 300}})
        sent = [f"{i}\n".encode() for i in range(600)]
        kinesis.put_records(StreamName="src", Records=[{"Data": d, "PartitionKey": str(i)}
                                                       for i, d in enumerate(sent[:300])])
        server.advance_clock(2)                  # read into the buffer, not delivered yet

        server.kill()
        server.start()
        kinesis, s3 = server.client("kinesis"), server.client("s3")
        kinesis.put_records(StreamName="src", Records=[{"Data": d, "PartitionKey": str(i)}
                                                       for i, d in enumerate(sent[300:])])
        server.advance_clock(2)
        server.advance_clock(301)
        delivered = b"".join(objects(s3, "from-kinesis").values())
        assert sorted(delivered.splitlines(keepends=True)) == sorted(sent)
    finally:
        server.stop()
