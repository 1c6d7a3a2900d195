"""Cross-account access to streams and consumers through their resource policies.

A caller reaches its own account's resources freely (lakebox does not evaluate
identity policies). A stream or consumer of another account, named by its ARN, is
reachable only when its resource policy allows the caller the operation's
`kinesis:<Operation>` action and no statement denies it; otherwise AWS answers
AccessDeniedException ("... because no resource-based policy allows the ... action").
"""
import fnmatch
import json

from lakebox.services.kinesis import store
from lakebox.services.kinesis.errors import AccessDeniedException


def check(ctx, account: str, region: str, arn: str, policy_arn: str | None = None):
    """Raise AccessDeniedException unless the caller may run this operation on `arn`
    (owned by `account`). `policy_arn` is where the governing policy is kept (a
    consumer's own policy, else its stream's), defaulting to `arn`."""
    if account == ctx.account:
        return
    action = f"kinesis:{ctx.operation}"
    document = _policy(ctx, account, region, policy_arn or arn)
    verdicts = [s.get("Effect") for s in _statements(document) if _applies(s, ctx, action, arn)]
    if "Allow" in verdicts and "Deny" not in verdicts:
        return
    reason = "with an explicit deny in a resource-based policy" if "Deny" in verdicts else \
        f"because no resource-based policy allows the {action} action"
    raise AccessDeniedException(
        f"User: {ctx.caller_arn} is not authorized to perform: {action} on resource: {arn} {reason}")


def _policy(ctx, account, region, arn) -> dict:
    text = store.policy(ctx.state.db, account, region, arn)
    try:
        document = json.loads(text) if text else {}
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def _statements(document) -> list[dict]:
    statements = document.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    return [s for s in statements if isinstance(s, dict)]


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _applies(statement, ctx, action, arn) -> bool:
    return (_principal_matches(statement.get("Principal"), ctx)
            and any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in _as_list(statement.get("Action")))
            and any(fnmatch.fnmatchcase(arn, r) for r in _as_list(statement.get("Resource", "*"))))


def _principal_matches(principal, ctx) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for entry in _as_list(principal.get("AWS")):
        if entry in ("*", ctx.account, f"arn:aws:iam::{ctx.account}:root", ctx.caller_arn):
            return True
    return False
