"""Kinesis's waiters: stream_exists returns once the stream is ACTIVE, stream_not_exists
once it is gone."""
import uuid

QUICK = {"Delay": 1, "MaxAttempts": 20}


def test_stream_waiters_follow_the_stream(kinesis):
    name = f"waiter-{uuid.uuid4().hex[:12]}"
    kinesis.get_waiter("stream_not_exists").wait(StreamName=name, WaiterConfig=QUICK)
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig=QUICK)
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE"
    kinesis.delete_stream(StreamName=name)
    kinesis.get_waiter("stream_not_exists").wait(StreamName=name, WaiterConfig=QUICK)
