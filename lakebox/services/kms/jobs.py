"""Timed work on the lakebox clock, in bounded slices: keys whose deletion date has
passed are removed with everything that hangs off them (lookups already treat them as
gone), keys with automatic rotation get new material when their rotation date comes,
on-demand rotations finish a short while after they started, and
the uses noted for GetKeyLastUsage are written down."""
from lakebox.services.kms import model, rotation, store, usage

SLICE = 200       # keys handled per run at most; a run that used it all comes back at once


def delete_due_keys(state, now: float) -> float | None:
    db = state.db
    due = store.keys_due_for_deletion(db, int(now * 1000), SLICE)
    for key in due:
        store.delete_key(db, key["uid"])
    if len(due) == SLICE:
        return now
    at = store.next_deletion_ms(db)
    return at / 1000 if at is not None else None


def rotate_due_keys(state, now: float) -> float | None:
    """Each due key rotates once per period that has passed, dated when it fell due."""
    db = state.db
    now_ms = int(now * 1000)
    due = store.keys_due_for_rotation(db, now_ms, SLICE)
    for key in due:
        while key["next_rotation_ms"] <= now_ms:
            fell_due = key["next_rotation_ms"]
            period_ms = key["rotation_days"] * model.DAY_S * 1000
            rotation.add_material(state, key, fell_due, "AUTOMATIC", next_rotation_ms=fell_due + period_ms)
            key = store.key_by_uid(db, key["uid"])
    if len(due) == SLICE:
        return now
    at = store.next_rotation_ms(db)
    return at / 1000 if at is not None else None


def finish_on_demand_rotations(state, now: float) -> float | None:
    """On-demand rotations whose time has come become current (rotation.py)."""
    db = state.db
    delay_ms = rotation.ON_DEMAND_ROTATION_S * 1000
    due = store.keys_with_on_demand_due(db, int(now * 1000) - delay_ms, SLICE)
    for key in due:
        rotation.finish_on_demand(state, key)
    if len(due) == SLICE:
        return now
    at = store.first_on_demand_start_ms(db)
    return (at + delay_ms) / 1000 if at is not None else None


JOBS = {"deletion": delete_due_keys, "rotation": rotate_due_keys, "on_demand": finish_on_demand_rotations,
        "usage": usage.flush}
