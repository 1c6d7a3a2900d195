"""Dead-letter queue redrive: StartMessageMoveTask, ListMessageMoveTasks,
CancelMessageMoveTask. A task moves the messages its dead-letter queue held when it
started, back to the queues they came from or to a destination, as a scheduler job
(paced by MaxNumberOfMessagesPerSecond on the lakebox clock when one is given). A
redriven message is a new one, as SQS makes it (Developer Guide, dead-letter queue
redrive): a new MessageId and enqueue time, so its retention starts again."""
import base64
import json
import uuid

from lakebox.kit import calls
from lakebox.services.sqs import access, encryption, model, store, waiting
from lakebox.services.sqs.errors import InvalidParameterValue, ResourceNotFoundException
from lakebox.services.sqs.lookup import arn_of, dead_letter_sources, queue_by_arn
from lakebox.services.sqs.sending import DEDUP_INTERVAL_S

MAX_RATE = 500
SLICE = 1_000               # messages one job run moves per task, at most
RETRY_SOON_S = 0.05
CANCELLING_S = 3.0         # how long a cancelled task is listed CANCELLING
LIST_DEFAULT, LIST_MAX = 1, 10


def start_message_move_task(ctx, params):
    db = ctx.state.db
    source = _own_queue(ctx, params["SourceArn"], "SourceArn")
    access.check(ctx, source)
    # The task reads the dead-letter queue for the caller: a caller its policy refuses
    # ReceiveMessage or GetQueueAttributes cannot start one, even where SQS itself
    # could read it (radkawar/stackd testdata/aws/sqs/forwarding_redrive.json).
    for operation in ("ReceiveMessage", "GetQueueAttributes"):
        access.check(ctx, source, operation)
    if not dead_letter_sources(db, source):
        raise InvalidParameterValue("Source queue must be configured as a Dead Letter Queue.")
    destination_arn = params.get("DestinationArn")
    if destination_arn:
        _own_queue(ctx, destination_arn, "DestinationArn")
    rate = params.get("MaxNumberOfMessagesPerSecond")
    if rate is not None and not 1 <= rate <= MAX_RATE:
        raise InvalidParameterValue(f"Value {rate} for parameter MaxNumberOfMessagesPerSecond is invalid. "
                                    f"Reason: You must enter a number that's between 1 and {MAX_RATE}.")
    if any(task["status"] == "RUNNING" for task in store.tasks_of_source(db, ctx.account, ctx.region,
                                                                          arn_of(source))):
        raise InvalidParameterValue("There is already a task running. Only one active task is allowed for a source "
                                    "queue arn at a given time.")
    last_seq = store.max_seq(db, source["uid"])
    handle = base64.b64encode(json.dumps({"taskId": str(uuid.uuid4()), "sourceArn": arn_of(source)},
                                         separators=(",", ":")).encode())
    store.insert_task(db, {
        "handle": handle.decode(), "account": ctx.account, "region": ctx.region, "source_arn": arn_of(source),
        "destination_arn": destination_arn, "rate": rate, "status": "RUNNING", "started_at": ctx.now,
        "last_seq": last_seq, "to_move": _to_move(db, source, last_seq, ctx.now)})
    ctx.state.scheduler.poke("sqs")
    return {"TaskHandle": handle.decode()}


def _to_move(db, source, last_seq, now) -> int:
    """A task counts the messages in flight too, and waits for them: a standard queue's
    as a FIFO queue's (radkawar/stackd testdata/aws/sqs/forwarding_execution.json
    *_before_release: a held message counted to move, the task RUNNING until it is
    released, then moved)."""
    return store.count_up_to(db, source["uid"], last_seq)


def list_message_move_tasks(ctx, params):
    source = _own_queue(ctx, params["SourceArn"], "SourceArn")
    limit = params.get("MaxResults") or LIST_DEFAULT
    if not 1 <= limit <= LIST_MAX:
        raise InvalidParameterValue(f"Value {limit} for parameter MaxResults is invalid. Reason: You must enter a "
                                    f"number that's between 1 and {LIST_MAX}.")
    tasks = store.tasks_of_source(ctx.state.db, ctx.account, ctx.region, arn_of(source))[:limit]
    return {"Results": [_entry(task) for task in tasks]}


