"""A clickstream team's hand-written KCL-style consumer across a resharding. The producer
keeps each user's events in order with SequenceNumberForOrdering (every put names the
previous one's sequence number); the consumer checkpoints after each batch and, after a
restart, resumes AFTER_SEQUENCE_NUMBER of its checkpoint (or re-reads the checkpointed
record itself AT_SEQUENCE_NUMBER when its processing was not confirmed). The shard is
split while events flow: the consumer finishes the parent from its checkpoint, learns the
children from the last GetRecords (ChildShards, no NextShardIterator), and reads them
from the start. A backfill job replays from a point in time with AT_TIMESTAMP. The
mistakes on the way: a parent's sequence number used on a child shard, an event over the
stream's 1 MiB record size."""
from trip_helpers import error_of


def read_all(kinesis, iterator, limit=10):
    """(records, the last answer) reading an iterator until a page comes back empty."""
    records = []
    while True:
        page = kinesis.get_records(ShardIterator=iterator, Limit=limit)
        records += page["Records"]
        iterator = page.get("NextShardIterator")
        if not page["Records"] or iterator is None:
            return records, page


def put_in_order(kinesis, stream, user, events, previous=None):
    """Each event put after the one before it: SequenceNumberForOrdering chains them."""
    sequences = []
    for event in events:
        extra = {"SequenceNumberForOrdering": previous} if previous else {}
        previous = kinesis.put_record(StreamName=stream, Data=event.encode(), PartitionKey=user,
                                      **extra)["SequenceNumber"]
        sequences.append(previous)
    return sequences


def test_checkpoints_across_a_split(client, kinesis_streams):
    kinesis = client("kinesis")
    stream, _ = kinesis_streams("clicks")
    parent = "shardId-000000000000"
    before = put_in_order(kinesis, stream, "user-7", [f"click-{n}" for n in range(5)])
    assert before == sorted(before, key=int) and len(set(before)) == 5

    # First run: reads everything, checkpoints after click-2, then crashes.
    first = kinesis.get_shard_iterator(StreamName=stream, ShardId=parent,
                                       ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records, _ = read_all(kinesis, first, limit=3)
    assert [r["Data"] for r in records] == [f"click-{n}".encode() for n in range(5)]
    checkpoint = records[2]["SequenceNumber"]

    # Processing of click-2 was not confirmed: re-read it, AT its sequence number.
    again = kinesis.get_shard_iterator(StreamName=stream, ShardId=parent, ShardIteratorType="AT_SEQUENCE_NUMBER",
                                       StartingSequenceNumber=checkpoint)["ShardIterator"]
    assert kinesis.get_records(ShardIterator=again, Limit=1)["Records"][0]["Data"] == b"click-2"

    # The stream is split while events keep coming.
    kinesis.split_shard(StreamName=stream, ShardToSplit=parent, NewStartingHashKey=str(2 ** 127))
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    after = put_in_order(kinesis, stream, "user-7", ["click-5", "click-6"], previous=before[-1])
    assert int(after[0]) > int(before[-1])

    # Restart: the parent from the checkpoint to its end, then the children it names.
    resume = kinesis.get_shard_iterator(StreamName=stream, ShardId=parent, ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                                        StartingSequenceNumber=checkpoint)["ShardIterator"]
    rest, last = read_all(kinesis, resume)
    assert [r["Data"] for r in rest] == [b"click-3", b"click-4"]
    assert "NextShardIterator" not in last
    children = sorted(child["ShardId"] for child in last["ChildShards"])
    assert children == ["shardId-000000000001", "shardId-000000000002"]
    assert {tuple(child["ParentShards"]) for child in last["ChildShards"]} == {(parent,)}
    seen = []
    for child in children:
        start = kinesis.get_shard_iterator(StreamName=stream, ShardId=child,
                                           ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        seen += [r["Data"] for r in read_all(kinesis, start)[0]]
    assert seen == [b"click-5", b"click-6"]           # one user, one child shard, in order

    # A parent's sequence number does not start a child.
    code, message = error_of(kinesis.get_shard_iterator, StreamName=stream, ShardId=children[0],
                             ShardIteratorType="AT_SEQUENCE_NUMBER", StartingSequenceNumber=checkpoint)
    assert (code, message) == ("InvalidArgumentException", f"Invalid StartingSequenceNumber. It encodes {parent}, "
                                                           f"while it was used in a call to a shard with {children[0]}")


def test_backfill_from_a_point_in_time(client, kinesis_streams):
    kinesis = client("kinesis")
    stream, _ = kinesis_streams("clicks")
    shard = "shardId-000000000000"
    put_in_order(kinesis, stream, "user-9", ["view-0", "view-1", "view-2"])
    start = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard,
                                       ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records, _ = read_all(kinesis, start)
    since = records[1]["ApproximateArrivalTimestamp"]
    replay = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard, ShardIteratorType="AT_TIMESTAMP",
                                        Timestamp=since)["ShardIterator"]
    replayed = [r["Data"] for r in read_all(kinesis, replay)[0]]
    assert replayed[-1] == b"view-2" and b"view-0" not in replayed[1:]
    assert replayed in ([b"view-1", b"view-2"], [b"view-0", b"view-1", b"view-2"])   # same millisecond

    code, message = error_of(kinesis.get_shard_iterator, StreamName=stream, ShardId=shard,
                             ShardIteratorType="AT_TIMESTAMP")
    assert (code, message) == ("InvalidArgumentException", "Must specify timestampInMillis parameter for iterator of "
                                                            "type AT_TIMESTAMP. Current request has no timestamp "
                                                            "parameter.")


def test_an_event_over_the_record_size(client, kinesis_streams):
    kinesis = client("kinesis")
    stream, _ = kinesis_streams("clicks")
    too_big = b"x" * (1024 * 1024 + 1)
    assert error_of(kinesis.put_record, StreamName=stream, Data=too_big, PartitionKey="user-1") == (
        "ValidationException", "1 validation error detected: Value at 'data' failed to satisfy constraint: Member "
                               "must have length less than or equal to 1048576")
    assert error_of(kinesis.put_records, StreamName=stream, Records=[
        {"Data": b"ok", "PartitionKey": "user-1"}, {"Data": too_big, "PartitionKey": "user-1"}]) == (
        "ValidationException", "1 validation error detected: Value at 'records.2.member.data' failed to satisfy "
                               "constraint: Member must have length less than or equal to 1048576")
    start = kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000",
                                       ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    assert read_all(kinesis, start)[0] == []            # the batch was refused whole
