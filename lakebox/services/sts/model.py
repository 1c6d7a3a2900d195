"""STS's pure logic: credential material, ARNs, durations, token claims."""
import base64
import hashlib
import json
import secrets
import string
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import NamedTuple

from lakebox.services.sts.errors import (DurationTooLong, ExpiredTokenException, InvalidIdentityToken,
                                          InvalidParameterValue, InvalidRoleArn, MalformedPolicyDocument,
                                          PackedPolicyTooLarge)

KEY_ALPHABET = string.ascii_uppercase + string.digits
ROLE_CHAINING_LIMIT = 3600
ROOT_SESSION_LIMIT = 3600
# lakebox has no IAM: every role is taken to allow the longest session AWS permits.
ROLE_MAX_SESSION = 43200
PACKED_POLICY_LIMIT = 2048
# the attribute an IdP sets to name the role session (IAM User Guide, "Configure SAML
# assertions for the authentication response")
SAML_SESSION_NAME = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
# session tags an IdP passes (IAM User Guide, "Passing session tags using AssumeRoleWithSAML")
SAML_PRINCIPAL_TAG = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:"
SAML_TRANSITIVE_TAG_KEYS = "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys"
JWT_TAGS_CLAIM = "https://aws.amazon.com/tags"


def new_access_key() -> str:
    return "ASIA" + "".join(secrets.choice(KEY_ALPHABET) for _ in range(16))


def new_secret() -> str:
    return base64.b64encode(secrets.token_bytes(30)).decode()


def new_session_token() -> str:
    return "FwoGZXIvYXdzE" + base64.b64encode(secrets.token_bytes(180)).decode()


def unique_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(KEY_ALPHABET) for _ in range(17))


def role_id(role_arn: str) -> str:
    """A stable AROA... id per role ARN, so every session of a role shares it."""
    return "AROA" + hashlib.sha256(role_arn.encode()).hexdigest().upper()[:17]


def check_role_arn(role_arn: str):
    """AWS takes any well-formed ARN here (and fails later on a missing role); what is
    not an ARN (`arn:partition:service:region:account:resource`, with a partition, a
    service and a resource) is refused at once, as AWS refuses `arn::b:::something/x`
    and `arn:a::::...` ("... is invalid")."""
    parts = role_arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or not parts[1] or not parts[2] or not parts[5]:
        raise InvalidRoleArn(f"{role_arn} is invalid")


def role_parts(role_arn: str) -> tuple[str, str]:
    """(account, role name) of `arn:aws:iam::123456789012:role/path/name`."""
    parts = role_arn.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[2] == "iam" and parts[5].startswith("role/"):
        return parts[4], parts[5].rsplit("/", 1)[-1]
    # AWS accepts any well-formed ARN here and fails later on a missing role; keep going.
    return (parts[4] if len(parts) == 6 and parts[4].isdigit() else "000000000000",
            role_arn.rsplit("/", 1)[-1])


def assumed_role_arn(account: str, role_name: str, session_name: str) -> str:
    return f"arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}"


def check_role_duration(duration: int, chained: bool):
    if chained and duration > ROLE_CHAINING_LIMIT:
        raise DurationTooLong("The requested DurationSeconds exceeds the 1 hour session limit "
                              "for roles assumed by role chaining.")
    if duration > ROLE_MAX_SESSION:
        raise DurationTooLong("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")


def check_session_policy(policy: str | None):
    if policy is None:
        return 0
    try:
        document = json.loads(policy)
    except ValueError:
        raise MalformedPolicyDocument("Syntax errors in policy.") from None
    if not isinstance(document, dict) or "Statement" not in document:
        raise MalformedPolicyDocument("Syntax errors in policy.")
    packed = packed_policy_percent(policy)
    if packed > 100:
        raise PackedPolicyTooLarge(f"Packed size of consumed policies exceeds 100% of limit "
                                   f"(actual: {packed}%).")
    return packed


