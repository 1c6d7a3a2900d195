"""Who may touch a bucket, and from which region: the checks every bucket request makes.

Each request is decided as S3 decides it (IAM User Guide, "Policy evaluation logic";
S3 User Guide, "How Amazon S3 authorizes a request"), for the operation's IAM action
(`s3:GetObject` for HeadObject, `s3:GetObjectVersion` when a version is named, ...) on
the bucket's or the object's ARN, with the request's condition keys (`policy_keys`):

- an explicit Deny in the bucket policy that applies to the caller refuses, the bucket
  owner's own callers included (only the owner's root keeps the bucket-policy calls, so
  that a policy cannot lock its owner out);
- a caller of the bucket's account is otherwise allowed: lakebox has no IAM yet, so its
  identity is taken to allow everything;
- another account or an anonymous (unsigned) caller needs a grant: a policy Allow
  naming it (disregarded when Block Public Access' RestrictPublicBuckets is set and the
  policy is public), or an ACL grant (to its account's canonical id, to
  AuthenticatedUsers, or to AllUsers; public grants disregarded under IgnorePublicAcls,
  and all grants when the bucket has ACLs disabled);
- otherwise `AccessDenied`. A caller allowed to read an object that does not exist but
  not to list the bucket gets AccessDenied too: S3 hides which keys exist.

A signed request must be signed for the bucket's region; S3 answers otherwise with the
region to use, which SDKs follow.
"""
import dataclasses

from lakebox.kit import arns, policies
from lakebox.services.s3 import access_points, errors, model, policy_keys, public_policy, requester_pays, store

EXPLICIT_DENY = "with an explicit deny in a resource-based policy"
BLOCK_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
# What the bucket owner's root may always do, whatever the policy denies.
LOCKOUT_EXEMPT = {"s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"}
# Operations whose IAM action is not "s3:" + the operation's name.
IAM_ACTIONS = {
    "HeadObject": "s3:GetObject", "GetObjectAttributes": "s3:GetObject", "SelectObjectContent": "s3:GetObject",
    "HeadBucket": "s3:ListBucket", "ListObjects": "s3:ListBucket", "ListObjectsV2": "s3:ListBucket",
    "ListObjectVersions": "s3:ListBucketVersions", "ListMultipartUploads": "s3:ListBucketMultipartUploads",
    "ListParts": "s3:ListMultipartUploadParts", "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject", "UploadPartCopy": "s3:PutObject", "CompleteMultipartUpload": "s3:PutObject",
    "CopyObject": "s3:PutObject", "DeleteObjects": "s3:DeleteObject",
    "PutBucketLifecycleConfiguration": "s3:PutLifecycleConfiguration",
    "GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "DeleteBucketLifecycle": "s3:PutLifecycleConfiguration",
    "PutBucketEncryption": "s3:PutEncryptionConfiguration", "GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "DeleteBucketEncryption": "s3:PutEncryptionConfiguration",
    "PutBucketCors": "s3:PutBucketCORS", "GetBucketCors": "s3:GetBucketCORS", "DeleteBucketCors": "s3:PutBucketCORS",
    "DeleteBucketTagging": "s3:PutBucketTagging",
    "PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock", "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "DeleteBucketOwnershipControls": "s3:PutBucketOwnershipControls",
    "PutObjectLockConfiguration": "s3:PutBucketObjectLockConfiguration",
    "GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "PutBucketNotificationConfiguration": "s3:PutBucketNotification",
    "GetBucketNotificationConfiguration": "s3:GetBucketNotification",
    "PutBucketReplication": "s3:PutReplicationConfiguration", "GetBucketReplication": "s3:GetReplicationConfiguration",
    "DeleteBucketReplication": "s3:PutReplicationConfiguration",
    "PutBucketAccelerateConfiguration": "s3:PutAccelerateConfiguration",
    "GetBucketAccelerateConfiguration": "s3:GetAccelerateConfiguration",
    "ListBuckets": "s3:ListAllMyBuckets", "DeleteBucketWebsite": "s3:DeleteBucketWebsite",
}
# The per-id configurations: Get and List need s3:Get...Configuration, Put and Delete
# s3:Put...Configuration (radkawar/stackd testdata/aws/s3/intelligent_tiering_authority_replay.json).
for _kind in ("IntelligentTiering", "Analytics", "Inventory", "Metrics"):
    IAM_ACTIONS.update({f"PutBucket{_kind}Configuration": f"s3:Put{_kind}Configuration",
                        f"DeleteBucket{_kind}Configuration": f"s3:Put{_kind}Configuration",
                        f"GetBucket{_kind}Configuration": f"s3:Get{_kind}Configuration",
                        f"ListBucket{_kind}Configurations": f"s3:Get{_kind}Configuration"})
