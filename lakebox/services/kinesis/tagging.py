"""Tags and resource policies of streams and consumers. Tag rules are Kinesis' row of the
kit's table (`lakebox.kit.tags`)."""
import json

from lakebox.kit import policies, tags as kit_tags
from lakebox.services.kinesis import lookup, store
from lakebox.services.kinesis.errors import (
    InvalidArgumentException, ResourceInUseException, ResourceNotFoundException)

LIST_TAGS_DEFAULT_LIMIT = 50


def add_tags_to_stream(ctx, params):
    stream = _taggable(ctx, lookup.stream_from(ctx, params))
    _add_tags(ctx, stream, lookup.arn_of(stream), params["Tags"], f"stream {stream['name']}")
    return {}


def remove_tags_from_stream(ctx, params):
    stream = _taggable(ctx, lookup.stream_from(ctx, params))
    _check_removed_keys(stream["account"], f"stream {stream['name']}", params["TagKeys"])
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
    account, region, arn, label = _resource(ctx, params["ResourceARN"], changing=True)
    _add_tags(ctx, {"account": account, "region": region}, arn, params["Tags"], label,
              counted_as=(f"resource {arn}", " associated with it"))
    return {}


def untag_resource(ctx, params):
    account, region, arn, label = _resource(ctx, params["ResourceARN"], changing=True)
    _check_removed_keys(account, label, params["TagKeys"])
    store.remove_tags(ctx.state.db, account, region, arn, params["TagKeys"])
    return {}


def list_tags_for_resource(ctx, params):
    account, region, arn, _ = _resource(ctx, params["ResourceARN"])
    tags = store.tags(ctx.state.db, account, region, arn)
    return {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}


def put_resource_policy(ctx, params):
    account, region, arn, _ = _resource(ctx, params["ResourceARN"])
    if "/consumer/" in arn:
        _check_consumer_active(ctx, lookup.consumer_from(ctx, {"ConsumerARN": arn}))
    try:
        policies.document(params["Policy"])
    except ValueError:
        raise InvalidArgumentException("Policy validation error: This policy contains invalid Json") from None
    store.put_policy(ctx.state.db, account, region, arn, params["Policy"])
    return {}


def get_resource_policy(ctx, params):
    account, region, arn, _ = _resource(ctx, params["ResourceARN"])
    policy = store.policy(ctx.state.db, account, region, arn)
    return {"Policy": _as_kept(policy) if policy else "{}"}


def _as_kept(policy: str) -> str:
    """A policy as Kinesis gives it back: compact JSON, keys in their order, a list of one
    string (an Action, a Resource, a principal) as that string; Statement stays a list."""
    def kept(node):
        if isinstance(node, dict):
            return {key: kept(value) for key, value in node.items()}
        if isinstance(node, list):
            if len(node) == 1 and isinstance(node[0], str):
                return node[0]
            return [kept(item) for item in node]
        return node
    return json.dumps(kept(json.loads(policy)), separators=(",", ":"), ensure_ascii=False)


def delete_resource_policy(ctx, params):
    account, region, arn, _ = _resource(ctx, params["ResourceARN"])
    if store.policy(ctx.state.db, account, region, arn) is None:
        raise ResourceNotFoundException(f"No resource policy found for resource ARN {arn}.")
    store.delete_policy(ctx.state.db, account, region, arn)
    return {}


def _resource(ctx, arn, changing=False):
    """(account, region, arn, label) of an existing stream or consumer ARN (a stream whose
    tags can change, when `changing`)."""
    if "/consumer/" in arn:
        consumer = lookup.consumer_from(ctx, {"ConsumerARN": arn})
        return consumer["account"], consumer["region"], arn, f"consumer {consumer['name']}"
    stream = lookup.stream_from(ctx, {"StreamARN": arn})
    if changing:
        _taggable(ctx, stream)
    return stream["account"], stream["region"], lookup.arn_of(stream), f"stream {stream['name']}"


def _check_consumer_active(ctx, consumer):
    """A consumer takes a resource policy once ACTIVE, in the words Kinesis refuses one
    still CREATING (as CloudFormation users met it: "Consumer test-consumer with creation
    timestamp ... under stream test-stream and account ... is not in ACTIVE status.")."""
    if lookup.consumer_status(consumer, lookup.now_ms(ctx)) != "ACTIVE":
        stream = store.stream_by_uid(ctx.state.db, consumer["stream_uid"])
        raise ResourceInUseException(
            f"Consumer {consumer['name']} with creation timestamp {consumer['created_ms'] // 1000} under stream "
            f"{stream['name']} and account {stream['account']} is not in ACTIVE status.")


def _taggable(ctx, stream):
    """A stream whose tags can change: "Tags will take effect from the CREATING status of
    the stream, but you can't make any updates to the tags until the stream is in ACTIVE
    state" (CreateStream's reference); a stream UPDATING (resharding) takes them."""
    status = lookup.status_of(stream, lookup.now_ms(ctx))
    if status not in ("ACTIVE", "UPDATING"):
        raise ResourceInUseException(
            f"Stream {stream['name']} under account {stream['account']} not ACTIVE, instead in state {status}")
    return stream


def _add_tags(ctx, owner, arn, new_tags, label, counted_as=None):
    """`counted_as`: (label, tail) of the words refusing a tag too many (TagResource names
    the resource by its ARN and adds " associated with it")."""
    db = ctx.state.db
    kit_tags.check_tags("kinesis", new_tags, account=owner["account"], label=label, action="add tags to")
    existing = store.tags(db, owner["account"], owner["region"], arn)
    count_label, tail = counted_as or (label, "")
    kit_tags.check_count("kinesis", set(existing) | set(new_tags), account=owner["account"], label=count_label,
                         tail=tail)
    store.put_tags(db, owner["account"], owner["region"], arn, new_tags)


def check_new_tags(tags: dict, account, label):
    """The tags a resource is created with (CreateStream, RegisterStreamConsumer): the
    same rules as tags added later, and at most 50 of them, though the model lets a
    request carry 200."""
    kit_tags.check_tags("kinesis", tags, account=account, label=label, action="add tags to")
    kit_tags.check_count("kinesis", tags, account=account, label=label, tail="")


def _check_removed_keys(account, label, keys):
    """Kinesis refuses keys to remove whose characters a tag may not hold."""
    kit_tags.check_keys("kinesis", keys, account=account, label=label, action="remove tags from")
