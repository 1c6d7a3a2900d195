"""Stream records are kept 24 hours, then trimmed; a stream of a deleted table or a
disabled stream stays readable for those 24 hours too."""
from lakebox.services.dynamodb import store

RETENTION_MS = 24 * 3600 * 1000
TRIM_SLICE = 5000


def trim_stream_records(state, now: float):
    db = state.db
    cutoff = int(now * 1000) - RETENTION_MS
    more = False
    for stream in db.query("SELECT uid FROM ddb_streams"):
        # The first TRIM_SLICE records by sequence (an index range), those of them past
        # retention deleted: records arrive in sequence order, so the old ones lead.
        deleted = db.execute("DELETE FROM ddb_stream_records WHERE stream_uid=? AND created_ms<? AND seq IN "
                             "(SELECT seq FROM ddb_stream_records WHERE stream_uid=? ORDER BY seq LIMIT ?)",
                             (stream["uid"], cutoff, stream["uid"], TRIM_SLICE)).rowcount
        more |= deleted == TRIM_SLICE
    db.execute("DELETE FROM ddb_streams WHERE disabled_ms IS NOT NULL AND disabled_ms<? AND NOT EXISTS "
               "(SELECT 1 FROM ddb_stream_records r WHERE r.stream_uid=ddb_streams.uid)", (cutoff,))
    db.execute("DELETE FROM ddb_stream_shards WHERE stream_uid NOT IN (SELECT uid FROM ddb_streams)")
    if more:
        return now
    oldest = store.oldest_record_ms(db)
    return (oldest + RETENTION_MS) / 1000 if oldest is not None else None
