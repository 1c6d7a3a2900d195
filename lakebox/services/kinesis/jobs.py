"""Retention: records past a stream's retention period are deleted, and closed shards
whose records have all expired disappear. Reads already hide expired records; this job
reclaims their space, a bounded slice at a time so the event loop never stalls, then
drops shard-log segments nothing points at and the logs of streams that are gone."""
from lakebox.services.kinesis import segments, store

TRIM_SLICE = 2_000           # chunks (up to 500 records each) deleted per shard per run, at most
RETRY_SOON_S = 0.05          # when a slice was not enough, come back this soon


def trim_expired(state, now: float) -> float | None:
    """Scheduler job: trim every stream. The next deadline is when the oldest record
    left in any shard expires."""
    db = state.db
    now_ms = int(now * 1000)
    deadlines, live = [], set()
    for stream in store.every_stream(db):
        live.add(segments.stream_dir_name(stream))
        retention_ms = stream["retention_hours"] * 3_600_000
        trimmed = False
        for shard in store.shards(db, stream["uid"]):
            deadline, trimmed_here = _trim_shard(db, stream["uid"], shard, now_ms, retention_ms)
            trimmed |= trimmed_here
            if deadline is not None:
                deadlines.append(deadline)
            elif shard["closed_ms"] is not None and shard["closed_ms"] <= now_ms - retention_ms:
                store.drop_shard(db, stream["uid"], shard["shard_index"])
        if trimmed:
            segments.drop_unused(state, stream, store.segments_in_use(db, stream["uid"]))
    segments.drop_orphans(state, live)
    return min(deadlines, default=None)


def _trim_shard(db, uid, shard, now_ms, retention_ms):
    """Delete up to TRIM_SLICE expired chunks of a shard. Returns (when the shard next
    has something to trim in epoch seconds or None once it holds no records, whether
    anything was deleted)."""
    index, cutoff = shard["shard_index"], now_ms - retention_ms
    oldest = store.oldest_arrival(db, uid, index)
    trimmed = oldest is not None and oldest < cutoff
    if trimmed:
        store.trim_chunks(db, uid, index, cutoff, TRIM_SLICE)
        oldest = store.oldest_arrival(db, uid, index)
    if oldest is None:
        return None, trimmed
    if oldest < cutoff:
        return now_ms / 1000 + RETRY_SOON_S, trimmed
    return (oldest + retention_ms) / 1000, trimmed


JOBS = {"retention": trim_expired}
