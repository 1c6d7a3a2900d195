"""Queue tags, checked by SQS's row of the kit's tag rules (50 per queue, `aws:`
reserved; keys and values are length-checked by the model)."""
from lakebox.kit import tags as tag_rules
from lakebox.services.sqs import store
from lakebox.services.sqs.lookup import queue_from


def check_tags(new_tags: dict, existing_keys=()):
    tag_rules.check_tags("sqs", new_tags)
    tag_rules.check_count("sqs", set(existing_keys) | set(new_tags))


def tag_queue(ctx, params):
    row = queue_from(ctx, params)
    new_tags = params.get("Tags") or {}
    check_tags(new_tags, store.tags(ctx.state.db, row["uid"]))
    store.put_tags(ctx.state.db, row["uid"], new_tags)
    return {}


def untag_queue(ctx, params):
    row = queue_from(ctx, params)
    store.remove_tags(ctx.state.db, row["uid"], params.get("TagKeys") or [])
    return {}


def list_queue_tags(ctx, params):
    row = queue_from(ctx, params)
    tags = store.tags(ctx.state.db, row["uid"])
    return {"Tags": tags} if tags else {}
