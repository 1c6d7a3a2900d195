"""After a machine crash: buffered records whose bytes did not reach the disk are lost.

A chunk's row (SQLite) and its bytes (the stream's buffer log) reach the disk
separately, so after a power cut a row may point past the end of its segment file.
Such chunks are dropped, newest first, down to the newest one whose bytes are whole;
then the tail segment is cut after the last whole chunk, so that appends go on from a
chunk boundary. A `kill -9` loses nothing (the kernel had the bytes): this only acts
after a machine crash. It runs at every start: one query per stream, one stat per segment;
the logs of streams that no longer exist (a reset wipes the rows, not the files) go too.
"""
import logging

from lakebox.services.firehose import segments, store

log = logging.getLogger("lakebox.firehose")


def recover(state, suspects: dict):
    streams = store.all_streams(state.db)
    segments.drop_orphans(state, streams)
    for stream in streams:
        sizes = segments.segment_sizes(state, stream)
        torn, records, ends = [], 0, {}
        for chunk in state.db.query("SELECT id, segment, offset, size, count - delivered AS left "
                                    "FROM firehose_chunks WHERE stream_uid=? ORDER BY id DESC", (stream["uid"],)):
            end = chunk["offset"] + chunk["size"]
            if end <= sizes.get(chunk["segment"], -1):
                ends[chunk["segment"]] = end
                break
            torn.append((chunk["id"],))
            records += chunk["left"]
        if torn:
            state.db.executemany("DELETE FROM firehose_chunks WHERE id=?", torn)
            log.warning("delivery stream %s: %d buffered records were lost in a crash (their bytes never "
                        "reached the disk)", stream["name"], records)
        if sizes:
            tail = max(sizes)
            if sizes[tail] > ends.get(tail, 0):
                segments.cut(state, stream, tail, ends.get(tail, 0))
