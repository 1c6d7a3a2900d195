"""Timed SQS work, each run a bounded slice (the loop serves requests in between):
messages past their queue's retention period are deleted (reads already skip them;
this reclaims their space with no request), FIFO deduplication ids are forgotten 5
minutes after their send, message move tasks (moves.py) advance, and data keys no
message needs are pruned."""
from lakebox.services.sqs import attributes, encryption, store
from lakebox.services.sqs.moves import run_move_tasks

BUDGET = 2_000              # rows (queues visited plus messages deleted) per run
KEY_WALK_INTERVAL_S = 300   # a walk over the data keys starts this long after the last one ended


def expire_messages(state, now: float) -> float | None:
    """Scheduler job: a walk over the queues in uid order, resumed from a cursor. When a
    walk ends, the next deadline is when the oldest message left anywhere expires."""
    walk = state.cache("sqs").setdefault("retention_walk", {"next_uid": 0, "deadline": None})
    budget = BUDGET
    for queue in store.queues_from_uid(state.db, walk["next_uid"], BUDGET):
        budget -= 1
        retention = attributes.int_attribute(store.attributes_of(queue), "MessageRetentionPeriod")
        budget -= store.expire(state.db, queue["uid"], now - retention, limit=max(budget, 1))
        if budget <= 0:
            walk["next_uid"] = queue["uid"]           # this queue may have more: start there
            return now
        oldest = store.oldest_sent_at(state.db, queue["uid"])
        if oldest is not None and (walk["deadline"] is None or oldest + retention < walk["deadline"]):
            walk["deadline"] = oldest + retention
        walk["next_uid"] = queue["uid"] + 1
    deadline = walk["deadline"]
    walk.update(next_uid=0, deadline=None)
    return deadline


def forget_dedup_ids(state, now: float) -> float | None:
    if store.drop_expired_dedup(state.db, now, BUDGET) >= BUDGET:
        return now
    return store.next_dedup_expiry(state.db)


def prune_data_keys(state, now: float) -> float | None:
    """Scheduler job: a walk over the data keys in id order, deleting each one no stored
    message is sealed with and no sender may reuse (a new key is made once a reuse period
    ends, so keys pile up as long as messages are sent). Messages keep their key when
    they move (dead-letter queues, redrives), so no other row can need a pruned key."""
    walk = state.cache("sqs").setdefault("key_walk", {"after": 0})
    ids = store.data_key_ids_after(state.db, walk["after"], BUDGET)
    reusable = encryption.reusable_data_keys(state, now)
    store.delete_data_keys(state.db, [data_key_id for data_key_id in ids if data_key_id not in reusable
                                      and not store.data_key_in_use(state.db, data_key_id)])
    if len(ids) == BUDGET:
        walk["after"] = ids[-1]
        return now
    walk["after"] = 0
    return now + KEY_WALK_INTERVAL_S


JOBS = {"retention": expire_messages, "dedup": forget_dedup_ids, "redrive": run_move_tasks,
        "data_keys": prune_data_keys}
