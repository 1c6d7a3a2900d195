"""Kinesis Data Streams as a delivery stream's source.

At creation the reader is placed at LATEST, as Firehose does: records already on the
stream are not delivered. A job then reads what is new (through Kinesis's public reader,
which follows resharding: children are read once their parents are finished) and, in one
transaction, buffers the records and advances the checkpoints, so a record is buffered
exactly once however the server stops.
"""
import json

from lakebox.services.firehose import buffer, store
from lakebox.services.firehose.errors import InvalidArgumentException
from lakebox.services.kinesis import public as kinesis

READ_LIMIT = 10_000            # records read per source per run
POLL_SECONDS = 1.0


def _by_arrival(records):
    """Runs of records with one arrival time (a PutRecords call into a shard), in order:
    (arrival ms, their data, their [shard id, sequence number, partition key])."""
    runs = []
    for record in records:
        arrival_ms = int(record["ApproximateArrivalTimestamp"] * 1000)
        metadata = [record["ShardId"], record["SequenceNumber"], record["PartitionKey"]]
        if not runs or runs[-1][0] != arrival_ms:
            runs.append((arrival_ms, [], []))
        runs[-1][1].append(record["Data"])
        runs[-1][2].append(metadata)
    return runs


def _unreadable(gone, stream_arn: str) -> dict:
    """The delivery stream's FailureDescription while its source cannot be read."""
    if isinstance(gone, kinesis.StreamLocked):
        return {"Type": "UNKNOWN_ERROR", "Details": f"Kinesis.{gone.code}: the source stream {stream_arn} cannot "
                                                   f"be read: {gone.message}"}
    return {"Type": "UNKNOWN_ERROR", "Details": f"Kinesis.ResourceNotFound: the source stream {stream_arn} does "
                                               f"not exist any more."}


def check_stream(ctx, stream_arn: str):
    if kinesis.stream_status(ctx.state, stream_arn) is None:
        raise InvalidArgumentException(f"Stream {stream_arn} does not exist or is not accessible.")


def start_at_latest(state, uid: int, stream_arn: str):
    store.put_source(state.db, uid, stream_arn, kinesis.latest_checkpoints(state, stream_arn))


def read_sources(state, now: float) -> float | None:
    """Scheduler job: buffer what each Kinesis source has that is new."""
    found_any, more, sources = False, False, store.sources(state.db)
    for source in sources:
        stream = store.stream_by_uid(state.db, source["stream_uid"])
        try:
            records, checkpoints = kinesis.read_new_records(state, source["stream_arn"],
                                                            json.loads(source["checkpoints"]), READ_LIMIT)
        except kinesis.StreamGone as gone:
            if stream is not None and not stream["failure"]:
                store.set_failure(state.db, stream["uid"], _unreadable(gone, source["stream_arn"]))
            continue
        if not records:
            continue
        found_any, more = True, more or len(records) >= READ_LIMIT
        with state.db.transaction():
            for arrival_ms, datas, metadata in _by_arrival(records):
                buffer.append(state, stream, arrival_ms, datas, metadata)
            store.put_source(state.db, source["stream_uid"], source["stream_arn"], checkpoints)
    if found_any:
        state.scheduler.poke("firehose")
    if more:
        return now
    return now + POLL_SECONDS if sources else None
