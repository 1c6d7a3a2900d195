"""STS operations. Every credential issued here is stored with its expiry and is real:
requests signed with it act as its identity until it expires."""
import base64
import json

from lakebox.services.sts import model, store
from lakebox.services.sts.public import issue_session as _issue_session
from lakebox.services.sts.errors import (
    AccessDenied, InvalidAuthorizationMessageException, SourceIdentityAlreadySet)

DEFAULT_ROLE_DURATION = 3600
DEFAULT_TOKEN_DURATION = 43200


def get_caller_identity(ctx, params):
    session = ctx.session
    if session:
        return {"UserId": session["user_id"], "Account": session["account"], "Arn": session["arn"]}
    return {"UserId": ctx.account, "Account": ctx.account, "Arn": ctx.caller_arn}


def assume_role(ctx, params):
    _refuse_federated(ctx, "sts:AssumeRole", params["RoleArn"])
    packed = _check_request(ctx, params, DEFAULT_ROLE_DURATION)
    model.check_session_tags(params.get("Tags"), params.get("TransitiveTagKeys"),
                             model.transitive_tags(ctx.session))
    source_identity = _source_identity(ctx, params)
    result = {**_issue_role_session(ctx, params, source_identity=source_identity), **_packed_size(params, packed)}
    if source_identity:
        result["SourceIdentity"] = source_identity
    return result


def _source_identity(ctx, params) -> str | None:
    """The SourceIdentity of the new session: once a session has one, the sessions chained
    from it keep it, and naming another is refused (the words recorded from STS)."""
    inherited = (ctx.session or {}).get("source_identity")
    wanted = params.get("SourceIdentity")
    if inherited and wanted and wanted != inherited:
        raise SourceIdentityAlreadySet("The source identity is already set for this assume role session")
    return inherited or wanted


def assume_role_with_web_identity(ctx, params):
    claims = model.jwt_claims(params["WebIdentityToken"])
    model.check_token_fresh(claims, ctx.now)
    packed = _check_request(ctx, params, DEFAULT_ROLE_DURATION)
    tags, transitive = model.jwt_session_tags(claims)
    params = {**params, "Tags": tags, "TransitiveTagKeys": transitive}
    result = _issue_role_session(ctx, params)
    audience = claims.get("aud")
    result.update({
        "SubjectFromWebIdentityToken": str(claims.get("sub", "")),
        "Audience": audience[0] if isinstance(audience, list) and audience else str(audience or ""),
        "Provider": params.get("ProviderId") or str(claims.get("iss", "")),
        **_packed_size(params, packed),
    })
    return result


def assume_role_with_saml(ctx, params):
    response = model.saml_response(params["SAMLAssertion"])
    claims = response.fields
    packed = _check_request(ctx, params, DEFAULT_ROLE_DURATION)
    session_name = response.session_name or claims.get("Subject") or "saml-session"
    # the session lasts DurationSeconds or until the assertion's SessionNotOnOrAfter,
    # whichever is shorter (STS API Reference, AssumeRoleWithSAML)
    duration = params.get("DurationSeconds", DEFAULT_ROLE_DURATION)
    if response.session_end is not None and response.session_end > ctx.now:
        duration = min(duration, response.session_end - ctx.now)
    params = {**params, "Tags": response.tags, "TransitiveTagKeys": response.transitive_tag_keys}
    result = _issue_role_session(ctx, params, session_name=session_name, duration=duration)
    account, _ = model.role_parts(params["RoleArn"])
    result.update(claims)
    result["NameQualifier"] = model.name_qualifier(claims.get("Issuer", ""), account, params["PrincipalArn"])
    result["PackedPolicySize"] = packed
    return result


def get_session_token(ctx, params):
    if ctx.session is not None:
        raise AccessDenied("Cannot call GetSessionToken with session credentials")
    duration = _root_capped(ctx, params.get("DurationSeconds", DEFAULT_TOKEN_DURATION))
    credentials = _issue(ctx, account=ctx.account, arn=ctx.caller_arn, user_id=ctx.account,
                         kind="session", duration=duration)
    return {"Credentials": credentials}


def get_federation_token(ctx, params):
    if ctx.session is not None:
        raise AccessDenied("Cannot call GetFederationToken with session credentials")
    packed = model.check_session_policy(params.get("Policy"))
    model.check_session_tags(params.get("Tags"), None, {})
    duration = _root_capped(ctx, params.get("DurationSeconds", DEFAULT_TOKEN_DURATION))
    name = params["Name"]
    arn = f"arn:aws:sts::{ctx.account}:federated-user/{name}"
    user_id = f"{ctx.account}:{name}"
    # the federated user's session tags are its aws:PrincipalTag values (IAM User Guide,
    # "Passing session tags using GetFederationToken"); none of them is transitive
    credentials = _issue(ctx, account=ctx.account, arn=arn, user_id=user_id, kind="federated", duration=duration,
                         tags=_session_tags(ctx, params), policies=_session_policies(params))
    return {"Credentials": credentials, "FederatedUser": {"FederatedUserId": user_id, "Arn": arn},
            **_packed_size(params, packed)}


