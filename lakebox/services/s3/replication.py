"""Replication carried out: a new version written to a bucket whose replication
configuration has a rule for it is copied to each rule's destination bucket by the
scheduler job, about a second after the write (S3 User Guide, "Replicating objects
within and across Regions", "What does Amazon S3 replicate?", "Getting replication
status information"; radkawar/stackd testdata/aws/s3/replication_flow_replay.json).

The write itself only stores the version with ReplicationStatus PENDING and a row in
`s3_replications` saying when it is due. The job then copies the version -- same version
id, ETag, LastModified, metadata, tags, checksum, bytes -- into each destination with
ReplicationStatus REPLICA, and sets the source's status to COMPLETED, or FAILED when a
destination is missing, not versioned, or its bucket policy does not allow the source's
role s3:ReplicateObject (another account's must allow it, any may deny it), or the source
bucket's policy denies the role both ways of reading the version. Among rules naming the same
destination, the one of highest Priority decides; rules of other destinations apply too.

Delete markers go only where the rule says DeleteMarkerReplication Enabled (a legacy
rule, with a top-level Prefix, replicates them); a rule filtering on tags never matches a
marker. Deleting a version by its id is never replicated (it does not go through here).
Replicas are written straight into the destination, so they are not replicated again.
A version written straight into GLACIER or DEEP_ARCHIVE is not replicated and shows no
status (recorded: stackd replication_flow_replay.json, archive-source runs).

Tags replaced on a version already replicated follow to its replicas while a rule still
selects it (`tags_changed`). Not carried out: objects encrypted with KMS keys (their data
key is bound to the source object's ARN), replica modification sync, changes of
retention or legal hold made after the write, and the s3:Replication:* notifications.
"""
import dataclasses
import logging

from lakebox.kit import calls
from lakebox.services.s3 import access, files, store, stored

log = logging.getLogger("lakebox.s3")
ARCHIVE_CLASSES = ("GLACIER", "DEEP_ARCHIVE")
DELAY = 1.0             # seconds from the write to the copy
ROW_BUDGET = 200        # versions copied per run of the job


def _prefix(rule) -> str | None:
    """The key prefix a rule selects on ('' for all), from either schema."""
    if "Filter" not in rule:
        return rule.get("Prefix") or ""
    found = rule["Filter"] or {}
    if "And" in found:
        return (found["And"] or {}).get("Prefix") or ""
    return found.get("Prefix") or ""


def _tags(rule) -> list:
    found = rule.get("Filter") or {}
    if "Tag" in found:
        return [found["Tag"]]
    return list((found.get("And") or {}).get("Tags") or [])


def _matches(rule, key: str, tags: dict, delete_marker: bool) -> bool:
    if rule.get("Status") != "Enabled" or not key.startswith(_prefix(rule)):
        return False
    wanted = _tags(rule)
    if delete_marker:
        if "Filter" not in rule:
            return True             # the legacy schema replicates delete markers
        return not wanted and (rule.get("DeleteMarkerReplication") or {}).get("Status") == "Enabled"
    return all(tags.get(tag["Key"]) == tag["Value"] for tag in wanted)


def destinations(config, key: str, attrs: dict, delete_marker: bool) -> dict:
    """{destination bucket name: rule} for a version: per destination, the matching
    rule of highest Priority."""
    if not config or attrs.get("ServerSideEncryption", "").startswith("aws:kms"):
        return {}
    tags = {tag["Key"]: tag["Value"] for tag in attrs.get("TagSet") or ()}
    chosen = {}
    for rule in config.get("Rules") or ():
        if not _matches(rule, key, tags, delete_marker):
            continue
        name = rule["Destination"]["Bucket"].rpartition(":")[2]
        if name not in chosen or (rule.get("Priority") or 0) > (chosen[name].get("Priority") or 0):
            chosen[name] = rule
    return chosen


def mark(ctx, bucket, key: str, row: dict) -> bool:
    """Before a new version of a versioned bucket is stored: whether it is to be
    replicated; a version (not a delete marker) then shows ReplicationStatus PENDING."""
    if bucket["versioning"] != "Enabled" or row.get("storage_class") in ARCHIVE_CLASSES:
        return False                # archived writes are not replicated (stackd's archive-source runs)
    config = store.bucket_config(ctx.state, bucket, "replication")
    attrs = row.get("attrs") or {}
    if not config or not destinations(config, key, attrs, bool(row.get("delete_marker"))):
        return False
    if not row.get("delete_marker"):
        row["attrs"] = {**attrs, "ReplicationStatus": "PENDING"}
    return True


def queue(ctx, bucket, key: str, version_id: str):
    """Record the version as due for replication (the request's only extra write)."""
    ctx.state.db.execute("INSERT OR REPLACE INTO s3_replications (bucket, key, version_id, due) VALUES (?, ?, ?, ?)",
                         (bucket["name"], key, version_id, ctx.now + DELAY))
    ctx.state.scheduler.poke("s3")


def tags_changed(ctx, bucket, row, attrs: dict):
    """After a version's tags were replaced or deleted: a version already replicated has
    its new tags copied to its replicas, where a rule still selects it with them; one
    whose new tags no rule selects keeps its replicas as they are, and one that was never
    replicated is not replicated now (stackd replication_tag_filter_replay.json)."""
    if attrs.get("ReplicationStatus") not in ("PENDING", "COMPLETED") or bucket["versioning"] != "Enabled":
        return
    if destinations(store.bucket_config(ctx.state, bucket, "replication"), row["key"], attrs, False):
        queue(ctx, bucket, row["key"], row["version_id"])


