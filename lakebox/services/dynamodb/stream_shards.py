"""A stream's shards roll over: AWS closes a stream's shard after about four hours and
opens a child shard whose ParentShardId names it (the reason readers such as the Kinesis
adapter follow shard lineage). Here a write arriving four hours or more after its
shard opened opens the next shard with that write's record, so every shard holds at
least one record but the first; sequence numbers keep growing across shards. A shard
is closed once its child exists (its last record is the one before the child's first),
or when the stream is disabled."""
from lakebox.services.dynamodb import store

ROLL_MS = 4 * 3600 * 1000


def _latest(ctx, stream_uid) -> tuple:
    """(opened_ms, first_seq) of the stream's newest shard, kept in the cache between writes."""
    latest = ctx.state.cache("dynamodb").setdefault("open_shards", {})
    found = latest.get(stream_uid)
    if found is None:
        row = ctx.state.db.one("SELECT opened_ms, first_seq FROM ddb_stream_shards WHERE stream_uid=? "
                               "ORDER BY opened_ms DESC LIMIT 1", (stream_uid,))
        found = latest[stream_uid] = (row[0], row[1]) if row else (0, 1)
    return found


def append(ctx, stream_uid: int, change: dict):
    """Store a change record, opening the next shard when the newest one is due to roll."""
    now_ms = int(ctx.now * 1000)
    seq = store.append_record(ctx.state.db, stream_uid, now_ms, change)
    opened_ms, first_seq = _latest(ctx, stream_uid)
    if now_ms - opened_ms >= ROLL_MS and seq > first_seq:
        ctx.state.db.execute("INSERT INTO ddb_stream_shards VALUES (?, ?, ?)", (stream_uid, now_ms, seq))
        # Read back from the table next time: the cache never holds what a rolled-back write left.
        ctx.state.cache("dynamodb")["open_shards"].pop(stream_uid, None)


def shards(state, stream: dict) -> list[dict]:
    """The stream's shards, oldest first: `opened_ms`, `first_seq`, `last_seq` (None while
    open) and `parent_ms` (the opening of the shard before, None for the first)."""
    rows = state.db.query("SELECT opened_ms, first_seq FROM ddb_stream_shards WHERE stream_uid=? "
                          "ORDER BY opened_ms", (stream["uid"],))
    found = []
    for i, row in enumerate(rows):
        if i + 1 < len(rows):
            last = rows[i + 1]["first_seq"] - 1
        else:
            last = stream["last_seq"] if stream["disabled_ms"] is not None else None
        found.append({"opened_ms": row["opened_ms"], "first_seq": row["first_seq"], "last_seq": last,
                      "parent_ms": rows[i - 1]["opened_ms"] if i else None})
    return found