def get_access_key_info(ctx, params):
    _refuse_federated(ctx, "sts:GetAccessKeyInfo", "*")
    key = params["AccessKeyId"]
    session = store.find_session(ctx.state.db, key)
    # a key lakebox did not issue acts as the default account (the model's 16-character
    # minimum keeps 12-digit account keys out of this operation)
    return {"Account": session["account"] if session else "000000000000"}


def decode_authorization_message(ctx, params):
    """lakebox's encoded messages are base64 JSON; anything else is not one of ours."""
    _refuse_federated(ctx, "sts:DecodeAuthorizationMessage", "*")
    try:
        decoded = base64.b64decode(params["EncodedMessage"], validate=True).decode()
        json.loads(decoded)
    except (ValueError, UnicodeDecodeError):
        raise InvalidAuthorizationMessageException("Invalid encoded message.") from None
    return {"DecodedMessage": decoded}


def _refuse_federated(ctx, action, resource):
    """A federated user's credentials call no STS operation but GetCallerIdentity (STS
    API Reference, GetFederationToken: "You cannot call any STS operations except
    GetCallerIdentity"), whatever its session policy allows."""
    if ctx.session is not None and ctx.session["kind"] == "federated":
        raise AccessDenied(f"User: {ctx.caller_arn} is not authorized to perform: {action} on resource: {resource}")


def _check_request(ctx, params, default_duration) -> int:
    model.check_role_arn(params["RoleArn"])
    duration = params.get("DurationSeconds", default_duration)
    model.check_role_duration(duration, chained=ctx.session is not None and ctx.session["kind"] == "assumed-role")
    return model.check_session_policy(params.get("Policy"))


def _issue_role_session(ctx, params, session_name=None, duration=None, source_identity=None):
    account, role_name = model.role_parts(params["RoleArn"])
    session_name = params.get("RoleSessionName") or session_name
    role_id = model.role_id(params["RoleArn"])
    arn = model.assumed_role_arn(account, role_name, session_name)
    user_id = f"{role_id}:{session_name}"
    duration = duration or params.get("DurationSeconds", DEFAULT_ROLE_DURATION)
    credentials = _issue(ctx, account=account, arn=arn, user_id=user_id, kind="assumed-role", duration=duration,
                         tags=_session_tags(ctx, params), policies=_session_policies(params),
                         source_identity=source_identity)
    return {"Credentials": credentials, "AssumedRoleUser": {"AssumedRoleId": user_id, "Arn": arn}}


def _packed_size(params, packed) -> dict:
    """AWS reports the packed size only when the request passed something to pack: an
    inline session policy or session tags (a plain AssumeRole, or one with managed policy
    ARNs only, answers without it). lakebox sizes the policy only; tags alone count as 1%."""
    if params.get("Policy") is None and not params.get("Tags"):
        return {}
    return {"PackedPolicySize": max(packed, 1)}


def _root_capped(ctx, duration):
    """Root credentials get at most an hour; AWS caps longer requests silently."""
    if ctx.caller_arn.endswith(":root"):
        return min(duration, model.ROOT_SESSION_LIMIT)
    return duration


def _session_tags(ctx, params) -> dict:
    """The session's tags: those the request passes, over the transitive tags of the
    session that asks (IAM User Guide, "Chaining roles with session tags")."""
    inherited = model.transitive_tags(ctx.session)
    tags = {**inherited, **{tag["Key"]: tag["Value"] for tag in params.get("Tags") or []}}
    transitive = sorted(set(params.get("TransitiveTagKeys") or []) | set(inherited))
    return {"tags": json.dumps(tags) if tags else None,
            "transitive_tag_keys": json.dumps(transitive) if transitive else None}


def _session_policies(params) -> dict:
    """The session policies a request passes (enforced by kit/sessions.py)."""
    arns = [entry["arn"] for entry in params.get("PolicyArns") or [] if entry.get("arn")]
    return {"policy": params.get("Policy"), "policy_arns": json.dumps(arns) if arns else None}


def _issue(ctx, *, account, arn, user_id, kind, duration, tags=None, policies=None, source_identity=None) -> dict:
    return _issue_session(ctx.state.db, ctx.now, account=account, arn=arn, user_id=user_id, kind=kind,
                         duration=duration, tags=tags, policies=policies, source_identity=source_identity)
