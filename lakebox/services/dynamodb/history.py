"""Point-in-time history kept to the recovery window: versions that no restore inside the
window can need are deleted (for each item, every version older than the window's start
but the last one, and that one too when it is a deletion). The job runs hourly."""
import orjson

DAY_MS = 86_400_000
EVERY_S = 3600


def trim_history(state, now: float):
    """Scheduler job: trim the history of every table with point-in-time recovery."""
    db = state.db
    for row in db.query("SELECT uid, spec FROM ddb_tables WHERE spec LIKE '%\"PITR\"%'"):
        pitr = orjson.loads(row["spec"]).get("PITR") or {}
        if not pitr.get("enabled"):
            continue
        cutoff = int(now * 1000) - pitr["days"] * DAY_MS
        with db.transaction():
            db.execute("DELETE FROM ddb_history WHERE table_uid=? AND at_ms<? AND EXISTS (SELECT 1 FROM ddb_history "
                       "w WHERE w.table_uid=ddb_history.table_uid AND w.h=ddb_history.h AND w.pk=ddb_history.pk AND "
                       "w.sk=ddb_history.sk AND w.at_ms>ddb_history.at_ms AND w.at_ms<=?)",
                       (row["uid"], cutoff, cutoff))
            db.execute("DELETE FROM ddb_history WHERE table_uid=? AND at_ms<? AND item IS NULL", (row["uid"], cutoff))
    return now + EVERY_S
