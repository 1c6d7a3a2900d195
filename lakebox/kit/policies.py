"""Resource policies (S3 bucket policies, Kinesis stream and consumer policies, and the
key, queue and catalog policies to come), read once into one normal form.

IAM policy grammar allows several spellings of the same thing: `Statement` as a list
or a single object, `Principal` as `"*"` or `{"AWS": "*" | id | [ids]}` (or `Service`,
`Federated`, `CanonicalUser`), `Action` and `Resource` as a string or a list. `parse`
turns any of them into a `Policy` of `Statement`s whose members are always tuples, so
the services ask questions rather than walk JSON:

- whom a statement names (`names_everyone`, `names_account`, `names_caller`, and
  `names_principal(caller)`, which honours `NotPrincipal`, role sessions and services);
- whether it covers an action (`covers_action`, wildcards, case-insensitive as IAM
  compares actions) and a resource ARN (`covers_resource`, wildcards, case-sensitive);
- whether its `Condition` holds for the request's keys (`kit/conditions.py`);
- policy variables (`${aws:username}`, `${s3:prefix}`, ...) in Resource and Condition
  values, resolved per request from the same keys (`kit/variables.py`);
- `Policy.decision(...)`: "Deny" if a statement that applies denies (explicit deny
  wins), else "Allow" if one allows, else None (implicit deny, unless the caller's own
  rights allow: lakebox has no IAM yet, so a caller of the owning account is allowed).

Parsing is cached by the policy's text, so a policy read on every request is parsed
once; wildcard patterns are compiled once (`conditions.glob`).
"""
import datetime
import functools
import ipaddress
import json
import re
from dataclasses import dataclass

from lakebox.kit import arns, conditions, variables

EVERYONE = "*"
# Condition keys that, compared with fixed values, make a statement naming everyone
# non-public (S3 User Guide, "The meaning of 'public'").
NARROWING_KEYS = {"aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceaccount", "aws:sourceowner",
                  "aws:principalorgid", "aws:principalaccount", "aws:principalarn", "aws:userid",
                  "aws:sourceip", "s3:dataaccesspointarn", "s3:dataaccesspointaccount"}
NARROWING_OPERATORS = {"StringEquals", "StringEqualsIgnoreCase", "ArnEquals", "ArnLike", "StringLike", "IpAddress"}


@dataclass(frozen=True)
class Caller:
    """Who asks: an account's principal (`arn` its root, user, role or role session), a
    service principal (`service`, e.g. "logging.s3.amazonaws.com"), or anonymous."""
    account: str = ""
    arn: str = ""
    anonymous: bool = False
    service: str | None = None
    canonical_id: str | None = None      # S3's canonical user id of the account (Principal CanonicalUser)

    @functools.cached_property
    def names(self) -> frozenset:
        """What a policy may call this caller: its account (by id or root ARN), its ARN,
        and for a role session the role's ARN."""
        if self.anonymous or self.service is not None:
            return frozenset()
        found = {self.account, f"arn:aws:iam::{self.account}:root", self.arn, _role_of_session(self.arn)}
        return frozenset(found - {None, ""})


@dataclass(frozen=True)
class Statement:
    effect: str                          # "Allow" or "Deny"
    principals: dict                     # kind ("AWS", "Service", ...) -> tuple of names
    not_principals: dict | None = None   # NotPrincipal: everyone but these
    actions: tuple = ()
    not_actions: tuple = ()
    resources: tuple = (EVERYONE,)       # a statement without Resource covers every resource
    not_resources: tuple = ()
    conditions: dict | None = None
    sid: str | None = None
    variables: bool = False              # its Resource or Condition writes ${...} (kit/variables.py)

    def names_everyone(self) -> bool:
        return EVERYONE in self.principals.get("AWS", ()) or self.not_principals is not None

    def names_principal(self, caller: Caller) -> bool:
        if self.not_principals is not None:
            return not _names(self.not_principals, caller)
        return _names(self.principals, caller)

    def names_account(self, account: str) -> bool:
        """Everyone, or any principal of `account` (its id, its root, or any of its ARNs)."""
        return self.names_everyone() or any(
            arns.principal_account(name) == account for name in self.principals.get("AWS", ()))

    def names_caller(self, account: str, caller_arn: str) -> bool:
        """Everyone, the caller's account (by id or root ARN), or the caller's own ARN."""
        names = self.principals.get("AWS", ())
        return any(name in (EVERYONE, account, f"arn:aws:iam::{account}:root", caller_arn) for name in names)

    def covers_action(self, action: str) -> bool:
        known = self._action_answers.get(action)
        if known is None:
            known = self._action_answers[action] = self._matches_action(action.lower())
        return known

    def _matches_action(self, action: str) -> bool:
        if self.not_actions:
            return not Patterns(self.not_actions, True).match(action)
        return Patterns(self.actions, True).match(action)

    def covers_resource(self, arn: str, keys=None) -> bool:
        """Whether the statement's Resource names `arn` (or its NotResource does not);
        `keys` answers the policy variables a resource may write."""
        if self.variables:
            if self.not_resources:
                return not variables.matches_any(self.not_resources, arn, keys or _no_keys)
            return variables.matches_any(self.resources, arn, keys or _no_keys)
        if self.not_resources:
            return not self._not_resources.match(arn)
        return self._resources.match(arn)

    # Made once per parsed policy, since every request asks every statement: its answers
    # per action (a service has a few dozen), its resource patterns as one regex.
    @functools.cached_property
    def _action_answers(self) -> dict:
        return {}

    @functools.cached_property
    def _resources(self):
        return Patterns(self.resources, False)

    @functools.cached_property
    def _not_resources(self):
        return Patterns(self.not_resources, False)

    def holds(self, keys) -> bool:
        """The statement's conditions hold for the request keys `keys(name)` answers."""
        if not self.conditions:
            return True
        block = variables.condition_block(self.conditions, keys) if self.variables else self.conditions
        return conditions.holds(block, keys)

    def is_public(self) -> bool:
        """An Allow naming everyone that no condition narrows to fixed principals,
        sources or networks."""
        return self.effect == "Allow" and self.names_everyone() and not _narrowed(self.conditions or {})