def packed_policy_percent(policy: str) -> int:
    compact = json.dumps(json.loads(policy), separators=(",", ":"))
    return max(1, -(-len(compact) * 100 // PACKED_POLICY_LIMIT))


def jwt_claims(token: str) -> dict:
    """The claims of a JWT; signatures are not checked (there is no IdP here)."""
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidIdentityToken("Couldn't retrieve verification key from your identity provider,  "
                                   "please reference AssumeRoleWithWebIdentity documentation for requirements")
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(padded))
    except ValueError:
        raise InvalidIdentityToken("The ID Token provided is not a valid JWT. "
                                   "(You may see this error if you sent an Access Token)") from None
    if not isinstance(claims, dict):
        raise InvalidIdentityToken("The ID Token provided is not a valid JWT. "
                                   "(You may see this error if you sent an Access Token)")
    return claims


def jwt_session_tags(claims: dict) -> tuple[list, list]:
    """Session tags an OIDC token carries in its `https://aws.amazon.com/tags` claim
    (`principal_tags`: key -> [value], `transitive_tag_keys`: [key]; IAM User Guide,
    "Passing session tags using AssumeRoleWithWebIdentity"), as AssumeRole's Tags and
    TransitiveTagKeys. Some IdPs wrap the object in a list; both are read."""
    claim = claims.get(JWT_TAGS_CLAIM)
    claim = claim[0] if isinstance(claim, list) and claim else claim
    if not isinstance(claim, dict):
        return [], []
    tags = []
    for key, values in (claim.get("principal_tags") or {}).items():
        value = values[0] if isinstance(values, list) and values else values
        if isinstance(value, str):
            tags.append({"Key": key, "Value": value})
    transitive = [key for key in claim.get("transitive_tag_keys") or [] if isinstance(key, str)]
    return tags, transitive


def check_token_fresh(claims: dict, now: float):
    """A JWT whose `exp` (seconds since the epoch) has passed is refused, in the words
    clients log from AWS ("Token expired: current date/time 1731098245 must be before
    the expiration date/time 1731095240")."""
    expires = claims.get("exp")
    if isinstance(expires, (int, float)) and not isinstance(expires, bool) and expires <= now:
        raise ExpiredTokenException(f"Token expired: current date/time {int(now)} must be before "
                                    f"the expiration date/time {int(expires)}")


class SamlResponse(NamedTuple):
    fields: dict                   # Subject, SubjectType, Issuer, Audience as AWS returns them
    session_name: str | None       # the RoleSessionName attribute
    session_end: float | None      # the AuthnStatement's SessionNotOnOrAfter, in epoch seconds
    tags: list                     # PrincipalTag attributes, as AssumeRole's Tags
    transitive_tag_keys: list      # the TransitiveTagKeys attribute's values


def saml_response(assertion_b64: str) -> SamlResponse:
    """What lakebox reads from a base64 SAML response; any well-formed one is accepted."""
    try:
        root = ET.fromstring(base64.b64decode(assertion_b64, validate=True))
    except (ValueError, ET.ParseError):
        raise InvalidIdentityToken("Invalid base64 SAMLResponse (Unable to parse the assertion)") from None
    attributes = _saml_attributes(root)
    names = attributes.get(SAML_SESSION_NAME) or [None]
    tags = [{"Key": name[len(SAML_PRINCIPAL_TAG):], "Value": values[0]}
            for name, values in attributes.items() if name.startswith(SAML_PRINCIPAL_TAG) and values]
    return SamlResponse(_saml_fields(root), names[0], _saml_session_end(root), tags,
                        attributes.get(SAML_TRANSITIVE_TAG_KEYS, []))


def _saml_session_end(root) -> float | None:
    for element in root.iter():
        if element.tag.rpartition("}")[2] == "AuthnStatement" and element.get("SessionNotOnOrAfter"):
            try:
                return datetime.fromisoformat(element.get("SessionNotOnOrAfter").replace("Z", "+00:00")).timestamp()
            except ValueError:
                return None
    return None


def _saml_attributes(root) -> dict[str, list[str]]:
    """Every Attribute of the response by its Name, with its values in order."""
    found = {}
    for element in root.iter():
        if element.tag.rpartition("}")[2] == "Attribute" and element.get("Name"):
            found[element.get("Name")] = [(value.text or "").strip() for value in element
                                          if value.tag.rpartition("}")[2] == "AttributeValue"]
    return found


def _saml_fields(root) -> dict:
    found = {}
    for element in root.iter():
        tag = element.tag.rpartition("}")[2]
        if tag == "Issuer" and "Issuer" not in found:
            found["Issuer"] = (element.text or "").strip()
        elif tag == "NameID" and "Subject" not in found:
            found["Subject"] = (element.text or "").strip()
            found["SubjectType"] = _name_id_format(element.get("Format", "transient"))
        elif tag == "Audience" and "Audience" not in found:
            found["Audience"] = (element.text or "").strip()
    return found


def name_qualifier(issuer: str, account: str, provider_arn: str) -> str:
    """AWS's NameQualifier: base64 SHA-1 of issuer + account + the provider's friendly name."""
    provider_name = provider_arn.rsplit("/", 1)[-1]
    digest = hashlib.sha1((issuer + account + provider_name).encode()).digest()
    return base64.b64encode(digest).decode()


def _name_id_format(fmt: str) -> str:
    """AWS shortens the two common NameID formats and passes the others whole."""
    for short in ("persistent", "transient"):
        if fmt.endswith(":" + short):
            return short
    return fmt


def check_session_tags(tags, transitive_keys, inherited: dict):
    """Session tags STS refuses, in the words recorded from it: two keys that differ only
    in case, a key the calling session passes on as transitive, a transitive key that is
    not among the tags."""
    keys = [tag["Key"].lower() for tag in tags or []]
    if len(set(keys)) < len(keys):
        raise InvalidParameterValue("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    if {key.lower() for key in inherited} & set(keys):
        raise InvalidParameterValue("One of the specified transitive tag keys can't be set because it conflicts "
                                    "with a transitive tag key from the calling session.")
    if any(key.lower() not in keys for key in transitive_keys or []):
        raise InvalidParameterValue("The specified transitive tag key must be included in the requested tags.")


def transitive_tags(session: dict | None) -> dict:
    """The tags of `session` that pass on to the sessions assumed from it."""
    if not session or not session.get("tags") or not session.get("transitive_tag_keys"):
        return {}
    keys = set(json.loads(session["transitive_tag_keys"]))
    return {k: v for k, v in json.loads(session["tags"]).items() if k in keys}
