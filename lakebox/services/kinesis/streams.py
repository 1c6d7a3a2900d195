"""Stream lifecycle and settings: create, delete, describe, list, mode, retention,
record size, warm throughput, encryption, enhanced monitoring, limits, account settings."""
import base64
import json
import secrets
import string

from lakebox.services.kinesis import encryption, lookup, model, segments, store, tagging, throttle
from lakebox.services.kinesis.errors import (
    InvalidArgumentException, LimitExceededException, ResourceInUseException, ValidationException)

DESCRIBE_STREAM_DEFAULT_LIMIT = 100
LIST_STREAMS_MAX = 100
MIN_COMMITMENT_MS = 24 * 3_600_000       # a throughput commitment runs at least 24 h
MODE_SWITCH_WINDOW_MS = 24 * 3_600_000


# ---------------------------------------------------------------------------
# Create and delete


def create_stream(ctx, params):
    db = ctx.state.db
    name = params["StreamName"]
    mode = (params.get("StreamModeDetails") or {}).get("StreamMode", _default_mode(params))
    shard_count = _initial_shard_count(mode, params.get("ShardCount"), params.get("WarmThroughputMiBps"))
    if store.stream_by_name(db, ctx.account, ctx.region, name) is not None:
        raise ResourceInUseException(f"Stream {name} under account {ctx.account} already exists.")
    tagging.check_new_tags(params.get("Tags") or {}, ctx.account, f"stream {name}")
    now = lookup.now_ms(ctx)
    if ctx.limits_on:
        _check_create_limits(ctx, mode, shard_count, now)
    with db.transaction():
        uid = store.insert_stream(
            db, account=ctx.account, region=ctx.region, name=name, stream_id=_new_stream_id(), mode=mode,
            created_ms=now, busy_status="CREATING", busy_until_ms=now + lookup.transition_ms(ctx),
            retention_hours=model.DEFAULT_RETENTION_HOURS,
            max_record_kib=params.get("MaxRecordSizeInKiB") or model.DEFAULT_MAX_RECORD_KIB,
            warm_throughput_mibps=params.get("WarmThroughputMiBps"), next_shard_index=shard_count)
        plans = [model.ShardPlan(i, start, end) for i, (start, end) in enumerate(model.even_ranges(shard_count))]
        store.insert_shards(db, uid, plans, now)
        if params.get("Tags"):
            store.put_tags(db, ctx.account, ctx.region, lookup.stream_arn(ctx.account, ctx.region, name),
                           params["Tags"])
    return {}


def _default_mode(params) -> str:
    """A stream asked for with neither a mode nor a shard count is on-demand, as AWS
    creates it today (a recorded CreateStream without ShardCount: an on-demand stream
    of 4 shards); a shard count alone means provisioned."""
    return "ON_DEMAND" if params.get("ShardCount") is None else "PROVISIONED"


def _initial_shard_count(mode, shard_count, warm_throughput) -> int:
    if mode == "PROVISIONED":
        if shard_count is None:
            raise InvalidArgumentException("ShardCount is required for PROVISIONED streams.")
        if warm_throughput is not None:
            raise InvalidArgumentException("WarmThroughputMiBps is only supported for ON_DEMAND streams.")
        return shard_count
    if shard_count is not None:
        raise InvalidArgumentException("ShardCount is not supported for ON_DEMAND streams.")
    return model.ON_DEMAND_INITIAL_SHARDS