def replicate_due(state, now: float) -> float | None:
    """Scheduler job: copy each version whose time has come to its destinations."""
    db = state.db
    due = db.query("SELECT rowid, * FROM s3_replications WHERE due <= ? ORDER BY due LIMIT ?", (now, ROW_BUDGET))
    for entry in due:
        db.execute("DELETE FROM s3_replications WHERE rowid=?", (entry["rowid"],))
        _replicate(state, entry["bucket"], entry["key"], entry["version_id"])
    if len(due) == ROW_BUDGET:
        return now
    following = db.one("SELECT MIN(due) AS due FROM s3_replications")
    return following["due"] if following and following["due"] is not None else None


def _replicate(state, bucket_name: str, key: str, version_id: str):
    bucket = store.get_bucket(state.db, bucket_name)
    row = store.version(state.db, bucket_name, key, version_id) if bucket else None
    if row is None:
        return                      # deleted since: nothing to copy
    attrs = store.loads(row["attrs"])
    config = store.get_config(state.db, bucket_name, "replication")
    targets = destinations(config, key, attrs, bool(row["delete_marker"]))
    role = (config or {}).get("Role") or ""
    done = _readable(state, bucket, row, role) and \
        all([_copied(state, bucket, row, attrs, name, rule, role) for name, rule in targets.items()])
    if not row["delete_marker"] and attrs.get("ReplicationStatus") == "PENDING":
        attrs["ReplicationStatus"] = "COMPLETED" if done and targets else "FAILED"
        store.update_attrs(state.db, row["id"], attrs)


def _role_context(state, bucket, role: str):
    """The role S3 replicates as, a caller of the source bucket's account."""
    ctx = calls.system_context(state, "s3", "ReplicateObject", bucket["account"], bucket["region"])
    return dataclasses.replace(ctx, caller_arn=role) if role else ctx


def _readable(state, bucket, row, role: str) -> bool:
    """The role reads the source version with s3:GetObjectVersionForReplication or, as an
    alternative, s3:GetObjectVersion: a bucket policy denying it one of them leaves the
    other, denying both fails the version (stackd replication_read_alias_replay.json)."""
    ctx = _role_context(state, bucket, role)
    return row["delete_marker"] or any(access.permits(ctx, bucket, row["key"], action) for action in (
        "s3:GetObjectVersionForReplication", "s3:GetObjectVersion"))


def _copied(state, source, row, attrs: dict, name: str, rule: dict, role: str) -> bool:
    try:
        return _copy(state, source, row, attrs, name, rule, role)
    except OSError:                 # the source's bytes are damaged (a blob file lost): S3 could not read them
        log.warning("replication of %s/%s %s to %s failed", source["name"], row["key"], row["version_id"], name,
                    exc_info=True)
        return False


def _copy(state, source, row, attrs: dict, name: str, rule: dict, role: str) -> bool:
    """Write the replica of `row` into bucket `name`; False when it cannot be."""
    target = store.get_bucket(state.db, name)
    if target is None or target["versioning"] != "Enabled":
        return False
    ctx = _role_context(state, source, role)
    if not access.permits(        # another account's bucket must allow it; any can deny it
            ctx, target, row["key"], "s3:ReplicateDelete" if row["delete_marker"] else "s3:ReplicateObject"):
        return False
    destination = rule.get("Destination") or {}
    owner = row["owner"]
    if target["account"] != source["account"] and (
            (destination.get("AccessControlTranslation") or {}).get("Owner") == "Destination"
            or access.acls_disabled(ctx, target)):
        owner = target["account"]
    existing = store.version(state.db, name, row["key"], row["version_id"])
    if existing is not None:        # copied before: only its tags follow the source's
        if not row["delete_marker"]:
            replica_attrs = store.loads(existing["attrs"])
            replica_attrs.pop("TagSet", None)
            replica_attrs.update({"TagSet": attrs["TagSet"]} if attrs.get("TagSet") else {})
            store.update_attrs(state.db, existing["id"], replica_attrs)
        return True
    replica_attrs = dict(attrs)
    if not row["delete_marker"]:
        replica_attrs["ReplicationStatus"] = "REPLICA"
    blob_id = stored.new_blob_id() if row["content"] is not None else None
    if row["blob_id"] and row["content"] is None:
        with open(state.blobs.path(row["blob_id"]), "rb") as src:
            blob_id = state.blobs.commit(files.copy_whole(state.blobs, src, row["size"]))
    replica = {"version_id": row["version_id"], "delete_marker": bool(row["delete_marker"]), "blob_id": blob_id,
               "content": row["content"], "size": row["size"], "etag": row["etag"],
               "last_modified": row["last_modified"], "owner": owner, "parts_count": row["parts_count"],
               "storage_class": destination.get("StorageClass") or row["storage_class"],
               "attrs": replica_attrs, "sealing": row["sealing"]}
    parts = [tuple(part)[1:] for part in store.object_parts(state.db, row["id"])] if row["parts_count"] else []
    files.delete_later(state.blobs, store.write_version(state.db, name, row["key"], replica, parts))
    return True
