"""Tags of keys: TagResource, UntagResource, ListResourceTags."""
from lakebox.kit import tags as tag_rules
from lakebox.services.kms import lookup, store
from lakebox.services.kms.errors import InvalidMarkerException

LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT = 50, 50


def tag_resource(ctx, params):
    key = lookup.managed_key_of(ctx, params["KeyId"])
    lookup.check_not_pending_deletion(ctx, key)
    check_tags(params["Tags"], store.tags(ctx.state.db, key["uid"]))
    store.put_tags(ctx.state.db, key["uid"], as_dict(params["Tags"]))
    return {}


def untag_resource(ctx, params):
    key = lookup.managed_key_of(ctx, params["KeyId"])
    lookup.check_not_pending_deletion(ctx, key)
    store.remove_tags(ctx.state.db, key["uid"], params["TagKeys"])
    return {}


def list_resource_tags(ctx, params):
    key = lookup.managed_key_of(ctx, params["KeyId"])
    tags = sorted(store.tags(ctx.state.db, key["uid"]).items())
    if params.get("Marker") is not None:
        after = _marker_key(params["Marker"])
        tags = [(k, v) for k, v in tags if k > after]
    limit = min(params.get("Limit") or LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT)
    page = tags[:limit]
    answer = {"Tags": [{"TagKey": k, "TagValue": v} for k, v in page], "Truncated": len(tags) > limit}
    if answer["Truncated"]:     # the last key listed (hex of its UTF-8): untagging between pages skips none
        answer["NextMarker"] = page[-1][0].encode().hex()
    return answer


def as_dict(tags: list) -> dict:
    return {tag["TagKey"]: tag["TagValue"] for tag in tags}


def check_tags(tags: list, existing: dict):
    """KMS's tag rules (lakebox.kit.tags) for the Tags of a request (a list: a key named
    twice is refused): `aws:` is reserved, 50 tags per key, KMS's characters."""
    pairs = [(tag["TagKey"], tag["TagValue"]) for tag in tags]
    tag_rules.check_tags("kms", pairs)
    tag_rules.check_count("kms", set(existing) | {key for key, _ in pairs})


def _marker_key(marker) -> str:
    try:
        return bytes.fromhex(marker).decode()
    except ValueError:      # not hex, or not UTF-8 (UnicodeDecodeError is a ValueError)
        raise InvalidMarkerException("Invalid marker") from None