def _check_create_limits(ctx, mode, shard_count, now):
    db = ctx.state.db
    existing = store.all_streams(db, ctx.account, ctx.region)
    creating = sum(1 for s in existing if lookup.status_of(s, now) == "CREATING")
    if creating >= throttle.MAX_CREATING_STREAMS:
        # AWS's words (tools such as Terraform retry on "simultaneously be in CREATING or DELETING").
        raise LimitExceededException(
            "This request would have exceed the limit on the number of streams that can simultaneously be in "
            f"CREATING or DELETING for the account {ctx.account}. Limit: {throttle.MAX_CREATING_STREAMS}.")
    if mode == "ON_DEMAND":
        on_demand = sum(1 for s in existing if s["mode"] == "ON_DEMAND")
        if on_demand >= throttle.ON_DEMAND_STREAM_LIMIT:
            raise LimitExceededException(
                f"Account {ctx.account} has reached the limit of {throttle.ON_DEMAND_STREAM_LIMIT} "
                f"ON_DEMAND streams.")
    check_shard_quota(ctx, shard_count)


def check_shard_quota(ctx, additional: int):
    """Open shards per account and region, checked before any change that adds shards."""
    current = store.open_shard_count(ctx.state.db, ctx.account, ctx.region)
    limit = throttle.shard_limit(ctx.region)
    if current + additional > limit:
        raise LimitExceededException(
            f"This request would exceed the shard limit for the account {ctx.account} in {ctx.region}. "
            f"Current shard count for the account: {current}. Limit: {limit}. Number of additional shards "
            f"that would have resulted from this request: {additional}. Refer to the AWS Service Limits page "
            f"(https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits "
            f"and how to request higher limits.")


def _new_stream_id() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(20)) + "-" + "".join(
        secrets.choice(alphabet) for _ in range(3))


def delete_stream(ctx, params):
    stream = lookup.stream_from(ctx, params)
    if not params.get("EnforceConsumerDeletion") and store.consumers(ctx.state.db, stream["uid"]):
        raise ResourceInUseException(
            f"Stream {stream['name']} under account {stream['account']} has registered consumers. "
            f"Deregister them first or set EnforceConsumerDeletion.")
    store.delete_stream(ctx.state.db, stream, lookup.arn_of(stream))
    segments.drop_stream(ctx.state, stream)
    return {}


# ---------------------------------------------------------------------------
# Describe and list


def describe_stream(ctx, params):
    stream = lookup.stream_from(ctx, params)
    now = lookup.now_ms(ctx)
    shards = [s for s in store.shards(ctx.state.db, stream["uid"]) if not lookup.shard_expired(s, stream, now)]
    start = params.get("ExclusiveStartShardId")
    if start is not None:
        after = model.shard_index(start)
        shards = [s for s in shards if after is not None and s["shard_index"] > after]
    # AWS: "If you specify a value greater than 100, at most 100 results are returned."
    limit = min(params.get("Limit") or DESCRIBE_STREAM_DEFAULT_LIMIT, DESCRIBE_STREAM_DEFAULT_LIMIT)
    status = lookup.status_of(stream, now)
    view = lookup.shown(ctx.state.db, stream, status)
    description = {
        "StreamName": stream["name"], "StreamARN": lookup.arn_of(stream),
        "StreamStatus": status, "StreamModeDetails": lookup.mode_details(view),
        "Shards": [lookup.describe_shard(stream, s) for s in shards[:limit]],
        "HasMoreShards": len(shards) > limit, "RetentionPeriodHours": view["retention_hours"],
        "StreamCreationTimestamp": model.creation_seconds(stream["created_ms"]),
        "EnhancedMonitoring": [{"ShardLevelMetrics": store.metrics_of(view)}],
        "EncryptionType": view["encryption_type"], "KeyId": view["key_id"],
    }
    return {"StreamDescription": description}


