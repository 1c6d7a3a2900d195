"""A reader catching up on a backlog of large records over enhanced fan-out gets at most
7.5 MiB of record data per SubscribeToShardEvent, as real Kinesis sent them (radkawar/
stackd testdata/aws/kinesis/efo_frame_budget.json, group B: 900 KiB records eight to an
event although a ninth waited, 8.1 MB being over the budget)."""
import time

from kinesis_helpers import active_consumer


def _put(kinesis, name, data):
    """PutRecord as a producer paced by its shard's 1 MiB/s does it: retried when throttled."""
    for _ in range(100):
        try:
            return kinesis.put_record(StreamName=name, Data=data, PartitionKey="frame")["SequenceNumber"]
        except kinesis.exceptions.ProvisionedThroughputExceededException:
            time.sleep(0.3)
    raise AssertionError("PutRecord stayed throttled")


def test_a_backlog_of_large_records_arrives_eight_to_an_event(kinesis, make_stream):
    name = make_stream()
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    consumer_arn = active_consumer(kinesis, arn, "reader-B")
    records = [bytes([n]) * 921600 for n in range(9)]
    first = _put(kinesis, name, records[0])
    for data in records[1:]:
        _put(kinesis, name, data)
    answer = kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId="shardId-000000000000",
                                        StartingPosition={"Type": "AT_SEQUENCE_NUMBER", "SequenceNumber": first})
    events = []
    for event in answer["EventStream"]:
        events.append(event["SubscribeToShardEvent"]["Records"])
        if sum(map(len, events)) == 9:
            break
    answer["EventStream"].close()
    assert [len(e) for e in events] == [8, 1]
    assert [r["Data"] for e in events for r in e] == records
