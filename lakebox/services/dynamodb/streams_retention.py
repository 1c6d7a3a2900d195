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
        deleted = db.execute("DELETE FROM ddb_stream_records WHERE stream_uid=? AND seq IN (SELECT seq FROM "
                             "ddb_stream_records WHERE stream_uid=? AND created_ms<? ORDER BY seq LIMIT ?)",
                             (stream["uid"], stream["uid"], cutoff, TRIM_SLICE)).rowcount
        more |= deleted == TRIM_SLICE
    db.execute("DELETE FROM ddb_streams WHERE disabled_ms IS NOT NULL AND disabled_ms<? AND uid NOT IN "
               "(SELECT DISTINCT stream_uid FROM ddb_stream_records)", (cutoff,))
    if more:
        return now
    oldest = store.oldest_record_ms(db)
    return (oldest + RETENTION_MS) / 1000 if oldest is not None else None
