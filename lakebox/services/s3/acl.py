"""Access control lists, answered as S3 answers them.

New buckets have ACLs disabled (ObjectOwnership BucketOwnerEnforced): reading an ACL
shows the owner's full control, and setting one that grants anyone else is refused
with `AccessControlListNotSupported`. With ACLs enabled, grants are stored and shown,
and decide what other accounts and anonymous callers may do (`access`). A canned ACL
S3 does not define is `InvalidArgument`; a grant to an e-mail address is
`MethodNotAllowed` (S3 dropped e-mail grantees in October 2025); setting the ACL of a
delete marker is `MethodNotAllowed`.
"""
import re

from lakebox.aws.errors import AwsError
from lakebox.kit import sessions
from lakebox.services.s3 import access, errors, model, notifications, payload, store, versions

GROUP_URIS = {
    "AllUsers": access.ALL_USERS,
    "AuthenticatedUsers": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
    "LogDelivery": "http://acs.amazonaws.com/groups/s3/LogDelivery",
}
CANNED_GROUP_GRANTS = {
    "public-read": [("AllUsers", "READ")],
    "public-read-write": [("AllUsers", "READ"), ("AllUsers", "WRITE")],
    "authenticated-read": [("AuthenticatedUsers", "READ")],
    "log-delivery-write": [("LogDelivery", "WRITE"), ("LogDelivery", "READ_ACP")],
}
# S3's reason for a public ACL refused under BlockPublicAcls (recorded replies; the S3 User
# Guide's "Troubleshoot access denied" example names the operation as the action).
BLOCKED_ACLS = "because public ACLs are prevented by the BlockPublicAcls setting in S3 Block Public Access."
BUCKET_OWNER_GRANTS = {"bucket-owner-read": "READ", "bucket-owner-full-control": "FULL_CONTROL"}
CANNED_ACLS = {"private", "bucket-owner-read", "bucket-owner-full-control", "aws-exec-read", *CANNED_GROUP_GRANTS}
GRANT_HEADERS = {"GrantFullControl": "FULL_CONTROL", "GrantRead": "READ", "GrantReadACP": "READ_ACP",
                 "GrantWrite": "WRITE", "GrantWriteACP": "WRITE_ACP"}
ACL_PARAMS = frozenset(("AccessControlPolicy", "ACL", *GRANT_HEADERS))
BUCKET_OWNER_TAKES = ("BucketOwnerPreferred", "BucketOwnerEnforced")
WRITES = frozenset(("PutObject", "CopyObject", "CreateMultipartUpload"))
_GRANTEE = re.compile(r'\s*(id|uri|emailAddress)\s*=\s*"?([^",]+)"?\s*')


def owner_grant(account: str) -> dict:
    return {"Grantee": {"ID": model.canonical_user_id(account), "Type": "CanonicalUser"},
            "Permission": "FULL_CONTROL"}


def requested_grants(ctx, bucket, params: dict, owner: str | None = None) -> list | None:
    """Grants a request asks for (canned ACL, grant headers or a policy document), if any,
    on the bucket or on an object `owner` owns (a writer of another account owns what it
    uploads unless the bucket's ObjectOwnership says otherwise: `access.object_owner`).

    Refused when the bucket has ACLs disabled and the grants reach beyond the owner, or
    when public access is blocked and they are public.
    """
    if ACL_PARAMS.isdisjoint(params):
        return None                    # the usual write names no ACL
    headers = any(params.get(name) for name in GRANT_HEADERS)
    if params.get("ACL") and headers:      # "either a canned ACL or ... explicitly. You cannot do both."
        raise errors.error("InvalidRequest", "Specifying both Canned ACLs and Header Grants is not allowed")
    if (params.get("ACL") or headers) and params.get("AccessControlPolicy"):
        raise errors.error("UnexpectedContent")
    if params.get("AccessControlPolicy"):
        grants = params["AccessControlPolicy"].get("Grants") or []
    elif any(params.get(name) for name in GRANT_HEADERS):
        grants = [grant for name, permission in GRANT_HEADERS.items()
                  for grant in _header_grants(params.get(name), permission)]
    elif params.get("ACL"):
        if params["ACL"] not in CANNED_ACLS:
            raise errors.error("InvalidArgument", "", ArgumentName="x-amz-acl", ArgumentValue=params["ACL"])
        grants = _canned_grants(ctx, bucket, params["ACL"], owner)
    else:
        return None
    if any(g.get("Grantee", {}).get("EmailAddress") for g in grants):
        # S3 no longer takes e-mail grantees (since October 2025, 405 in the API reference's
        # PutBucketAcl/PutObjectAcl notice; recorded: access_raw_replay.json bucket-raw-email-grantee,
        # object-raw-email-grantee)
        raise errors.error("MethodNotAllowed")
    owner_id = model.canonical_user_id(bucket["account"])
    only_owner = [(g.get("Grantee", {}).get("ID"), g.get("Permission")) for g in grants] == [(owner_id, "FULL_CONTROL")]
    if not only_owner and ctx.operation in WRITES:
        _check_session_may_set_acl(ctx, bucket, params)
    # With ACLs disabled a write may name only the owner's full control (GrantRead to the
    # owner is refused too), and an ACL is never set on its own (recorded from S3).
    if access.acls_disabled(ctx, bucket) and (ctx.operation in ("PutBucketAcl", "PutObjectAcl") or not only_owner):
        raise errors.error("AccessControlListNotSupported")
    if _is_public(grants) and _blocks_public_acls(ctx, bucket):
        key = params.get("Key")
        resource = f"arn:aws:s3:::{bucket['name']}" + (f"/{key}" if key is not None else "")
        same_account = not ctx.anonymous and ctx.account == bucket["account"]
        raise access.denied(ctx, f"s3:{ctx.operation}", resource, BLOCKED_ACLS if same_account else None)
    return grants


