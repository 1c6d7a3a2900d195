"""Restores of archived objects (GLACIER, DEEP_ARCHIVE), which take time on the lakebox clock.

RestoreObject starts a restore: HeadObject shows `ongoing-request="true"` and a GET stays
InvalidObjectState until the retrieval tier's time has passed (the upper bound the S3 User
Guide's "Archive retrieval options" gives: GLACIER Expedited 5 minutes, Standard 5 hours,
Bulk 12 hours; DEEP_ARCHIVE Standard 12 hours, Bulk 48 hours). Then the copy is readable
until the midnight UTC after its days, counted from the completion. A second request while
one is under way is 409 RestoreAlreadyInProgress unless it asks a faster tier with the same
days (an upgrade, 202); one on a restored copy only sets its days
again, counted from that request (200). The request is an `ObjectRestore:Post` event, the
completion an `ObjectRestore:Completed` one, sent by the scheduler job at the time it is due.
"""
from lakebox.kit import calls
from lakebox.services.s3 import access, errors, notifications, store, versions

RESTORABLE_CLASSES = ("GLACIER", "DEEP_ARCHIVE")
HOUR = 3600
RETRIEVAL_SECONDS = {"GLACIER": {"Expedited": 5 * 60, "Standard": 5 * HOUR, "Bulk": 12 * HOUR},
                     "DEEP_ARCHIVE": {"Standard": 12 * HOUR, "Bulk": 48 * HOUR}}
ROW_BUDGET = 500            # completions told per run of the job


def restore_object(ctx, params):
    bucket = access.request_bucket(ctx, params)
    row = versions.find(ctx, bucket, params["Key"], params.get("VersionId"))
    attrs = store.loads(row["attrs"])
    storage_class = row["storage_class"]
    if storage_class not in RESTORABLE_CLASSES:
        raise errors.error("InvalidObjectState", "Restore is not allowed for the object's current storage class",
                           StorageClass=storage_class)
    request = params.get("RestoreRequest") or {}
    days, tier = _checked_request(request)
    times = RETRIEVAL_SECONDS[storage_class]
    if tier not in times:
        raise errors.error("InvalidTier")       # DEEP_ARCHIVE has no Expedited retrieval
    shown = versions.live_restore(attrs, ctx.now)
    if shown and 'ongoing-request="true"' in shown:
        return _upgrade(ctx, row, attrs, days, tier, times)
    attrs.pop("Restore", None)          # the form before restores took time
    if shown:                           # a restored copy: only its days change, counted from now
        attrs["RestoreJob"] = dict(attrs.get("RestoreJob") or {"ready": ctx.now}, since=ctx.now, days=days)
        store.update_attrs(ctx.state.db, row["id"], attrs)
        return {"__status__": 200}
    ready = ctx.now + times.get(tier, times["Standard"])
    attrs["RestoreJob"] = {"ready": ready, "since": ready, "days": days, "tier": tier}
    store.update_attrs(ctx.state.db, row["id"], attrs)
    store.add_restore(ctx.state.db, row["id"], ready)
    ctx.state.scheduler.poke("s3")
    notifications.object_restore(ctx, bucket, row, "ObjectRestore:Post")
    return {"__status__": 202}


TIERS = ("Standard", "Bulk", "Expedited")
MAX_DAYS = 2 ** 31 - 1


def _checked_request(request: dict) -> tuple[int, str]:
    """The days and tier of an archive restore, as S3 judges the body (radkawar/stackd
    restore_replay.json r7: empty, missing-days, days-zero/-negative/-maxint/-overflow,
    tier-invalid/-lowercase, top-tier-invalid, select-minimal, output-days, invalid-type):
    a SELECT restore is no longer served (MethodNotAllowed), another Type, an output
    location, a tier S3 does not name (case counts), a top-level Tier (a SELECT's, even
    a valid one: r8 top-tier-only, both-tier-conflict), no days or days outside a 32-bit
    integer (r8 below-int32-minimum) are MalformedXML, days below one InvalidArgument."""
    kind = request.get("Type")
    if kind == "SELECT":
        raise errors.error("MethodNotAllowed")
    tier = (request.get("GlacierJobParameters") or {}).get("Tier") or "Standard"
    days = request.get("Days")
    if kind is not None or request.get("OutputLocation") is not None or request.get("Tier") is not None \
            or tier not in TIERS or days is None or not -MAX_DAYS - 1 <= days <= MAX_DAYS:
        raise errors.error("MalformedXML")
    if days < 1:
        raise errors.error("InvalidArgument", "Days must be greater than 0", ArgumentName="Days",
                           ArgumentValue=str(days))
    return days, tier


def _upgrade(ctx, row, attrs, days, tier, times):
    """A restore under way takes a faster tier asked with the same days (202); anything
    else -- other days, the same or a slower tier -- is 409 RestoreAlreadyInProgress (replies
    recorded from S3: pending Bulk upgraded to Standard or Expedited, a downgrade refused)."""
    job = attrs.get("RestoreJob") or {}
    current = job.get("tier", "Standard")
    if days != job.get("days") or tier not in times or times[tier] >= times.get(current, times["Standard"]):
        raise errors.error("RestoreAlreadyInProgress")
    ready = min(job["ready"], ctx.now + times[tier])
    attrs["RestoreJob"] = dict(job, ready=ready, since=ready, tier=tier)
    store.update_attrs(ctx.state.db, row["id"], attrs)
    store.add_restore(ctx.state.db, row["id"], ready)
    ctx.state.scheduler.poke("s3")
    return {"__status__": 202}


def complete_due(state, now: float) -> float | None:
    """Scheduler job: tell each restore that is done (ObjectRestore:Completed)."""
    due = store.due_restores(state.db, now, ROW_BUDGET)
    for entry in due:
        store.drop_restore(state.db, entry["object_id"])
        row = store.object_row(state.db, entry["object_id"])
        job = store.loads(row["attrs"]).get("RestoreJob") if row else None
        if not job or job["ready"] != entry["ready"]:
            continue                    # overwritten since: nothing is restored
        bucket = store.get_bucket(state.db, row["bucket"])
        caller = calls.system_context(state, "s3", notifications.RESTORED, bucket["account"], bucket["region"])
        caller.now = entry["ready"]         # the event is dated when the copy was ready
        expiry = versions.restored_until(job["since"], job["days"])
        notifications.object_restore(caller, bucket, row, "ObjectRestore:Completed", {"glacierEventData": {
            "restoreEventData": {"lifecycleRestorationExpiryTime": notifications.event_time(expiry),
                                 "lifecycleRestoreStorageClass": row["storage_class"]}}})
    if len(due) == ROW_BUDGET:
        return now
    return store.next_restore(state.db)
