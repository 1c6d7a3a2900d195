"""Multi-Region keys: ReplicateKey copies a primary key (id, spec, material) into
another region of the same account; UpdatePrimaryRegion makes a replica the primary.
Replicas share material with their primary, so a ciphertext made in one region
decrypts in every other, and a rotation reaches them all."""
from lakebox.services.kms import access, keys, lookup, model, store, tagging
from lakebox.services.kms.errors import AlreadyExistsException, NotFoundException, UnsupportedOperationException


def replicate_key(ctx, params):
    key = _multi_region_primary(ctx, params["KeyId"])
    region = params["ReplicaRegion"]
    db = ctx.state.db
    if region in {r["region"] for r in store.related_keys(db, key)}:
        raise AlreadyExistsException(
            f"Replica key {model.key_arn(key['account'], region, key['key_id'])} already exists.")
    policy = params.get("Policy")
    if policy is not None:
        keys.check_policy(policy)
        access.check_lockout(ctx, params)
    tagging.check_tags(params.get("Tags") or [], {})
    tags = tagging.as_dict(params.get("Tags") or [])
    policy = policy or model.default_policy(key["account"], region)
    uid = store.insert_replica(db, key, region, lookup.now_ms(ctx), params.get("Description", ""), policy, tags)
    replica = store.key_by_uid(db, uid)
    return {"ReplicaKeyMetadata": lookup.metadata(ctx, replica), "ReplicaPolicy": policy,
            "ReplicaTags": [{"TagKey": k, "TagValue": v} for k, v in sorted(tags.items())]}


def update_primary_region(ctx, params):
    key = _multi_region_primary(ctx, params["KeyId"])
    region = params["PrimaryRegion"]
    if region not in {r["region"] for r in store.related_keys(ctx.state.db, key)}:
        raise NotFoundException(f"Key '{model.key_arn(key['account'], region, key['key_id'])}' does not exist")
    store.move_primary(ctx.state.db, key, region)
    return {}


def _multi_region_primary(ctx, text):
    key = lookup.find_key(ctx, text, allow_alias=False)
    lookup.check_enabled(ctx, key)
    if not key["multi_region"]:
        raise UnsupportedOperationException(f"{lookup.arn_of(key)} is not a multi-Region key.")
    if lookup.primary_region(key) != key["region"]:
        raise UnsupportedOperationException(f"{lookup.arn_of(key)} is not a multi-Region primary key.")
    return key
