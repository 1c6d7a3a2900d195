"""Key lifecycle: create, describe, list, enable and disable, scheduled deletion,
description, and key policies."""
from lakebox.aws.errors import ValidationError
from lakebox.kit import policies
from lakebox.services.kms import access, keygen, lookup, model, store, tagging
from lakebox.services.kms.errors import (
    CustomKeyStoreNotFoundException, InvalidMarkerException, KMSInvalidStateException, MalformedPolicyDocumentException, NotFoundException,
    UnsupportedOperationException)

LIST_KEYS_DEFAULT_LIMIT = 100
POLICY_NAME = "default"


# ---------------------------------------------------------------------------
# Create


async def create_key(ctx, params):
    spec, usage = _spec_and_usage(params)
    origin = params.get("Origin", "AWS_KMS")
    if params.get("CustomKeyStoreId"):
        raise CustomKeyStoreNotFoundException()      # lakebox has none (key_stores.py)
    if origin not in ("AWS_KMS", "EXTERNAL"):
        raise UnsupportedOperationException(f"lakebox has no custom key stores: Origin {origin} is not supported.")
    policy = params.get("Policy")
    if policy is not None:
        check_policy(policy)
        access.check_lockout(ctx, params)
    tagging.check_tags(params.get("Tags") or [], {})
    tags = tagging.as_dict(params.get("Tags") or [])
    material = await keygen.new_material_off_loop(ctx.state, spec) if origin == "AWS_KMS" else None
    key = create(ctx, spec=spec, usage=usage, description=params.get("Description", ""),
                 multi_region=bool(params.get("MultiRegion")), policy=policy, tags=tags, manager="CUSTOMER",
                 material=material)
    return {"KeyMetadata": lookup.metadata(ctx, key)}


def create(ctx, spec, usage, description, multi_region, policy, tags, manager, material, origin=None):
    """Store a new key and return its row: enabled with its first material, or, without
    material (Origin EXTERNAL), pending the import of its material."""
    origin = origin or ("AWS_KMS" if material is not None else "EXTERNAL")
    key_id = model.new_key_id(multi_region)
    uid = store.insert_key(
        ctx.state.db, material, keygen.material_id(material) if material else None, tags,
        account=ctx.account, region=ctx.region, key_id=key_id, created_ms=lookup.now_ms(ctx),
        description=description, key_usage=usage, key_spec=spec, origin=origin, key_manager=manager,
        multi_region=int(multi_region), enabled=int(material is not None),
        policy=policy or model.default_policy(ctx.account, ctx.region), current_version=1,
        primary_region=ctx.region if multi_region else None)
    return store.key_by_uid(ctx.state.db, uid)


def _spec_and_usage(params):
    if params.get("KeySpec") and params.get("CustomerMasterKeySpec"):
        raise ValidationError("You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
                              "CustomerMasterKeySpec is deprecated.")
    spec = params.get("KeySpec") or params.get("CustomerMasterKeySpec") or model.DEFAULT_SPEC
    if spec.startswith("ML_DSA_") and params.get("Origin") == "EXTERNAL":
        # stackd testdata/aws/kms/imports_families.json ML_DSA_*_external_create
        raise ValidationError(f"KeySpec {spec} is not supported for Origin EXTERNAL")
    # ML-DSA keys are judged for their usage as KMS judges them (stackd testdata/aws/kms/mldsa.json
    # default_usage, encryption_usage, agreement_usage), then refused: lakebox cannot sign with them
    usages = _ML_DSA_USAGES if spec.startswith("ML_DSA_") else model.KEY_SPECS.get(spec)
    if usages is None:
        raise UnsupportedOperationException(f"lakebox does not support KeySpec {spec}.")
    usage = params.get("KeyUsage")
    if usage is None:
        if spec != model.DEFAULT_SPEC:
            raise ValidationError("You must specify a KeyUsage value for all KMS keys except for symmetric "
                                  "encryption keys.")
        usage = "ENCRYPT_DECRYPT"
    if usage not in usages:
        raise ValidationError(f"KeyUsage {usage} is not compatible with KeySpec {spec}")
    if spec not in model.KEY_SPECS:
        raise UnsupportedOperationException(f"lakebox does not support KeySpec {spec}.")
    return spec, usage


_ML_DSA_USAGES = ("SIGN_VERIFY",)


def check_policy(policy: str):
    """A key policy is a JSON object (lakebox.kit.policies reads it); it is stored and
    returned as written, and `access.py` applies it."""
    try:
        policies.document(policy)
    except ValueError:
        raise MalformedPolicyDocumentException("The policy document is not valid JSON.") from None


# ---------------------------------------------------------------------------
# Describe and list


def describe_key(ctx, params):
    return {"KeyMetadata": lookup.metadata(ctx, lookup.authorized_key(ctx, params["KeyId"], "DescribeKey", params))}


def list_keys(ctx, params):
    after = _marker_uid(params.get("Marker"))
    limit = params.get("Limit") or LIST_KEYS_DEFAULT_LIMIT
    now = lookup.now_ms(ctx)
    rows = store.keys_after(ctx.state.db, ctx.account, ctx.region, after, limit + 1)
    page = rows[:limit]
    answer = {"Keys": [{"KeyId": k["key_id"], "KeyArn": lookup.arn_of(k)} for k in page
                       if lookup.state_of(k, now) is not None],
              "Truncated": len(rows) > limit}
    if answer["Truncated"]:
        answer["NextMarker"] = str(page[-1]["uid"])
    return answer


def _marker_uid(marker) -> int:
    if marker is None:
        return 0
    if not marker.isdigit():
        raise InvalidMarkerException("Invalid marker")
    return int(marker)


