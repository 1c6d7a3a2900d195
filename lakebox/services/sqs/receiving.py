"""ReceiveMessage: visibility timeouts on the lakebox clock, long polling, FIFO order
per message group, dead-letter moves after maxReceiveCount, and the quota of messages
in flight."""
import asyncio
import json

from lakebox.services.sqs import attributes, encryption, model, store, throughput, waiting
from lakebox.services.sqs.errors import InvalidParameterValue, OverLimit
from lakebox.services.sqs.lookup import arn_of, expire_old, queue_by_arn, queue_from
from lakebox.services.sqs.sending import DEDUP_INTERVAL_S, sequence_number
from lakebox.storage.lru import Lru

MAX_VISIBILITY_S = 43_200
MAX_WAIT_S = 20
FIFO_SCAN_LIMIT = 10_000        # receivable groups a FIFO receive tries at most
ATTEMPT_KEPT_S = 300            # a ReceiveRequestAttemptId answers the same for 5 minutes
ATTEMPTS_CAP = 10_000           # attempts remembered (in memory: a retry after a restart receives anew)
# Messages in flight (received, visibility timeout not over) per queue, standard and FIFO
# alike (SQS Developer Guide, "Amazon SQS standard queue quotas" / "FIFO queue quotas").
IN_FLIGHT_QUOTA = 120_000
IN_FLIGHT_CAP = 4_096           # queues whose in-flight bound is remembered
OVER_LIMIT_MESSAGE = ("Too many messages have been received without being deleted.\n"
                      "Please delete your received messages or let them timeout before receiving more.")


async def receive_message(ctx, params):
    queue = queue_from(ctx, params)
    queue_attrs = store.attributes_of(queue)
    limit = _ranged(params, "MaxNumberOfMessages", 1, 10, "Must be between 1 and 10, if provided.", 1)
    wait = _ranged(params, "WaitTimeSeconds", 0, MAX_WAIT_S, f"Must be >= 0 and <= {MAX_WAIT_S}, if provided.",
                   attributes.int_attribute(queue_attrs, "ReceiveMessageWaitTimeSeconds"))
    visibility = _ranged(params, "VisibilityTimeout", 0, MAX_VISIBILITY_S,
                         f"Must be >= 0 and <= {MAX_VISIBILITY_S}, if provided.", None)
    throughput.admit(ctx, queue, queue_attrs)
    state = ctx.state
    attempt = (queue["uid"], params["ReceiveRequestAttemptId"]) if queue["fifo"] and \
        params.get("ReceiveRequestAttemptId") else None
    repeated = _repeated_attempt(ctx, attempt, queue_attrs, visibility)
    if repeated is not None:
        return {"Messages": [_message(queue, row, params) for row in repeated]} if repeated else {}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        now = state.clock.now()
        # A standard queue at its in-flight quota refuses a short poll with OverLimit; a
        # long poll and a FIFO queue answer no messages instead, as AWS documents.
        taken = take(ctx, queue, now, limit, visibility, refuse_over_quota=not queue["fifo"] and wait == 0)
        if taken or loop.time() >= deadline:
            break
        upcoming = store.next_visible_at(state.db, queue["uid"], now)
        pause = min(deadline - loop.time(), waiting.RECHECK_S)
        if upcoming is not None:
            pause = min(pause, max(upcoming - now, 0.0))
        await waiting.wait(state, queue["uid"], pause)
        queue = store.queue_by_uid(state.db, queue["uid"])
        if queue is None:            # deleted while we waited
            return {}
    if attempt is not None:
        _attempts(state).put(attempt, (ctx.now + ATTEMPT_KEPT_S, [(row["seq"], row["token"]) for row in taken]))
    if not taken:
        return {}
    return {"Messages": [_message(queue, row, params) for row in taken]}


def _attempts(state):
    cache = state.cache("sqs")
    if "attempts" not in cache:
        cache["attempts"] = Lru(ATTEMPTS_CAP)
    return cache["attempts"]


def _repeated_attempt(ctx, attempt, queue_attrs, visibility):
    """A FIFO receive retried with its ReceiveRequestAttemptId within 5 minutes gets the
    messages that attempt received again (those still in flight from it, with the same
    receipt handles), their visibility timeout started anew ("If a retry occurs within
    the deduplication interval, it resets the visibility timeout": ReceiveMessage's API
    reference); None when the attempt is new."""
    if attempt is None:
        return None
    found = _attempts(ctx.state).get(attempt)
    if found is None or found[0] <= ctx.now:
        return None
    tokens = dict(found[1])
    order = {seq: place for place, (seq, _) in enumerate(found[1])}
    rows = sorted((row for row in store.messages_by_seq(ctx.state.db, list(tokens))
                   if row["token"] == tokens[row["seq"]] and row["visible_at"] > ctx.now),
                  key=lambda row: order[row["seq"]])      # in the order the attempt first received them
    bodies = encryption.open_bodies(ctx, rows)
    timeout = visibility if visibility is not None else attributes.int_attribute(queue_attrs, "VisibilityTimeout")
    for row in rows:
        store.set_visible_at(ctx.state.db, row["seq"], ctx.now + timeout)
    return [dict(row, body=bodies[row["seq"]]) for row in rows]


