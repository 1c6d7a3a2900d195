"""Cross-account access to streams and consumers through their resource policies.

A caller reaches its own account's resources freely (lakebox does not evaluate
identity policies). A stream or consumer of another account, named by its ARN, is
reachable only when its resource policy allows the caller the operation's
`kinesis:<Operation>` action and no statement denies it; otherwise AWS answers
AccessDeniedException ("... because no resource-based policy allows the ... action").
"""
from lakebox.kit import policies
from lakebox.services.kinesis import store
from lakebox.services.kinesis.errors import AccessDeniedException


def check(ctx, account: str, region: str, arn: str, policy_arn: str | None = None):
    """Raise AccessDeniedException unless the caller may run this operation on `arn`
    (owned by `account`). `policy_arn` is where the governing policy is kept (a
    consumer's own policy, else its stream's), defaulting to `arn`."""
    if account == ctx.account:
        return
    action = f"kinesis:{ctx.operation}"
    policy = policies.parse(store.policy(ctx.state.db, account, region, policy_arn or arn))
    caller = policies.caller_of(ctx)
    verdict = policy.decision(lambda s: s.names_principal(caller), action, arn, policies.global_keys(ctx))
    if verdict == "Allow":
        return
    reason = "with an explicit deny in a resource-based policy" if verdict == "Deny" else \
        f"because no resource-based policy allows the {action} action"
    raise AccessDeniedException(
        f"User: {ctx.caller_arn} is not authorized to perform: {action} on resource: {arn} {reason}")
