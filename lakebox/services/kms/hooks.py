"""KMS's hooks into the pipeline (the interface is `lakebox/aws/hooks.py`): the key a
request acts on, for its caller's session policies. IAM names a KMS action's resource by
the key's ARN (an alias or key id in the request resolves to it; Decrypt without KeyId
uses the ciphertext's key), so a session policy scoped to one key does not reach another,
and a refusal names the key."""
from lakebox.aws.errors import ServiceError
from lakebox.kit import policies
from lakebox.services.kms import lookup, model

_KEY_PARAMS = ("KeyId", "SourceKeyId")


def iam_request(ctx, params):
    """`kms:<Operation>` on the key the request names; a request naming none that
    lakebox can find (ListKeys, a missing key: the action refuses that itself) leaves
    the resource unchecked."""
    return f"kms:{ctx.operation}", _key_arn(ctx, params), None


def _key_arn(ctx, params) -> str | None:
    text = next((params[name] for name in _KEY_PARAMS if isinstance(params.get(name), str)), None)
    if text is None and isinstance(params.get("CiphertextBlob"), (bytes, bytearray)):
        sealed = model.open_blob(bytes(params["CiphertextBlob"]))
        text = sealed.key_id if sealed is not None else None
    if text is None:
        return None
    try:
        return lookup.arn_of(lookup.find_key(ctx, text))
    except ServiceError:
        return None


def resource_names_session(ctx, action, resource) -> bool:
    """Whether the key policy allows `action` to the caller's session by its own ARN
    (`arn:aws:sts::<account>:federated-user/<name>`, an assumed-role session ARN): "If
    that policy specifically references the federated user session in the Principal
    element of the policy, the session has the permissions allowed by the policy" (STS
    API reference, GetFederationToken), whatever the session policies say."""
    if resource is None:
        return False
    try:
        key = lookup.find_key(ctx, resource)
    except ServiceError:
        return False
    session_arn = ctx.caller_arn

    def names_the_session(statement) -> bool:
        return session_arn in statement.principals.get("AWS", ())
    return policies.parse(key["policy"]).decision(names_the_session, action, resource,
                                                  policies.global_keys(ctx)) == "Allow"
