"""Session policies: what an STS session passed at AssumeRole (`Policy`, `PolicyArns`)
or GetFederationToken narrows what the session may do (IAM User Guide, "Session
policies"): its permissions are those both its identity's policies and its session
policies allow, and an explicit Deny in a session policy refuses.

lakebox has no IAM, so a role's (or the federating user's) own policies are taken to
allow everything, and a session may do exactly what its session policies allow. The
inline policy and the managed ones count together (an action one of them allows is
allowed). Of the managed policies lakebox knows the AWS managed ones below; any other
ARN (a customer managed policy, which lakebox cannot hold) is taken to allow
everything, so it never refuses what AWS might allow. A federated user's session with
no session policy has no permissions, as AWS documents for GetFederationToken; an
assumed-role session with none is not narrowed.

Operations that need no permission (`GetCallerIdentity`) are never refused.
"""
import json

from lakebox.kit import policies

NEEDS_NO_PERMISSION = {"sts:GetCallerIdentity"}
EXPLICIT_DENY = "with an explicit deny in a session policy"
# AWS managed policies (AWS Managed Policy Reference), by ARN: their default version.
AWS_MANAGED = {
    "arn:aws:iam::aws:policy/AdministratorAccess":
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    "arn:aws:iam::aws:policy/AmazonS3FullAccess":
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "s3-object-lambda:*"],
                                                 "Resource": "*"}]},
    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess":
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
            "s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"]}]},
}
_AWS_MANAGED_TEXT = {arn: json.dumps(document) for arn, document in AWS_MANAGED.items()}


def narrowed(session: dict | None) -> bool:
    """Whether the session's requests are checked against session policies at all."""
    return session is not None and (session.get("kind") == "federated" or bool(session.get("policy"))
                                    or bool(session.get("policy_arns")))


def refusal(ctx, action: str, resource: str | None, keys=None) -> str | None:
    """Why ctx's session may not perform `action` on `resource` (None: it may), in
    IAM's words: "with an explicit deny in a session policy" or "because no session
    policy allows the <action> action". `resource` None is not checked; `keys` answers
    condition keys (default: the request's global ones)."""
    session = ctx.session
    if not narrowed(session) or action in NEEDS_NO_PERMISSION:
        return None
    keys = keys or policies.global_keys(ctx)
    allowed = False
    for text, known in _session_policies(session):
        verdict = policies.parse(text).decision(_identity_statement, action, resource, keys) if known else "Allow"
        if verdict == "Deny":
            return EXPLICIT_DENY
        allowed = allowed or verdict == "Allow"
    return None if allowed else f"because no session policy allows the {action} action"


def explicit_deny(reason: str) -> bool:
    return reason == EXPLICIT_DENY


def message(ctx, action: str, resource: str | None, reason: str) -> str:
    """IAM's AccessDenied message for a refusal."""
    return f"User: {ctx.caller_arn} is not authorized to perform: {action} on resource: {resource or '*'} {reason}"


def _identity_statement(statement) -> bool:
    """A session policy is an identity policy: it names no principal, its statements
    apply to the session."""
    return True


def _session_policies(session) -> list[tuple[str | None, bool]]:
    """(policy text, whether lakebox knows it) of each of the session's policies."""
    found = [(session["policy"], True)] if session.get("policy") else []
    for arn in json.loads(session.get("policy_arns") or "[]"):
        found.append((_AWS_MANAGED_TEXT.get(arn), arn in _AWS_MANAGED_TEXT))
    return found
