"""Timed SQS work: messages past their queue's retention period are deleted (reads
already skip them; this reclaims their space with no request), FIFO deduplication ids
are forgotten 5 minutes after their send, and message move tasks (moves.py) advance."""
from lakebox.services.sqs import attributes, store
from lakebox.services.sqs.moves import run_move_tasks

SLICE = 1_000               # expired messages read and deleted at a time


def expire_messages(state, now: float) -> float | None:
    """Scheduler job: the next deadline is when the oldest message left anywhere expires."""
    deadlines = []
    for queue in store.every_queue(state.db):
        retention = attributes.int_attribute(store.attributes_of(queue), "MessageRetentionPeriod")
        store.expire(state.db, queue["uid"], now - retention, slice_size=SLICE)
        oldest = store.oldest_sent_at(state.db, queue["uid"])
        if oldest is not None:
            deadlines.append(oldest + retention)
    return min(deadlines, default=None)


def forget_dedup_ids(state, now: float) -> float | None:
    store.drop_expired_dedup(state.db, now)
    return store.next_dedup_expiry(state.db)


JOBS = {"retention": expire_messages, "dedup": forget_dedup_ids, "redrive": run_move_tasks}
