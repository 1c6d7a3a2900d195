"""When a buffer is due: by size (SizeInMBs) or by age (IntervalInSeconds, judged by
the lakebox clock), whichever comes first.

Buffered bytes per stream are counted in memory (`state.cache("firehose")`), seeded from
the database the first time a stream is seen after start or reset, so a put that fills
the buffer wakes the flush job at once instead of waiting for the interval.
"""
import json

from lakebox.services.firehose import config, encryption, segments, store

MIB = 1024 * 1024


def settings(stream) -> tuple[int, int]:
    """(size limit in bytes, interval in ms) of a stream's buffer."""
    hints = config.buffering(json.loads(stream["destination"]))
    return hints["SizeInMBs"] * MIB, hints["IntervalInSeconds"] * 1000


def due_ms(db, stream, size: int, oldest_ms: int) -> int:
    """When a buffer holding `size` bytes is due: full, or its oldest record as old as
    the interval. With a Lambda processor, Firehose first buffers for the function (until
    `BufferSizeInMBs` has gathered, or the oldest record waited `BufferIntervalInSeconds`),
    and the destination's hints count from then on."""
    limit, interval = settings(stream)
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
    chunk = store.append_chunk(state.db, stream["uid"], arrival_ms, [len(d) for d in datas], segment, offset,
                               key_ref, kinesis)
    added(state, stream, sum(len(d) for d in datas))
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
