"""Who may touch a bucket, and from which region: the checks every bucket request makes.

Buckets belong to the account that created them. Another account gets `AccessDenied`
unless the bucket policy allows it (statements with `Effect: Allow` naming that account
or everyone; conditions and actions are not evaluated). A signed request must be signed
for the bucket's region; S3 answers otherwise with the region to use, which SDKs follow.

An anonymous (unsigned) caller belongs to no account: it may do only what the bucket
grants everyone, as S3 decides it. The bucket policy decides first (a statement naming
everyone that covers the operation's IAM action and the bucket or object ARN; a Deny
wins), unless Block Public Access' RestrictPublicBuckets disregards its public grants;
then an ACL grant to AllUsers (on the bucket for listing and writing, on the object for
reading), unless the bucket has ACLs disabled or IgnorePublicAcls set. Otherwise
`AccessDenied`.
"""
from lakebox.kit import arns, policies
from lakebox.services.s3 import errors, store

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
# Operations whose IAM action is not "s3:" + the operation's name.
IAM_ACTIONS = {
    "HeadObject": "s3:GetObject", "GetObjectAttributes": "s3:GetObject", "SelectObjectContent": "s3:GetObject",
    "HeadBucket": "s3:ListBucket", "ListObjects": "s3:ListBucket", "ListObjectsV2": "s3:ListBucket",
    "ListObjectVersions": "s3:ListBucketVersions", "ListMultipartUploads": "s3:ListBucketMultipartUploads",
    "ListParts": "s3:ListMultipartUploadParts", "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject", "UploadPartCopy": "s3:PutObject", "CompleteMultipartUpload": "s3:PutObject",
    "CopyObject": "s3:PutObject", "DeleteObjects": "s3:DeleteObject",
}
# ... and the one a request for a given version needs instead.
VERSION_ACTIONS = {"s3:GetObject": "s3:GetObjectVersion", "s3:DeleteObject": "s3:DeleteObjectVersion",
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
    and `action` (default: the operation's) say what an anonymous caller asks for."""
    bucket = _existing(ctx, name, expected_owner)
    if ctx.anonymous:
        _check_anonymous(ctx, bucket, key, version_id, action)
    elif bucket["account"] != ctx.account and not _policy_allows(ctx, bucket):
        raise errors.error("AccessDenied")
    if not any_region:
        check_region(ctx, bucket)
    return bucket


def owned_bucket(ctx, params: dict):
    """The bucket of `params`, for calls only its owner may make (configuration, deletion)."""
    bucket = _existing(ctx, params["Bucket"], params.get("ExpectedBucketOwner"))
    if ctx.anonymous:
        _check_anonymous(ctx, bucket, None, None, None)
    elif bucket["account"] != ctx.account:
        raise errors.error("AccessDenied")
    check_region(ctx, bucket)
    return bucket


def request_bucket(ctx, params: dict):
    """The bucket of `params` (Bucket, ExpectedBucketOwner), for object and list calls."""
    return bucket_for(ctx, params["Bucket"], params.get("ExpectedBucketOwner"), key=params.get("Key"),
                      version_id=params.get("VersionId"))


def _existing(ctx, name: str, expected_owner: str | None):
    bucket = store.cached_bucket(ctx.state.cache("s3"), ctx.state.db, name)
    if bucket is None:
        raise errors.error("NoSuchBucket", BucketName=name)
    if expected_owner is not None and expected_owner != bucket["account"]:
        raise errors.error("AccessDenied")
    return bucket


def check_region(ctx, bucket):
    if not _is_signed(ctx) or ctx.region == bucket["region"]:
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


def _policy_allows(ctx, bucket) -> bool:
    policy = policies.parse(store.get_config(ctx.state.db, bucket["name"], "policy"))
    return any(s.effect == "Allow" and s.names_account(ctx.account) for s in policy.statements)


def acls_disabled(ctx, bucket) -> bool:
    """ObjectOwnership BucketOwnerEnforced: ACLs neither can be set nor grant anything."""
    config = store.get_config(ctx.state.db, bucket["name"], "ownership") or {}
    rules = config.get("Rules") or [{}]
    return rules[0].get("ObjectOwnership") == "BucketOwnerEnforced"


def _check_anonymous(ctx, bucket, key, version_id, action):
    action = action or IAM_ACTIONS.get(ctx.operation, f"s3:{ctx.operation}")
    if version_id is not None:
        action = VERSION_ACTIONS.get(action, action)
    block = store.get_config(ctx.state.db, bucket["name"], "public-access-block") or {}
    if not _everyone_may(ctx, bucket, action, key, version_id, block):
        raise errors.error("AccessDenied")
    if action in ("s3:GetObject", "s3:GetObjectVersion") and _object_row(ctx, bucket, key, version_id) is None and \
            not _everyone_may(ctx, bucket, "s3:ListBucket", None, None, block):
        raise errors.error("AccessDenied")     # S3 hides whether a key exists from who may not list


def _everyone_may(ctx, bucket, action, key, version_id, block) -> bool:
    resource = arns.build("s3", "", "", bucket["name"] if key is None else f"{bucket['name']}/{key}")
    policy = policies.parse(store.get_config(ctx.state.db, bucket["name"], "policy"))
    verdict = policy.decision(lambda s: s.names_everyone(), action, resource)
    if verdict == "Allow" and block.get("RestrictPublicBuckets"):
        verdict = None
    return verdict == "Allow" or (verdict is None and _acl_grants_everyone(ctx, bucket, action, key, version_id, block))


def _object_row(ctx, bucket, key, version_id):
    """The version a request names (else the latest), or None when there is none to read."""
    db = ctx.state.db
    row = store.version(db, bucket["name"], key, version_id) if version_id else store.latest(db, bucket["name"], key)
    return None if row is None or row["delete_marker"] else row


def _acl_grants_everyone(ctx, bucket, action, key, version_id, block) -> bool:
    if block.get("IgnorePublicAcls") or acls_disabled(ctx, bucket):
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
    return any(g.get("Grantee", {}).get("URI") == ALL_USERS and g.get("Permission") in (permission, "FULL_CONTROL")
               for g in grants)