@dataclass(frozen=True)
class Policy:
    statements: tuple = ()

    def decision(self, names, action: str | None = None, resource: str | None = None, keys=None) -> str | None:
        """"Deny", "Allow" or None, over the statements for which `names(statement)` is
        true, that cover `action` and `resource` (each left unchecked when None) and whose
        conditions hold for `keys` (a lookup of lower-cased key names; no keys: none)."""
        keys = keys or _no_keys
        allowed = False
        for s in self.statements if action is None else self.covering(action):
            if (resource is None or s.covers_resource(resource, keys)) and names(s) and s.holds(keys):
                if s.effect == "Deny":
                    return "Deny"
                allowed = allowed or s.effect == "Allow"
        return "Allow" if allowed else None

    def covering(self, action: str) -> tuple:
        """The statements that cover `action`, found once per action and policy."""
        found = self._by_action.get(action)
        if found is None:
            found = self._by_action[action] = tuple(s for s in self.statements if s.covers_action(action))
        return found

    @functools.cached_property
    def _by_action(self) -> dict:
        return {}

    @functools.cached_property
    def public(self) -> bool:
        """S3's test for a public policy (Block Public Access, GetBucketPolicyStatus)."""
        return any(s.is_public() for s in self.statements)

    def is_public(self) -> bool:
        return self.public

    @functools.cached_property
    def has_deny(self) -> bool:
        return any(s.effect == "Deny" for s in self.statements)


class Patterns:
    """IAM wildcard patterns, matched fast: most are a whole name or a prefix and `*`
    (`arn:aws:s3:::bucket/logs/*`), compared as strings; the rest as one regex.
    Lower-cased for actions, which IAM compares so."""

    def __init__(self, patterns, lower: bool):
        patterns = [p.lower() for p in patterns] if lower else list(patterns)
        plain = [p for p in patterns if "*" not in p and "?" not in p]
        prefixes = [p[:-1] for p in patterns if p.endswith("*") and "*" not in p[:-1] and "?" not in p]
        rest = [p for p in patterns if p not in plain and p[:-1] not in prefixes]
        self.exact = frozenset(plain)
        self.prefixes = tuple(prefixes)
        self.rest = re.compile("|".join(f"(?:{conditions.glob(p).pattern})" for p in rest), re.DOTALL) \
            if rest else None

    def match(self, text: str) -> bool:
        return text in self.exact or (bool(self.prefixes) and text.startswith(self.prefixes)) or \
            (self.rest is not None and self.rest.fullmatch(text) is not None)


def _no_keys(name):
    return None


def _names(principals: dict, caller: Caller) -> bool:
    if caller.service is not None:
        return caller.service in principals.get("Service", ())
    aws = principals.get("AWS", ())
    if caller.canonical_id is not None and caller.canonical_id in principals.get("CanonicalUser", ()):
        return True
    return EVERYONE in aws or not caller.names.isdisjoint(aws)


def _role_of_session(arn: str) -> str | None:
    """`arn:aws:sts::A:assumed-role/R/s` is a session of role `arn:aws:iam::A:role/R`."""
    if ":assumed-role/" not in arn:
        return None
    head, _, rest = arn.partition(":assumed-role/")
    return head.replace("arn:aws:sts:", "arn:aws:iam:", 1) + ":role/" + rest.split("/")[0]


