"""Tags of delivery streams, checked with Firehose's row of the kit's tag rules (50 per
stream, the characters Firehose allows, `aws:` reserved)."""
from lakebox.kit import tags as tag_rules
from lakebox.services.firehose import lookup, store

LIST_DEFAULT_LIMIT = 50


def tags_of(tag_list) -> dict:
    """A request's tags as a dict, once they pass Firehose's rules."""
    found = {t["Key"]: t.get("Value", "") for t in tag_list or []}
    tag_rules.check_tags("firehose", [(t["Key"], t.get("Value", "")) for t in tag_list or []])
    tag_rules.check_count("firehose", found)
    return found


def tag_delivery_stream(ctx, params):
    stream = lookup.stream_named(ctx, params["DeliveryStreamName"])
    new_tags = tags_of(params["Tags"])
    existing = store.tags(ctx.state.db, stream["uid"])
    tag_rules.check_count("firehose", set(existing) | set(new_tags))
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
