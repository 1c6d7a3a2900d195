"""After a machine crash: records whose bytes did not reach the disk are lost.

A chunk's row (SQLite) and its payload bytes (the stream's shard log) reach the disk
separately, so after a power cut a row may point past the end of its segment file.
Such chunks are dropped, newest first in each shard, down to the newest one whose bytes
are whole; then the tail segment is cut after the last whole chunk, so that appends go
on from a record boundary. This runs at every start: one indexed query per shard and one
stat per segment. So it also finds a log whose tail was cut short or removed while the
server was stopped; damage to an older segment is found by readers (`records.read_batch`).
"""
import logging

from lakebox.services.kinesis import model, segments, store

log = logging.getLogger("lakebox.kinesis")
SYNCED_AT_START = 2      # the newest segments of each log, fsynced before serving


def recover(state, suspects: dict):
    db = state.db
    for stream in store.every_stream(db):
        sizes = segments.segment_sizes(state, stream)
        ends = {}          # segment -> end of the newest whole chunk it holds
        for shard in store.shards(db, stream["uid"]):
            _drop_torn_chunks(db, stream, shard["shard_index"], sizes, ends)
        if sizes:
            tail = max(sizes)
            if sizes[tail] > ends.get(tail, 0):
                segments.cut(state, stream, tail, ends.get(tail, 0))
        for segment in sorted(sizes)[-SYNCED_AT_START:]:
            segments.note_for_sync(state, stream, segment)


def _drop_torn_chunks(db, stream, shard_index, sizes, ends):
    """Drop the shard's newest chunks whose bytes are not (all) in their segment."""
    torn, records = [], 0
    newest_first = db.execute(
        "SELECT first_counter, last_counter, segment, offset, length FROM kinesis_chunks "
        "WHERE stream_uid=? AND shard_index=? ORDER BY first_counter DESC", (stream["uid"], shard_index))
    for chunk in newest_first:
        end = chunk["offset"] + chunk["length"]
        if end <= sizes.get(chunk["segment"], -1):
            ends[chunk["segment"]] = max(ends.get(chunk["segment"], 0), end)
            break
        torn.append(chunk["first_counter"])
        records += chunk["last_counter"] - chunk["first_counter"] + 1
    newest_first.close()
    if torn:
        db.executemany("DELETE FROM kinesis_chunks WHERE stream_uid=? AND shard_index=? AND first_counter=?",
                       [(stream["uid"], shard_index, first) for first in torn])
        log.warning("stream %s, shard %s: %d records were lost: their bytes are not in the shard log (a crash "
                    "before they reached the disk, or the log was cut short outside lakebox)",
                    stream["name"], model.shard_id(shard_index), records)