def describe_stream_summary(ctx, params):
    stream = lookup.stream_from(ctx, params)
    db = ctx.state.db
    now = lookup.now_ms(ctx)
    status = lookup.status_of(stream, now)
    view = lookup.shown(db, stream, status)
    summary = {
        "StreamName": stream["name"], "StreamARN": lookup.arn_of(stream),
        "StreamStatus": status, "StreamModeDetails": lookup.mode_details(view),
        "RetentionPeriodHours": view["retention_hours"],
        "StreamCreationTimestamp": model.creation_seconds(stream["created_ms"]),
        "EnhancedMonitoring": [{"ShardLevelMetrics": store.metrics_of(view)}],
        "EncryptionType": view["encryption_type"], "KeyId": view["key_id"],
        "OpenShardCount": view["open_shards"],
        "ConsumerCount": len(store.consumers(db, stream["uid"])),
        "MaxRecordSizeInKiB": view["max_record_kib"],
    }
    if status == "CREATING":
        # AWS: a stream still CREATING counts no open shards yet (the member is absent).
        del summary["OpenShardCount"]
    if stream["mode"] == "ON_DEMAND" and stream["warm_throughput_mibps"] is not None:
        summary["WarmThroughput"] = _warm_throughput(stream)
    return {"StreamDescriptionSummary": summary}


def list_streams(ctx, params):
    after = params.get("ExclusiveStartStreamName") or ""
    if params.get("NextToken"):
        if "ExclusiveStartStreamName" in params:
            raise InvalidArgumentException("ExclusiveStartStreamName and NextToken cannot be provided together.")
        after = _name_from_token(params["NextToken"])
    limit = min(params.get("Limit") or LIST_STREAMS_MAX, LIST_STREAMS_MAX)
    rows = store.streams_after(ctx.state.db, ctx.account, ctx.region, after, limit + 1)
    page, more = rows[:limit], len(rows) > limit
    now = lookup.now_ms(ctx)
    result = {
        "StreamNames": [s["name"] for s in page], "HasMoreStreams": more,
        "StreamSummaries": [{"StreamName": s["name"], "StreamARN": lookup.arn_of(s),
                             "StreamStatus": lookup.status_of(s, now), "StreamModeDetails": lookup.mode_details(s),
                             "StreamCreationTimestamp": model.creation_seconds(s["created_ms"])} for s in page],
    }
    if more:
        result["NextToken"] = base64.urlsafe_b64encode(json.dumps({"after": page[-1]["name"]}).encode()).decode()
    return result


def _name_from_token(token: str) -> str:
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode()))["after"]
    except (ValueError, KeyError, TypeError):
        raise InvalidArgumentException("Invalid NextToken.") from None


# ---------------------------------------------------------------------------
# Settings that change a stream


def update_stream_mode(ctx, params):
    stream = lookup.active_stream_from(ctx, params)
    mode = params["StreamModeDetails"]["StreamMode"]
    warm = params.get("WarmThroughputMiBps")
    if warm is not None and mode != "ON_DEMAND":
        raise InvalidArgumentException("WarmThroughputMiBps is only supported for ON_DEMAND streams.")
    if mode != stream["mode"]:
        now = lookup.now_ms(ctx)
        if ctx.limits_on:
            recent = store.mode_switches_since(ctx.state.db, stream["uid"], now - MODE_SWITCH_WINDOW_MS)
            if recent >= throttle.MAX_MODE_SWITCHES_PER_DAY:
                raise throttle.stream_rate_exceeded(stream)
        with ctx.state.db.transaction():
            _set_updating(ctx, stream, mode=mode, warm_throughput_mibps=warm)
            store.add_mode_switch(ctx.state.db, stream["uid"], now)
    return {}


def increase_stream_retention_period(ctx, params):
    stream = lookup.active_stream_from(ctx, params)
    hours = params["RetentionPeriodHours"]
    if hours > model.MAX_RETENTION_HOURS:
        raise InvalidArgumentException(
            f"Maximum allowed retention period is {model.MAX_RETENTION_HOURS} hours. "
            f"Requested retention period ({hours} hours) is too long.")
    if hours < stream["retention_hours"]:
        raise InvalidArgumentException(
            f"Requested retention period ({hours} hours) for stream {stream['name']} can not be shorter than "
            f"existing retention period ({stream['retention_hours']} hours). Use DecreaseRetentionPeriod API.")
    if hours != stream["retention_hours"]:
        _set_updating(ctx, stream, retention_hours=hours)
    return {}


