"""When a buffer is due: by size (SizeInMBs) or by age (IntervalInSeconds, judged by
the lakebox clock), whichever comes first.

A stream that keeps an S3 backup (S3BackupMode Enabled) has a second buffer, lane 1,
of the same records: it is due by the backup's own BufferingHints, so the backup and the
destination write their objects each at their own time (as Firehose does: a 60-second
backup and a 120-second destination make separate objects, radkawar/stackd
docs/firehose.md on its lambda_processing capture).

Buffered bytes per stream are counted in memory (`state.cache("firehose")`), seeded from
the database the first time a stream is seen after start or reset, so a put that fills
the buffer wakes the flush job at once instead of waiting for the interval.
"""
import json

from lakebox.services.firehose import config, encryption, segments, store

MIB = 1024 * 1024


BACKUP = 1      # the lane of the S3 backup's buffer


def settings(stream, lane: int = 0) -> tuple[int, int]:
    """(size limit in bytes, interval in ms) of a stream's buffer (`lane`)."""
    destination = json.loads(stream["destination"])
    if lane == BACKUP:
        hints = {**config.DEFAULT_BUFFERING,
                 **(destination["config"].get("S3BackupConfiguration") or {}).get("BufferingHints", {})}
    else:
        hints = config.buffering(destination)
    return hints["SizeInMBs"] * MIB, hints["IntervalInSeconds"] * 1000


def backs_up(stream) -> bool:
    """Whether the stream keeps an S3 backup of its source records in a buffer of its own."""
    destination = json.loads(stream["destination"])
    return destination["kind"] == "ExtendedS3" and destination["config"].get("S3BackupMode") == "Enabled"


def due_ms(db, stream, size: int, oldest_ms: int, lane: int = 0) -> int:
    """When a buffer holding `size` bytes is due: full, or its oldest record as old as
    the interval. With a Lambda processor, Firehose first buffers for the function (until
    `BufferSizeInMBs` has gathered, or the oldest record waited `BufferIntervalInSeconds`),
    and the destination's hints count from then on."""
    limit, interval = settings(stream, lane)
    if lane == BACKUP:
        return oldest_ms if size >= limit else oldest_ms + interval
    released = oldest_ms
    lambda_hints = config.lambda_buffering(json.loads(stream["destination"])["config"])
    if lambda_hints is not None:
        gathered_size, wait = lambda_hints
        gathered = store.arrival_when_buffered(db, stream["uid"], gathered_size)
        released = oldest_ms + wait if gathered is None else min(gathered, oldest_ms + wait)
    return released if size >= limit else released + interval


def _sizes(state) -> dict:
    return state.cache("firehose").setdefault("buffered-bytes", {})


def append(state, stream, arrival_ms: int, datas: list[bytes], kinesis: list | None = None) -> int:
    """Buffer records durably (bytes to the log, sealed while encryption is on, then the
    chunk row, with each record's Kinesis metadata when a source stream gave it);
    returns the chunk id."""
    sealing = encryption.sealer(state, stream)
    key_ref, seal = sealing if sealing else (None, None)
    segment, offset = segments.append(state, stream, b"".join(datas), seal)
    lengths = [len(d) for d in datas]
    with state.db.transaction():      # the backup's chunk lands with the destination's
        chunk = store.append_chunk(state.db, stream["uid"], arrival_ms, lengths, segment, offset, key_ref, kinesis)
        if backs_up(stream):
            store.append_chunk(state.db, stream["uid"], arrival_ms, lengths, segment, offset, key_ref, kinesis,
                               BACKUP)
    added(state, stream, sum(lengths))
    return chunk


def added(state, stream, size: int):
    sizes = _sizes(state)
    uid = stream["uid"]
    if uid not in sizes:
        sizes[uid] = store.buffered_summary(state.db, uid)[1]
    else:
        sizes[uid] += size
    limit, interval = settings(stream)
    if sizes[uid] >= limit or interval == 0:
        state.scheduler.poke("firehose")


def delivered(state, uid: int):
    """The buffer changed under the counter: count again from the database when next needed."""
    _sizes(state).pop(uid, None)