# ... and the one a request for a given version needs instead.
VERSION_ACTIONS = {"s3:GetObject": "s3:GetObjectVersion", "s3:DeleteObject": "s3:DeleteObjectVersion",
                   "s3:GetObjectTagging": "s3:GetObjectVersionTagging",
                   "s3:PutObjectTagging": "s3:PutObjectVersionTagging",
                   "s3:DeleteObjectTagging": "s3:DeleteObjectVersionTagging",
                   "s3:GetObjectAcl": "s3:GetObjectVersionAcl", "s3:PutObjectAcl": "s3:PutObjectVersionAcl"}
# The ACL permission that grants an action, on the bucket or on the object (S3 User
# Guide, "Access control list (ACL) overview": permissions and the policy actions they map to).
BUCKET_ACL_PERMISSIONS = {
    "s3:ListBucket": "READ", "s3:ListBucketVersions": "READ", "s3:ListBucketMultipartUploads": "READ",
    "s3:PutObject": "WRITE", "s3:DeleteObject": "WRITE", "s3:DeleteObjectVersion": "WRITE",
    "s3:AbortMultipartUpload": "WRITE", "s3:GetBucketAcl": "READ_ACP", "s3:PutBucketAcl": "WRITE_ACP"}
OBJECT_ACL_PERMISSIONS = {
    "s3:GetObject": "READ", "s3:GetObjectVersion": "READ", "s3:GetObjectAcl": "READ_ACP",
    "s3:GetObjectVersionAcl": "READ_ACP", "s3:PutObjectAcl": "WRITE_ACP", "s3:PutObjectVersionAcl": "WRITE_ACP"}


def bucket_for(ctx, name: str, expected_owner: str | None = None, any_region: bool = False,
               key: str | None = None, version_id: str | None = None, action: str | None = None):
    """The bucket row, if it exists and this caller may use it (from this region, unless
    `any_region`: a copy may read from a bucket in another region). `key`, `version_id`
    and `action` (default: the operation's) say what the caller asks for."""
    bucket = _existing(ctx, name, expected_owner)
    authorize(ctx, bucket, key, version_id, action)
    if not any_region:
        check_region(ctx, bucket)
    return bucket


def owned_bucket(ctx, params: dict):
    """The bucket of `params`, for calls on the bucket itself (configuration, deletion)."""
    bucket = _existing(ctx, params["Bucket"], params.get("ExpectedBucketOwner"))
    authorize(ctx, bucket, None, None, None)
    check_region(ctx, bucket)
    return bucket


def request_bucket(ctx, params: dict):
    """The bucket of `params` (Bucket, ExpectedBucketOwner), for object and list calls."""
    return bucket_for(ctx, params["Bucket"], params.get("ExpectedBucketOwner"), key=params.get("Key"),
                      version_id=params.get("VersionId"))


def keys_bucket(ctx, params: dict):
    """The bucket of a request naming many keys (DeleteObjects), whose keys are each
    authorized on their own (`authorize`): S3 answers a refused key in the result's
    Errors, not the whole request."""
    bucket = _existing(ctx, params["Bucket"], params.get("ExpectedBucketOwner"))
    check_region(ctx, bucket)
    return bucket


def _existing(ctx, name: str, expected_owner: str | None):
    in_query = ctx.request.query_dict().get("x-amz-expected-bucket-owner")   # a presigned URL carries it so
    if in_query is not None:
        if expected_owner is not None:
            raise errors.error("InvalidBucketOwnerAWSAccountID", "Expected bucket owner must be provided as either "
                               "a header or parameter, not both")
        expected_owner = in_query
    if expected_owner is not None and not model.is_account_id(expected_owner):
        raise errors.error("InvalidBucketOwnerAWSAccountID", "The value of the expected bucket owner parameter "
                           f"must be an AWS Account ID... [{expected_owner}]")
    bucket = _named_bucket(ctx, name)
    if bucket is None and name.endswith(access_points.ALIAS_SUFFIX):
        raise errors.error("InvalidAccessPointAliasError")
    if bucket is None:
        raise errors.error("NoSuchBucket", BucketName=name)
    if expected_owner is not None and expected_owner != bucket["account"]:
        raise errors.error("AccessDenied")
    return bucket


