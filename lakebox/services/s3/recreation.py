"""CreateBucket of a bucket its caller already owns in us-east-1 (S3 answers 200 there,
for legacy compatibility) -- but only when the request would make the bucket as it is:
the same object ownership (asked for, else the default BucketOwnerEnforced; a bucket
whose ownership controls were deleted takes any), the same Object Lock setting (omitted
is off), no creation tags (even the bucket's own), and a public access block that is
absent or S3's all-true default. Otherwise it is 409 BucketAlreadyOwnedByYou, as
elsewhere. A recreation that succeeds replaces only the bucket's ACL (with the one asked
for, else the private default); objects, versions, tags and other settings stay
(replies recorded from S3, recreation controls)."""
from lakebox.services.s3 import acl, errors, store

DEFAULT_OWNERSHIP = "BucketOwnerEnforced"
ALL_BLOCKED = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
               "RestrictPublicBuckets": True}


def recreate(ctx, existing, params: dict):
    """Refuse the recreation S3 refuses, else replace the bucket's ACL."""
    db, name = ctx.state.db, existing["name"]
    ownership = store.get_config(db, name, "ownership")
    current = ((ownership or {}).get("Rules") or [{}])[0].get("ObjectOwnership")
    wanted = params.get("ObjectOwnership") or DEFAULT_OWNERSHIP
    block = store.get_config(db, name, "public-access-block")
    if (current is not None and current != wanted) or (params.get("CreateBucketConfiguration") or {}).get("Tags") \
            or bool(params.get("ObjectLockEnabledForBucket")) != bool(existing["object_lock"]) \
            or (block is not None and block != ALL_BLOCKED):
        raise errors.error("BucketAlreadyOwnedByYou", BucketName=name)
    grants = acl.requested_grants(ctx, existing, params)
    if grants is None:
        store.delete_config(db, name, "acl")
    else:
        store.put_config(db, name, "acl", grants)