def decrease_stream_retention_period(ctx, params):
    stream = lookup.active_stream_from(ctx, params)
    hours = params["RetentionPeriodHours"]
    if hours < model.MIN_RETENTION_HOURS:
        raise InvalidArgumentException(
            f"Minimum allowed retention period is {model.MIN_RETENTION_HOURS} hours. "
            f"Requested retention period ({hours} hours) is too short.")
    if hours > stream["retention_hours"]:
        raise InvalidArgumentException(
            f"Requested retention period ({hours} hours) for stream {stream['name']} can not be longer than "
            f"existing retention period ({stream['retention_hours']} hours). Use IncreaseRetentionPeriod API.")
    if hours != stream["retention_hours"]:
        _set_updating(ctx, stream, retention_hours=hours)
    ctx.state.scheduler.poke("kinesis")   # records past the shorter retention go now
    return {}


def update_max_record_size(ctx, params):
    stream = lookup.active_stream_from(ctx, params)
    if params["MaxRecordSizeInKiB"] != stream["max_record_kib"]:
        _set_updating(ctx, stream, max_record_kib=params["MaxRecordSizeInKiB"])
    return {}


def update_stream_warm_throughput(ctx, params):
    stream = lookup.active_stream_from(ctx, params)
    # Warm throughput comes with the account's minimum throughput billing commitment: without
    # it real Kinesis refuses any stream, of either mode (radkawar/stackd controls.json).
    if _commitment(ctx)["Status"] == "DISABLED":
        raise ValidationException(f"Account {ctx.account} is not enabled for minimum throughput billing commitment")
    if stream["mode"] != "ON_DEMAND":
        raise InvalidArgumentException(
            f"Warm throughput can only be configured for ON_DEMAND streams; stream {stream['name']} "
            f"under account {stream['account']} is PROVISIONED.")
    _set_updating(ctx, stream, warm_throughput_mibps=params["WarmThroughputMiBps"])
    updated = store.stream_by_uid(ctx.state.db, stream["uid"])
    return {"StreamARN": lookup.arn_of(stream), "StreamName": stream["name"],
            "WarmThroughput": _warm_throughput(updated)}


def _warm_throughput(stream) -> dict:
    return {"TargetMiBps": stream["warm_throughput_mibps"], "CurrentMiBps": stream["warm_throughput_mibps"]}


def start_stream_encryption(ctx, params):
    stream = lookup.active_stream_from(ctx, params)
    if params["EncryptionType"] != "KMS":
        raise InvalidArgumentException(
            f"Encryption type {params['EncryptionType']} is not supported for StartStreamEncryption. Use KMS.")
    encryption.check_change_limit(ctx, stream, "StartStreamEncryption", lookup.now_ms(ctx))
    encryption.check_key(ctx, params["KeyId"])
    _change_encryption(ctx, stream, "StartStreamEncryption", encryption_type="KMS", key_id=params["KeyId"])
    return {}


def stop_stream_encryption(ctx, params):
    stream = lookup.active_stream_from(ctx, params)
    if params["EncryptionType"] != "KMS":
        raise InvalidArgumentException(
            f"Encryption type {params['EncryptionType']} is not supported for StopStreamEncryption. Use KMS.")
    encryption.check_change_limit(ctx, stream, "StopStreamEncryption", lookup.now_ms(ctx))
    _change_encryption(ctx, stream, "StopStreamEncryption", encryption_type="NONE", key_id=None)
    return {}


def _change_encryption(ctx, stream, operation, **columns):
    with ctx.state.db.transaction():
        _set_updating(ctx, stream, **columns)
        store.add_encryption_change(ctx.state.db, stream["uid"], operation, lookup.now_ms(ctx))


_SHOWN_WHILE_UPDATING = ("retention_hours", "shard_level_metrics", "encryption_type", "key_id", "mode",
                         "max_record_kib")