def _named_bucket(ctx, name: str):
    """The bucket row of `name`, or the bucket an access point stands for (a dict that
    carries the access point): by its alias (no bucket name ends in `-s3alias`), or by
    its ARN, which SDKs send to the host `<name>-<account>.<endpoint>`. None: none."""
    bucket = store.cached_bucket(ctx.state.cache("s3"), ctx.state.db, name)
    if bucket is not None:
        return bucket
    if name.endswith(access_points.ALIAS_SUFFIX):
        point = access_points.by_alias(ctx.state.db, name)
    elif ctx.headers.get("host", "").startswith(name + "."):
        point = access_points.by_host(ctx.state.db, name, ctx.region)
    else:
        return None
    return access_points.through(ctx.state.db, point,
                                 lambda real: store.cached_bucket(ctx.state.cache("s3"), ctx.state.db, real))


def check_region(ctx, bucket):
    if not _is_signed(ctx) or ctx.region == bucket["region"]:
        return
    if ctx.operation == "GetBucketLocation" and ctx.region != "us-east-1":
        # Every Region's endpoint but us-east-1's tells where any bucket lives (the region
        # probe of SDKs: aws-sdk-java issues 727 and 1338 record both sides).
        return
    region = bucket["region"]
    if ctx.operation == "HeadBucket":
        error = errors.error("PermanentRedirect", BucketName=bucket["name"])
    elif "authorization" in ctx.headers:
        error = errors.error(
            "AuthorizationHeaderMalformed",
            f"The authorization header is malformed; the region '{ctx.region}' is wrong; expecting '{region}'",
            Region=region)
    else:
        error = errors.error(
            "AuthorizationQueryParametersError",
            f"Error parsing the X-Amz-Credential parameter; the region '{ctx.region}' is wrong; "
            f"expecting '{region}'", Region=region)
    error.headers["x-amz-bucket-region"] = region
    raise error


def _is_signed(ctx) -> bool:
    return "authorization" in ctx.headers or "X-Amz-Credential" in ctx.request.query_dict()


def iam_request(ctx, params: dict) -> tuple:
    """(IAM action, resource ARN, condition keys) of a request, as its caller's session
    policies judge it (kit/sessions.py). A DeleteObjects names many keys: its resource
    is left unchecked."""
    action = IAM_ACTIONS.get(ctx.operation, f"s3:{ctx.operation}")
    if params.get("VersionId") is not None:
        action = VERSION_ACTIONS.get(action, action)
    name = params.get("Bucket")
    if not name or ctx.operation == "DeleteObjects":
        return action, None, None
    key = params.get("Key")
    bucket = _named_bucket(ctx, name)
    keys = policy_keys.lookup(ctx, bucket, key, params.get("VersionId")) if bucket is not None else None
    point = access_points.point_of(bucket)
    if point is not None:       # through an access point, IAM judges the access point's ARN
        return action, access_points.resource(point, key), keys
    return action, arns.build("s3", "", "", name if key is None else f"{name}/{key}"), keys


def acls_disabled(ctx, bucket) -> bool:
    """ObjectOwnership BucketOwnerEnforced: ACLs neither can be set nor grant anything."""
    return _ownership(ctx, bucket) == "BucketOwnerEnforced"


def object_owner(ctx, bucket, attrs: dict | None) -> str:
    """The account that owns an object the caller writes with `attrs` (S3 User Guide,
    "Controlling ownership of objects"): the bucket owner under BucketOwnerEnforced, and
    under BucketOwnerPreferred when the upload gives it full control; else the writer.
    (An anonymous writer's objects stay the bucket owner's: lakebox has no anonymous owner.)"""
    if ctx.anonymous or ctx.account == bucket["account"]:
        return bucket["account"]
    ownership = _ownership(ctx, bucket)
    if ownership == "BucketOwnerEnforced":
        return bucket["account"]
    owner_id = model.canonical_user_id(bucket["account"])
    if ownership == "BucketOwnerPreferred" and any(
            g.get("Permission") == "FULL_CONTROL" and g.get("Grantee", {}).get("ID") == owner_id
            for g in (attrs or {}).get("Grants") or ()):
        return bucket["account"]
    return ctx.account


def _ownership(ctx, bucket) -> str | None:
    """The bucket's ObjectOwnership setting, from its cached configurations."""
    rules = (store.bucket_config(ctx.state, bucket, "ownership") or {}).get("Rules") or [{}]
    return rules[0].get("ObjectOwnership")