def _check_session_may_set_acl(ctx, bucket, params):
    """A write that grants more than the owner's full control also needs s3:PutObjectAcl
    (recorded from S3: a role allowed s3:PutObject alone writes with `private` or
    `bucket-owner-full-control`, and is refused `public-read`)."""
    if not sessions.narrowed(ctx.session):
        return
    resource = f"arn:aws:s3:::{bucket['name']}/{params.get('Key')}"
    reason = sessions.refusal(ctx, "s3:PutObjectAcl", resource)
    if reason is not None:
        raise access.denied(ctx, "s3:PutObjectAcl", resource,
                            reason if not ctx.anonymous and ctx.account == bucket["account"] else None)


def _canned_grants(ctx, bucket, canned: str, owner: str | None) -> list:
    """A canned ACL's grants (S3 User Guide, "ACL overview", canned ACL): the owner's full
    control, the bucket owner's READ or FULL_CONTROL for `bucket-owner-*` on an object
    another account owns, and the groups' grants. Where the bucket owner takes what it is
    given full control of (BucketOwnerPreferred, BucketOwnerEnforced), bucket-owner-full-control
    on a write is its grant alone (PutObjectAcl on an object another account already owns
    keeps that owner's grant beside it: ownership_authority_replay.json
    cross-existing-put-acl-bo-full); under BucketOwnerEnforced another account's `private` names that
    account, and is refused (recorded from S3)."""
    owner = owner or bucket["account"]
    if canned == "bucket-owner-full-control" and access.ownership(ctx, bucket) in BUCKET_OWNER_TAKES \
            and ctx.operation in WRITES:
        return [owner_grant(bucket["account"])]     # the new object is the bucket owner's: its grant alone
    grants = [owner_grant(owner)]
    if canned in BUCKET_OWNER_GRANTS and owner != bucket["account"]:
        grants.append({"Grantee": owner_grant(bucket["account"])["Grantee"], "Permission": BUCKET_OWNER_GRANTS[canned]})
    return grants + [{"Grantee": {"URI": GROUP_URIS[group], "Type": "Group"}, "Permission": permission}
                     for group, permission in CANNED_GROUP_GRANTS.get(canned, [])]


def _header_grants(value: str | None, permission: str) -> list:
    grants = []
    if not value:
        return grants
    for item in value.split(","):
        match = _GRANTEE.fullmatch(item)
        if not match:
            # S3 names the header and its value (access_raw_replay.json bucket-raw-invalid-grant-header)
            header = "x-amz-grant-" + permission.lower().replace("_", "-")
            raise errors.error("InvalidArgument", "", ArgumentName=header, ArgumentValue=value)
        kind, who = match.groups()
        grantee = {"id": {"ID": who, "Type": "CanonicalUser"}, "uri": {"URI": who, "Type": "Group"},
                   "emailAddress": {"EmailAddress": who, "Type": "AmazonCustomerByEmail"}}[kind]
        grants.append({"Grantee": grantee, "Permission": permission})
    return grants


def _is_public(grants: list) -> bool:
    public = (GROUP_URIS["AllUsers"], GROUP_URIS["AuthenticatedUsers"])
    return any(g.get("Grantee", {}).get("URI") in public for g in grants)


def _blocks_public_acls(ctx, bucket) -> bool:
    return access.public_access_block(ctx.state.db, bucket)["BlockPublicAcls"]


def _policy(account: str, grants: list | None) -> dict:
    return {"Owner": model.owner(account), "Grants": [owner_grant(account)] if grants is None else grants,
            "__xml_root__": "AccessControlPolicy"}


