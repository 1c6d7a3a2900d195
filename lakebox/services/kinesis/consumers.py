"""Enhanced fan-out: consumers and SubscribeToShard."""
import asyncio
import base64
import json

from lakebox.services.kinesis import dry_run, encryption, lookup, model, records, store, tagging, throttle
from lakebox.services.kinesis.errors import (
    ExpiredNextTokenException, InvalidArgumentException, LimitExceededException, ResourceInUseException)

LIST_CONSUMERS_DEFAULT_MAX = 100
NEXT_TOKEN_LIFETIME_MS = 300_000         # "Tokens expire after 300 seconds" (ListStreamConsumers)
SUBSCRIPTION_LIFETIME_MS = 300_000       # a subscription ends after 5 minutes
HEARTBEAT_MS = 5_000                     # an event at least this often, records or not
POLL_SECONDS = 0.2                       # how often an idle subscription looks for records
EVENT_RECORD_LIMIT = 10_000
# An event carries at most 7.5 MiB of record Data (keys not counted), filled greedily:
# real Kinesis sent 12 records of 640 KiB (7.5 MiB exactly), 8 of 900 KiB and 15 of
# 499,900 bytes per event from backlogs that had more (radkawar/stackd
# testdata/aws/kinesis/efo_frame_budget.json, groups A, B, C).
EVENT_DATA_BYTES = 7_864_320
TAKEOVER_MS = 5_000                      # a new subscription may take over an older one after 5 s


def register_stream_consumer(ctx, params):
    db = ctx.state.db
    stream = lookup.stream_from(ctx, {"StreamARN": params["StreamARN"]})
    name = params["ConsumerName"]
    if store.consumer_by_name(db, stream["uid"], name) is not None:
        raise ResourceInUseException(
            f"Consumer {name} under stream {stream['name']} already exists for account {stream['account']}.")
    if ctx.limits_on and len(store.consumers(db, stream["uid"])) >= throttle.MAX_CONSUMERS_PER_STREAM:
        raise LimitExceededException(
            f"Stream {stream['name']} under account {stream['account']} already has "
            f"{throttle.MAX_CONSUMERS_PER_STREAM} registered consumers, the maximum.")
    now = lookup.now_ms(ctx)
    if ctx.limits_on and store.creating_consumers(db, stream["account"], stream["region"],
                                                  now) >= throttle.MAX_CREATING_CONSUMERS:
        raise LimitExceededException(
            f"Account {stream['account']} already has {throttle.MAX_CREATING_CONSUMERS} consumers in CREATING "
            f"status; wait for one of them to become ACTIVE before registering consumer {name}.")
    tagging.check_new_tags(params.get("Tags") or {}, stream["account"], f"consumer {name}")
    arn = f"{lookup.arn_of(stream)}/consumer/{name}:{now // 1000}"
    with db.transaction():
        store.insert_consumer(db, stream["account"], stream["region"], stream["uid"], name, arn, now,
                              now + lookup.transition_ms(ctx))
        if params.get("Tags"):
            store.put_tags(db, stream["account"], stream["region"], arn, params["Tags"])
    consumer = store.consumer_by_arn(db, stream["account"], stream["region"], arn)
    # The registration has just begun: its answer says CREATING, as the aws cli's
    # register-stream-consumer example shows, however short the transition.
    return {"Consumer": dict(_summary(consumer, now), ConsumerStatus="CREATING")}


def deregister_stream_consumer(ctx, params):
    store.delete_consumer(ctx.state.db, lookup.consumer_from(ctx, params))
    return {}


def describe_stream_consumer(ctx, params):
    consumer = lookup.consumer_from(ctx, params)
    stream = store.stream_by_uid(ctx.state.db, consumer["stream_uid"])
    description = dict(_summary(consumer, lookup.now_ms(ctx)), StreamARN=lookup.arn_of(stream))
    return {"ConsumerDescription": description}


