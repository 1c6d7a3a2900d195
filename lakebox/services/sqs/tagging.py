"""Queue tags: at most 50 per queue; keys 1-128 characters, values up to 256."""
from lakebox.services.sqs import store
from lakebox.services.sqs.errors import InvalidParameterValue
from lakebox.services.sqs.lookup import queue_from

MAX_TAGS = 50
MAX_KEY = 128
MAX_VALUE = 256


def check_tags(tags: dict):
    for key, value in tags.items():
        if not 1 <= len(key) <= MAX_KEY:
            raise InvalidParameterValue(f"Tag key must be between 1 and {MAX_KEY} characters.")
        if key.lower().startswith("aws:"):
            raise InvalidParameterValue("Tag keys must not start with 'aws:'.")
        if len(value) > MAX_VALUE:
            raise InvalidParameterValue(f"Tag value must be at most {MAX_VALUE} characters.")
    if len(tags) > MAX_TAGS:
        raise InvalidParameterValue(f"Too many tags added for queue. The maximum is {MAX_TAGS}.")


def tag_queue(ctx, params):
    row = queue_from(ctx, params)
    new_tags = params.get("Tags") or {}
    check_tags({**store.tags(ctx.state.db, row["uid"]), **new_tags})
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