def update_key_description(ctx, params):
    key = lookup.managed_key_of(ctx, params["KeyId"])
    lookup.check_not_pending_deletion(ctx, key)
    store.update_key(ctx.state.db, key["uid"], description=params["Description"])
    return {}


# ---------------------------------------------------------------------------
# Enable, disable, delete


def enable_key(ctx, params):
    key = _customer_key(ctx, params["KeyId"])
    lookup.check_not_pending(ctx, key)
    store.update_key(ctx.state.db, key["uid"], enabled=1)
    ctx.state.scheduler.poke("kms")          # a rotation it missed while disabled is due now
    return {}


def disable_key(ctx, params):
    key = _customer_key(ctx, params["KeyId"])
    lookup.check_not_pending(ctx, key)
    store.update_key(ctx.state.db, key["uid"], enabled=0)
    return {}


def schedule_key_deletion(ctx, params):
    key = _customer_key(ctx, params["KeyId"])
    days = params.get("PendingWindowInDays", model.DEFAULT_DELETION_DAYS)
    # The model allows 1-365 days; KMS itself takes 7-30.
    if days < model.MIN_DELETION_DAYS:
        raise ValidationError(f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to "
                              f"satisfy constraint: Member must have value greater than or equal to "
                              f"{model.MIN_DELETION_DAYS}")
    if days > model.MAX_DELETION_DAYS:
        raise ValidationError(f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to "
                              f"satisfy constraint: Member must have value less than or equal to "
                              f"{model.MAX_DELETION_DAYS}")
    lookup.check_not_pending_deletion(ctx, key)
    if _live_replicas(ctx, key):
        # A primary with replicas waits for them; its date is not known until they go.
        store.update_key(ctx.state.db, key["uid"], replica_wait_days=days)
        _settle_primary(ctx, key)
        return {"KeyId": lookup.arn_of(key), "KeyState": lookup.PENDING_REPLICA_DELETION,
                "PendingWindowInDays": days}
    deletion_ms = lookup.now_ms(ctx) + days * model.DAY_S * 1000
    store.update_key(ctx.state.db, key["uid"], deletion_ms=deletion_ms)
    _settle_primary(ctx, key)
    ctx.state.scheduler.poke("kms")
    return {"KeyId": lookup.arn_of(key), "DeletionDate": deletion_ms / 1000,
            "KeyState": lookup.PENDING_DELETION, "PendingWindowInDays": days}


def cancel_key_deletion(ctx, params):
    key = _customer_key(ctx, params["KeyId"])
    if lookup.state_of(key, lookup.now_ms(ctx)) not in lookup.DELETION_STATES:
        raise KMSInvalidStateException(f"{lookup.arn_of(key)} is not pending deletion.")
    # AWS leaves a key whose deletion was cancelled disabled.
    store.update_key(ctx.state.db, key["uid"], deletion_ms=None, replica_wait_days=None, enabled=0)
    _settle_primary(ctx, key)
    return {"KeyId": lookup.arn_of(key)}


def _live_replicas(ctx, key) -> list:
    """The replicas of a multi-Region primary that are not yet deleted."""
    if not key["multi_region"] or lookup.primary_region(key) != key["region"]:
        return []
    now = lookup.now_ms(ctx)
    return [r for r in store.related_keys(ctx.state.db, key)
            if r["uid"] != key["uid"] and lookup.state_of(r, now) is not None]


def _settle_primary(ctx, key):
    """Date the deletion of a primary waiting for its replicas (ScheduleKeyDeletion's
    PendingReplicaDeletion): its waiting period after the last replica's deletion, once
    every replica has a deletion date; none while one has not."""
    if not key["multi_region"]:
        return
    db = ctx.state.db
    family = store.related_keys(db, key)
    primary = next((r for r in family if r["region"] == lookup.primary_region(r)), None)
    if primary is None or primary["replica_wait_days"] is None:
        return
    dates = [r["deletion_ms"] for r in family if r["uid"] != primary["uid"]]
    deletion_ms = None
    if None not in dates:
        deletion_ms = max(dates, default=lookup.now_ms(ctx)) + primary["replica_wait_days"] * model.DAY_S * 1000
    store.update_key(db, primary["uid"], deletion_ms=deletion_ms)
    ctx.state.scheduler.poke("kms")


def _customer_key(ctx, text):
    """A key the caller manages: AWS managed keys cannot be disabled or deleted."""
    key = lookup.managed_key_of(ctx, text)
    if key["key_manager"] == "AWS":
        raise UnsupportedOperationException(f"{lookup.arn_of(key)} is an AWS managed key.")
    return key


# ---------------------------------------------------------------------------
# Key policies (stored and returned; enforcement comes with IAM)


def get_key_policy(ctx, params):
    key = lookup.managed_key_of(ctx, params["KeyId"])
    name = params.get("PolicyName", POLICY_NAME)
    _check_policy_name(name)
    return {"Policy": key["policy"], "PolicyName": name}


def put_key_policy(ctx, params):
    key = lookup.managed_key_of(ctx, params["KeyId"])
    _check_policy_name(params.get("PolicyName", POLICY_NAME))
    check_policy(params["Policy"])
    access.check_lockout(ctx, params)
    lookup.check_not_pending_deletion(ctx, key)
    store.update_key(ctx.state.db, key["uid"], policy=params["Policy"])
    return {}


def list_key_policies(ctx, params):
    lookup.managed_key_of(ctx, params["KeyId"])
    return {"PolicyNames": [POLICY_NAME], "Truncated": False}


def _check_policy_name(name):
    if name != POLICY_NAME:
        raise NotFoundException("No such policy exists")