def _ranged(params, name, low, high, reason, default):
    value = params.get(name)
    if value is None:
        return default
    if not low <= value <= high:
        raise InvalidParameterValue(f"Value {value} for parameter {name} is invalid. Reason: {reason}")
    return value


def take(ctx, queue, now, limit, visibility=None, refuse_over_quota=False) -> list:
    """Receive up to `limit` messages now, fewer when the in-flight quota leaves less room
    (none, or OverLimit if `refuse_over_quota`): mark them in flight and return their rows
    as they are after the receive, bodies decrypted (a KMS refusal changes nothing)."""
    state = ctx.state
    db = state.db
    limit = _in_flight_room(state, queue["uid"], now, limit)
    if limit == 0:
        if refuse_over_quota:
            raise OverLimit(OVER_LIMIT_MESSAGE)
        return []
    queue_attrs = store.attributes_of(queue)
    timeout = visibility if visibility is not None else attributes.int_attribute(queue_attrs, "VisibilityTimeout")
    redrive = _redrive(db, queue_attrs)
    expire_old(db, queue, now)
    with db.transaction():
        picked = (_pick_fifo if queue["fifo"] else _pick_standard)(state, queue, now, limit, redrive)
        bodies = encryption.open_bodies(ctx, picked)
        changes = [(now + timeout, model.receive_token(), now, row["seq"]) for row in picked]
        store.mark_received(db, changes)
    note_in_flight(state, queue["uid"], len(picked))
    tokens = {seq: token for _, token, _, seq in changes}
    return [dict(row, body=bodies[row["seq"]], token=tokens[row["seq"]], receive_count=row["receive_count"] + 1,
                 first_received_at=row["first_received_at"] or now) for row in picked]


def _in_flight_bounds(state) -> Lru:
    """{queue uid: a bound no lower than its messages in flight}. Only a receive puts a
    message in flight (or hides again one whose visibility lapsed: `note_in_flight` counts
    both), so a count plus the messages received since stays a bound, and
    the count (a scan of the in-flight messages) is redone only near the quota."""
    cache = state.cache("sqs")
    if "in_flight" not in cache:
        cache["in_flight"] = Lru(IN_FLIGHT_CAP)
    return cache["in_flight"]


def _in_flight_room(state, queue_uid, now, wanted) -> int:
    """How many of `wanted` messages may go in flight now."""
    bounds = _in_flight_bounds(state)
    bound = bounds.get(queue_uid)
    if bound is None or bound + wanted > IN_FLIGHT_QUOTA:
        bound = store.count_in_flight(state.db, queue_uid, now, IN_FLIGHT_QUOTA)
        bounds.put(queue_uid, bound)
    return max(0, min(wanted, IN_FLIGHT_QUOTA - bound))


def note_in_flight(state, queue_uid, received):
    """`received` more messages of the queue went in flight (no bound kept: the next
    receive counts them)."""
    bounds = _in_flight_bounds(state)
    bound = bounds.get(queue_uid)
    if bound is not None:
        bounds.put(queue_uid, bound + received)


def _redrive(db, queue_attrs):
    """(dead-letter queue row, maxReceiveCount), or None."""
    policy = queue_attrs.get("RedrivePolicy")
    if not policy:
        return None
    policy = json.loads(policy)
    target = queue_by_arn(db, policy["deadLetterTargetArn"])
    return (target, int(policy["maxReceiveCount"])) if target is not None else None


def _dead_letter(state, queue, row, redrive) -> bool:
    """Move a message received maxReceiveCount times to the dead-letter queue instead of
    handing it out again, its SentTimestamp kept. A FIFO one takes its message id as
    deduplication id (so two messages that shared one both stay), as the SQS Developer
    Guide says (dead-letter queue redrive), and the dead-letter queue remembers that id
    for the deduplication interval: a send with it is answered with the moved message
    (both recorded from AWS: radkawar/stackd fifo_redrive.json, dead_arrival_poison and
    duplicate_dead_arrival)."""
    if redrive is None or row["receive_count"] < redrive[1]:
        return False
    target, now = redrive[0], state.clock.now()
    seq = store.move_message(state.db, row["seq"], target["uid"], now, arn_of(queue),
                             fifo=bool(queue["fifo"]))
    if queue["fifo"] and target["fifo"]:
        scope = row["group_id"] if store.attributes_of(target).get("DeduplicationScope") == "messageGroup" else ""
        store.put_dedups(state.db, [(target["uid"], scope, row["message_id"], now + DEDUP_INTERVAL_S,
                                     row["message_id"], seq)])
    waiting.notify(state, target["uid"])
    return True


