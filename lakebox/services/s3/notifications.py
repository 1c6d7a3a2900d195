"""Event notifications to SQS: after an object is created or removed, each queue
configuration of the bucket whose events and key filter match gets S3's event message
(the S3 User Guide's "Event message structure", in the version 2.6 S3 now sends). Lifecycle expiry sends `LifecycleExpiration:*` events, never `ObjectRemoved:*`, and
a lifecycle transition `LifecycleTransition` (with lifecycleEventData), in version 2.3 with S3 itself (`s3.amazonaws.com`) as the principal and the source address,
as the User Guide's "Configuring S3 Lifecycle event notifications" shows them. A change
to an object's tags or ACL sends ObjectTagging:* or ObjectAcl:Put (key and ETag only, as S3's events recorded in LocalStack's AWS-validated snapshots show them).
Topic (SNS) and Lambda destinations are stored only: lakebox serves neither."""
import datetime
import json
from urllib.parse import quote_plus

from lakebox.aws.errors import s3_host_id
from lakebox.services.s3 import store
from lakebox.services.sqs import public as sqs

LIFECYCLE = "LifecycleExpiration"     # the operation name of lifecycle expiry's contexts
RESTORED = "RestoreCompleted"          # the operation name of a restore's completion
S3_ITSELF = "s3.amazonaws.com"        # who lifecycle's and restore completion's events name as principal and source

# Events of a change to an object's tags or ACL, not to its bytes.
OBJECT_SETTINGS = ("ObjectTagging:Put", "ObjectTagging:Delete", "ObjectAcl:Put")

# A retention change: ObjectRetention:Put, in event version 2.6, with no sequencer and
# (while one is set) objectRetentionEventData, as S3's deliveries were recorded.
RETENTION_PUT = "ObjectRetention:Put"

# The operation that wrote an object -> the event S3 names for it.
CREATED_BY = {"PutObject": "ObjectCreated:Put", "CopyObject": "ObjectCreated:Copy",
              "CompleteMultipartUpload": "ObjectCreated:CompleteMultipartUpload"}


def object_created(ctx, bucket, key: str, row: dict, version_id: str):
    queues = _queues(ctx, bucket)
    if not queues:
        return                       # the everyday PUT: nothing to tell
    event = CREATED_BY.get(ctx.operation, "ObjectCreated:Put")
    if ctx.operation == "PutObject" and _form_upload(ctx):
        event = "ObjectCreated:Post"        # judged as a PutObject, named a Post
    if row.get("delete_marker"):
        event = f"{_removal(ctx)}:DeleteMarkerCreated"
    details = {"key": quote_plus(key, safe="/")}
    if not row.get("delete_marker"):
        details.update(size=row.get("size", 0), eTag=(row.get("etag") or "").strip('"'))
    _notify(ctx, queues, bucket, key, event, details, version_id)


def object_removed(ctx, bucket, key: str, version_id: str):
    queues = _queues(ctx, bucket)
    if queues:
        _notify(ctx, queues, bucket, key, f"{_removal(ctx)}:Delete", {"key": quote_plus(key, safe="/")}, version_id)


def object_transitioned(ctx, bucket, row, storage_class: str):
    """A lifecycle transition: LifecycleTransition, naming the class it moved to."""
    queues = _queues(ctx, bucket)
    if queues:
        details = {"key": quote_plus(row["key"], safe="/"), "size": row["size"], "eTag": (row["etag"] or "").strip('"')}
        _notify(ctx, queues, bucket, row["key"], "LifecycleTransition", details, row["version_id"], {
            "lifecycleEventData": {"transitionEventData": {"destinationStorageClass": storage_class}}})


def object_restore(ctx, bucket, row, event: str, extra=None):
    """ObjectRestore:Post when a restore is asked for, ObjectRestore:Completed (with its
    glacierEventData) when the restored copy is ready."""
    queues = _queues(ctx, bucket)
    if queues:
        details = {"key": quote_plus(row["key"], safe="/"), "size": row["size"], "eTag": (row["etag"] or "").strip('"')}
        _notify(ctx, queues, bucket, row["key"], event, details, row["version_id"], extra)


def object_setting_changed(ctx, bucket, row, event: str):
    """ObjectTagging:Put, ObjectTagging:Delete and ObjectAcl:Put: the object named by its
    key and ETag (no size, no sequencer)."""
    queues = _queues(ctx, bucket)
    if queues:
        details = {"key": quote_plus(row["key"], safe="/"), "eTag": (row["etag"] or "").strip('"')}
        _notify(ctx, queues, bucket, row["key"], event, details, row["version_id"])


