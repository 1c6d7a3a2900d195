"""S3 Control's access point operations (S3 Control API reference: CreateAccessPoint,
GetAccessPoint, ListAccessPoints, DeleteAccessPoint and the access point policy calls).
S3 keeps the access points (`services/s3/access_points.py`, through its `public.py`),
since its object requests reach buckets through their aliases.

Facts from recorded S3 Control replies: a bad name is `InvalidURI` naming
`accesspoint/<name>`; a name taken in the account and Region is
`AccessPointAlreadyOwnedByYou` (409); a missing bucket is `InvalidRequest` "Amazon S3
AccessPoint can only be created for existing bucket"; a missing access point is
`NoSuchAccessPoint` (404) with its `AccessPointName`; an access point created without
PublicAccessBlockConfiguration blocks everything, one given a configuration has the
flags it names; ListAccessPoints lists by name and pages with NextToken.
"""
import base64

from lakebox.services.s3 import public as s3
from lakebox.services.s3control import errors

BLOCK_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
MAX_RESULTS = 1000
MAX_POLICY_BYTES = 20 * 1024


def create_access_point(ctx, params):
    account, name = own_account(ctx, params), params["Name"]
    if not s3.valid_access_point_name(name):
        raise errors.InvalidURI(URI=f"accesspoint/{name}")
    if s3.access_point(ctx.state, account, ctx.region, name) is not None:
        raise errors.AccessPointAlreadyOwnedByYou()
    given = params.get("PublicAccessBlockConfiguration")
    block = {flag: True for flag in BLOCK_FLAGS} if given is None else \
        {flag: bool(given.get(flag)) for flag in BLOCK_FLAGS}
    vpc_id = (params.get("VpcConfiguration") or {}).get("VpcId")
    bucket_account = params.get("BucketAccountId")
    created = None
    if bucket_account is None or _bucket_owned_by(ctx, params["Bucket"], bucket_account):
        created = s3.create_access_point(ctx.state, account, ctx.region, name, params["Bucket"], vpc_id, block,
                                         ctx.now)
    if created is None:
        raise errors.InvalidRequest("Amazon S3 AccessPoint can only be created for existing bucket")
    return {"AccessPointArn": created["AccessPointArn"], "Alias": created["Alias"]}


def _bucket_owned_by(ctx, bucket: str, account: str) -> bool:
    return s3.bucket_exists(ctx.state, bucket) and s3.bucket_owner(ctx.state, bucket) == account


def get_access_point(ctx, params):
    point = _point(ctx, params)
    point.pop("Policy")
    return point


def list_access_points(ctx, params):
    account = own_account(ctx, params)
    limit = min(params.get("MaxResults") or MAX_RESULTS, MAX_RESULTS)
    after = _after(params.get("NextToken"))
    found = s3.list_access_points(ctx.state, account, ctx.region, params.get("Bucket"), after, limit + 1)
    result = {"AccessPointList": found[:limit]}
    if len(found) > limit:
        result["NextToken"] = base64.urlsafe_b64encode(found[limit - 1]["Name"].encode()).decode()
    return result


def _after(token: str | None) -> str:
    if not token:
        return ""
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except ValueError:
        raise errors.InvalidRequest("The continuation token provided is incorrect") from None


def delete_access_point(ctx, params):
    account = own_account(ctx, params)
    if not s3.delete_access_point(ctx.state, account, ctx.region, params["Name"]):
        raise errors.NoSuchAccessPoint(AccessPointName=params["Name"])
    return {}


def put_access_point_policy(ctx, params):
    _point(ctx, params)
    text = params["Policy"]
    if len(text.encode()) > MAX_POLICY_BYTES:
        raise errors.InvalidRequest("Policy exceeds the maximum allowed document size.")
    if s3.access_point_policy_document(text) is None:
        raise errors.MalformedPolicy(None if not text.lstrip().startswith("{") else "This policy contains invalid Json")
    if s3.access_point_policy_is_public(text) and \
            s3.access_point_blocks_public_policy(ctx.state, ctx.account, ctx.region, params["Name"]):
        # BlockPublicPolicy refuses a public access point policy (S3 User Guide, "Blocking
        # public access"); no recorded reply gives its words: S3's plain AccessDenied.
        raise errors.AccessDenied()
    s3.set_access_point_policy(ctx.state, ctx.account, ctx.region, params["Name"], text)
    return {}


def get_access_point_policy(ctx, params):
    return {"Policy": _policy(ctx, params)}


def get_access_point_policy_status(ctx, params):
    return {"PolicyStatus": {"IsPublic": s3.access_point_policy_is_public(_policy(ctx, params))}}


def delete_access_point_policy(ctx, params):
    _point(ctx, params)
    s3.set_access_point_policy(ctx.state, ctx.account, ctx.region, params["Name"], None)
    return {}


def _point(ctx, params) -> dict:
    point = s3.access_point(ctx.state, own_account(ctx, params), ctx.region, params["Name"])
    if point is None:
        raise errors.NoSuchAccessPoint(AccessPointName=params["Name"])
    return point


def _policy(ctx, params) -> str:
    text = _point(ctx, params)["Policy"]
    if text is None:
        raise errors.NoSuchAccessPointPolicy(AccessPointName=params["Name"])
    return text


def own_account(ctx, params) -> str:
    """The account the request names, which must be the caller's."""
    if ctx.anonymous or params["AccountId"] != ctx.account:
        raise errors.AccessDenied()
    return ctx.account
