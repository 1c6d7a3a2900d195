"""AWS managed keys (`alias/aws/<service>`): AWS creates one per service, account and
region the first time it is needed, whether by the service (SSE-KMS, stream encryption)
or by a user naming its alias (DescribeKey `alias/aws/s3` answers in a fresh account)."""
from lakebox.services.kms import keygen, keys, model, store

# AWS's descriptions of its managed keys; other services' keys follow the same pattern.
_DESCRIPTIONS = {"s3": "Default key that protects my S3 objects when no other key is defined"}


def managed_key(ctx, service: str):
    """The AWS managed key of `service` in the context's account and region, created on first use."""
    db = ctx.state.db
    alias_name = model.RESERVED_ALIAS_PREFIX + service
    row = store.alias(db, ctx.account, ctx.region, alias_name)
    if row is not None:
        return store.key_by_uid(db, row["key_uid"])
    description = _DESCRIPTIONS.get(service, f"Default key that protects my {service} data when no other key is "
                                             f"defined")
    key = keys.create(ctx, spec=model.DEFAULT_SPEC, usage="ENCRYPT_DECRYPT", description=description,
                      multi_region=False, policy=None, tags={}, manager="AWS",
                      material=keygen.new_material(model.DEFAULT_SPEC))
    store.insert_alias(db, ctx.account, ctx.region, alias_name, key["uid"], int(ctx.now * 1000))
    return key


def service_of(alias_name: str) -> str | None:
    """`s3` for `alias/aws/s3`; None for any other alias."""
    if not alias_name.startswith(model.RESERVED_ALIAS_PREFIX):
        return None
    service = alias_name[len(model.RESERVED_ALIAS_PREFIX):]
    return service if service and "/" not in service else None