def _pick_standard(state, queue, now, limit, redrive) -> list:
    """The longest-visible messages, those of a noisy message group last (`_fair`).
    Picked rows stay visible until the receive marks them, so a second look (after
    dead-letter moves thinned the first) skips them."""
    picked, seen = [], set()
    while len(picked) < limit:
        rows = [row for row in _fair(state.db, queue["uid"], now, limit) if row["seq"] not in seen]
        if not rows:
            break
        for row in rows[:limit - len(picked)]:
            seen.add(row["seq"])
            if not _dead_letter(state, queue, row, redrive):
                picked.append(row)
    return picked


def _fair(db, uid, now, limit) -> list:
    """A standard queue whose messages carry a MessageGroupId is a fair queue: while one
    group holds most of the messages in flight (a noisy tenant), the other groups' and
    the ungrouped messages are received before its backlog (SQS Developer Guide, fair
    queues; recorded from AWS: radkawar/stackd testdata/aws/sqs/fairness.json, the first
    receives after the noisy group's were held returned quiet and ungrouped messages
    sent after the noisy backlog)."""
    rows = store.visible_messages(db, uid, now, limit)
    if not any(row["group_id"] is not None for row in rows):
        return rows
    in_flight = store.groups_in_flight(db, uid, now)
    total = sum(in_flight.values())
    noisy = [group for group, count in in_flight.items() if count > max(1, total / 2)]
    if not noisy:
        return rows
    quiet = store.visible_messages_outside(db, uid, now, noisy, limit)
    if len(quiet) == limit:
        return quiet
    taken = {row["seq"] for row in quiet}
    return quiet + [row for row in rows if row["seq"] not in taken][:limit - len(quiet)]


def _pick_fifo(state, queue, now, limit, redrive) -> list:
    """Messages of the groups whose first message is receivable, skipping every group
    with a message in flight (or delayed) ahead: a group is handed out strictly in order,
    one receiver at a time. As AWS documents, a receive returns as many messages of one
    group as it can, then fills up from other groups. Groups not received yet come
    first, in the order of their first message, then the others, the least recently
    received first (recorded from AWS: localstack's validated
    test_fifo_receive_message_with_zero_visibility_timeout and
    test_fifo_message_group_visibility_after_terminate_visibility_timeout)."""
    heads = [row for row in store.group_heads(state.db, queue["uid"]) if row["visible_at"] <= now]
    heads.sort(key=lambda row: (row["served"] is not None, row["served"] or 0.0, row["seq"]))
    picked = []
    for head in heads[:FIFO_SCAN_LIMIT]:
        picked += _group_run(state, queue, head, now, limit - len(picked), redrive)
        if len(picked) == limit:
            break
    return picked


def _group_run(state, queue, head, now, room, redrive) -> list:
    """Up to `room` receivable messages of `head`'s group, from `head` on, in order: none
    when its first message is in flight or delayed."""
    run = []
    for row in store.group_messages(state.db, queue["uid"], head["group_id"], head["seq"], room + 10):
        if row["visible_at"] > now:
            break
        if _dead_letter(state, queue, row, redrive):
            continue
        run.append(row)
        if len(run) == room:
            break
    return run


def _message(queue, row, params) -> dict:
    handle = model.receipt_handle(queue["uid"], row["seq"], row["token"])
    message = {"MessageId": row["message_id"], "ReceiptHandle": handle, "MD5OfBody": model.md5_hex(row["body"].encode()),
               "Body": row["body"]}
    system_names = (params.get("AttributeNames") or []) + (params.get("MessageSystemAttributeNames") or [])
    if system_names:
        chosen = {name: value for name, value in _system_attributes(queue, row).items()
                  if model.wants(system_names, name)}
        if chosen:
            message["Attributes"] = chosen
    user_names = params.get("MessageAttributeNames")
    wanted = {name: value for name, value in store.decode_attributes(row["attributes"]).items()
              if model.wants(user_names, name)} if user_names and row["attributes"] else None
    if wanted:
        message["MessageAttributes"] = wanted
        message["MD5OfMessageAttributes"] = model.md5_of_attributes(wanted)
    return message


def _system_attributes(queue, row) -> dict:
    found = {"SenderId": row["sender_id"], "SentTimestamp": str(int(row["sent_at"] * 1000)),
             "ApproximateReceiveCount": str(row["receive_count"]),
             "ApproximateFirstReceiveTimestamp": str(int(row["first_received_at"] * 1000))}
    if queue["fifo"]:
        found.update(SequenceNumber=sequence_number(row["seq"]), MessageDeduplicationId=row["dedup_id"],
                     MessageGroupId=row["group_id"])
    elif row["group_id"]:
        found["MessageGroupId"] = row["group_id"]
    trace = store.decode_attributes(row["system_attributes"]).get("AWSTraceHeader")
    if trace:
        found["AWSTraceHeader"] = trace["StringValue"]
    if row["source_arn"]:
        found["DeadLetterQueueSourceArn"] = row["source_arn"]
    return found