CANONICAL_ID = re.compile(r"[0-9a-f]{64}")


def check_policy_body(ctx, params, owner: str):
    """An ACL document as S3 reads it (radkawar/stackd testdata/aws/s3/access_raw_replay.json
    bucket-raw-invalid-permission, -unknown-grantee-type, -invalid-canonical, -unknown-group,
    object-raw-wrong-root, -missing-owner): a body that is no policy (another root, an empty
    Owner, a permission or grantee type S3 does not name) is MalformedACLError; an Owner
    that is not the owner's, a grantee id that is no canonical user id, or a group S3 does
    not have, InvalidArgument naming it (object-raw-wrong-owner)."""
    try:
        payload.check_body(ctx, params, "AccessControlPolicy", optional=True)
    except AwsError as refused:
        if refused.code == "MalformedXML":
            raise errors.error("MalformedACLError") from None
        raise
    policy = params.get("AccessControlPolicy")
    if not policy:                  # none, or a root of another name read as nothing
        if ctx.request.body:
            raise errors.error("MalformedACLError")
        return
    if "Owner" in policy:
        owner_id = (policy["Owner"] or {}).get("ID")
        if not owner_id:
            raise errors.error("MalformedACLError")
        if owner_id != model.canonical_user_id(owner):         # object-raw-wrong-owner
            raise errors.error("InvalidArgument", "Invalid id", ArgumentName="CanonicalUser/ID",
                               ArgumentValue=owner_id)
    for grant in policy.get("Grants") or []:
        grantee = grant.get("Grantee") or {}
        if grantee.get("Type") == "CanonicalUser" and not CANONICAL_ID.fullmatch(grantee.get("ID") or ""):
            raise errors.error("InvalidArgument", "Invalid id", ArgumentName="CanonicalUser/ID",
                               ArgumentValue=grantee.get("ID"))
        if grantee.get("Type") == "Group" and grantee.get("URI") not in GROUP_URIS.values():
            raise errors.error("InvalidArgument", "Invalid group uri", ArgumentName="Group/URI",
                               ArgumentValue=grantee.get("URI"))


def put_bucket_acl(ctx, params):
    bucket = access.owned_bucket(ctx, params)
    check_policy_body(ctx, params, bucket["account"])
    if access.acls_disabled(ctx, bucket):       # any bucket ACL, even `private` (replies recorded from S3)
        raise errors.error("AccessControlListNotSupported")
    grants = requested_grants(ctx, bucket, params)
    if grants is None:
        raise errors.error("MissingSecurityHeader", "Your request was missing a required header",
                           MissingHeaderName="x-amz-acl")
    store.put_config(ctx.state.db, bucket["name"], "acl", grants)
    return {}


def get_bucket_acl(ctx, params):
    bucket = access.owned_bucket(ctx, params)
    return _policy(bucket["account"], store.get_config(ctx.state.db, bucket["name"], "acl"))


def put_object_acl(ctx, params):
    bucket = access.request_bucket(ctx, params)
    latest = store.latest(ctx.state.db, bucket["name"], params["Key"]) if not params.get("VersionId") else None
    if latest is not None and latest["delete_marker"]:
        raise errors.error("MethodNotAllowed", Method="PUT", ResourceType="DeleteMarker")
    row = versions.find(ctx, bucket, params["Key"], params.get("VersionId"), method="PUT")
    check_policy_body(ctx, params, row["owner"])
    grants = requested_grants(ctx, bucket, params, row["owner"])
    if grants is None:
        raise errors.error("MissingSecurityHeader", "Your request was missing a required header",
                           MissingHeaderName="x-amz-acl")
    attrs = store.loads(row["attrs"])
    changed = _policy(row["owner"], attrs.get("Grants")) != _policy(row["owner"], grants)
    attrs["Grants"] = grants
    store.update_attrs(ctx.state.db, row["id"], attrs)
    if changed:         # an ACL put again as it was is no event
        notifications.object_setting_changed(ctx, bucket, row, "ObjectAcl:Put")
    return {}


def get_object_acl(ctx, params):
    """The object's ACL in force: under IgnorePublicAcls its public grants are kept but
    not shown, and show again once the setting is off; with ACLs disabled only the bucket
    owner's full control shows (as recorded from S3)."""
    bucket = access.request_bucket(ctx, params)
    row = versions.find(ctx, bucket, params["Key"], params.get("VersionId"))
    if access.acls_disabled(ctx, bucket):       # the grants come back once ACLs are enabled again
        return _policy(bucket["account"], None)
    grants = store.loads(row["attrs"]).get("Grants")
    if grants and access.public_access_block(ctx.state.db, bucket)["IgnorePublicAcls"]:
        grants = [grant for grant in grants if not _is_public([grant])]
    return _policy(row["owner"], grants)