def list_stream_consumers(ctx, params):
    stream = lookup.stream_from(ctx, {"StreamARN": params["StreamARN"]})
    now = lookup.now_ms(ctx)
    after = _position_from(params, stream, now)
    limit = params.get("MaxResults") or LIST_CONSUMERS_DEFAULT_MAX
    # The token names the last consumer listed, not an offset: a consumer deregistered
    # between pages must not make the next page skip one that is still there.
    remaining = [c for c in store.consumers(ctx.state.db, stream["uid"])
                 if after is None or (c["created_ms"], c["name"]) > after]
    page = remaining[:limit]
    result = {"Consumers": [_summary(c, now) for c in page]}
    if len(remaining) > limit:
        last = {"created_ms": page[-1]["created_ms"], "name": page[-1]["name"], "issued_ms": now,
                "stream": [stream["uid"], stream["created_ms"]]}
        result["NextToken"] = base64.urlsafe_b64encode(json.dumps(last).encode()).decode()
    return result


def _position_from(params, stream, now):
    """Where a page given NextToken starts. A token lives 300 seconds and names one stream
    ("the latter unambiguously identifies the stream": StreamCreationTimestamp goes
    without it, and another stream's token is invalid)."""
    token = params.get("NextToken")
    if not token:
        return None
    if params.get("StreamCreationTimestamp") is not None:
        raise InvalidArgumentException("NextToken and StreamCreationTimestamp cannot be provided together.")
    try:
        position = json.loads(base64.urlsafe_b64decode(token.encode()))
        after = int(position["created_ms"]), str(position["name"])
        issued, of_stream = int(position["issued_ms"]), list(position["stream"])
    except (ValueError, KeyError, TypeError):
        raise InvalidArgumentException(f"NextToken {token} is invalid.") from None
    if of_stream != [stream["uid"], stream["created_ms"]]:
        raise InvalidArgumentException(f"NextToken {token} is invalid.")
    if now - issued > NEXT_TOKEN_LIFETIME_MS:
        raise ExpiredNextTokenException(
            f"The timestamp of the last ListStreamConsumers call was {model.java_date(issued)}; NextToken "
            f"expires after {NEXT_TOKEN_LIFETIME_MS // 1000} seconds.")
    return after


def _summary(consumer, now) -> dict:
    return {"ConsumerName": consumer["name"], "ConsumerARN": consumer["arn"],
            "ConsumerStatus": lookup.consumer_status(consumer, now),
            "ConsumerCreationTimestamp": model.creation_seconds(consumer["created_ms"])}


# ---------------------------------------------------------------------------
# SubscribeToShard


def subscribe_to_shard(ctx, params):
    """Returns `EventStream` as an async generator: it waits on the event loop (never
    blocking it) and yields a SubscribeToShardEvent whenever records arrive, a
    heartbeat event every 5 s otherwise, and ends at the end of a closed shard, when the
    stream goes away, or after the 5-minute subscription lifetime (a consumer deregistered
    meanwhile does not end it)."""
    db = ctx.state.db
    consumer = lookup.consumer_from(ctx, {"ConsumerARN": params["ConsumerARN"]}, subscribing=True)
    stream = store.stream_by_uid(db, consumer["stream_uid"])
    now = lookup.now_ms(ctx)
    if lookup.consumer_status(consumer, now) != "ACTIVE":
        raise ResourceInUseException(
            f"Consumer {consumer['name']} with creation timestamp {consumer['created_ms'] // 1000} under stream: "
            f"{stream['name']} , account {stream['account']} is not in ACTIVE status.")
    shard = lookup.shard_from(ctx, stream, params["ShardId"], subscribing=True)
    dry_run.check(ctx, "SubscribeToShard")     # AWS: before the starting position is looked at
    start = params["StartingPosition"]
    # A starting position it refuses spends none of the call-a-second budget.
    after = records.starting_position(ctx, stream, shard, start["Type"], start.get("SequenceNumber"),
                                      start.get("Timestamp"), "SubscribeToShard")
    if ctx.limits_on and not throttle.check_subscription(ctx.state, consumer["arn"], params["ShardId"], now):
        raise LimitExceededException(
            f"Rate exceeded for consumer {consumer['arn']} and shard {params['ShardId']}: "
            f"SubscribeToShard allows one call per second.")
    key = _take_over(ctx, consumer, stream, params["ShardId"], now)
    return {"EventStream": _events(ctx.state, consumer["arn"], stream, shard["shard_index"], after, now, key)}


