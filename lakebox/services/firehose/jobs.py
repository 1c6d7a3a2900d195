"""Timed work: the flush job delivers buffers that are due, and the source job reads
Kinesis source streams. Both are derived from stored rows and the lakebox clock, so
`POST /_lakebox/clock` flushes what its advance made due."""
import json
import logging

from lakebox.kit import calls
from lakebox.services.firehose import (
    buffer, config, delivery, encryption, lookup, processing, segments, sources, store)
from lakebox.services.glue import public as glue

log = logging.getLogger("lakebox.firehose")
SYNC_FLUSH_BYTES = 4 * 1024 * 1024     # smaller buffers (unconverted) are flushed on the loop
BUSY_RECHECK_SECONDS = 0.5


def flush_due(state, now: float) -> float | None:
    """Scheduler job: flush each due buffer once; returns `now` while some buffer is still
    due, else the next moment one comes due."""
    now_ms = int(now * 1000)
    inflight = state.cache("firehose").setdefault("inflight", {})
    deadline = None
    for uid, lane in store.streams_with_records(state.db):
        task = inflight.get((uid, lane))
        if task is not None and not task.done:
            deadline = _earliest(deadline, now + BUSY_RECHECK_SECONDS)
            continue
        inflight.pop((uid, lane), None)
        stream = store.stream_by_uid(state.db, uid)
        if stream is None:
            continue
        _, size, oldest = store.buffered_summary(state.db, uid, lane)
        # a failed delivery waits for its retry even when the buffer is full (the other
        # lane's failure holds nothing back)
        failed_lane = (store.loads(stream["failure"]) or {}).get("lane", 0)
        retry_at = stream["retry_at_ms"] if failed_lane == lane else 0
        due_at = max(buffer.due_ms(state.db, stream, size, oldest, lane) / 1000, retry_at / 1000)
        if now < due_at:
            deadline = _earliest(deadline, due_at)
            continue
        try:
            finished = _flush(state, stream, size, now_ms, lane)
        except Exception as error:      # one stream's failure must not stop the others' deliveries
            log.exception("delivery stream %s: the flush failed", stream["name"])
            store.set_failure(state.db, uid, {"Type": "UNKNOWN_ERROR",
                                              "Details": f"Delivery failed: {error!r}. It is retried."},
                              now_ms + delivery.RETRY_MS)
            finished = False
        deadline = _earliest(deadline, now if finished else now + BUSY_RECHECK_SECONDS)
    return deadline


def _flush(state, stream, size: int, now_ms: int, lane: int = 0) -> bool:
    """Deliver one buffer's worth (of `lane`: 1 the S3 backup's); True when it finished
    here (more may be due)."""
    uid = stream["uid"]
    try:
        read = segments.reader(state, stream, encryption.opener(encryption.data_keys(state, stream)))
    except encryption.KeyUnusable as unusable:      # the records stay buffered until the key is usable
        store.set_failure(state.db, uid, dict(unusable.failure, Details=f"{unusable.failure['Details']} Records "
                                              f"are kept in the buffer and delivery is retried."),
                          now_ms + delivery.RETRY_MS)
        return False
    catalog = _catalog(state, stream) if lane != buffer.BACKUP else None
    env = processing.Invocation(state.config.functions_dir, lookup.arn_of(stream), stream["region"],
                                lookup.source_arn(stream))
    if size <= SYNC_FLUSH_BYTES and catalog is None and (lane == buffer.BACKUP or not _calls_out(stream)):
        made = delivery.build(state.db, state.blobs, read, stream, now_ms, env, lane=lane)
        delivered = made is not None and delivery.commit(state, stream, made, now_ms)
        buffer.delivered(state, uid)
        return delivered
    task = state.work.submit("firehose", "Deliver", _build_off_loop, stream, state.blobs, read, now_ms, env, catalog,
                             lane, commit=lambda made: _commit_off_loop(state, made, now_ms), discard=delivery.discard)
    state.cache("firehose")["inflight"][(uid, lane)] = task
    return False


def _build_off_loop(task, stream, blobs, read, now_ms, env, catalog, lane):
    return delivery.build(task.reader, blobs, read, stream, now_ms, env, catalog, lane)


def _calls_out(stream) -> bool:
    """HTTP endpoints and Lambda processors (user code) are never called on the loop."""
    destination = json.loads(stream["destination"])
    if destination["kind"] == "HttpEndpoint":
        return True
    settings = destination["config"]
    return any(p["Type"] == "Lambda" for p in processing.processors_of(settings))


def _commit_off_loop(state, made, now_ms):
    stream = store.stream_by_uid(state.db, made.uid) if made is not None else None
    if stream is None:
        delivery.discard(made)
        return False
    committed = delivery.commit(state, stream, made, now_ms)
    buffer.delivered(state, made.uid)
    state.scheduler.poke("firehose")
    return committed


def _catalog(state, stream) -> delivery.Catalog | None:
    """The Glue table a converting stream names, read here on the loop (Glue's catalog is
    read through the loop's connection); None when the stream does not convert."""
    settings = config.s3_settings(json.loads(stream["destination"]))
    conversion = settings.get("DataFormatConversionConfiguration") or {}
    if not conversion.get("Enabled"):
        return None
    schema = conversion.get("SchemaConfiguration") or {}
    ctx = calls.system_context(state, "firehose", "PutRecordBatch", schema.get("CatalogId") or stream["account"],
                               schema.get("Region") or stream["region"])
    version = schema.get("VersionId") or "LATEST"
    try:
        if version == "LATEST":        # "any updates to the table are automatically picked up"
            table = glue.get_table(ctx, schema["DatabaseName"], schema["TableName"])
        else:                          # a version id pins the schema to that version of the table
            table = glue.get_table_version(ctx, schema["DatabaseName"], schema["TableName"], version)
    except (glue.errors.EntityNotFoundException, glue.errors.InvalidInputException) as error:
        return delivery.Catalog(schema, problem=error.message)
    return delivery.Catalog(schema, table=table)


def _earliest(a, b):
    return b if a is None else min(a, b)


JOBS = {"flush": flush_due, "kinesis-sources": sources.read_sources}
