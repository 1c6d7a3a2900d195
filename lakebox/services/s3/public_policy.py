"""S3's test of a public bucket policy (GetBucketPolicyStatus, BlockPublicPolicy,
RestrictPublicBuckets), as recorded from S3 (stackd's public_policy_replay.json).

An Allow naming everyone is public unless a condition fixes whom it reaches: one of the
fixing keys compared with fixed values (S3 User Guide, "The meaning of 'public'"). What
S3 was seen to count as fixed:

- `StringEquals`, `StringEqualsIgnoreCase`, `ArnEquals`, `IpAddress` and their
  `ForAnyValue:` forms; `StringLike`/`ArnLike` where no wildcard widens the value (an
  ARN whose account is fixed is fixed whatever its region or resource; `aws:userid`
  is fixed by its unique id before `:`); an empty list of values (it never holds);
- not the `...IfExists` and `ForAllValues:` forms (they hold where the key is absent),
  unless a `Null: false` on the key in the same statement asks for it; not the negated
  operators; not a value with a policy variable (`${...}`); not `aws:SourceOwner`;
- an address range no wider than a /8 (IPv4) or a /32 (IPv6).

A public Allow is taken back by a Deny naming everyone (not through NotPrincipal) that
covers its actions and resources, unconditionally or where a fixing key is not fixed
values (`StringNotEquals aws:SourceAccount ...`).
"""
import functools

from lakebox.kit import policies

FIXING_KEYS = {"aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceaccount", "aws:principalorgid",
               "aws:sourceorgid", "aws:principalaccount", "aws:principalarn", "aws:userid", "aws:sourceip",
               "s3:dataaccesspointarn", "s3:dataaccesspointaccount"}
ARN_KEYS = {"aws:sourcearn", "aws:principalarn", "s3:dataaccesspointarn"}
FIXING_OPERATORS = {"StringEquals", "StringEqualsIgnoreCase", "ArnEquals", "ArnLike", "StringLike", "IpAddress"}
NEGATED_OPERATORS = {"StringNotEquals", "StringNotEqualsIgnoreCase", "ArnNotEquals", "ArnNotLike", "StringNotLike",
                     "NotIpAddress"}


def is_public(text: str | None) -> bool:
    return _public(text or "")


@functools.lru_cache(maxsize=256)
def _public(text: str) -> bool:
    policy = policies.parse(text)
    return any(s.effect == "Allow" and s.names_everyone() and not _fixed_by(s.conditions or {}, FIXING_OPERATORS)
               and not _taken_back(policy, s) for s in policy.statements)


def _taken_back(policy, allow) -> bool:
    if allow.not_actions or allow.not_resources or allow.variables:
        return False
    return any(
        deny.effect == "Deny" and deny.not_principals is None and policies.EVERYONE in deny.principals.get("AWS", ())
        and not deny.variables and all(deny.covers_action(a) for a in allow.actions)
        and all(deny.covers_resource(r) for r in allow.resources)
        and (not deny.conditions or _fixed_by(deny.conditions, NEGATED_OPERATORS, negated=True))
        for deny in policy.statements)


def _fixed_by(found: dict, operators: set, negated: bool = False) -> bool:
    """Whether a condition block fixes the caller with one of `operators` (a Deny's
    negated operators fix who escapes it)."""
    null = found.get("Null")
    present = {key.lower() for key, value in null.items() if str(value).lower() == "false"} \
        if isinstance(null, dict) else set()
    for operator, block in found.items():
        qualifier, _, base = operator.rpartition(":")
        if_exists = base.endswith("IfExists")
        base = base.removesuffix("IfExists")
        if base not in operators or not isinstance(block, dict) or (negated and qualifier):
            continue
        for key, values in block.items():
            key = key.lower()
            values = values if isinstance(values, list) else [values]
            if key not in FIXING_KEYS:
                continue
            if (if_exists or qualifier == "ForAllValues") and key not in present:
                continue
            if all(_fixed(key, base, str(v)) for v in values):
                return True
    return False


def _fixed(key: str, operator: str, value: str) -> bool:
    if "${" in value:
        return False
    if key == "aws:sourceip":
        return policies.fixed_value(key, value)
    if not operator.endswith("Like"):
        return True
    if key in ARN_KEYS:
        parts = value.split(":")
        return len(parts) >= 6 and parts[4] != "" and "*" not in parts[4] and "?" not in parts[4]
    if key == "aws:userid":
        head = value.split("*")[0].split("?")[0]
        return ":" in head and len(head) > 1
    return "*" not in value and "?" not in value