ownership = _ownership


def authorize(ctx, bucket, key, version_id, action):
    """Raise AccessDenied unless the caller may perform `action` (default: the
    operation's) on the bucket, or on its object `key` (`version_id`)."""
    point = access_points.point_of(bucket)
    if point is not None:
        _through_access_point(ctx, bucket, point, key, version_id, action)
    owner = not ctx.anonymous and bucket["account"] == ctx.account
    if not owner and requester_pays.unpaid(ctx, bucket):
        raise errors.error("AccessDenied")
    if owner and key is not None and not acls_disabled(ctx, bucket):
        owner = not _foreign_object(ctx, bucket, key, version_id, action)
    text = store.bucket_config(ctx.state, bucket, "policy")
    if owner and not text:
        return                                   # the everyday path: no policy to consult
    policy = policies.parse(text)
    if owner and not policy.has_deny:
        return                                   # only a Deny can stop the owner's account
    action = action or IAM_ACTIONS.get(ctx.operation, f"s3:{ctx.operation}")
    if version_id is not None:
        action = VERSION_ACTIONS.get(action, action)
    verdict = _verdict(ctx, bucket, policy, owner, action, key, version_id)
    if verdict is not True:
        explicit = owner and verdict == "Deny"
        if explicit and action in ("s3:GetObject", "s3:GetObjectVersion") and _marker(ctx, bucket, key, version_id):
            return      # a delete marker answers first: NoSuchKey (current) or 405 (named version)
        if verdict == "Deny" and action == "s3:GetObject" and version_id is None and \
                _object_row(ctx, bucket, key, None) is None and \
                _may(ctx, bucket, policy, owner, "s3:ListBucket", None, None):
            return      # a missing key is NoSuchKey, Deny or not, to who may list (recorded from S3)
        raise denied(ctx, action, _resource(bucket, key), EXPLICIT_DENY if explicit else None)
    if not owner and action in ("s3:GetObject", "s3:GetObjectVersion") and \
            _object_row(ctx, bucket, key, version_id) is None and \
            not _may(ctx, bucket, policy, owner, "s3:ListBucket", None, None):
        raise errors.error("AccessDenied")     # S3 hides whether a key exists from who may not list


def _through_access_point(ctx, bucket, point, key, version_id, action):
    """The access point's policy judges a request made through it (on the access point's
    ARN): an explicit Deny refuses anyone; a caller of another account than the access
    point's needs its Allow."""
    action = action or IAM_ACTIONS.get(ctx.operation, f"s3:{ctx.operation}")
    if version_id is not None:
        action = VERSION_ACTIONS.get(action, action)
    owner = not ctx.anonymous and point["account"] == ctx.account
    if owner and not point["policy"]:
        return
    verdict = access_points.verdict(point, _caller(ctx), action, key, policy_keys.lookup(ctx, bucket, key, version_id),
                                    access_points.block(ctx.state.db, point)["RestrictPublicBuckets"])
    if verdict == "Deny" or (verdict is None and not owner):
        raise denied(ctx, action, access_points.resource(point, key),
                     EXPLICIT_DENY if owner and verdict == "Deny" else None)


def _foreign_object(ctx, bucket, key, version_id, action) -> bool:
    """Whether the bucket owner asks to read (or read or write the ACL of) an object
    another account owns: only that object's ACL can grant it that (S3 User Guide, "ACL
    overview": a bucket owner can't grant permissions on objects it does not own)."""
    action = action or IAM_ACTIONS.get(ctx.operation, f"s3:{ctx.operation}")
    if VERSION_ACTIONS.get(action, action) not in OBJECT_ACL_PERMISSIONS:
        return False
    row = _object_row(ctx, bucket, key, version_id)
    return row is not None and row["owner"] not in ("", bucket["account"])    # "": written anonymously


def permits(ctx, bucket, key: str | None, action: str) -> bool:
    """Whether the caller may perform `action` on the bucket or its object `key`: for a
    permission a request needs beside its operation's (`s3:BypassGovernanceRetention`)."""
    owner = not ctx.anonymous and bucket["account"] == ctx.account
    policy = policies.parse(store.get_config(ctx.state.db, bucket["name"], "policy"))
    return _may(ctx, bucket, policy, owner, action, key, None)


