"""Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases."""
from lakebox.aws.errors import ValidationError
from lakebox.services.kms import lookup, managed, model, store
from lakebox.services.kms.errors import (
    AlreadyExistsException, InvalidAliasNameException, InvalidMarkerException, NotFoundException)

LIST_DEFAULT_LIMIT = 50


def create_alias(ctx, params):
    name = params["AliasName"]
    _check_name(name)
    key = _target(ctx, params["TargetKeyId"])
    db = ctx.state.db
    if store.alias(db, ctx.account, ctx.region, name) is not None:
        raise AlreadyExistsException(
            f"An alias with the name {model.alias_arn(ctx.account, ctx.region, name)} already exists")
    store.insert_alias(db, ctx.account, ctx.region, name, key["uid"], lookup.now_ms(ctx))
    return {}


def update_alias(ctx, params):
    name = params["AliasName"]
    _check_name(name)
    current = store.key_by_uid(ctx.state.db, _existing(ctx, name)["key_uid"])
    key = _target(ctx, params["TargetKeyId"])
    if current is not None and (_kind(current), current["key_usage"]) != (_kind(key), key["key_usage"]):
        # UpdateAlias's TargetKeyId documentation; AWS's wording of the refusal is not on record.
        raise ValidationError(f"Alias {name} cannot be moved from a {_kind(current)} {current['key_usage']} key "
                              f"to a {_kind(key)} {key['key_usage']} key: the new target must be of the same type "
                              "and key usage.")
    store.retarget_alias(ctx.state.db, ctx.account, ctx.region, name, key["uid"], lookup.now_ms(ctx))
    return {}


def delete_alias(ctx, params):
    name = params["AliasName"]
    _check_name(name)
    _existing(ctx, name)
    store.delete_alias(ctx.state.db, ctx.account, ctx.region, name)
    return {}


def list_aliases(ctx, params):
    db = ctx.state.db
    key_uid = None
    if params.get("KeyId"):
        key_uid = lookup.find_key(ctx, params["KeyId"], allow_alias=False)["uid"]
    marker = params.get("Marker") or ""
    if marker and not marker.startswith("alias/"):
        raise InvalidMarkerException("Invalid marker")
    limit = params.get("Limit") or LIST_DEFAULT_LIMIT
    rows = store.aliases_after(db, ctx.account, ctx.region, marker, limit + 1, key_uid)
    entries = [_described(db, row) for row in rows]
    if key_uid is None:         # predefined aliases with no key yet name no key to filter by
        entries = sorted(entries + managed.predefined_after(ctx, marker), key=lambda entry: entry["AliasName"])
    page = entries[:limit]
    answer = {"Aliases": page, "Truncated": len(entries) > limit}
    if answer["Truncated"]:
        answer["NextMarker"] = page[-1]["AliasName"]
    return answer


def _described(db, row) -> dict:
    key = store.key_by_uid(db, row["key_uid"])
    return {"AliasName": row["name"], "AliasArn": model.alias_arn(row["account"], row["region"], row["name"]),
            "TargetKeyId": key["key_id"], "CreationDate": row["created_ms"] / 1000,
            "LastUpdatedDate": row["updated_ms"] / 1000}


def _kind(key) -> str:
    """symmetric, HMAC or asymmetric: alias targets may change only within a kind."""
    spec = key["key_spec"]
    return "symmetric" if spec == model.DEFAULT_SPEC else "HMAC" if spec.startswith("HMAC_") else "asymmetric"


def _check_name(name):
    if not name.startswith("alias/"):
        raise ValidationError('Alias must start with the prefix "alias/". Please see '
                              'https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html')
    if name.startswith(model.RESERVED_ALIAS_PREFIX):
        raise InvalidAliasNameException(
            f"{name} is not a valid alias name: the prefix alias/aws/ is reserved for AWS managed keys.")


def _existing(ctx, name):
    row = store.alias(ctx.state.db, ctx.account, ctx.region, name)
    if row is None:
        raise NotFoundException(f"Alias {model.alias_arn(ctx.account, ctx.region, name)} is not found.")
    return row


def _target(ctx, text):
    """The key an alias points to: named by key id or key ARN, not pending deletion."""
    key = lookup.find_key(ctx, text, allow_alias=False)
    lookup.check_not_pending_deletion(ctx, key)
    return key