def _take_over(ctx, consumer, stream, shard_id_text, now):
    """AWS: a second SubscribeToShard for the same consumer and shard within 5 seconds of
    a successful one fails with ResourceInUseException; 5 seconds or more later it takes
    the subscription over and the earlier connection ends. The live subscription of each
    (consumer, shard) is remembered in the memory cache, keyed to its start time."""
    subscriptions = ctx.state.cache("kinesis").setdefault("subscriptions", {})
    key = (consumer["arn"], shard_id_text)
    previous = subscriptions.get(key)
    if previous is not None and 0 <= now - previous < TAKEOVER_MS:
        raise ResourceInUseException(
            f"Another active subscription exists for this consumer: {stream['account']}:{stream['name']}:"
            f"{shard_id_text}:{consumer['name']}")
    subscriptions[key] = now
    return key


async def _events(state, consumer_arn, stream, index, after, started_ms, key=None):
    try:
        async for event in _subscription(state, consumer_arn, stream, index, after, started_ms, key):
            yield event
    except encryption.KMS_ERRORS as error:
        # The stream's KMS key cannot be used: the event stream's own exception event ends it.
        yield {error.code: {"message": error.message}}
    # A subscription that ended or whose client hung up keeps its start time in the cache:
    # AWS refuses the same consumer and shard for 5 s after a successful call, whatever
    # became of that call's connection.


async def _subscription(state, consumer_arn, stream, index, after, started_ms, key):
    salt = model.stream_salt(stream["created_ms"])
    # An idle subscription's first event is a heartbeat 5 s in, and none comes at its
    # 5-minute end: real Kinesis sent 59 empty events in the 300 s of a subscription to an
    # empty shard (radkawar/stackd testdata/aws/kinesis/efo_natural_end.json).
    last_event_ms = started_ms
    while True:
        db = state.db
        now = int(state.clock.now() * 1000)
        current = store.stream_by_uid(db, stream["uid"])
        # A subscription outlives its consumer's deregistration: real Kinesis went on
        # delivering on it (radkawar/stackd testdata/aws/kinesis/efo_termination.json).
        if current is None or current["created_ms"] != stream["created_ms"]:
            return
        if key is not None and state.cache("kinesis").get("subscriptions", {}).get(key) != started_ms:
            return                               # a later SubscribeToShard took this subscription over
        if now - started_ms >= SUBSCRIPTION_LIFETIME_MS:
            return
        shard = store.shard(db, stream["uid"], index)
        batch = records.read_batch(state, current, shard, after, EVENT_RECORD_LIMIT, now, EVENT_DATA_BYTES)
        after = batch.after_counter
        if batch.records or batch.shard_ended or now - last_event_ms >= HEARTBEAT_MS:
            last_event_ms = now
            yield {"SubscribeToShardEvent": _event(db, current, shard, batch, salt)}
        if batch.shard_ended:
            return
        await asyncio.sleep(0 if batch.records else POLL_SECONDS)


def _event(db, stream, shard, batch, salt) -> dict:
    event = {"Records": batch.records, "MillisBehindLatest": batch.millis_behind}
    if batch.shard_ended:
        # No continuation at the end of a closed shard: the reader moves on to the children.
        event["ChildShards"] = lookup.child_shards(db, stream, shard)
    else:
        event["ContinuationSequenceNumber"] = model.sequence_number(salt, shard["shard_index"], batch.after_counter)
    return event
