"""Resource policies (S3 bucket policies, Kinesis stream and consumer policies, and the
key, queue and catalog policies to come), read once into one normal form.

IAM policy grammar allows several spellings of the same thing: `Statement` as a list
or a single object, `Principal` as `"*"` or `{"AWS": "*" | id | [ids]}` (or `Service`,
`Federated`, `CanonicalUser`), `Action` and `Resource` as a string or a list. `parse`
turns any of them into a `Policy` of `Statement`s whose members are always tuples, so
the services ask questions rather than walk JSON:

- whom a statement names (`names_everyone`, `names_account`, `names_caller`);
- whether it covers an action (`covers_action`, wildcards, case-insensitive as IAM
  compares actions) and a resource ARN (`covers_resource`, wildcards, case-sensitive);
- `Policy.decision(...)`: "Deny" if a statement that applies denies, else "Allow" if one
  allows, else None (no statement applies: the caller's own rights decide).

Conditions are kept (`Statement.conditions`) but not evaluated yet; that, with the
rest of IAM's evaluation logic, grows here. Parsing is cached by the policy's text, so
a policy read on every request is parsed once.
"""
import fnmatch
import functools
import json
from dataclasses import dataclass

from lakebox.kit import arns

EVERYONE = "*"


@dataclass(frozen=True)
class Statement:
    effect: str                          # "Allow" or "Deny"
    principals: dict                     # kind ("AWS", "Service", ...) -> tuple of names
    actions: tuple = ()
    not_actions: tuple = ()
    resources: tuple = (EVERYONE,)       # a statement without Resource covers every resource
    not_resources: tuple = ()
    conditions: dict | None = None
    sid: str | None = None

    def names_everyone(self) -> bool:
        return EVERYONE in self.principals.get("AWS", ())

    def names_account(self, account: str) -> bool:
        """Everyone, or any principal of `account` (its id, its root, or any of its ARNs)."""
        return self.names_everyone() or any(
            arns.principal_account(name) == account for name in self.principals.get("AWS", ()))

    def names_caller(self, account: str, caller_arn: str) -> bool:
        """Everyone, the caller's account (by id or root ARN), or the caller's own ARN."""
        names = self.principals.get("AWS", ())
        return any(name in (EVERYONE, account, f"arn:aws:iam::{account}:root", caller_arn) for name in names)

    def covers_action(self, action: str) -> bool:
        action = action.lower()
        if self.not_actions:
            return not any(fnmatch.fnmatchcase(action, a.lower()) for a in self.not_actions)
        return any(fnmatch.fnmatchcase(action, a.lower()) for a in self.actions)

    def covers_resource(self, arn: str) -> bool:
        if self.not_resources:
            return not any(fnmatch.fnmatchcase(arn, r) for r in self.not_resources)
        return any(fnmatch.fnmatchcase(arn, r) for r in self.resources)


@dataclass(frozen=True)
class Policy:
    statements: tuple = ()

    def decision(self, names, action: str | None = None, resource: str | None = None) -> str | None:
        """"Deny", "Allow" or None, over the statements for which `names(statement)` is
        true and that cover `action` and `resource` (each left unchecked when None)."""
        effects = {s.effect for s in self.statements
                   if names(s) and (action is None or s.covers_action(action))
                   and (resource is None or s.covers_resource(resource))}
        if "Deny" in effects:
            return "Deny"
        return "Allow" if "Allow" in effects else None


    def is_public(self) -> bool:
        """Some Allow statement names everyone, unnarrowed by a condition: S3's test for a
        public policy (Block Public Access, GetBucketPolicyStatus)."""
        return any(s.effect == "Allow" and s.names_everyone() and not s.conditions for s in self.statements)


def document(text: str) -> dict:
    """The policy's JSON object; ValueError when the text is not one."""
    found = json.loads(text)
    if not isinstance(found, dict):
        raise ValueError("a policy is a JSON object")
    return found


@functools.lru_cache(maxsize=512)
def parse(text: str | None) -> Policy:
    """The policy in normal form; an absent or unreadable policy grants nothing."""
    try:
        found = document(text) if text else {}
    except ValueError:
        return Policy()
    statements = found.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    return Policy(tuple(_statement(s) for s in statements if isinstance(s, dict)))


def _statement(raw: dict) -> Statement:
    return Statement(
        effect=raw.get("Effect", ""), principals=_principals(raw.get("Principal")),
        actions=_strings(raw.get("Action")), not_actions=_strings(raw.get("NotAction")),
        resources=_strings(raw.get("Resource", EVERYONE)), not_resources=_strings(raw.get("NotResource")),
        conditions=raw.get("Condition") if isinstance(raw.get("Condition"), dict) else None,
        sid=raw.get("Sid") if isinstance(raw.get("Sid"), str) else None)


def _principals(value) -> dict:
    if value == EVERYONE:
        return {"AWS": (EVERYONE,)}
    if not isinstance(value, dict):
        return {}
    return {kind: _strings(names) for kind, names in value.items() if _strings(names)}


def _strings(value) -> tuple:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()
