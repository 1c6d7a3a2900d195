"""Tags of delivery streams: at most 50 per stream."""
from lakebox.services.firehose import lookup, store
from lakebox.services.firehose.errors import LimitExceededException

MAX_TAGS = 50
LIST_DEFAULT_LIMIT = 50


def tags_of(tag_list) -> dict:
    return {t["Key"]: t.get("Value", "") for t in tag_list or []}


def tag_delivery_stream(ctx, params):
    stream = lookup.stream_named(ctx, params["DeliveryStreamName"])
    new_tags = tags_of(params["Tags"])
    existing = store.tags(ctx.state.db, stream["uid"])
    if len(set(existing) | set(new_tags)) > MAX_TAGS:
        raise LimitExceededException(
            f"Failed to add tags to delivery stream {stream['name']} under account {stream['account']} "
            f"because a given resource cannot have more than {MAX_TAGS} tags.")
    store.put_tags(ctx.state.db, stream["uid"], new_tags)
    return {}


def untag_delivery_stream(ctx, params):
    stream = lookup.stream_named(ctx, params["DeliveryStreamName"])
    store.remove_tags(ctx.state.db, stream["uid"], params["TagKeys"])
    return {}


def list_tags_for_delivery_stream(ctx, params):
    stream = lookup.stream_named(ctx, params["DeliveryStreamName"])
    tags = store.tags(ctx.state.db, stream["uid"])
    start = params.get("ExclusiveStartTagKey")
    keys = [k for k in tags if start is None or k > start]
    limit = params.get("Limit") or LIST_DEFAULT_LIMIT
    return {"Tags": [{"Key": k, "Value": tags[k]} for k in keys[:limit]], "HasMoreTags": len(keys) > limit}
