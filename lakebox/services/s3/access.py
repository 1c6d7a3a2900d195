"""Who may touch a bucket, and from which region: the checks every bucket request makes.

Buckets belong to the account that created them. Another account gets `AccessDenied`
unless the bucket policy allows it (statements with `Effect: Allow` naming that account
or everyone; conditions and actions are not evaluated). A signed request must be signed
for the bucket's region; S3 answers otherwise with the region to use, which SDKs follow.
"""
import json

from lakebox.services.s3 import errors, store


def bucket_for(ctx, name: str, expected_owner: str | None = None, any_region: bool = False):
    """The bucket row, if it exists and this caller may use it (from this region, unless
    `any_region`: a copy may read from a bucket in another region)."""
    bucket = _existing(ctx, name, expected_owner)
    if bucket["account"] != ctx.account and not _policy_allows(ctx, bucket):
        raise errors.AccessDenied()
    if not any_region:
        check_region(ctx, bucket)
    return bucket


def owned_bucket(ctx, params: dict):
    """The bucket of `params`, for calls only its owner may make (configuration, deletion)."""
    bucket = _existing(ctx, params["Bucket"], params.get("ExpectedBucketOwner"))
    if bucket["account"] != ctx.account:
        raise errors.AccessDenied()
    check_region(ctx, bucket)
    return bucket


def request_bucket(ctx, params: dict):
    """The bucket of `params` (Bucket, ExpectedBucketOwner), for object and list calls."""
    return bucket_for(ctx, params["Bucket"], params.get("ExpectedBucketOwner"))


def _existing(ctx, name: str, expected_owner: str | None):
    bucket = store.get_bucket(ctx.state.db, name)
    if bucket is None:
        raise errors.NoSuchBucket(BucketName=name)
    if expected_owner is not None and expected_owner != bucket["account"]:
        raise errors.AccessDenied()
    return bucket


def check_region(ctx, bucket):
    if not _is_signed(ctx) or ctx.region == bucket["region"]:
        return
    region = bucket["region"]
    if ctx.operation == "HeadBucket":
        error = errors.PermanentRedirect(BucketName=bucket["name"])
    elif "authorization" in ctx.headers:
        error = errors.AuthorizationHeaderMalformed(
            f"The authorization header is malformed; the region '{ctx.region}' is wrong; "
            f"expecting '{region}'", Region=region)
    else:
        error = errors.AuthorizationQueryParametersError(
            f"Error parsing the X-Amz-Credential parameter; the region '{ctx.region}' is wrong; "
            f"expecting '{region}'", Region=region)
    error.headers["x-amz-bucket-region"] = region
    raise error


def _is_signed(ctx) -> bool:
    return "authorization" in ctx.headers or "X-Amz-Credential" in ctx.request.query_dict()


def _policy_allows(ctx, bucket) -> bool:
    text = store.get_config(ctx.state.db, bucket["name"], "policy")
    if not text:
        return False
    try:
        statements = json.loads(text).get("Statement", [])
    except (ValueError, AttributeError):
        return False
    if isinstance(statements, dict):
        statements = [statements]
    return any(s.get("Effect") == "Allow" and _names_caller(s.get("Principal"), ctx.account)
               for s in statements if isinstance(s, dict))


def _names_caller(principal, account: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    names = principal.get("AWS", [])
    names = [names] if isinstance(names, str) else names
    return any(n == "*" or n == account or f":{account}:" in n for n in names)