def _set_updating(ctx, stream, **columns):
    """The change is made now; until the stream is ACTIVE again, it is described with
    the settings it had (lookup.shown)."""
    now = lookup.now_ms(ctx)
    before = {name: stream[name] for name in columns if name in _SHOWN_WHILE_UPDATING}
    store.update_stream(ctx.state.db, stream["uid"], busy_status="UPDATING",
                        busy_until_ms=now + lookup.transition_ms(ctx), shown_before=json.dumps(before), **columns)


def enable_enhanced_monitoring(ctx, params):
    return _change_metrics(ctx, params, lambda current, asked: current | asked)


def disable_enhanced_monitoring(ctx, params):
    return _change_metrics(ctx, params, lambda current, asked: current - asked)


def _change_metrics(ctx, params, combine):
    stream = lookup.active_stream_from(ctx, params)
    asked = set(params["ShardLevelMetrics"])
    if "ALL" in asked:
        asked = set(model.ALL_SHARD_LEVEL_METRICS)
    current = store.metrics_of(stream)
    desired = [m for m in model.ALL_SHARD_LEVEL_METRICS if m in combine(set(current), asked)]
    if set(desired) != set(current):
        _set_updating(ctx, stream, shard_level_metrics=json.dumps(desired))
    return {"StreamName": stream["name"], "StreamARN": lookup.arn_of(stream),
            "CurrentShardLevelMetrics": current, "DesiredShardLevelMetrics": desired}


# ---------------------------------------------------------------------------
# Account-wide


def describe_limits(ctx, params):
    db = ctx.state.db
    streams = store.all_streams(db, ctx.account, ctx.region)
    return {"ShardLimit": throttle.shard_limit(ctx.region),
            "OpenShardCount": store.open_shard_count(db, ctx.account, ctx.region),
            "OnDemandStreamCount": sum(1 for s in streams if s["mode"] == "ON_DEMAND"),
            "OnDemandStreamCountLimit": throttle.ON_DEMAND_STREAM_LIMIT}


def describe_account_settings(ctx, params):
    return {"MinimumThroughputBillingCommitment": _commitment(ctx)}


def update_account_settings(ctx, params):
    db = ctx.state.db
    wanted = params["MinimumThroughputBillingCommitment"]["Status"]
    current = _commitment(ctx)["Status"]
    now = lookup.now_ms(ctx)
    row = store.account_settings(db, ctx.account, ctx.region)
    if wanted == "ENABLED" and current == "DISABLED":
        store.put_account_settings(db, ctx.account, ctx.region, "ENABLED", now, None)
    elif wanted == "ENABLED" and current == "ENABLED_UNTIL_EARLIEST_ALLOWED_END":
        store.put_account_settings(db, ctx.account, ctx.region, "ENABLED", row["started_ms"], None)
    elif wanted == "DISABLED" and current == "ENABLED":
        # A commitment cannot end before its earliest allowed end: it runs until then.
        store.put_account_settings(db, ctx.account, ctx.region, "ENABLED", row["started_ms"],
                                   max(now, row["started_ms"] + MIN_COMMITMENT_MS))
    return {"MinimumThroughputBillingCommitment": _commitment(ctx)}


def _commitment(ctx) -> dict:
    row = store.account_settings(ctx.state.db, ctx.account, ctx.region)
    if row is None or row["commitment_status"] != "ENABLED":
        return {"Status": "DISABLED"}
    now = lookup.now_ms(ctx)
    earliest = row["started_ms"] + MIN_COMMITMENT_MS
    described = {"StartedAt": row["started_ms"] / 1000, "EarliestAllowedEndAt": earliest / 1000}
    if row["ended_ms"] is None:
        return {"Status": "ENABLED", **described}
    if now < row["ended_ms"]:
        return {"Status": "ENABLED_UNTIL_EARLIEST_ALLOWED_END", "EndedAt": row["ended_ms"] / 1000, **described}
    return {"Status": "DISABLED"}