def cancel_message_move_task(ctx, params):
    """A handle names its task and source queue (base64 of {"taskId", "sourceArn"}, as
    AWS's do): one that does not decode is invalid, one whose source queue does not
    exist names no resource, and only then is the task looked up (the three refusals
    recorded from AWS in localstack's test_sqs_move_task snapshots, 2024)."""
    db = ctx.state.db
    _own_queue(ctx, _handle_source(params["TaskHandle"]), "SourceArn")
    task = store.task(db, params["TaskHandle"])
    if task is None or (task["account"], task["region"]) != (ctx.account, ctx.region):
        raise ResourceNotFoundException("Task does not exist.")
    if task["status"] != "RUNNING":
        raise InvalidParameterValue("Only active tasks can be cancelled.")
    store.update_task(db, task["handle"], status="CANCELLING")
    ctx.state.cache("sqs").setdefault("cancelling", {})[task["handle"]] = ctx.now
    ctx.state.scheduler.poke("sqs")
    return {"ApproximateNumberOfMessagesMoved": task["moved"]}


def _handle_source(handle: str) -> str:
    """The source queue ARN a task handle names."""
    try:
        found = json.loads(base64.b64decode(handle, validate=True))
        source_arn = found["sourceArn"]
        if not isinstance(source_arn, str) or not isinstance(found["taskId"], str):
            raise TypeError(source_arn)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InvalidParameterValue("Value for parameter TaskHandle is invalid.") from None
    return source_arn


def _own_queue(ctx, arn, member):
    queue = queue_by_arn(ctx.state.db, arn)
    if queue is None or (queue["account"], queue["region"]) != (ctx.account, ctx.region):
        raise ResourceNotFoundException(f"The resource that you specified for the {member} parameter doesn't "
                                        "exist.")
    return queue


def _entry(task) -> dict:
    entry = {"Status": task["status"], "SourceArn": task["source_arn"], "DestinationArn": task["destination_arn"],
             "MaxNumberOfMessagesPerSecond": task["rate"], "ApproximateNumberOfMessagesMoved": task["moved"],
             "ApproximateNumberOfMessagesToMove": task["to_move"], "FailureReason": task["failure"],
             "StartedTimestamp": int(task["started_at"] * 1000)}
    if task["status"] == "RUNNING":
        entry["TaskHandle"] = task["handle"]
    return entry


# --- the job --------------------------------------------------------------------------------

def run_move_tasks(state, now: float) -> float | None:
    """Scheduler job: move what each running task may move by now."""
    deadlines = []
    for task in store.running_tasks(state.db):
        deadline = _advance(state, task, now)
        if deadline is not None:
            deadlines.append(deadline)
    return min(deadlines, default=None)


def _advance(state, task, now):
    db = state.db
    if task["status"] == "CANCELLING":
        return _wind_down(state, task, now)
    source = queue_by_arn(db, task["source_arn"])
    if source is None:
        store.update_task(db, task["handle"], status="FAILED", failure="AWS.SimpleQueueService.NonExistentQueue")
        return None
    allowed = SLICE
    if task["rate"]:
        allowed = min(SLICE, int((now - task["started_at"]) * task["rate"]) + task["rate"] - task["moved"])
    if source["fifo"]:
        rows, held_until = _fifo_movable(db, source, task["last_seq"], now, max(allowed, 0))
    else:
        rows, held_until = store.visible_up_to(db, source["uid"], task["last_seq"], now, max(allowed, 0)), None
    moved, failure, mover = 0, None, _mover(state, task)
    for row in rows:
        target = queue_by_arn(db, task["destination_arn"] or row["source_arn"] or "")
        if target is None:
            failure = "AWS.SimpleQueueService.NonExistentQueue"
            break
        if access.verdict(mover, source, "ReceiveMessage") or access.verdict(mover, target, "SendMessage"):
            failure = "AccessDenied"
            break
        moved += _move(state, task, row, target, now)
    store.update_task(db, task["handle"], moved=task["moved"] + moved)
    if failure:
        store.update_task(db, task["handle"], status="FAILED", failure=failure)
        return None
    left = store.count_up_to(db, source["uid"], task["last_seq"])
    if left == 0:
        store.update_task(db, task["handle"], status="COMPLETED")
        return None
    if held_until is not None and not rows:
        return min(held_until, now + 1.0)
    if not rows:
        return now + 1.0                # only messages in flight are left: the task waits for them
    return now + (1.0 if task["rate"] and moved < SLICE else RETRY_SOON_S)


