"""Lifecycle expiration: objects, old versions, delete markers and stale uploads go away
on the lakebox clock, as the bucket's lifecycle rules say.

S3 counts a rule's days from the object's creation (for old versions: from when they
became noncurrent; for uploads: from initiation) and rounds the result up to the next
midnight UTC: an object written on 14 Aug at 19:57 under a 60-day rule expires on 14 Oct
at 00:00. So every expiry falls on a midnight, and the job only needs to run at
midnights, or at once when the clock moves or a configuration changes (a poke).

A pass over all buckets is done in slices of at most ROW_BUDGET rows read, with the
pass's cursor (bucket, rule, phase, key) kept in the memory cache, so no run holds the
event loop for long however many objects a bucket has; a restart or reset simply starts
a new pass.
Transitions of current versions move an object down S3's waterfall of storage classes
(its bytes stay where they are; an archived object then needs a restore before a GET),
skipping objects under 128 KB as S3's default TransitionDefaultMinimumObjectSize says;
noncurrent versions move the same way, their NoncurrentDays counted from when they became
noncurrent, the NewerNoncurrentVersions newest noncurrent ones of a key staying put.
"""
import datetime
import itertools

from lakebox.kit import calls
from lakebox.services.s3 import files, model, notifications, public, store, upload_store

DAY = 86400
# S3's transition waterfall: a lifecycle rule only moves an object further down it.
CLASS_RANK = {"STANDARD": 0, "REDUCED_REDUNDANCY": 0, "STANDARD_IA": 1, "INTELLIGENT_TIERING": 2, "ONEZONE_IA": 3,
              "GLACIER_IR": 4, "GLACIER": 5, "DEEP_ARCHIVE": 6}
SMALL_OBJECT = 128 * 1024       # TransitionDefaultMinimumObjectSize's 128 KB
SMALL_EXEMPT = ("GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")      # reached at any size under varies_by_storage_class
ROW_BUDGET = 1_000          # rows read (and so at most rows removed) per run of the job
MIN_SLICE = 3               # a phase is started with at least this many rows left to read


class _Walk:
    """Where the job is in its pass over every bucket with rules, for one day."""

    def __init__(self, generation: int, day: int):
        self.generation = generation
        self.day = day
        self.bucket = None            # the bucket being passed (its name), None between buckets
        self.steps = []               # (rule, phase) still to do in that bucket
        self.position = None          # where the current step stopped; None: at its start
        self.any_rules = False        # whether any bucket had lifecycle rules


def expire_due(state, now: float) -> float | None:
    """Scheduler job: one bounded slice of applying every bucket's rules at `now`.

    Returns `now` while the pass goes on (the scheduler serves requests between slices),
    then the next midnight UTC, or None when no bucket has rules (the scheduler then asks
    again shortly). A pass starts over when S3 is poked (the clock moved, a configuration
    changed) or the day changes, since what it passed may then be due."""
    walk = _current_walk(state, now)
    budget = ROW_BUDGET
    while budget >= MIN_SLICE:
        if not walk.steps:
            if not _enter_next_bucket(state, walk):
                del state.cache("s3")["lifecycle-walk"]
                return next_midnight(now) if walk.any_rules else None
            budget -= 1
            continue
        bucket = store.get_bucket(state.db, walk.bucket)
        if bucket is None:                      # deleted since the walk entered it
            walk.steps = []
            continue
        rule, phase = walk.steps[0]
        used, walk.position = phase(state, bucket, rule, now, walk.position, budget)
        budget -= max(used, 1)
        if walk.position is None:
            walk.steps.pop(0)
    return now


