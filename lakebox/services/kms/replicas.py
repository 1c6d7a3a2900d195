"""Multi-Region keys: ReplicateKey copies a primary key (id, spec, material) into
another region of the same account; UpdatePrimaryRegion makes a replica the primary.
Replicas share material with their primary, so a ciphertext made in one region
decrypts in every other, and a rotation reaches them all."""
import functools

import botocore.session

from lakebox.aws.errors import ValidationError
from lakebox.kit import arns
from lakebox.services.kms import access, keys, lookup, model, store, tagging
from lakebox.services.kms.errors import AlreadyExistsException, NotFoundException, UnsupportedOperationException


def replicate_key(ctx, params):
    key = _multi_region_primary(ctx, params["KeyId"])
    region = params["ReplicaRegion"]
    _check_replica_region(key, region)
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
    described = lookup.metadata(ctx, replica)
    if key["origin"] == "EXTERNAL":
        # imports_multi_region.json replicate_imported_primary: Creating, with the primary's model
        described.update(Enabled=False, KeyState="Creating")
        described.pop("CurrentKeyMaterialId", None)
        if key["expiration_model"]:
            described["ExpirationModel"] = key["expiration_model"]
    return {"ReplicaKeyMetadata": described, "ReplicaPolicy": policy,
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


def _check_replica_region(key, region):
    """A replica goes to another known region of the primary's partition (stackd
    testdata/aws/kms/multi_region.json replicate_region_us-east-1, _cn-north-1, _us-invalid-1)."""
    if region == key["region"]:
        raise ValidationError(f"{region} cannot have a replica because it contains the primary.")
    partition = arns.partition(key["region"])
    if arns.partition(region) != partition:
        raise ValidationError("The replica key Region must be in the same AWS partition as the primary key Region.")
    if region not in _kms_regions(partition):
        raise ValidationError(f"Region {region} is not a valid Region or multi-Region keys are not supported in "
                              f"Region {region}.")


@functools.cache
def _kms_regions(partition: str) -> frozenset:
    """The regions botocore's endpoint data gives KMS in `partition`."""
    return frozenset(botocore.session.get_session().get_available_regions("kms", partition_name=partition))
