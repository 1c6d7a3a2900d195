"""AWS managed keys (`alias/aws/<service>`): AWS creates one per service, account and
region the first time it is needed, whether by the service (SSE-KMS, stream encryption)
or by a user naming its alias (DescribeKey `alias/aws/s3` answers in a fresh account).

Some of those aliases are predefined: ListAliases shows them in every account and region
before their key exists, with no TargetKeyId ("predefined aliases that AWS has created but
has not yet associated with a KMS key", ListAliases API reference); once the key is made,
the alias is an ordinary row that names it. The others (`aws/kinesis`, `aws/sqs`, ...)
appear when their key is first made.
"""
from lakebox.services.kms import keygen, keys, model, store

# AWS's descriptions of its managed keys; other services' keys follow the same pattern.
_DESCRIPTIONS = {"s3": "Default key that protects my S3 objects when no other key is defined"}

# The predefined aliases, as real accounts list them: an aws-nuke dry run over one account
# (eu-west-2, 2018, recorded in a public README) lists dynamodb, ebs, elasticfilesystem,
# es, glue, kinesisvideo, rds, redshift, s3, ssm and xray; newer accounts also list acm,
# lambda and secretsmanager (not on record here).
PREDEFINED = tuple(model.RESERVED_ALIAS_PREFIX + service for service in (
    "acm", "dynamodb", "ebs", "elasticfilesystem", "es", "glue", "kinesisvideo", "lambda", "rds", "redshift", "s3",
    "secretsmanager", "ssm", "xray"))
_PREFIX_END = model.RESERVED_ALIAS_PREFIX[:-1] + chr(ord(model.RESERVED_ALIAS_PREFIX[-1]) + 1)


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
    # AWS rotates its managed keys every year, not configurably (API reference,
    # GetKeyRotationStatus: "The key rotation status for AWS managed KMS keys is always true")
    days = model.DEFAULT_ROTATION_DAYS
    store.update_key(db, key["uid"], rotation_days=days, next_rotation_ms=key["created_ms"] + days * model.DAY_S * 1000)
    ctx.state.scheduler.poke("kms")
    return store.key_by_uid(db, key["uid"])


def service_of(alias_name: str) -> str | None:
    """`s3` for `alias/aws/s3`; None for any other alias."""
    if not alias_name.startswith(model.RESERVED_ALIAS_PREFIX):
        return None
    service = alias_name[len(model.RESERVED_ALIAS_PREFIX):]
    return service if service and "/" not in service else None


def predefined_after(ctx, after: str) -> list[dict]:
    """ListAliases entries of the predefined aliases named after `after` whose key does not
    exist yet: a name and an ARN, no TargetKeyId and no dates."""
    made = store.alias_names_between(ctx.state.db, ctx.account, ctx.region, model.RESERVED_ALIAS_PREFIX, _PREFIX_END)
    return [{"AliasName": name, "AliasArn": model.alias_arn(ctx.account, ctx.region, name)}
            for name in PREDEFINED if name > after and name not in made]