def object_retention_changed(ctx, bucket, row, mode: str | None, until):
    queues = _queues(ctx, bucket)
    if queues:
        details = {"key": quote_plus(row["key"], safe="/"), "size": row["size"], "eTag": (row["etag"] or "").strip('"')}
        extra = {"objectRetentionEventData": {"mode": mode, "retainUntilDate": event_time(until.timestamp())}} \
            if mode else None
        _notify(ctx, queues, bucket, row["key"], RETENTION_PUT, details, row["version_id"], extra)


def _form_upload(ctx) -> bool:
    """A browser form upload (S3's PostObject): a multipart/form-data POST."""
    return ctx.headers.get("content-type", "").startswith("multipart/form-data") and ctx.request.method == "POST"


def _removal(ctx) -> str:
    return LIFECYCLE if ctx.operation == LIFECYCLE else "ObjectRemoved"


def sends_events(ctx, bucket) -> bool:
    """Whether the bucket has somewhere to send its events (an object write's event then
    lands in the write's transaction)."""
    return bool(_queues(ctx, bucket))


def _queues(ctx, bucket) -> list:
    config = store.bucket_config(ctx.state, bucket, "notification") or {}
    return config.get("QueueConfigurations") or []


def _notify(ctx, queues, bucket, key, event, details, version_id, extra=None):
    for entry in queues:
        if _matches(entry, event, key):
            message = _message(ctx, bucket, event, details, version_id, entry["Id"])
            message["Records"][0].update(extra or {})
            sqs.send_event(ctx.state, entry["QueueArn"], json.dumps(message), "s3",
                           f"arn:aws:s3:::{bucket['name']}", bucket["account"])


def _matches(entry, event: str, key: str) -> bool:
    wanted = entry.get("Events") or []
    if not any(name == "s3:" + event or (name.endswith(":*") and ("s3:" + event).startswith(name[:-1]))
               for name in wanted):
        return False
    for rule in ((entry.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []:
        name, value = rule.get("Name", "").lower(), rule.get("Value", "")
        if (name == "prefix" and not key.startswith(value)) or (name == "suffix" and not key.endswith(value)):
            return False
    return True


def _message(ctx, bucket, event, details, version_id, configuration_id) -> dict:
    setting = event in OBJECT_SETTINGS
    obj = dict(details) if setting or event == RETENTION_PUT else \
        dict(details, sequencer=f"{int(ctx.now * 1_000_000):016X}")
    if version_id and version_id != "null":
        obj["versionId"] = version_id
    by_lifecycle = ctx.operation == LIFECYCLE
    by_s3 = by_lifecycle or ctx.operation == RESTORED
    return {"Records": [{
        "eventVersion": _version(event, by_lifecycle), "eventSource": "aws:s3", "awsRegion": bucket["region"],
        "eventTime": event_time(ctx.now),
        "eventName": event, "userIdentity": {"principalId": S3_ITSELF if by_s3 else _principal_id(ctx)},
        "requestParameters": {"sourceIPAddress": S3_ITSELF if by_s3 else "127.0.0.1"},
        "responseElements": {"x-amz-request-id": ctx.request_id, "x-amz-id-2": s3_host_id(ctx.request_id)},
        "s3": {"s3SchemaVersion": "1.0", "configurationId": configuration_id,
               "bucket": {"name": bucket["name"], "ownerIdentity": {"principalId": bucket["account"]},
                          "arn": f"arn:aws:s3:::{bucket['name']}"},
               "object": obj}}]}


def _version(event: str, by_lifecycle: bool) -> str:
    """The event structure version: 2.6 for what a request did (ObjectCreated:*,
    ObjectRemoved:*, ObjectTagging:*, as S3 sent them in 2026: radkawar/stackd
    testdata/aws/s3/multipart_events_replay.json; ObjectAcl:Put too: acl_notifications_replay.json), 2.3 for
    lifecycle's, 2.1 for restores' (the User Guide's, not recorded since)."""
    if by_lifecycle:
        return "2.3"
    return "2.1" if event.startswith("ObjectRestore") else "2.6"


def _principal_id(ctx) -> str:
    """Who caused the event, as S3 names them: `AWS:` and the caller's user id (a role
    session's is `AROA...:<session name>`, as aws:userid and GetCallerIdentity give it)."""
    return f"AWS:{ctx.session['user_id'] if ctx.session else ctx.account}"


def configuration_stored(ctx, bucket, config: dict):
    """S3 tells each queue of a new configuration with a test event."""
    test = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": event_time(ctx.now), "Bucket": bucket["name"],
            "RequestId": ctx.request_id, "HostId": s3_host_id(ctx.request_id)}
    for entry in config.get("QueueConfigurations") or []:
        sqs.send_event(ctx.state, entry["QueueArn"], json.dumps(test), "s3", f"arn:aws:s3:::{bucket['name']}",
                       bucket["account"])


def event_time(now: float) -> str:
    """ISO 8601 with milliseconds, as S3's events give it: 2026-01-02T03:04:05.678Z."""
    when = datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
