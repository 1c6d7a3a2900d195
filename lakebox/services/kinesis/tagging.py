"""Tags and resource policies of streams and consumers."""
import json
import re

from lakebox.services.kinesis import lookup, store
from lakebox.services.kinesis.errors import InvalidArgumentException, ResourceNotFoundException

TAG_TEXT = re.compile(r"^[\w\s./=+\-%@]*$")
MAX_TAGS = 50
LIST_TAGS_DEFAULT_LIMIT = 50


def add_tags_to_stream(ctx, params):
    stream = lookup.stream_from(ctx, params)
    _add_tags(ctx, stream, lookup.arn_of(stream), params["Tags"], f"stream {stream['name']}")
    return {}


def remove_tags_from_stream(ctx, params):
    stream = lookup.stream_from(ctx, params)
    store.remove_tags(ctx.state.db, stream["account"], stream["region"], lookup.arn_of(stream), params["TagKeys"])
    return {}


def list_tags_for_stream(ctx, params):
    stream = lookup.stream_from(ctx, params)
    tags = store.tags(ctx.state.db, stream["account"], stream["region"], lookup.arn_of(stream))
    start = params.get("ExclusiveStartTagKey")
    keys = [k for k in tags if start is None or k > start]
    limit = params.get("Limit") or LIST_TAGS_DEFAULT_LIMIT
    return {"Tags": [{"Key": k, "Value": tags[k]} for k in keys[:limit]], "HasMoreTags": len(keys) > limit}


def tag_resource(ctx, params):
    account, region, arn, label = _resource(ctx, params["ResourceARN"])
    _add_tags(ctx, {"account": account, "region": region}, arn, params["Tags"], label)
    return {}


def untag_resource(ctx, params):
    account, region, arn, _ = _resource(ctx, params["ResourceARN"])
    store.remove_tags(ctx.state.db, account, region, arn, params["TagKeys"])
    return {}


def list_tags_for_resource(ctx, params):
    account, region, arn, _ = _resource(ctx, params["ResourceARN"])
    tags = store.tags(ctx.state.db, account, region, arn)
    return {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}


def put_resource_policy(ctx, params):
    account, region, arn, _ = _resource(ctx, params["ResourceARN"])
    try:
        document = json.loads(params["Policy"])
    except ValueError:
        raise InvalidArgumentException("Policy is not a valid JSON document.") from None
    if not isinstance(document, dict):
        raise InvalidArgumentException("Policy is not a valid JSON document.")
    store.put_policy(ctx.state.db, account, region, arn, params["Policy"])
    return {}


def get_resource_policy(ctx, params):
    account, region, arn, _ = _resource(ctx, params["ResourceARN"])
    return {"Policy": store.policy(ctx.state.db, account, region, arn) or "{}"}


def delete_resource_policy(ctx, params):
    account, region, arn, _ = _resource(ctx, params["ResourceARN"])
    if store.policy(ctx.state.db, account, region, arn) is None:
        raise ResourceNotFoundException(f"No resource policy found for resource ARN {arn}.")
    store.delete_policy(ctx.state.db, account, region, arn)
    return {}


def _resource(ctx, arn):
    """(account, region, arn, label) of an existing stream or consumer ARN."""
    if "/consumer/" in arn:
        consumer = lookup.consumer_from(ctx, {"ConsumerARN": arn})
        return consumer["account"], consumer["region"], arn, f"consumer {consumer['name']}"
    stream = lookup.stream_from(ctx, {"StreamARN": arn})
    return stream["account"], stream["region"], lookup.arn_of(stream), f"stream {stream['name']}"


def _add_tags(ctx, owner, arn, new_tags, label):
    db = ctx.state.db
    check_tag_characters(new_tags)
    existing = store.tags(db, owner["account"], owner["region"], arn)
    check_tag_count(set(existing) | set(new_tags), owner["account"], label)
    store.put_tags(db, owner["account"], owner["region"], arn, new_tags)


def check_new_tags(tags: dict, account, label):
    """The tags a resource is created with (CreateStream, RegisterStreamConsumer)."""
    check_tag_characters(tags)
    check_tag_count(tags, account, label)


def check_tag_characters(tags: dict):
    """Keys and values are Unicode letters, digits, white space and `_ . / = + - % @`."""
    if any(not TAG_TEXT.match(text) for pair in tags.items() for text in pair):
        raise InvalidArgumentException("Some tags contain invalid characters. Valid characters: "
                                       "Unicode letters, digits, white space, _ . / = + - % @.")


def check_tag_count(keys, account, label):
    """AWS: up to 50 tags per resource, whether added later or given at creation
    (CreateStream, RegisterStreamConsumer), though the model lets a request carry 200."""
    if len(keys) > MAX_TAGS:
        raise InvalidArgumentException(
            f"Failed to add tags to {label} under account {account} because a given resource "
            f"cannot have more than {MAX_TAGS} tags.")
