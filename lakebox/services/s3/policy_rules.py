"""What S3 refuses in a bucket policy, each `400 MalformedPolicy` with S3's message.

- the text: not starting with `{` ("Policies must be valid JSON and the first byte must
  be '{'"), not JSON ("This policy contains invalid Json"), no `Statement`, or an empty one;
- a statement: an `Effect` other than Allow or Deny, no `Principal`, `Action` or
  `Resource` (nor their `Not` forms); a principal that is neither `*` nor a map of
  AWS/Federated/Service/CanonicalUser names, an AWS principal that is neither `*`, an
  account id nor an account's ARN ("Invalid principal in policy");
- actions that are not S3's ("Policy has invalid action": `s3:GetObjectz`, `kinesis:*`);
  object actions on the bucket's ARN only ("Action does not apply to any resource(s) in
  statement");
- resources that are not this bucket or its objects ("Policy has invalid resource", `*`
  and other buckets included);
- condition operators IAM does not know ("Policy has an invalid condition key") and
  addresses that are not ("Invalid IP address in Conditions").

S3's actions are the operations' IAM actions (`access.IAM_ACTIONS`), the model's
operation names that are actions themselves, and the few actions no operation names.
"""
import functools
import ipaddress
import json

from lakebox.aws import specs
from lakebox.kit import arns, conditions, policies
from lakebox.services.s3 import access, errors, model

EXTRA_ACTIONS = {"s3:GetObjectVersionAttributes", "s3:GetObjectVersionForReplication", "s3:ReplicateObject",
                 "s3:ReplicateDelete", "s3:ReplicateTags", "s3:BypassGovernanceRetention",
                 "s3:ObjectOwnerOverrideToBucketOwner", "s3:GetObjectVersionTorrent", "s3:ListBucketVersions",
                 "s3:ListBucketMultipartUploads", "s3:ListMultipartUploadParts", "s3:GetBucketObjectLockConfiguration",
                 "s3:PutBucketObjectLockConfiguration", "s3:GetIntelligentTieringConfiguration",
                 "s3:PutIntelligentTieringConfiguration", "s3:GetAnalyticsConfiguration",
                 "s3:PutAnalyticsConfiguration", "s3:GetInventoryConfiguration", "s3:PutInventoryConfiguration",
                 "s3:GetMetricsConfiguration", "s3:PutMetricsConfiguration", "s3:GetBucketWebsite"}
# Global keys whose values are no ARN: an Arn* operator on one is refused (recorded from
# S3 for aws:SourceVpc; S3's wording there is not recorded).
STRING_KEYS = {"aws:sourcevpc", "aws:sourcevpce", "aws:sourceaccount", "aws:sourceowner", "aws:principalaccount",
               "aws:principalorgid", "aws:sourceorgid", "aws:userid", "aws:username", "aws:referer", "aws:useragent",
               "s3:dataaccesspointaccount"}
NOT_ACTIONS = {"HeadObject", "HeadBucket", "CopyObject", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload",
               "CreateMultipartUpload", "ListObjects", "ListObjectsV2", "ListObjectVersions", "ListParts",
               "ListMultipartUploads", "DeleteObjects", "GetObjectAttributes", "SelectObjectContent",
               "CreateSession", "WriteGetObjectResponse", "ListDirectoryBuckets"}
# The kinds of principal a Principal map may name (IAM User Guide, "Grammar of the IAM
# JSON policy language").
PRINCIPAL_KINDS = {"AWS", "Federated", "Service", "CanonicalUser"}
# Actions on a bucket (the rest are on objects: S3 names no action on both).
OBJECT_ACTION_WORDS = ("Object", "MultipartUpload", "MultipartUploadParts", "Replicate", "BypassGovernanceRetention")
BUCKET_ONLY = {"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads", "s3:CreateBucket",
               "s3:DeleteBucket", "s3:ListAllMyBuckets", "s3:PutBucketObjectLockConfiguration",
               "s3:GetBucketObjectLockConfiguration"}


@functools.cache
def known_actions() -> frozenset:
    names = {f"s3:{op}" for op in specs.spec_for("s3").operations if op not in NOT_ACTIONS}
    names |= set(access.IAM_ACTIONS.values()) | set(access.VERSION_ACTIONS.values()) | EXTRA_ACTIONS
    return frozenset(names)


def _on_objects(action: str) -> bool:
    return action not in BUCKET_ONLY and any(word in action for word in OBJECT_ACTION_WORDS)


def check(text: str, bucket: str):
    """Raise MalformedPolicy unless S3 would keep `text` as `bucket`'s policy."""
    if not text.lstrip().startswith("{"):
        raise errors.error("MalformedPolicy")
    try:
        document = policies.document(text)
    except ValueError:
        raise errors.error("MalformedPolicy", "This policy contains invalid Json") from None
    if "Statement" not in document:
        raise errors.error("MalformedPolicy", "Missing required field Statement")
    statements = document["Statement"]
    statements = [statements] if isinstance(statements, dict) else statements
    if not isinstance(statements, list) or not statements:
        raise errors.error("MalformedPolicy", "Could not parse the policy: Statement is empty!")
    for raw in statements:
        _check_statement(raw, bucket)


