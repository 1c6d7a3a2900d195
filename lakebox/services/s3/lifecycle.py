"""Lifecycle expiration: objects, old versions, delete markers and stale uploads go away
on the lakebox clock, as the bucket's lifecycle rules say.

S3 counts a rule's days from the object's creation (for old versions: from when they
became noncurrent; for uploads: from initiation) and rounds the result up to the next
midnight UTC: an object written on 14 Aug at 19:57 under a 60-day rule expires on 14 Oct
at 00:00. So every expiry falls on a midnight, and the job only needs to run at
midnights, or at once when the clock moves or a configuration changes (a poke).
Transitions to other storage classes are not acted on: lakebox has one storage class.
"""
import datetime

from lakebox.services.s3 import model, public, store

DAY = 86400


def expire_due(state, now: float) -> float | None:
    """Apply every bucket's lifecycle rules at `now`; returns the next midnight UTC, or
    None when no bucket has rules (the scheduler then asks again shortly)."""
    names = _buckets_with_rules(state.db)
    for name in names:
        bucket = store.get_bucket(state.db, name)
        rules = enabled_rules(store.get_config(state.db, name, "lifecycle"))
        if bucket is not None and rules:
            _apply(state, bucket, rules, now)
    return next_midnight(now) if names else None


def _buckets_with_rules(db) -> list[str]:
    # A read of store.py's config table; store.py has no function listing buckets by
    # configuration kind (yet).
    rows = db.query("SELECT bucket FROM s3_bucket_configs WHERE kind='lifecycle' AND config_id='' ORDER BY bucket")
    return [row["bucket"] for row in rows]


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
# Acting on one bucket

def _apply(state, bucket, rules: list, now: float):
    for rule in rules:
        expiration = rule.get("Expiration") or {}
        if expiration.get("Days") is not None or expiration.get("Date") is not None:
            _expire_current(state, bucket, rule, now)
        if rule.get("NoncurrentVersionExpiration"):
            _expire_noncurrent(state, bucket, rule, now)
        if expiration.get("ExpiredObjectDeleteMarker"):
            _remove_lone_delete_markers(state, bucket, rule, float("inf"))
        elif expiration.get("Days") is not None:
            # A Days rule also clears delete markers left alone, once they are that old.
            _remove_lone_delete_markers(state, bucket, rule, _created_before(now, expiration["Days"]))
        if rule.get("AbortIncompleteMultipartUpload"):
            _abort_stale_uploads(state, bucket, rule, now)


def _prefix_range(rule: dict) -> tuple[str, str | None]:
    prefix = _conditions(rule).get("Prefix", "")
    return prefix, model.prefix_upper_bound(prefix)


def _expire_current(state, bucket, rule: dict, now: float):
    expiration = rule["Expiration"]
    if expiration.get("Days") is not None:
        cutoff = _created_before(now, expiration["Days"])
    elif now >= _epoch(expiration["Date"]):
        cutoff = float("inf")
    else:
        return
    prefix, upper = _prefix_range(rule)
    due = [row for key, row in store.seek_current(state.db, bucket["name"], prefix, True, upper)
           if row["last_modified"] < cutoff and matches(rule, key, row["size"], _tags(row))]
    for row in due:
        # As DeleteObject: gone where versioning was never on, else under a delete marker.
        public.delete_object(state, bucket["name"], row["key"])


def _expire_noncurrent(state, bucket, rule: dict, now: float):
    settings = rule["NoncurrentVersionExpiration"]
    cutoff = _created_before(now, settings.get("NoncurrentDays") or 0)
    keep = settings.get("NewerNoncurrentVersions") or 0
    prefix, upper = _prefix_range(rule)
    due, newer, noncurrent_seen = [], None, 0
    for key, row in store.seek_versions(state.db, bucket["name"], prefix, 1 << 62, upper):
        if newer is None or newer["key"] != key:
            noncurrent_seen = 0
        elif not row["is_latest"]:
            noncurrent_seen += 1
            # A version became noncurrent when the next newer one was written.
            if (noncurrent_seen > keep and newer["last_modified"] < cutoff
                    and matches(rule, key, row["size"], _tags(row))):
                due.append(row)
        newer = row
    for row in due:
        _remove_version(state, bucket, row)


def _remove_lone_delete_markers(state, bucket, rule: dict, cutoff: float):
    """Remove delete markers that are the only version of their key, written before cutoff."""
    prefix, upper = _prefix_range(rule)
    versions = {}
    for key, row in store.seek_versions(state.db, bucket["name"], prefix, 1 << 62, upper):
        versions.setdefault(key, []).append(row)
    for rows in versions.values():
        if len(rows) == 1 and rows[0]["delete_marker"] and rows[0]["last_modified"] < cutoff:
            _remove_version(state, bucket, rows[0])


def _abort_stale_uploads(state, bucket, rule: dict, now: float):
    cutoff = _created_before(now, rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
    prefix, upper = _prefix_range(rule)
    stale = [upload["upload_id"] for _, upload in store.seek_uploads(state.db, bucket["name"], prefix, -1, upper)
             if upload["initiated"] < cutoff]
    for upload_id in stale:
        for blob_id in store.delete_upload(state.db, upload_id):
            state.blobs.delete(blob_id)


def _remove_version(state, bucket, listed):
    """Remove a version found by a listing (whose rows carry only listing columns)."""
    row = store.version(state.db, bucket["name"], listed["key"], listed["version_id"])
    if row is not None:
        _remove(state, row)


def _remove(state, row):
    blob_id = store.remove_version(state.db, row)
    if blob_id:
        state.blobs.delete(blob_id)


def _tags(row) -> dict:
    attrs = store.loads(row["attrs"]) or {}
    return {tag["Key"]: tag["Value"] for tag in attrs.get("TagSet", [])}
