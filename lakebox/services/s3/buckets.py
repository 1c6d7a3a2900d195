"""Buckets themselves: create, delete, head, list, locate."""
import functools

import botocore.session

from lakebox.kit import arns, sessions
from lakebox.services.s3 import access, access_points, errors, files, model, recreation, store

US_EAST_1 = "us-east-1"
LEGACY_LOCATIONS = {"EU": "eu-west-1"}
# New buckets start with ACLs disabled and public access blocked (S3's defaults since 2023).
OWNERSHIPS = ("BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced")
DEFAULT_OWNERSHIP = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
DEFAULT_PUBLIC_ACCESS_BLOCK = {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                               "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
# A bucket that has had versioning on answers so (as S3's replies were logged), whether its
# current objects or only older versions and delete markers remain.
_NOT_EMPTY_VERSIONED = "The bucket you tried to delete is not empty. You must delete all versions in the bucket."


@functools.cache
def _regions() -> frozenset:
    return frozenset(botocore.session.get_session().get_available_regions("s3"))


def bucket_arn(name: str) -> str:
    return arns.build("s3", "", "", name)


def _require_lock_setup_grants(ctx, name: str):
    """A bucket made with Object Lock needs s3:PutBucketObjectLockConfiguration and
    s3:PutBucketVersioning beside s3:CreateBucket (S3 API Reference, CreateBucket
    permissions): a session allowed less is refused, as S3 refuses it."""
    resource = arns.build("s3", "", "", name)
    for action in ("s3:PutBucketObjectLockConfiguration", "s3:PutBucketVersioning"):
        reason = sessions.refusal(ctx, action, resource)
        if reason is not None:
            raise access.denied(ctx, action, resource, reason)


def create_bucket(ctx, params):
    if ctx.anonymous:                   # buckets belong to accounts; an unsigned caller has none
        raise errors.error("AccessDenied")
    name = params["Bucket"]
    model.check_bucket_name(name)
    region = _bucket_region(ctx, params.get("CreateBucketConfiguration") or {})
    existing = store.get_bucket(ctx.state.db, name)
    if params.get("ObjectLockEnabledForBucket"):
        _require_lock_setup_grants(ctx, name)
    if existing is not None:
        if existing["account"] != ctx.account:
            raise errors.error("BucketAlreadyExists", BucketName=name)
        # S3 keeps answering 200 in us-east-1 for legacy compatibility.
        if not (ctx.region == US_EAST_1 and existing["region"] == US_EAST_1):
            raise errors.error("BucketAlreadyOwnedByYou", BucketName=name)
        recreation.recreate(ctx, existing, params)
        return {"Location": "/" + name, "BucketArn": bucket_arn(name)}
    ownership = params.get("ObjectOwnership")
    if ownership is not None and ownership not in OWNERSHIPS:
        raise errors.error("InvalidArgument", f"Invalid x-amz-object-ownership header: {ownership}",
                           ArgumentName="x-amz-object-ownership")
    acl_given = params.get("ACL") not in (None, "private") or any(
        params.get(grant) for grant in ("GrantFullControl", "GrantRead", "GrantReadACP", "GrantWrite", "GrantWriteACP"))
    if acl_given and (ownership or "BucketOwnerEnforced") == "BucketOwnerEnforced":
        raise errors.error("InvalidBucketAclWithObjectOwnership")
    with ctx.state.db.transaction():
        store.insert_bucket(ctx.state.db, name, ctx.account, region, ctx.now,
                            bool(params.get("ObjectLockEnabledForBucket")))
        if params.get("ObjectLockEnabledForBucket"):    # S3 reads back MFADelete Disabled for such a bucket
            store.set_versioning(ctx.state.db, name, "Enabled", "Disabled")
        store.put_config(ctx.state.db, name, "ownership",
                         {"Rules": [{"ObjectOwnership": ownership}]} if ownership else DEFAULT_OWNERSHIP)
        store.put_config(ctx.state.db, name, "public-access-block", DEFAULT_PUBLIC_ACCESS_BLOCK)
        constraint = (params.get("CreateBucketConfiguration") or {}).get("LocationConstraint")
        if constraint in LEGACY_LOCATIONS:      # GetBucketLocation answers with the name given
            store.put_config(ctx.state.db, name, "legacy-location", constraint)
        tags = (params.get("CreateBucketConfiguration") or {}).get("Tags")
        if tags:
            model.check_tags(tags, model.BUCKET_TAGS)
            store.put_config(ctx.state.db, name, "tagging", {"TagSet": tags})
    location = "/" + name if region == US_EAST_1 else f"http://{name}.s3.amazonaws.com/"
    return {"Location": location, "BucketArn": bucket_arn(name)}


def _bucket_region(ctx, configuration: dict) -> str:
    """Where a new bucket lives, by S3's location-constraint rules.

    The us-east-1 endpoint creates buckets in any region; a regional endpoint only in
    its own region, and an absent constraint there is an error.
    """
    constraint = configuration.get("LocationConstraint")
    if constraint is None:
        if ctx.region != US_EAST_1:
            raise errors.error("IllegalLocationConstraintException")
        return US_EAST_1
    region = LEGACY_LOCATIONS.get(constraint, constraint)
    if region == US_EAST_1 or region not in _regions():
        raise errors.error("InvalidLocationConstraint", LocationConstraint=constraint)
    if ctx.region != US_EAST_1 and region != ctx.region:
        raise errors.error(
            "IllegalLocationConstraintException",
            f"The {constraint} location constraint is incompatible for the region specific "
            "endpoint this request was sent to.")
    return region


def delete_bucket(ctx, params):
    bucket = access.owned_bucket(ctx, params)
    if store.bucket_has_objects(ctx.state.db, bucket["name"]):
        raise errors.error("BucketNotEmpty", _NOT_EMPTY_VERSIONED if bucket["versioning"] else None,
                           BucketName=bucket["name"])
    if access_points.bucket_has_access_points(ctx.state.db, bucket["name"]):
        raise errors.error("BucketHasAccessPointsAttached", BucketName=bucket["name"])
    files.delete_later(ctx.state.blobs, store.delete_bucket(ctx.state.db, bucket["name"]))
    store.forget_configs(ctx.state.cache("s3"), bucket["name"])
    return {}


def head_bucket(ctx, params):
    bucket = access.request_bucket(ctx, params)
    return {"BucketRegion": bucket["region"], "BucketArn": bucket_arn(bucket["name"]),
            "AccessPointAlias": params["Bucket"].endswith(access_points.ALIAS_SUFFIX)}


def get_bucket_location(ctx, params):
    bucket = access.owned_bucket(ctx, params)
    # us-east-1 is the one region S3 reports as an empty constraint; a bucket created
    # with the legacy `EU` is reported as `EU`.
    region = store.get_config(ctx.state.db, bucket["name"], "legacy-location") or bucket["region"]
    return {"LocationConstraint": None if region == US_EAST_1 else region, "__xml_root__": "LocationConstraint"}


def list_buckets(ctx, params):
    if ctx.anonymous:
        raise errors.error("AccessDenied")
    limit = params.get("MaxBuckets", 10_000)
    if not 1 <= limit <= 10_000:
        raise errors.error("InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000",
                           ArgumentName="max-buckets", ArgumentValue=str(limit))
    region = params.get("BucketRegion")
    if region is not None and region not in _regions() and region != US_EAST_1:
        raise errors.error("InvalidArgument", f"Argument value {region} is not a valid AWS Region",
                           ArgumentName="bucket-region")
    after = model.decode_token(params["ContinuationToken"]) if params.get("ContinuationToken") else ""
    prefix = params.get("Prefix") or ""
    rows = store.list_buckets(ctx.state.db, ctx.account, prefix, region, after, limit + 1)
    result = {
        "Buckets": [{"Name": r["name"], "CreationDate": model.timestamp(r["created_at"]),
                     "BucketRegion": r["region"], "BucketArn": bucket_arn(r["name"])} for r in rows[:limit]],
        "Owner": model.owner(ctx.account),
        "Prefix": params.get("Prefix"),
        "__xml_root__": "ListAllMyBucketsResult",
    }
    if len(rows) > limit:
        result["ContinuationToken"] = model.encode_token(rows[limit - 1]["name"])
    return result


def list_directory_buckets(ctx, params):
    """lakebox has general-purpose buckets only, so there are no directory buckets."""
    return {"Buckets": [], "__xml_root__": "ListAllMyDirectoryBucketsResult"}