def _check_statement(raw, bucket: str):
    if not isinstance(raw, dict):
        raise errors.error("MalformedPolicy", "This policy contains invalid Json")
    if raw.get("Effect") not in ("Allow", "Deny"):
        raise errors.error("MalformedPolicy", f"Invalid effect: {raw.get('Effect')}")
    for field in ("Principal", "Action", "Resource"):
        if field not in raw and f"Not{field}" not in raw:
            raise errors.error("MalformedPolicy", f"Missing required field {field}")
    for field in ("Principal", "NotPrincipal"):
        if field in raw:
            _check_principal_kinds(raw[field])
    if "NotPrincipal" in raw and raw["Effect"] == "Allow":      # NotPrincipal is for Deny (as recorded from S3)
        raise errors.error("MalformedPolicy", "Invalid principal in policy")
    statement = policies.parse(json.dumps({"Statement": [raw]})).statements[0]
    _check_principals(statement.not_principals if "Principal" not in raw else statement.principals)
    actions = _actions(statement.actions + statement.not_actions)
    # (a statement with only NotResource has no Resource: the parsed form's default "*" is not the policy's)
    resources = statement.not_resources if "Resource" not in raw else statement.resources + statement.not_resources
    own = (f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/")
    if any(r != own[0] and not r.startswith(own[1]) and not _could_be(r, bucket) for r in resources):
        raise errors.error("MalformedPolicy", "Policy has invalid resource")
    if statement.actions and not any(_covers(actions, r, bucket) for r in resources):
        raise errors.error("MalformedPolicy", "Action does not apply to any resource(s) in statement")
    _check_conditions(raw.get("Condition"))


def _check_principal_kinds(value):
    """A principal is "*" or a map of the kinds IAM's policy grammar names."""
    if value != "*" and (not isinstance(value, dict) or not set(value) <= PRINCIPAL_KINDS):
        raise errors.error("MalformedPolicy", "Invalid principal in policy")


def _check_principals(principals: dict | None):
    """An AWS principal is everyone, an account id, or an ARN of an account's principal."""
    for name in (principals or {}).get("AWS", ()):
        if name != "*" and not model.is_account_id(name) and (not _an_accounts_arn(name) or "*" in name):
            raise errors.error("MalformedPolicy", "Invalid principal in policy")
    if any("*" in name for name in (principals or {}).get("Service", ())):
        raise errors.error("MalformedPolicy", "Invalid principal in policy")


def _an_accounts_arn(name: str) -> bool:
    found = arns.parse(name)
    return found is not None and bool(found.account)


def _actions(patterns) -> set:
    """The S3 actions the patterns name; MalformedPolicy for one naming none."""
    found = set()
    for pattern in patterns:
        named = {a for a in known_actions() if conditions.glob(pattern, True).fullmatch(a)}
        if not named:
            raise errors.error("MalformedPolicy", "Policy has invalid action")
        found |= named
    return found


def _could_be(resource: str, bucket: str) -> bool:
    """A wildcard resource that can stand for this bucket or its objects."""
    if "*" not in resource and "?" not in resource:
        return False
    if not resource.startswith("arn:aws:s3:::"):
        return False
    glob = conditions.glob(resource)
    return bool(glob.fullmatch(f"arn:aws:s3:::{bucket}") or glob.fullmatch(f"arn:aws:s3:::{bucket}/x"))


def _covers(actions: set, resource: str, bucket: str) -> bool:
    glob = conditions.glob(resource)
    on_bucket = bool(glob.fullmatch(f"arn:aws:s3:::{bucket}"))
    on_objects = resource.startswith(f"arn:aws:s3:::{bucket}/") or bool(glob.fullmatch(f"arn:aws:s3:::{bucket}/x"))
    return any(_on_objects(a) and on_objects or not _on_objects(a) and on_bucket for a in actions)


def _check_conditions(found):
    if not isinstance(found, dict):
        return
    for operator, block in found.items():
        if not conditions.is_known(operator) or not isinstance(block, dict):
            raise errors.error("MalformedPolicy", "Policy has an invalid condition key")
        if operator.split(":")[-1].startswith("Arn") and not STRING_KEYS.isdisjoint(k.lower() for k in block):
            raise errors.error("MalformedPolicy", "Policy has an invalid condition key")
        if operator.split(":")[-1].removesuffix("IfExists") in ("IpAddress", "NotIpAddress"):
            for values in block.values():
                for value in values if isinstance(values, list) else [values]:
                    _check_address(value)


def _check_address(value):
    try:
        ipaddress.ip_network(str(value), strict=False)
    except ValueError:
        raise errors.error("MalformedPolicy", "Invalid IP address in Conditions") from None


def stored_form(text: str) -> str:
    """The policy as S3 keeps it: an account named by its id is named by its root's ARN
    (recorded from S3: `{"AWS":"111122223333"}` reads back `arn:aws:iam::111122223333:root`).
    A policy naming no account by id is kept as it was written."""
    document = policies.document(text)
    statements = document.get("Statement")
    changed = False
    for raw in statements if isinstance(statements, list) else [statements]:
        for field in ("Principal", "NotPrincipal"):
            principal = raw.get(field) if isinstance(raw, dict) else None
            if not isinstance(principal, dict) or "AWS" not in principal:
                continue
            names = principal["AWS"]
            rooted = [f"arn:aws:iam::{n}:root" if isinstance(n, str) and model.is_account_id(n) else n
                      for n in (names if isinstance(names, list) else [names])]
            if rooted != (names if isinstance(names, list) else [names]):
                principal["AWS"] = rooted if isinstance(names, list) else rooted[0]
                changed = True
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False) if changed else text
