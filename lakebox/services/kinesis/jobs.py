"""Retention: records past a stream's retention period are deleted, and closed shards
whose records have all expired disappear. Reads already hide expired records; this job
reclaims their space.

It walks every shard of every stream in (stream, shard) order, a bounded slice per run:
at most ROW_BUDGET rows (shards visited plus chunks deleted), so a run costs the event
loop a few milliseconds however many streams, shards and records there are. The walk's
cursor lives in the memory cache (a restart or a reset simply begins a new walk); while
it is unfinished the job asks to run again at once, and the scheduler serves requests
between slices. Once the walk has passed all shards of a stream it trimmed, the stream's
shard-log segments before its earliest remaining chunk are dropped. After the shards, the
walk deletes the chunks DeleteStream left behind, in slices too; at its end the logs of
streams that are gone go. A finished walk sleeps until the oldest record left anywhere
expires. A poke (the clock moved, a retention period shrank) starts the walk over.
"""
from lakebox.services.kinesis import segments, store

ROW_BUDGET = 2_000           # shards visited + chunks (up to 500 records each) deleted per run
SHARD_PAGE = 200             # shards read per query


class _Walk:
    """Where the walk is, and what it learned of the shards it passed."""

    def __init__(self, generation: int):
        self.generation = generation
        self.position = (0, 0)        # (stream uid, shard index) to visit next
        self.deadline = None          # earliest expiry among shards passed (epoch seconds)
        self.live = set()             # log directory names of the streams passed
        self.stream = None            # the stream being passed: its earliest segment in use,
        self.first_segment = None     # and whether this walk deleted any of its chunks
        self.trimmed = False
        self.purge_after = 0          # deleted streams' chunks are purged past this uid
        self.purged = False


def trim_expired(state, now: float) -> float | None:
    """Scheduler job: one slice of the walk. Returns `now` while the walk goes on, else
    when the oldest record left expires (None: no records at all)."""
    walk = _current_walk(state)
    budget = ROW_BUDGET
    while budget > 0:
        shards = store.shards_from(state.db, *walk.position, min(budget, SHARD_PAGE))
        if not shards:
            budget -= _purge_deleted_streams(state, walk, budget)
            if walk.purged:
                return _end(state, walk)
            continue
        for shard in shards:
            budget -= 1 + _visit(state, walk, shard, int(now * 1000), budget)
            if budget <= 0:
                break
    return now


def _current_walk(state) -> _Walk:
    cache = state.cache("kinesis")
    generation = state.scheduler.generation("kinesis")
    walk = cache.get("retention-walk")
    if walk is None or walk.generation != generation:
        walk = cache["retention-walk"] = _Walk(generation)
    return walk


def _visit(state, walk: _Walk, shard, now_ms: int, budget: int) -> int:
    """Trim one shard (up to `budget` chunks); returns how many chunks were deleted. The
    walk moves past the shard only when nothing expired is left in it."""
    db, uid, index = state.db, shard["uid"], shard["shard_index"]
    if walk.stream is None or walk.stream["uid"] != uid:
        _leave_stream(state, walk)
        walk.stream, walk.first_segment, walk.trimmed = shard, None, False
        walk.live.add(segments.stream_dir_name(shard))
    retention_ms = shard["retention_hours"] * 3_600_000
    cutoff = now_ms - retention_ms
    oldest = store.oldest_chunk(db, uid, index)
    deleted = 0
    if oldest is not None and oldest["arrival_ms"] < cutoff:
        deleted = store.trim_chunks(db, uid, index, cutoff, max(budget - 1, 1))
        walk.trimmed = True
        oldest = store.oldest_chunk(db, uid, index)
        if oldest is not None and oldest["arrival_ms"] < cutoff:
            return deleted                 # more to trim here: the next slice comes back
    if oldest is None:
        if shard["closed_ms"] is not None and shard["closed_ms"] <= cutoff:
            store.drop_shard(db, uid, index)
    else:
        if walk.first_segment is None or oldest["segment"] < walk.first_segment:
            walk.first_segment = oldest["segment"]
        expires = (oldest["arrival_ms"] + retention_ms) / 1000
        walk.deadline = expires if walk.deadline is None else min(walk.deadline, expires)
    walk.position = (uid, index + 1)
    return deleted


def _purge_deleted_streams(state, walk: _Walk, budget: int) -> int:
    """After the shards: delete chunks of deleted streams (DeleteStream leaves them), up to
    `budget` rows looked at or deleted; sets `walk.purged` once none is left."""
    used = 0
    while used < budget:
        uid = store.next_stream_with_chunks(state.db, walk.purge_after)
        used += 1
        if uid is None:
            walk.purged = True
            break
        if store.stream_by_uid(state.db, uid) is not None:
            walk.purge_after = uid
            continue
        allowed = max(budget - used, 1)
        deleted = store.delete_chunks(state.db, uid, allowed)
        used += deleted
        if deleted < allowed:                   # none of its chunks is left
            walk.purge_after = uid
    return used


def _leave_stream(state, walk: _Walk):
    """Every shard of the stream was passed: if chunks went, so do the segments before
    its earliest chunk left."""
    if walk.stream is not None and walk.trimmed:
        segments.drop_before(state, walk.stream, walk.first_segment)


def _end(state, walk: _Walk) -> float | None:
    _leave_stream(state, walk)
    segments.drop_orphans(state, walk.live)
    del state.cache("kinesis")["retention-walk"]
    return walk.deadline


JOBS = {"retention": trim_expired}
