"""Shards: ListShards, and resharding (SplitShard, MergeShards, UpdateShardCount)."""
import base64
import json

from lakebox.services.kinesis import lookup, model, store, streams, throttle
from lakebox.services.kinesis.errors import (
    ExpiredNextTokenException, InvalidArgumentException, LimitExceededException, ResourceNotFoundException,
    ValidationException)

LIST_SHARDS_DEFAULT_MAX = 1000
NEXT_TOKEN_LIFETIME_MS = 300_000
SCALING_WINDOW_MS = 24 * 3_600_000
_TIMESTAMP_FILTERS = ("AT_TIMESTAMP", "FROM_TIMESTAMP")


# ---------------------------------------------------------------------------
# ListShards


def list_shards(ctx, params):
    now = lookup.now_ms(ctx)
    if params.get("NextToken"):
        stream, listing = _resume(ctx, params, now)
    else:
        stream = lookup.stream_from(ctx, params)
        listing = _new_listing(stream, params, now)
    limit = min(params.get("MaxResults") or LIST_SHARDS_DEFAULT_MAX, LIST_SHARDS_DEFAULT_MAX)
    trim_horizon = lookup.trim_horizon_ms(stream, now)
    matching = [s for s in store.shards(ctx.state.db, stream["uid"])
                if model.shard_matches(model.ShardTimes(s["shard_index"], s["created_ms"], s["closed_ms"]),
                                       listing["type"], listing["at_ms"], listing["after"], trim_horizon)]
    page = matching[:limit]
    result = {"Shards": [lookup.describe_shard(stream, s) for s in page]}
    if len(matching) > limit:
        token = dict(listing, after=page[-1]["shard_index"], issued_ms=now, uid=stream["uid"],
                     salt=model.stream_salt(stream["created_ms"]))
        result["NextToken"] = base64.urlsafe_b64encode(json.dumps(token).encode()).decode()
    return result


def _new_listing(stream, params, now) -> dict:
    """What a ListShards call asks for: filter type, the moment it looks at, the shard
    index it starts after."""
    shard_filter = params.get("ShardFilter") or {}
    kind = shard_filter.get("Type")
    after = _index_after(params.get("ExclusiveStartShardId"))
    # In real Kinesis' words (radkawar/stackd testdata/aws/kinesis/topology.json): a filter's
    # ShardId starts the listing after that shard (AT_LATEST too); a Timestamp is looked at
    # only by the timestamp types, and must lie between the trim horizon and now.
    if kind == "AFTER_SHARD_ID" and not shard_filter.get("ShardId"):
        raise InvalidArgumentException("ShardId must be provided when the ShardFilter Type is AFTER_SHARD_ID.")
    if shard_filter.get("ShardId"):
        after = _index_after(shard_filter["ShardId"])
    at_ms = None
    if kind in _TIMESTAMP_FILTERS:
        if shard_filter.get("Timestamp") is None:
            raise InvalidArgumentException(f"ShardFilter of type {kind} requires a Timestamp.")
        at_ms = int(shard_filter["Timestamp"].timestamp() * 1000)
        if at_ms > now:
            raise InvalidArgumentException("ShardFilter Timestamp must not be greater than current time.")
        if at_ms < lookup.trim_horizon_ms(stream, now):
            raise InvalidArgumentException("ShardFilter Timestamp cannot be older than TRIM_HORIZON of the stream.")
    if kind in ("AT_TRIM_HORIZON", "FROM_TRIM_HORIZON") + _TIMESTAMP_FILTERS:
        # Nothing is older than the trim horizon or the stream itself.
        at_ms = max(at_ms or 0, lookup.trim_horizon_ms(stream, now), stream["created_ms"])
    return {"type": kind, "at_ms": at_ms, "after": after}


def _index_after(shard_id_text):
    if shard_id_text is None:
        return None
    index = model.shard_index(shard_id_text)
    # An id that is not ours sorts before every shard, as a string compare would put it.
    return index if index is not None else -1


def _resume(ctx, params, now):
    # AWS names the member that was sent: "NextToken and StreamARN cannot be provided
    # together." for an ARN (seen by aws-cli users, aws/aws-cli#9635).
    for member in ("StreamName", "StreamARN"):
        if params.get(member):
            raise InvalidArgumentException(f"NextToken and {member} cannot be provided together.")
    for member in ("ExclusiveStartShardId", "StreamCreationTimestamp", "ShardFilter"):
        if params.get(member):
            raise InvalidArgumentException(f"NextToken and {member} cannot be provided together.")
    try:
        token = json.loads(base64.urlsafe_b64decode(params["NextToken"].encode()))
        listing = {k: token[k] for k in ("type", "at_ms", "after")}
        uid, salt, issued = token["uid"], token["salt"], token["issued_ms"]
    except (ValueError, KeyError, TypeError):
        raise InvalidArgumentException(f"NextToken {params['NextToken']} is invalid.") from None
    if now - issued > NEXT_TOKEN_LIFETIME_MS:
        raise ExpiredNextTokenException(
            f"The timestamp of the last ListShard call was {model.java_date(issued)}; NextToken expires "
            f"after {NEXT_TOKEN_LIFETIME_MS // 1000} seconds.")
    stream = store.stream_by_uid(ctx.state.db, uid)
    # A token names one stream of one account and region: used elsewhere it is invalid.
    if stream is None or model.stream_salt(stream["created_ms"]) != salt or stream["account"] != ctx.account \
            or stream["region"] != ctx.region:
        raise InvalidArgumentException(f"NextToken {params['NextToken']} is invalid.")
    return stream, listing