def _narrowed(found: dict) -> bool:
    for operator, block in found.items():
        base = operator.split(":")[-1].removesuffix("IfExists")
        if base not in NARROWING_OPERATORS or not isinstance(block, dict):
            continue
        for key, values in block.items():
            values = values if isinstance(values, list) else [values]
            if key.lower() in NARROWING_KEYS and values and all(_fixed(key.lower(), str(v)) for v in values):
                return True
    return False


def _fixed(key: str, value: str) -> bool:
    """A value that names something particular: no wildcard, and no wide network
    (S3 counts an address range wider than a /8, or an IPv6 /32, as public)."""
    if "*" in value or "?" in value:
        return False
    if key == "aws:sourceip":
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            return False
        return network.prefixlen >= (8 if network.version == 4 else 32)
    return True


fixed_value = _fixed       # a service's own test of a public policy shares S3's networks rule


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
    with_variables = found.get("Version") == variables.VERSION
    return Policy(tuple(_statement(s, with_variables) for s in statements if isinstance(s, dict)))


def _statement(raw: dict, with_variables: bool = False) -> Statement:
    return Statement(
        effect=raw.get("Effect", ""), principals=_principals(raw.get("Principal")),
        not_principals=_principals(raw["NotPrincipal"]) if "NotPrincipal" in raw else None,
        actions=_strings(raw.get("Action")), not_actions=_strings(raw.get("NotAction")),
        resources=_strings(raw.get("Resource", EVERYONE)), not_resources=_strings(raw.get("NotResource")),
        conditions=raw.get("Condition") if isinstance(raw.get("Condition"), dict) else None,
        sid=raw.get("Sid") if isinstance(raw.get("Sid"), str) else None,
        variables=with_variables and variables.used_in([raw.get("Resource"), raw.get("NotResource"),
                                                        raw.get("Condition")]))


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


def caller_of(ctx) -> Caller:
    if ctx.anonymous:
        return Caller(anonymous=True, arn=ctx.caller_arn)
    return Caller(account=ctx.account, arn=ctx.caller_arn)


def global_keys(ctx, extra=None):
    """A lookup of the request's global condition keys (IAM User Guide, "AWS global
    condition context keys"), falling back on `extra(name)` for the service's own."""
    def lookup(name: str):
        if name == "aws:securetransport":
            secure = ctx.request.scheme == "https" or ctx.headers.get("x-forwarded-proto") == "https"
            return "true" if secure else "false"
        if name == "aws:sourceip":
            return ctx.request.client_ip or None
        if name == "aws:currenttime":
            return datetime.datetime.fromtimestamp(ctx.now, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if name == "aws:epochtime":
            return str(int(ctx.now))
        if name == "aws:viaawsservice":
            return "true" if ctx.via_service else "false"
        if name == "aws:principalisawsservice":
            return "true" if (ctx.caller_arn or "").endswith(".amazonaws.com") else "false"
        if name in ("aws:calledvia", "aws:calledviafirst", "aws:calledvialast") and ctx.via_service:
            called_via = f"{ctx.via_service}.amazonaws.com"
            return [called_via] if name == "aws:calledvia" else called_via
        if ctx.anonymous:
            return extra(name) if extra else None
        if name == "aws:principalaccount":
            return ctx.account
        if name == "aws:principalarn":
            return _role_of_session(ctx.caller_arn) or ctx.caller_arn
        if name == "aws:userid":
            return ctx.session["user_id"] if ctx.session else ctx.account
        if name == "aws:principaltype":
            return _principal_type(ctx.caller_arn, ctx.session)
        if name == "aws:username":
            return _user_name(ctx.caller_arn)
        if name.startswith("aws:principaltag/"):
            return _principal_tags(ctx.session).get(name.partition("/")[2])
        if name == "aws:sourceidentity":
            # the SourceIdentity a role session was assumed with (kept along a chain)
            return (ctx.session or {}).get("source_identity")
        return extra(name) if extra else None
    return lookup


def _principal_type(arn: str, session) -> str:
    """aws:PrincipalType: Account, User, FederatedUser (GetFederationToken) or AssumedRole."""
    if session:
        return "FederatedUser" if session.get("kind") == "federated" else "AssumedRole"
    return "User" if ":user/" in arn else "Account"


def _user_name(arn: str) -> str | None:
    """An IAM user's name (`arn:aws:iam::A:user/path/NAME`); other principals have none."""
    return arn.rsplit("/", 1)[1] if ":user/" in arn else None


def _principal_tags(session) -> dict:
    """An STS session's tags, by lower-cased key: tag keys are not case-sensitive in
    conditions (IAM User Guide, "Controlling access during AWS requests")."""
    if not session or not session.get("tags"):
        return {}
    return {key.lower(): value for key, value in json.loads(session["tags"]).items()}