def _current_walk(state, now: float) -> _Walk:
    cache = state.cache("s3")
    generation, day = state.scheduler.generation("s3"), int(now // DAY)
    walk = cache.get("lifecycle-walk")
    if walk is None or (walk.generation, walk.day) != (generation, day):
        walk = cache["lifecycle-walk"] = _Walk(generation, day)
    return walk


def _enter_next_bucket(state, walk: _Walk) -> bool:
    """Move to the next bucket with a lifecycle configuration and list the steps of its
    enabled rules (maybe none). False when no bucket is left."""
    name = _next_bucket_with_rules(state.db, walk.bucket or "")
    if name is None:
        return False
    walk.bucket, walk.position, walk.any_rules = name, None, True
    walk.steps = [(rule, phase) for rule in enabled_rules(store.get_config(state.db, name, "lifecycle"))
                  for phase in _phases(rule)]
    return True


def _next_bucket_with_rules(db, after: str) -> str | None:
    # A read of store.py's config table; store.py has no function listing buckets by
    # configuration kind (yet).
    row = db.one("SELECT bucket FROM s3_bucket_configs WHERE kind='lifecycle' AND config_id='' AND bucket>? "
                 "ORDER BY bucket LIMIT 1", (after,))
    return row["bucket"] if row else None


def enabled_rules(config) -> list:
    return [rule for rule in (config or {}).get("Rules", []) if rule.get("Status") == "Enabled"]


def object_expiration(config, key: str, size: int, tags: dict, last_modified: float):
    """(expiry epoch, rule id) of the earliest Expiration rule covering this object, or
    None: what S3 reports in `x-amz-expiration`."""
    found = []
    for rule in enabled_rules(config):
        expiration = rule.get("Expiration") or {}
        if not matches(rule, key, size, tags):
            continue
        if expiration.get("Days") is not None:
            found.append((round_up_to_midnight(last_modified + expiration["Days"] * DAY), rule.get("ID", "")))
        elif expiration.get("Date") is not None:
            found.append((_epoch(expiration["Date"]), rule.get("ID", "")))
    return min(found, default=None)


def matches(rule: dict, key: str, size: int, tags: dict) -> bool:
    """Does the rule's filter (or its legacy top-level Prefix) cover this object?"""
    conditions = _conditions(rule)
    if not key.startswith(conditions.get("Prefix", "")):
        return False
    if any(tags.get(tag["Key"]) != tag["Value"] for tag in conditions.get("Tags", [])):
        return False
    if conditions.get("ObjectSizeGreaterThan") is not None and not size > conditions["ObjectSizeGreaterThan"]:
        return False
    if conditions.get("ObjectSizeLessThan") is not None and not size < conditions["ObjectSizeLessThan"]:
        return False
    return True


def next_midnight(now: float) -> float:
    return (now // DAY + 1) * DAY


def round_up_to_midnight(epoch: float) -> float:
    """S3's rounding of a computed expiry: to the midnight UTC that follows it."""
    return next_midnight(epoch)


def _created_before(now: float, days: int) -> float:
    """Things created (or made noncurrent) before this time are `days` old, rounded as S3
    rounds, at `now`: round_up_to_midnight(t + days) <= now  <=>  t < this."""
    return (now // DAY) * DAY - days * DAY


def _conditions(rule: dict) -> dict:
    """The rule's filter flattened to Prefix, Tags, ObjectSizeGreaterThan/LessThan."""
    flat = dict(rule.get("Filter") or {})
    flat.update(flat.pop("And", None) or {})
    if "Tag" in flat:
        flat["Tags"] = [flat.pop("Tag")]
    if "Prefix" not in flat and rule.get("Prefix") is not None:
        flat["Prefix"] = rule["Prefix"]
    return flat


def _epoch(value) -> float:
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, str):
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    return float(value)


# ---------------------------------------------------------------------------
# Acting on one bucket, a slice at a time
#
# A phase is `phase(state, bucket, rule, now, position, budget) -> (rows read, position)`:
# it reads at most `budget` rows from `position` (None: from the start), removes what is
# due among them, and returns where to go on from (None: the phase is done).

def _phases(rule: dict) -> list:
    expiration = rule.get("Expiration") or {}
    phases = []
    if expiration.get("Days") is not None or expiration.get("Date") is not None:
        phases.append(_expire_current)
    if rule.get("NoncurrentVersionExpiration"):
        phases.append(_expire_noncurrent)
    if expiration.get("ExpiredObjectDeleteMarker") or expiration.get("Days") is not None:
        phases.append(_remove_lone_delete_markers)
    if rule.get("Transitions"):
        phases.append(_transition_current)
    if rule.get("NoncurrentVersionTransitions"):
        phases.append(_transition_noncurrent)
    if rule.get("AbortIncompleteMultipartUpload"):
        phases.append(_abort_stale_uploads)
    return phases


def _prefix_range(rule: dict) -> tuple[str, str | None]:
    prefix = _conditions(rule).get("Prefix", "")
    return prefix, model.prefix_upper_bound(prefix)


def _expire_current(state, bucket, rule: dict, now: float, position, budget: int):
    expiration = rule["Expiration"]
    if expiration.get("Days") is not None:
        cutoff = _created_before(now, expiration["Days"])
    elif now >= _epoch(expiration["Date"]):
        cutoff = float("inf")
    else:
        return 0, None
    prefix, upper = _prefix_range(rule)
    start, inclusive = (prefix, True) if position is None else (position, False)
    rows = [row for _, row in itertools.islice(
        store.seek_current(state.db, bucket["name"], start, inclusive, upper), budget)]
    for row in rows:
        if row["last_modified"] < cutoff and matches(rule, row["key"], row["size"], _tags(row)):
            # As DeleteObject: gone where versioning was never on, else under a delete marker.
            public.delete_object(state, bucket["name"], row["key"], notifications.LIFECYCLE)
    return len(rows), (rows[-1]["key"] if len(rows) == budget else None)


def _transition_current(state, bucket, rule: dict, now: float, position, budget: int):
    """Current objects old enough for one of the rule's transitions move to the deepest
    class due, if that is further down the waterfall than where they are."""
    due = [(_created_before(now, t["Days"]) if t.get("Days") is not None else
            (float("inf") if now >= _epoch(t["Date"]) else float("-inf")), t["StorageClass"]) for t in rule["Transitions"]]
    prefix, upper = _prefix_range(rule)
    start, inclusive = (prefix, True) if position is None else (position, False)
    rows = [row for _, row in itertools.islice(
        store.seek_current(state.db, bucket["name"], start, inclusive, upper), budget)]
    _move_down(state, bucket, rule, [(row, [target for cutoff, target in due if row["last_modified"] < cutoff])
                                     for row in rows])
    return len(rows), (rows[-1]["key"] if len(rows) == budget else None)


def _transition_noncurrent(state, bucket, rule: dict, now: float, position, budget: int):
    """Noncurrent versions (not delete markers) NoncurrentDays after they became
    noncurrent, beyond the key's NewerNoncurrentVersions newest noncurrent ones, move as
    current objects do."""
    due = [(_created_before(now, t.get("NoncurrentDays") or 0), t.get("NewerNoncurrentVersions") or 0,
            t["StorageClass"]) for t in rule["NoncurrentVersionTransitions"]]
    found, read, position = _noncurrent_versions(state, bucket, rule, position, budget)
    _move_down(state, bucket, rule, [(row, [target for cutoff, keep, target in due if rank > keep and since < cutoff])
                                     for row, rank, since in found if not row["delete_marker"]])
    return read, position


def _move_down(state, bucket, rule: dict, reached: list):
    """For each (version row, classes its age has reached): move it to the deepest of
    them if that is further down the waterfall, the rule covers it and it is not too small
    (under 128 KB only a rule's ObjectSizeGreaterThan, or varies_by_storage_class for the
    Glacier classes, lets it move); each move is a LifecycleTransition event."""
    config = store.get_config(state.db, bucket["name"], "lifecycle") or {}
    floor = config.get("TransitionDefaultMinimumObjectSize") or "all_storage_classes_128K"
    sized_by_rule = _conditions(rule).get("ObjectSizeGreaterThan") is not None
    for row, targets in reached:
        if not targets or not matches(rule, row["key"], row["size"], _tags(row)):
            continue
        target = max(targets, key=lambda name: CLASS_RANK.get(name, 0))
        if CLASS_RANK.get(target, 0) <= CLASS_RANK.get(row["storage_class"], 0):
            continue
        if row["size"] < SMALL_OBJECT and not sized_by_rule and not (
                floor == "varies_by_storage_class" and target in SMALL_EXEMPT):
            continue
        store.set_storage_class(state.db, row["id"], target)
        caller = calls.system_context(state, "s3", notifications.LIFECYCLE, bucket["account"], bucket["region"])
        notifications.object_transitioned(caller, bucket, row, target)


def _expire_noncurrent(state, bucket, rule: dict, now: float, position, budget: int):
    settings = rule["NoncurrentVersionExpiration"]
    cutoff = _created_before(now, settings.get("NoncurrentDays") or 0)
    keep = settings.get("NewerNoncurrentVersions") or 0
    found, read, position = _noncurrent_versions(state, bucket, rule, position, budget)
    for row, rank, since in found:
        if rank > keep and since < cutoff and matches(rule, row["key"], row["size"], _tags(row)):
            _remove_version(state, bucket, row)
    return read, position


def _noncurrent_versions(state, bucket, rule: dict, position, budget: int):
    """Versions newest first within a key; a version became noncurrent when the next
    newer one was written. Returns ([(noncurrent version, its rank among the key's
    noncurrent versions (1: the newest), when it became noncurrent)], rows read, where to
    go on from). The position carries that newer version's key and time and how many
    noncurrent versions of the key were passed."""
    prefix, upper = _prefix_range(rule)
    start, below_id, newer_key, newer_time, noncurrent_seen = position or (prefix, 1 << 62, None, None, 0)
    found, read = [], 0
    for key, row in itertools.islice(store.seek_versions(state.db, bucket["name"], start, below_id, upper), budget):
        read += 1
        if key != newer_key:
            noncurrent_seen = 0
        elif not row["is_latest"]:
            noncurrent_seen += 1
            found.append((row, noncurrent_seen, newer_time))
        start, below_id, newer_key, newer_time = key, row["id"], key, row["last_modified"]
    return found, read, ((start, below_id, newer_key, newer_time, noncurrent_seen) if read == budget else None)


def _remove_lone_delete_markers(state, bucket, rule: dict, now: float, position, budget: int):
    """Remove delete markers that are the only version of their key: any age under
    ExpiredObjectDeleteMarker, else once as old as a Days rule says."""
    expiration = rule["Expiration"]
    cutoff = float("inf") if expiration.get("ExpiredObjectDeleteMarker") else \
        _created_before(now, expiration["Days"])
    prefix, upper = _prefix_range(rule)
    lone, read, last_key = [], 0, None
    for newest, alone in _newest_versions(state.db, bucket["name"], position, prefix, upper):
        read += 1 if alone else 2             # rows read for this key (one more is read ahead)
        last_key = newest["key"]
        if alone and newest["delete_marker"] and newest["last_modified"] < cutoff:
            lone.append(newest)
        if read >= budget - 2:                # the next key may cost two rows and a read-ahead
            break
    else:
        last_key = None                       # the listing ended: the phase is done
    for row in lone:
        _remove_version(state, bucket, row)
    return read, last_key


def _newest_versions(db, bucket: str, after: str | None, prefix: str, upper: str | None):
    """(newest version, whether it is the only one) per key, after the key `after`: at
    most two rows read per key, however many versions it has."""
    start, below_id = (prefix, 1 << 62) if after is None else (after, 0)
    while True:
        newest = None
        for key, row in store.seek_versions(db, bucket, start, below_id, upper):
            if newest is not None and key == newest["key"]:
                yield newest, False
                start, below_id = key, 0          # skip the rest of this key's versions
                break
            if newest is not None:
                yield newest, True
            newest = row
        else:
            if newest is not None:
                yield newest, True
            return


def _abort_stale_uploads(state, bucket, rule: dict, now: float, position, budget: int):
    cutoff = _created_before(now, rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
    prefix, upper = _prefix_range(rule)
    start, after_seq = position or (prefix, -1)
    uploads = [upload for _, upload in itertools.islice(
        upload_store.seek_uploads(state.db, bucket["name"], start, after_seq, upper), budget)]
    for upload in uploads:
        if upload["initiated"] < cutoff:
            for blob_id in upload_store.delete_upload(state.db, upload["upload_id"]):
                state.blobs.delete(blob_id)
    last = uploads[-1] if len(uploads) == budget else None
    return len(uploads), (last["key"], last["seq"]) if last else None


def _remove_version(state, bucket, listed):
    """Remove a version found by a listing (whose rows carry only listing columns)."""
    row = store.version(state.db, bucket["name"], listed["key"], listed["version_id"])
    if row is not None:
        _remove(state, row)
        caller = calls.system_context(state, "s3", notifications.LIFECYCLE, bucket["account"], bucket["region"])
        notifications.object_removed(caller, bucket, row["key"], row["version_id"])


def _remove(state, row):
    # With its blob goes any copy made for readers in place (a small or encrypted object's).
    files.delete_later(state.blobs, [store.remove_version(state.db, row)])


def _tags(row) -> dict:
    attrs = store.loads(row["attrs"]) or {}
    return {tag["Key"]: tag["Value"] for tag in attrs.get("TagSet", [])}