# ---------------------------------------------------------------------------
# Resharding


def split_shard(ctx, params):
    stream, now = _reshardable(ctx, params, "SplitShard")
    try:
        shard = _open_shard(ctx, stream, params["ShardToSplit"])
    except ResourceNotFoundException:
        # SplitShard's words for a shard the stream never had or no longer keeps, as real
        # Kinesis answered in us-east-1 (radkawar/stackd testdata/aws/kinesis/topology.json)
        raise ResourceNotFoundException(
            f"Could not find shard {params['ShardToSplit']} in stream {stream['name']} under account "
            f"{stream['account']}.") from None
    new_start = int(params["NewStartingHashKey"])
    start, end = int(shard["start_hash"]), int(shard["end_hash"])
    if not start + 1 < new_start < end:
        raise InvalidArgumentException(
            f"NewStartingHashKey {params['NewStartingHashKey']} used in SplitShard() on shard "
            f"{params['ShardToSplit']} in stream {stream['name']} under account {stream['account']} is not both "
            f"greater than one plus the shard's StartingHashKey {start} and less than the shard's "
            f"EndingHashKey {end}.")
    if ctx.limits_on:
        streams.check_shard_quota(ctx, 1)
    lower, upper = model.split(_plan_of(shard), new_start, stream["next_shard_index"])
    _apply(ctx, stream, model.ReshardResult([lower, upper], [shard["shard_index"]], stream["next_shard_index"] + 2),
           now)
    return {}


def merge_shards(ctx, params):
    stream, now = _reshardable(ctx, params, "MergeShards")
    shard = _open_shard(ctx, stream, params["ShardToMerge"])
    adjacent = _open_shard(ctx, stream, params["AdjacentShardToMerge"])
    if not model.are_adjacent(_plan_of(shard), _plan_of(adjacent)):
        raise InvalidArgumentException(
            f"Shards {params['ShardToMerge']} and {params['AdjacentShardToMerge']} in stream {stream['name']} "
            f"under account {stream['account']} are not an adjacent pair of shards eligible for merging")
    child = model.merge(_plan_of(shard), _plan_of(adjacent), stream["next_shard_index"])
    _apply(ctx, stream, model.ReshardResult([child], [shard["shard_index"], adjacent["shard_index"]],
                                            stream["next_shard_index"] + 1), now)
    return {}


def update_shard_count(ctx, params):
    stream, now = _reshardable(ctx, params, "UpdateShardCount")
    db = ctx.state.db
    open_now = [_plan_of(s) for s in store.open_shards(db, stream["uid"])]
    current, target = len(open_now), params["TargetShardCount"]
    _check_scaling(ctx, stream, current, target, now)
    if target != current:
        result = model.uniform_scaling(open_now, target, stream["next_shard_index"])
        with db.transaction():
            _apply(ctx, stream, result, now)
            store.add_scaling(db, stream["uid"], now)
    return {"StreamName": stream["name"], "StreamARN": lookup.arn_of(stream),
            "CurrentShardCount": current, "TargetShardCount": target}


def _check_scaling(ctx, stream, current, target, now):
    if not model.scaling_target_allowed(current, target):
        direction = "up over double" if target > current else "down below half"
        raise LimitExceededException(
            f"UpdateShardCount cannot scale {direction} your current open shard count. "
            f"Current open shard count: {current}, Target shard count: {target}")
    if not ctx.limits_on:
        return
    if store.scalings_since(ctx.state.db, stream["uid"], now - SCALING_WINDOW_MS) >= throttle.MAX_SCALINGS_PER_DAY:
        raise throttle.stream_rate_exceeded(stream)
    streams.check_shard_quota(ctx, max(target - current, 0))


def _reshardable(ctx, params, operation):
    """An ACTIVE provisioned stream, within the resharding call rate."""
    stream = lookup.active_stream_from(ctx, params)
    if stream["mode"] == "ON_DEMAND":
        raise ValidationException(
            f"{operation} is not supported for ON_DEMAND streams. Stream {stream['name']} under account "
            f"{stream['account']} is in ON_DEMAND mode.")
    now = lookup.now_ms(ctx)
    if ctx.limits_on:
        throttle.check_reshard(ctx.state, stream, operation, now)
    return stream, now


def _open_shard(ctx, stream, shard_id_text):
    shard = lookup.shard_from(ctx, stream, shard_id_text)
    if shard["closed_ms"] is not None:
        raise InvalidArgumentException(
            f"Shard {shard_id_text} in stream {stream['name']} under account {stream['account']} has already "
            f"been merged or split, and thus is not eligible for merging or splitting.")
    return shard


def _plan_of(shard) -> model.ShardPlan:
    return model.ShardPlan(shard["shard_index"], int(shard["start_hash"]), int(shard["end_hash"]),
                           shard["parent_index"], shard["adjacent_parent_index"])


def _apply(ctx, stream, result: model.ReshardResult, now):
    """Close parents and create children at one instant, then report UPDATING for the
    transition delay. Children start at that instant, so no record is in two shards."""
    db = ctx.state.db
    with db.transaction():
        before = {"open_shards": len(store.open_shards(db, stream["uid"]))}     # shown while UPDATING
        store.insert_shards(db, stream["uid"], result.created, now)
        store.close_shards(db, stream["uid"], result.closed, now)     # includes intermediate new shards
        store.update_stream(db, stream["uid"], next_shard_index=result.next_index, busy_status="UPDATING",
                            busy_until_ms=now + lookup.transition_ms(ctx), shown_before=json.dumps(before))
