"""Finding queues from what requests name: URLs and ARNs; and what a queue row says."""
import json

from lakebox.services.sqs import access, attributes, model, store
from lakebox.services.sqs.errors import QueueDoesNotExist


def queue_from(ctx, params, member="QueueUrl"):
    """The queue a request's QueueUrl names, in the caller's region, once its policy lets
    the caller run the request's operation on it (`access.check`)."""
    account, name = model.parse_queue_url(params[member], ctx.account)
    row = store.queue(ctx.state.db, account, ctx.region, name)
    if row is None:
        raise QueueDoesNotExist()
    access.check(ctx, row)
    return row


def queue_by_arn(db, arn):
    parts = model.parse_queue_arn(arn)
    if parts is None:
        return None
    region, account, name = parts
    return store.queue(db, account, region, name)


def url_of(ctx, row) -> str:
    return model.queue_url(ctx.headers.get("host", "localhost:4566"), row["account"], row["name"])


def arn_of(row) -> str:
    return model.queue_arn(row["region"], row["account"], row["name"])


def expire_old(db, row, now) -> int:
    """Delete the queue's messages older than its retention period."""
    retention = attributes.int_attribute(store.attributes_of(row), "MessageRetentionPeriod")
    return store.expire(db, row["uid"], now - retention)


def dead_letter_sources(db, target) -> list:
    """The queues whose RedrivePolicy sends dead letters to `target`."""
    target_arn = arn_of(target)
    return [row for row in store.queues_mentioning(db, target["account"], target["region"], target_arn)
            if json.loads(store.attributes_of(row).get("RedrivePolicy", "{}")).get("deadLetterTargetArn")
            == target_arn]
