"""Timed work on the lakebox clock: keys whose deletion date has passed are removed
with everything that hangs off them (lookups already treat them as gone), and keys with
automatic rotation get new material when their rotation date comes."""
from lakebox.services.kms import model, rotation, store


def delete_due_keys(state, now: float) -> float | None:
    db = state.db
    for key in store.keys_due_for_deletion(db, int(now * 1000)):
        store.delete_key(db, key["uid"])
    at = store.next_deletion_ms(db)
    return at / 1000 if at is not None else None


def rotate_due_keys(state, now: float) -> float | None:
    """Each due key rotates once per period that has passed, dated when it fell due."""
    db = state.db
    now_ms = int(now * 1000)
    for key in store.keys_due_for_rotation(db, now_ms):
        due = key["next_rotation_ms"]
        while due <= now_ms:
            period_ms = key["rotation_days"] * model.DAY_S * 1000
            rotation.add_material(state, key, due, "AUTOMATIC", next_rotation_ms=due + period_ms)
            key = store.key_by_uid(db, key["uid"])
            due = key["next_rotation_ms"]
    at = store.next_rotation_ms(db)
    return at / 1000 if at is not None else None


JOBS = {"deletion": delete_due_keys, "rotation": rotate_due_keys}