def denied(ctx, action: str, resource: str, reason: str | None):
    """S3's AccessDenied. A caller of the bucket's own account is told why (`reason`, in
    IAM's words: S3 User Guide, "Troubleshoot access denied (403 Forbidden) errors", the
    messages for same-account requests); other callers get "Access Denied"."""
    if reason is None:
        return errors.error("AccessDenied")
    return errors.error("AccessDenied", f"User: {ctx.caller_arn} is not authorized to perform: {action} on "
                                        f'resource: "{resource}" {reason}')


def _resource(bucket, key) -> str:
    return arns.build("s3", "", "", bucket["name"] if key is None else f"{bucket['name']}/{key}")


def _may(ctx, bucket, policy, owner, action, key, version_id) -> bool:
    return _verdict(ctx, bucket, policy, owner, action, key, version_id) is True


def _verdict(ctx, bucket, policy, owner, action, key, version_id):
    """True when the caller may; else "Deny" (an explicit Deny refused it) or None."""
    caller = _caller(ctx)
    verdict = policy.decision(lambda s: s.names_principal(caller), action, _resource(bucket, key),
                              policy_keys.lookup(ctx, bucket, key, version_id)) if policy.statements else None
    if verdict == "Deny":
        return (owner and action in LOCKOUT_EXEMPT and ctx.caller_arn.endswith(":root")) or "Deny"
    if owner:
        return True
    if verdict == "Allow" and not (_block(ctx, bucket).get("RestrictPublicBuckets") and public_policy.is_public(
            store.get_config(ctx.state.db, bucket["name"], "policy"))):
        return True
    return _acl_grants(ctx, bucket, action, key, version_id, _block(ctx, bucket)) or None


def _caller(ctx):
    """The caller as a bucket policy names it: also by its account's canonical user id."""
    caller = policies.caller_of(ctx)
    return caller if ctx.anonymous else dataclasses.replace(caller, canonical_id=model.canonical_user_id(ctx.account))


def _block(ctx, bucket) -> dict:
    return public_access_block(ctx.state.db, bucket)


def public_access_block(db, bucket) -> dict:
    """The Block Public Access settings in force for a bucket: its own and its owner
    account's (S3 Control) together, a setting on in either being on (S3 User Guide,
    "Blocking public access": S3 applies the most restrictive combination of the
    bucket-level and account-level settings)."""
    own = store.get_config(db, bucket["name"], "public-access-block") or {}
    account = store.get_account_config(db, bucket["account"], "public-access-block") or {}
    return {flag: bool(own.get(flag) or account.get(flag)) for flag in BLOCK_FLAGS}


def _object_row(ctx, bucket, key, version_id):
    """The version a request names (else the latest), or None when there is none to read."""
    db = ctx.state.db
    row = store.version(db, bucket["name"], key, version_id) if version_id else store.latest(db, bucket["name"], key)
    return None if row is None or row["delete_marker"] else row


def _marker(ctx, bucket, key, version_id) -> bool:
    """Whether the version a read names (else the latest) is a delete marker."""
    db = ctx.state.db
    row = store.version(db, bucket["name"], key, version_id) if version_id else store.latest(db, bucket["name"], key)
    return row is not None and bool(row["delete_marker"])


def _acl_grants(ctx, bucket, action, key, version_id, block) -> bool:
    if acls_disabled(ctx, bucket):
        return False
    db = ctx.state.db
    if action in BUCKET_ACL_PERMISSIONS:
        permission, grants = BUCKET_ACL_PERMISSIONS[action], store.get_config(db, bucket["name"], "acl") or []
    elif action in OBJECT_ACL_PERMISSIONS and key is not None:
        row = _object_row(ctx, bucket, key, version_id)
        if row is None:
            return False
        permission, grants = OBJECT_ACL_PERMISSIONS[action], store.loads(row["attrs"]).get("Grants") or []
    else:
        return False
    grantees = _grantees(ctx, block)
    return any(g.get("Permission") in (permission, "FULL_CONTROL") and _grantee_of(g) in grantees for g in grants)


def _grantees(ctx, block) -> set:
    """The grantees that stand for this caller: its account, and the public groups it
    belongs to unless public ACLs are ignored."""
    found = set() if ctx.anonymous else {model.canonical_user_id(ctx.account)}
    if not block.get("IgnorePublicAcls"):
        found.add(ALL_USERS)
        if not ctx.anonymous:
            found.add(AUTHENTICATED_USERS)
    return found


def _grantee_of(grant: dict) -> str | None:
    grantee = grant.get("Grantee", {})
    return grantee.get("URI") or grantee.get("ID")