def _wind_down(state, task, now):
    """A cancelled task is CANCELLING for a while, moving nothing more, then CANCELLED,
    as AWS lists one (recorded: radkawar/stackd testdata/aws/sqs/redrive.json,
    cancel_progress). A task cancelled before a restart ends at once."""
    cancelled_at = state.cache("sqs").setdefault("cancelling", {}).get(task["handle"])
    if cancelled_at is not None and now < cancelled_at + CANCELLING_S:
        return cancelled_at + CANCELLING_S
    state.cache("sqs")["cancelling"].pop(task["handle"], None)
    store.update_task(state.db, task["handle"], status="CANCELLED")
    return None


def _mover(state, task):
    """Who a task's receives and sends are judged as: the account that started it, its
    calls made through SQS (aws:ViaAWSService true, aws:CalledVia sqs, not a service
    principal), so queue policies that deny direct use let a task through while one that
    denies unless aws:PrincipalIsAWSService fails it with AccessDenied (recorded from
    AWS: radkawar/stackd testdata/aws/sqs/forwarding_execution.json)."""
    mover = calls.system_context(state, "sqs", "StartMessageMoveTask", task["account"], task["region"])
    mover.caller_arn, mover.via_service = f"arn:aws:iam::{task['account']}:root", "sqs"
    return mover


def _move(state, task, row, target, now) -> int:
    """Redrive one message; 1 when it was moved, 0 when a FIFO destination had its
    deduplication id (its old message id) already: it leaves the source undelivered."""
    db = state.db
    dedup = None
    if target["fifo"] and row["group_id"] is not None:
        scope = row["group_id"] if store.attributes_of(target).get("DeduplicationScope") == "messageGroup" else ""
        dedup = (scope, row["message_id"])
        if store.dedup_entry(db, target["uid"], *dedup, now) is not None:
            store.delete_message(db, row["seq"])
            return 0
    message_id = model.message_id()
    caller = calls.system_context(state, "sqs", "StartMessageMoveTask", task["account"], task["region"])
    seq = store.redrive_message(db, row["seq"], target["uid"], now, message_id,
                                encryption.resealed(caller, row, message_id), dedup_by_id=dedup is not None)
    if dedup is not None:
        store.put_dedups(db, [(target["uid"], *dedup, now + DEDUP_INTERVAL_S, message_id, seq)])
    waiting.notify(state, target["uid"])
    return 1


def _fifo_movable(db, source, last_seq, now, limit):
    """A FIFO dead-letter queue's messages a redrive may move now, in send order: a group
    whose earlier message is in flight is held until it is given back or deleted, as SQS
    keeps a group's order (recorded from AWS: radkawar/stackd fifo_redrive.json). Also
    when the first held message becomes visible again (None when none is held)."""
    rows, held, held_until = [], set(), None
    for row in store.messages_up_to(db, source["uid"], last_seq, SLICE * 10):
        if len(rows) >= limit:
            break
        if row["group_id"] in held:
            continue
        if row["visible_at"] > now:
            held.add(row["group_id"])
            held_until = row["visible_at"] if held_until is None else min(held_until, row["visible_at"])
            continue
        rows.append(row)
    return rows, held_until
