"""Queues: create, find, list, attributes, purge, delete, dead-letter sources."""
import base64
import json

from lakebox.services.sqs import access, attributes, model, store
from lakebox.services.sqs.lookup import arn_of, dead_letter_sources, expire_old, queue_by_arn, queue_from, url_of
from lakebox.services.sqs.errors import (InvalidAttributeName, InvalidAttributeValue, InvalidParameterValue,
                                         PurgeQueueInProgress, QueueDeletedRecently, QueueDoesNotExist, QueueNameExists)
from lakebox.services.sqs.tagging import check_tags

RECREATE_WAIT_S = 60
PURGE_INTERVAL_S = 60
LIST_LIMIT = 1000


# --- operations ---------------------------------------------------------------------------

def create_queue(ctx, params):
    db, name = ctx.state.db, params["QueueName"]
    requested = params.get("Attributes") or {}
    fifo = attributes.is_fifo_request(requested)
    model.check_queue_name(name, fifo)
    wanted = attributes.initial(requested, fifo, lambda arn: queue_by_arn(db, arn),
                                model.queue_arn(ctx.region, ctx.account, name))
    tags = params.get("tags") or {}
    check_tags(tags)
    existing = store.queue(db, ctx.account, ctx.region, name)
    if existing is not None:
        different = attributes.first_difference(store.attributes_of(existing), wanted, requested)
        if different:
            raise QueueNameExists("A queue already exists with the same name and a different value for "
                                  f"attribute {different}")
        return {"QueueUrl": url_of(ctx, existing)}
    deleted = store.deleted_at(db, ctx.account, ctx.region, name)
    if deleted is not None and ctx.now < deleted + RECREATE_WAIT_S:
        raise QueueDeletedRecently()
    store.insert_queue(db, ctx.account, ctx.region, name, fifo, wanted, ctx.now, tags)
    return {"QueueUrl": model.queue_url(ctx.headers.get("host", "localhost:4566"), ctx.account, name)}


def get_queue_url(ctx, params):
    account = params.get("QueueOwnerAWSAccountId") or ctx.account
    row = store.queue(ctx.state.db, account, ctx.region, params["QueueName"])
    # A queue of another account that its policy does not show the caller is answered as
    # a missing one (the queue's existence is not told).
    if row is None or (row["account"] != ctx.account and access.verdict(ctx, row) is not None):
        raise QueueDoesNotExist()
    access.check(ctx, row)
    return {"QueueUrl": url_of(ctx, row)}


def list_queues(ctx, params):
    rows = store.queues(ctx.state.db, ctx.account, ctx.region, params.get("QueueNamePrefix") or "")
    return _page(ctx, rows, params, "QueueUrls")


def list_dead_letter_source_queues(ctx, params):
    rows = dead_letter_sources(ctx.state.db, queue_from(ctx, params))
    return _page(ctx, rows, params, "queueUrls")


def _page(ctx, rows, params, member):
    """A page of queue URLs; a NextToken only when MaxResults was given and more remain."""
    limit = params.get("MaxResults")
    if limit is not None and not 1 <= limit <= LIST_LIMIT:
        raise InvalidParameterValue(f"Value {limit} for parameter MaxResults is invalid. "
                                    f"Reason: MaxResults must be an integer between 1 and {LIST_LIMIT}.")
    after = _token_name(params["NextToken"]) if params.get("NextToken") else None
    if after is not None:
        rows = [row for row in rows if row["name"] > after]
    page = rows[:limit or LIST_LIMIT]
    # No list at all when nothing matches: AWS's JSON answers leave out empty lists since
    # late 2023 (see model.batch_result).
    result = {member: [url_of(ctx, row) for row in page]} if page else {}
    if limit is not None and len(rows) > limit:
        result["NextToken"] = base64.b64encode(json.dumps({"after": page[-1]["name"]}).encode()).decode()
    return result


def _token_name(token: str) -> str:
    try:
        return json.loads(base64.b64decode(token, validate=True))["after"]
    except (ValueError, KeyError, TypeError):
        raise InvalidParameterValue("Invalid NextToken value.") from None


def get_queue_attributes(ctx, params):
    row = queue_from(ctx, params)
    names = attributes.requested_names(params.get("AttributeNames"), bool(row["fifo"]))
    return {"Attributes": current_attributes(ctx, row, names)} if names else {}


def current_attributes(ctx, row, names) -> dict:
    stored = store.attributes_of(row)
    found = {}
    counts = None
    for name in names:
        if name.startswith("ApproximateNumberOfMessages"):
            if counts is None:
                expire_old(ctx.state.db, row, ctx.now)
                counts = dict(zip(("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                                   "ApproximateNumberOfMessagesDelayed"), store.counts(ctx.state.db, row["uid"],
                                                                                        ctx.now)))
            found[name] = str(counts[name])
        elif name == "CreatedTimestamp":
            found[name] = str(int(row["created_at"]))
        elif name == "LastModifiedTimestamp":
            found[name] = str(int(row["modified_at"]))
        elif name == "QueueArn":
            found[name] = arn_of(row)
        elif name in stored:
            found[name] = stored[name]
    return found


def set_queue_attributes(ctx, params):
    db = ctx.state.db
    row = queue_from(ctx, params)
    changes = params.get("Attributes") or {}
    fifo = bool(row["fifo"])
    if "FifoQueue" in changes:
        changes = dict(changes)
        wanted = changes.pop("FifoQueue").lower()
        # Recorded from AWS (localstack's test_set_unsupported_attribute_standard and _fifo
        # snapshots, 2024): a standard queue has no FifoQueue attribute; a FIFO queue's
        # can't go off.
        if not fifo:
            raise InvalidAttributeName("Unknown Attribute FifoQueue.")
        if wanted != ("true" if fifo else "false"):
            raise InvalidAttributeValue("Invalid value for the parameter FifoQueue. Reason: Modifying queue type "
                                        "is not supported.")
    updated = attributes.apply(store.attributes_of(row), changes, fifo, lambda arn: queue_by_arn(db, arn),
                               arn_of(row))
    store.set_attributes(db, row["uid"], updated, ctx.now)
    return {}


def delete_queue(ctx, params):
    row = queue_from(ctx, params)
    store.delete_queue(ctx.state.db, row, ctx.now)
    return {}


def purge_queue(ctx, params):
    row = queue_from(ctx, params)
    if row["purged_at"] is not None and ctx.now < row["purged_at"] + PURGE_INTERVAL_S:
        raise PurgeQueueInProgress(f"Only one PurgeQueue operation on {row['name']} is allowed every "
                                   f"{PURGE_INTERVAL_S} seconds.")
    store.purge(ctx.state.db, row["uid"], ctx.now)
    return {}

