"""An enhanced fan-out subscription to an empty shard, on the lakebox clock, as real
Kinesis ran it (radkawar/stackd testdata/aws/kinesis/efo_natural_end.json: 59 empty
events in a subscription's 300 s, the first in its first 5 s gone, none at its end):
its first event is a heartbeat 5 s in, one comes every 5 s after, and the stream ends at
five minutes without a last one."""
import pytest
from kinesis_helpers import active_consumer

pytestmark = pytest.mark.local_only


def test_an_idle_subscription_beats_from_its_fifth_second_to_its_end(kinesis, make_stream, clock):
    name = make_stream()
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    consumer_arn = active_consumer(kinesis, arn, "idle-reader")
    answer = kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId="shardId-000000000000",
                                        StartingPosition={"Type": "LATEST"})
    events = iter(answer["EventStream"])
    clock(5)
    first = next(events)["SubscribeToShardEvent"]
    assert (first["Records"], first["MillisBehindLatest"]) == ([], 0)
    clock(290)
    assert next(events)["SubscribeToShardEvent"]["Records"] == []      # the heartbeat at 295 s
    clock(5)
    assert list(events) == []                                          # 300 s: the end, no last event
