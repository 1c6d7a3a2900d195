"""A streaming platform's on-call runbook, written in aws cli lines for AWS: create a
stream and `aws kinesis wait stream-exists` before using it, split its hot shard and
walk the shard map a page at a time with `describe-stream --max-items --starting-token`
(the parent closed, its two children open), list the consumers the same way, and after
the stream is deleted `wait stream-not-exists` returns at once; a typo in a stream name
makes `wait stream-exists` stop at once with Kinesis's own error (no acceptor matches
ResourceNotFoundException), in boto3 as in the cli."""
import json
import uuid

import pytest
from botocore.exceptions import WaiterError

from trip_helpers import aws

MIDDLE = str(2 ** 127)


def _cli(lakebox_server, *args, output="json"):
    done = aws(lakebox_server, "kinesis", *args, output=output)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_runbook_waits_splits_and_walks_the_shards(lakebox_server, client):
    kinesis = client("kinesis")
    name = f"clicks-{uuid.uuid4().hex[:10]}"
    _cli(lakebox_server, "create-stream", "--stream-name", name, "--shard-count", "2")
    try:
        assert _cli(lakebox_server, "wait", "stream-exists", "--stream-name", name) == ""
        _cli(lakebox_server, "split-shard", "--stream-name", name, "--shard-to-split", "shardId-000000000000",
             "--new-starting-hash-key", str(2 ** 126))
        kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})

        first = json.loads(_cli(lakebox_server, "describe-stream", "--stream-name", name, "--max-items", "2",
                                "--page-size", "1"))
        described = first["StreamDescription"]
        assert [s["ShardId"] for s in described["Shards"]] == ["shardId-000000000000", "shardId-000000000001"]
        assert (described["StreamName"], described["StreamStatus"], described["RetentionPeriodHours"]) == (
            name, "ACTIVE", 24)
        assert "EndingSequenceNumber" in described["Shards"][0]["SequenceNumberRange"]
        rest = json.loads(_cli(lakebox_server, "describe-stream", "--stream-name", name,
                               "--starting-token", first["NextToken"], "--page-size", "1",
                               "--query", "StreamDescription.Shards[].[ShardId, ParentShardId, HashKeyRange]"))
        assert rest == [
            ["shardId-000000000002", "shardId-000000000000",
             {"StartingHashKey": "0", "EndingHashKey": str(2 ** 126 - 1)}],
            ["shardId-000000000003", "shardId-000000000000",
             {"StartingHashKey": str(2 ** 126), "EndingHashKey": str(2 ** 127 - 1)}]]
        open_shards = _cli(lakebox_server, "describe-stream", "--stream-name", name, "--page-size", "2",
                           "--query", "StreamDescription.Shards[?SequenceNumberRange.EndingSequenceNumber == null].ShardId",
                           output="text")
        assert open_shards.split() == ["shardId-000000000001", "shardId-000000000002", "shardId-000000000003"]
        summary = kinesis.get_paginator("describe_stream").paginate(
            StreamName=name, PaginationConfig={"PageSize": 3}).build_full_result()["StreamDescription"]
        assert [s["ShardId"][-1] for s in summary["Shards"]] == ["0", "1", "2", "3"]
        assert summary["Shards"][1]["HashKeyRange"] == {"StartingHashKey": MIDDLE,
                                                        "EndingHashKey": str(2 ** 128 - 1)}

        arn = summary["StreamARN"]
        for consumer in ("billing", "fraud", "search"):
            kinesis.register_stream_consumer(StreamARN=arn, ConsumerName=consumer)
        cut = json.loads(_cli(lakebox_server, "list-stream-consumers", "--stream-arn", arn, "--max-items", "2",
                              "--page-size", "1", "--query", "{c: Consumers[].ConsumerName, next: NextToken}"))
        tail = json.loads(_cli(lakebox_server, "list-stream-consumers", "--stream-arn", arn,
                               "--starting-token", cut["next"], "--page-size", "1"))
        assert sorted(cut["c"] + [c["ConsumerName"] for c in tail["Consumers"]]) == ["billing", "fraud", "search"]
        assert "NextToken" not in tail
    finally:
        kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
    assert _cli(lakebox_server, "wait", "stream-not-exists", "--stream-name", name) == ""


def test_waiting_on_a_mistyped_stream_fails_at_once(lakebox_server, client):
    kinesis = client("kinesis")
    account = client("sts").get_caller_identity()["Account"]
    typo = f"clikcs-{uuid.uuid4().hex[:10]}"
    with pytest.raises(WaiterError) as failed:
        kinesis.get_waiter("stream_exists").wait(StreamName=typo, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    message = f"Stream {typo} under account {account} not found."
    assert str(failed.value) == f"Waiter StreamExists failed: An error occurred (ResourceNotFoundException): {message}"
    assert failed.value.last_response["Error"] == {"Code": "ResourceNotFoundException", "Message": message}
    done = aws(lakebox_server, "kinesis", "wait", "stream-exists", "--stream-name", typo)
    assert done.returncode == 255
    assert done.stderr.strip() == (
        f"Waiter StreamExists failed: An error occurred (ResourceNotFoundException): {message}")
