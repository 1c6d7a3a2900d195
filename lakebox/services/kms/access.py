"""Who may use a key: its key policy, then its grants, and the grant tokens a request
carries (KMS Developer Guide, "Key policies", "Grants in AWS KMS", "Using a grant token").

The key policy decides first: a statement that denies the caller the operation's
`kms:<Operation>` action refuses it, whatever grants say. A statement that allows it, or
a grant to the caller (its ARN, the role of its session, or its account) for that
operation whose encryption context constraints the request meets, lets it through. A
key policy that names the account (its root) lets every caller of the account through, as
lakebox evaluates no identity policies; without it they, like callers of other accounts,
are refused: AccessDeniedException,
"User: <caller> is not authorized to perform: kms:<Operation> on resource: <key ARN>
because no resource-based policy allows the kms:<Operation> action" (or "with an explicit
deny in a resource-based policy"), the words users quote from KMS.

Grants take effect at once in lakebox, with or without a token (AWS may need up to five
minutes without one). A grant token must still be one KMS could have issued: anything
else is InvalidGrantTokenException ("Invalid grant token", RetireGrant's words; KMS's
own words for other operations are not on record)."""
import base64
import binascii
import json
import secrets

from lakebox.kit import policies
from lakebox.services.kms import model, store
from lakebox.services.kms.errors import (
    AccessDeniedException, InvalidGrantTokenException, MalformedPolicyDocumentException)

TOKEN_PREFIX, TOKEN_BYTES = b"\x01", 96
# Operations whose grant constraints judge the request's encryption context.
CONTEXT_OPERATIONS = {"Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey",
                      "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"}


def new_token() -> str:
    return base64.b64encode(TOKEN_PREFIX + secrets.token_bytes(TOKEN_BYTES - 1)).decode()


def is_token(text: str) -> bool:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(raw) == TOKEN_BYTES and raw.startswith(TOKEN_PREFIX)


def check_tokens(params):
    """Refuse GrantTokens that no CreateGrant could have returned."""
    for token in params.get("GrantTokens") or ():
        if not is_token(token):
            raise InvalidGrantTokenException("Invalid grant token")


def check(ctx, key, operation: str, context: dict | None = None, grant: dict | None = None):
    """Raise AccessDeniedException unless the caller may run `operation` (a grant
    operation's name: ReEncrypt is ReEncryptFrom on its source, ReEncryptTo on its
    destination) on `key`, whose request carries the encryption `context` (and, for
    CreateGrant, the `grant` asked for: the kms:Grant* condition keys)."""
    arn = _arn(key)
    action = f"kms:{operation}"
    caller = policies.caller_of(ctx)
    verdict = policies.parse(key["policy"]).decision(
        lambda s: s.names_principal(caller), action, arn, policies.global_keys(ctx, _kms_keys(ctx, context, grant)))
    if verdict == "Allow":
        return
    # Without the key policy's allow an identity policy has no effect (KMS Developer Guide,
    # "Key policies"). A service acting for the key's own account (a delivery, a stream's
    # encryption: `calls.system_context`, no caller ARN) is stopped only by a Deny.
    own = key["account"] == ctx.account and (key["policy"] is None or not ctx.caller_arn.startswith("arn:"))
    if verdict is None and (own or _granted(ctx, key, caller, operation, context)):
        return
    raise _denied(ctx, action, arn, verdict)


def check_lockout(ctx, params):
    """The policy safety check of CreateKey, PutKeyPolicy and ReplicateKey: unless
    BypassPolicyLockoutSafetyCheck, a new key policy must let the caller put the key
    policy again (words as users quote KMS)."""
    policy = params.get("Policy")
    if policy is None or params.get("BypassPolicyLockoutSafetyCheck"):
        return
    caller = policies.caller_of(ctx)
    if policies.parse(policy).decision(lambda s: s.names_principal(caller), "kms:PutKeyPolicy", None,
                                       policies.global_keys(ctx, _kms_keys(ctx, None))) != "Allow":
        raise MalformedPolicyDocumentException(
            "The new key policy will not allow you to update the key policy in the future.")


def check_retire(ctx, key, grant):
    """RetireGrant is decided by the grant, not the key policy: its retiring principal,
    its grantee when it allows RetireGrant, and the key's account may retire it (KMS
    Developer Guide, "Retiring and revoking grants")."""
    names = policies.caller_of(ctx).names
    if key["account"] == ctx.account or (grant["retiring"] and not grant["retiring_is_service"]
                                         and grant["retiring"] in names):
        return
    if not grant["grantee_is_service"] and grant["grantee"] in names and \
            "RetireGrant" in json.loads(grant["operations"]):
        return
    raise _denied(ctx, "kms:RetireGrant", _arn(key), None)


def _denied(ctx, action, arn, verdict):
    reason = "with an explicit deny in a resource-based policy" if verdict == "Deny" else \
        f"because no resource-based policy allows the {action} action"
    return AccessDeniedException(f"User: {ctx.caller_arn} is not authorized to perform: {action} on resource: {arn} "
                                 f"{reason}")


def _granted(ctx, key, caller, operation, context) -> bool:
    names = caller.names
    for row in store.grants_of_key(ctx.state.db, key["uid"]):
        if row["grantee_is_service"] or row["grantee"] not in names:
            continue
        if operation not in json.loads(row["operations"]):
            continue
        constraints = json.loads(row["grant_constraints"]) if row["grant_constraints"] else {}
        if operation in CONTEXT_OPERATIONS and not _meets(constraints, context or {}):
            continue
        return True
    return False


def _meets(constraints: dict, context: dict) -> bool:
    """A grant constraint's keys are not case sensitive, its values are (KMS API
    Reference, GrantConstraints)."""
    equals, subset = constraints.get("EncryptionContextEquals"), constraints.get("EncryptionContextSubset")
    context = _folded(context)
    if equals is not None and context != _folded(equals):
        return False
    return subset is None or all(context.get(k) == v for k, v in _folded(subset).items())


def _folded(pairs: dict) -> dict:
    return {k.lower(): v for k, v in pairs.items()}


def _kms_keys(ctx, context, grant=None):
    lowered = {k.lower(): v for k, v in (context or {}).items()}
    grant = grant or {}

    def lookup(name: str):
        if name in _GRANT_KEYS:         # CreateGrant's own keys (KMS Developer Guide, "AWS KMS condition keys")
            return _GRANT_KEYS[name](grant)
        if name == "kms:calleraccount":
            return ctx.account
        if name == "kms:viaservice":        # a service using the key for the caller: s3.us-east-1.amazonaws.com
            return f"{ctx.via_service}.{ctx.region}.amazonaws.com" if ctx.via_service else None
        if name == "kms:encryptioncontextkeys":
            return list(context) if context else None
        if name.startswith("kms:encryptioncontext:"):
            return lowered.get(name.partition("kms:encryptioncontext:")[2])
        return None
    return lookup


_GRANT_KEYS = {
    "kms:granteeprincipal": lambda grant: grant.get("GranteePrincipal"),
    "kms:retiringprincipal": lambda grant: grant.get("RetiringPrincipal"),
    "kms:grantoperations": lambda grant: list(grant.get("Operations") or ()) or None,
    "kms:grantconstrainttype": lambda grant: list(grant.get("Constraints") or ()) or None,
}


def _arn(key) -> str:
    return model.key_arn(key["account"], key["region"], key["key_id"])
