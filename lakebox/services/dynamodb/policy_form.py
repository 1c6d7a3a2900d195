"""The form DynamoDB keeps a resource-based policy in, which GetResourcePolicy answers
(replies recorded against DynamoDB by the ack-api-quirks lab, DDB-TABLE-208/351-355):
minified JSON; `Version` (2008-10-17 when the document has none) before `Statement`,
always a list; each statement's members in the order Sid, Effect, Principal, Action,
Resource, Condition (the Not- forms in their slots); `allow`/`deny` capitalised; a
one-element Action or Resource list as its string (longer lists kept as sent); an account
id in a Principal as that account's root ARN, repeated principals once, one as a string.
A policy putting that form again changes nothing.

Block Public Access (developer guide, "Blocking public access with resource-based
policies"): an Allow to everyone that no trusted condition key narrows is refused."""
import json
import re

from lakebox.kit import arns, policies
from lakebox.services.dynamodb.errors import ValidationException

_ORDER = ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition")
_ACCOUNT = re.compile(r"\d{12}$")
_EFFECTS = {"allow": "Allow", "deny": "Deny"}
UNBOUNDED = ("Resource-based policy grants unbounded access in one or more elements. Please revise the policy to "
             "ensure least-privilege form of access")


def canonical(document: dict, region: str) -> str:
    """The text DynamoDB keeps for a policy document (already checked to be one)."""
    form = {"Version": document.get("Version", "2008-10-17")}
    form.update((key, value) for key, value in document.items() if key not in ("Version", "Statement"))
    statements = document.get("Statement")
    statements = [statements] if isinstance(statements, dict) else statements
    form["Statement"] = [_statement(s, region) if isinstance(s, dict) else s for s in statements]
    return json.dumps(form, separators=(",", ":"), ensure_ascii=False)


def _statement(raw: dict, region: str) -> dict:
    form = {key: raw[key] for key in _ORDER if key in raw}
    form.update((key, value) for key, value in raw.items() if key not in form)
    if isinstance(form.get("Effect"), str):
        form["Effect"] = _EFFECTS.get(form["Effect"].lower(), form["Effect"])
    for key in ("Principal", "NotPrincipal"):
        if isinstance(form.get(key), dict):
            form[key] = {kind: _principals(names, region) if kind == "AWS" else _single(names)
                         for kind, names in form[key].items()}
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        if key in form:
            form[key] = _single(form[key])
    return form


def _principals(names, region: str):
    listed = names if isinstance(names, list) else [names]
    root = f"arn:{arns.partition(region)}:iam::{{}}:root"
    named = [root.format(n) if isinstance(n, str) and _ACCOUNT.match(n) else n for n in listed]
    unique = [n for i, n in enumerate(named) if n not in named[:i]]
    return _single(unique) if isinstance(names, list) else unique[0]


def _single(value):
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def check_public(text: str):
    """Refuse a policy granting everyone access (DynamoDB's Block Public Access)."""
    if policies.parse(text).is_public():
        raise ValidationException(UNBOUNDED)
