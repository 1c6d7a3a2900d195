"""Timed work: keys whose deletion date has passed are removed with everything that
hangs off them. Lookups already treat such keys as gone; this reclaims their rows."""
from lakebox.services.kms import store


def delete_due_keys(state, now: float) -> float | None:
    db = state.db
    for key in store.keys_due_for_deletion(db, int(now * 1000)):
        store.delete_key(db, key["uid"])
    at = store.next_deletion_ms(db)
    return at / 1000 if at is not None else None


JOBS = {"deletion": delete_due_keys}
