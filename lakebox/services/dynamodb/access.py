"""Requests decided by the resource-based policies of tables and streams.

lakebox has no IAM identity policies, so a caller of the resource's own account is
allowed unless the resource policy denies it explicitly; a caller of another account
(naming the table or stream by its ARN) needs a statement allowing it the action, and no
statement denying it. The action is `dynamodb:<Operation>` unless the caller says which
(a transaction's PutItem, a PartiQL SELECT). To keep owners from locking themselves
out, the account's root may always delete a policy (DeleteResourcePolicy's reference).
"""
from lakebox.kit import policies
from lakebox.services.dynamodb import store
from lakebox.services.dynamodb.errors import AccessDeniedException

_ROOT_MAY_ALWAYS = frozenset({"dynamodb:DeleteResourcePolicy"})


def policy_of(db, account, region, arn) -> policies.Policy | None:
    """The parsed policy kept for a table or stream ARN, or None."""
    row = store.policy(db, account, region, arn)
    return policies.parse(row["policy"]) if row else None


def check(ctx, account: str, arn: str, policy, action: str | None = None):
    """Raise AccessDeniedException unless the caller may run `action` on `arn` (owned by
    `account`, governed by `policy`, a `policies.Policy` or None)."""
    own = account == ctx.account
    if own and policy is None:
        return
    action = action or f"dynamodb:{ctx.operation}"
    if own and action in _ROOT_MAY_ALWAYS and ctx.caller_arn.endswith(":root"):
        return
    verdict = decision(ctx, policy, action, arn)
    if verdict == "Allow" or (own and verdict is None):
        return
    reason = "with an explicit deny in a resource-based policy" if verdict == "Deny" else \
        f"because no resource-based policy allows the {action} action"
    raise AccessDeniedException(
        f"User: {ctx.caller_arn} is not authorized to perform: {action} on resource: {arn} {reason}")


def decision(ctx, policy, action: str, arn: str) -> str | None:
    """"Deny", "Allow" or None: what `policy` says of this caller doing `action` on `arn`."""
    if policy is None:
        return None
    caller = policies.caller_of(ctx)
    return policy.decision(lambda s: s.names_principal(caller), action, arn, policies.global_keys(ctx))
