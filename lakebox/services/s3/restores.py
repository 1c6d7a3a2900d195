"""Restores of archived objects (GLACIER, DEEP_ARCHIVE), which take time on the lakebox clock.

RestoreObject starts a restore: HeadObject shows `ongoing-request="true"` and a GET stays
InvalidObjectState until the retrieval tier's time has passed (the upper bound the S3 User
Guide's "Archive retrieval options" gives: GLACIER Expedited 5 minutes, Standard 5 hours,
Bulk 12 hours; DEEP_ARCHIVE Standard 12 hours, Bulk 48 hours). Then the copy is readable
until the midnight UTC after its days, counted from the completion. A second request while
one is under way is 409 RestoreAlreadyInProgress; one on a restored copy only sets its days
again, counted from that request (200).
"""
from lakebox.services.s3 import access, errors, store, versions

RESTORABLE_CLASSES = ("GLACIER", "DEEP_ARCHIVE")
HOUR = 3600
RETRIEVAL_SECONDS = {"GLACIER": {"Expedited": 5 * 60, "Standard": 5 * HOUR, "Bulk": 12 * HOUR},
                     "DEEP_ARCHIVE": {"Standard": 12 * HOUR, "Bulk": 48 * HOUR}}


def restore_object(ctx, params):
    bucket = access.request_bucket(ctx, params)
    row = versions.find(ctx, bucket, params["Key"], params.get("VersionId"))
    attrs = store.loads(row["attrs"])
    storage_class = row["storage_class"]
    if storage_class not in RESTORABLE_CLASSES:
        raise errors.error("InvalidObjectState", "Restore is not allowed for the object's current storage class",
                           StorageClass=storage_class)
    request = params.get("RestoreRequest") or {}
    days = request.get("Days") or 1
    shown = versions.live_restore(attrs, ctx.now)
    if shown and 'ongoing-request="true"' in shown:
        raise errors.error("RestoreAlreadyInProgress")
    attrs.pop("Restore", None)          # the form before restores took time
    if shown:                           # a restored copy: only its days change, counted from now
        attrs["RestoreJob"] = dict(attrs.get("RestoreJob") or {"ready": ctx.now}, since=ctx.now, days=days)
        store.update_attrs(ctx.state.db, row["id"], attrs)
        return {"__status__": 200}
    tier = (request.get("GlacierJobParameters") or {}).get("Tier") or request.get("Tier") or "Standard"
    times = RETRIEVAL_SECONDS[storage_class]
    ready = ctx.now + times.get(tier, times["Standard"])
    attrs["RestoreJob"] = {"ready": ready, "since": ready, "days": days}
    store.update_attrs(ctx.state.db, row["id"], attrs)
    return {"__status__": 202}

