"""Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant.
A grant lets its grantee run its operations on its key (`access.py` applies it)."""
import json
import secrets

from lakebox.aws.errors import ValidationError
from lakebox.kit import arns
from lakebox.services.kms import access, lookup, model, store
from lakebox.services.kms.errors import (
    InvalidArnException, InvalidGrantIdException, InvalidGrantTokenException, InvalidMarkerException,
    NotFoundException)

LIST_DEFAULT_LIMIT = 50
# The operations a grant may allow on each kind of key (KMS Developer Guide, "Grant
# operations"), besides those every key takes; in the order KMS lists them when it refuses
# one (recorded for an HMAC key: stackd testdata/aws/kms/hmac.json encryption_grant; the
# order of the other kinds' lists is not recorded).
ANY_KEY_OPERATIONS = ("CreateGrant", "RetireGrant", "DescribeKey")
GRANT_OPERATIONS = {
    "SYMMETRIC": ("Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom",
                  "ReEncryptTo", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"),
    "ENCRYPT_DECRYPT": ("Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey"),
    "SIGN_VERIFY": ("Sign", "Verify", "GetPublicKey"),
    "GENERATE_VERIFY_MAC": ("GenerateMac", "VerifyMac"),
    "KEY_AGREEMENT": ("DeriveSharedSecret", "GetPublicKey"),
}


def create_grant(ctx, params):
    key = lookup.authorized_key(ctx, params["KeyId"], "CreateGrant", params, allow_alias=False)
    lookup.check_enabled(ctx, key)
    _check_operations(key, params["Operations"], params.get("Constraints"))
    principals = _principals(params)
    lookup.check_dry_run(params)
    db = ctx.state.db
    name = params.get("Name")
    wanted = (principals, params["Operations"], params.get("Constraints"))
    existing = store.grant_by_name(db, key["uid"], name) if name else None
    # AWS: a grant created again with the same name and parameters is the same grant.
    if existing is not None and _parameters(existing) == wanted:
        return {"GrantToken": existing["token"], "GrantId": existing["grant_id"]}
    grant_id = secrets.token_hex(32)
    token = access.new_token()
    store.insert_grant(db, grant_id, key["uid"], name, lookup.now_ms(ctx), principals, params["Operations"],
                       params.get("Constraints"), token)
    return {"GrantToken": token, "GrantId": grant_id}


def _principals(params) -> tuple:
    """(grantee, grantee is a service, retiring principal or None, retiring is a service).

    Models of botocore from late 2026 make GranteePrincipal optional beside the AWS
    service principals (GranteeServicePrincipal, RetiringServicePrincipal); the rules
    are the API reference's (the wording of KMS's refusals is not recorded)."""
    grantee, service_grantee = params.get("GranteePrincipal"), params.get("GranteeServicePrincipal")
    retiring, service_retiring = params.get("RetiringPrincipal"), params.get("RetiringServicePrincipal")
    if bool(grantee) == bool(service_grantee):
        raise ValidationError("You must specify either GranteePrincipal or GranteeServicePrincipal, but not both.")
    if retiring and service_retiring:
        raise ValidationError("You can specify either RetiringPrincipal or RetiringServicePrincipal, but not both.")
    if service_grantee:
        if not (params.get("Constraints") or {}).get("SourceArn"):
            raise ValidationError("When you specify a GranteeServicePrincipal, you must also specify a SourceArn "
                                  "grant constraint.")
        if not (retiring or service_retiring):
            raise ValidationError("When you specify a GranteeServicePrincipal, you must also specify either a "
                                  "RetiringPrincipal or a RetiringServicePrincipal.")
    for principal in (grantee, retiring):
        _check_session_arn(principal)
    return grantee or service_grantee, bool(service_grantee), retiring or service_retiring, bool(service_retiring)


def _check_session_arn(principal):
    """An assumed-role session ARN names the role without its path: one with a path is
    not an ARN KMS takes (stackd testdata/aws/kms/grants.json session_role_path)."""
    if principal and ":assumed-role/" in principal and principal.startswith("arn:"):
        if len(principal.split(":assumed-role/", 1)[1].split("/")) != 2:
            raise InvalidArnException(f"ARN is not valid: {principal}")


def _check_operations(key, operations, constraints):
    """A grant allows only operations its key can do; encryption context constraints
    only on symmetric encryption keys, whose operations take a context."""
    if set(operations) == {"CreateGrant"}:
        raise ValidationError("Grants must not contain only the CreateGrant operation.")
    symmetric = key["key_spec"] == model.DEFAULT_SPEC
    kind = "SYMMETRIC" if symmetric else key["key_usage"]
    valid = (*ANY_KEY_OPERATIONS, *GRANT_OPERATIONS[kind])
    refused = [operation for operation in dict.fromkeys(operations) if operation not in valid]
    if refused:
        family = "a symmetric" if symmetric or kind == "GENERATE_VERIFY_MAC" else "an asymmetric"
        raise ValidationError(f"Operations [{', '.join(refused)}] are not supported when creating a grant for "
                              f"{family} KMS key with key usage {key['key_usage']}. Valid operations are "
                              f"[{', '.join(valid)}]")
    if constraints and not symmetric and (constraints.get("EncryptionContextSubset")
                                          or constraints.get("EncryptionContextEquals")):
        raise ValidationError("EncryptionContext is supported only when creating a grant for a symmetric "
                              "encryption KMS key.")


def list_grants(ctx, params):
    key = lookup.authorized_key(ctx, params["KeyId"], "ListGrants", params, allow_alias=False)
    rows = store.grants_of_key(ctx.state.db, key["uid"])
    if params.get("GrantId"):
        rows = [r for r in rows if r["grant_id"] == params["GrantId"]]
    for member, is_service in (("GranteePrincipal", 0), ("GranteeServicePrincipal", 1)):
        if params.get(member):
            rows = [r for r in rows if r["grantee"] == params[member] and r["grantee_is_service"] == is_service]
    return _page(ctx, rows, params)


def list_retirable_grants(ctx, params):
    principal, service = params.get("RetiringPrincipal"), params.get("RetiringServicePrincipal")
    if bool(principal) == bool(service):      # optional both in models of late 2026
        raise ValidationError("You must specify either RetiringPrincipal or RetiringServicePrincipal, but not both.")
    # the grants of keys in the caller's account and in other accounts (API reference)
    rows = store.grants_retirable_by(ctx.state.db, ctx.region, principal or service, bool(service))
    return _page(ctx, rows, params)


def retire_grant(ctx, params):
    if params.get("GrantToken"):
        row = store.grant_by_token(ctx.state.db, params["GrantToken"])
        if row is None:
            raise InvalidGrantTokenException("Invalid grant token")
    else:
        if not params.get("KeyId") or not params.get("GrantId"):
            raise InvalidGrantTokenException("Grant token or key ID and grant ID are required")
        row = _grant_of_key(ctx, params["KeyId"], params["GrantId"])
    access.check_retire(ctx, store.key_by_uid(ctx.state.db, row["key_uid"]), row)
    lookup.check_dry_run(params)
    store.delete_grant(ctx.state.db, row["grant_id"])
    return {}


def revoke_grant(ctx, params):
    row = _grant_of_key(ctx, params["KeyId"], params["GrantId"], "RevokeGrant")
    lookup.check_dry_run(params)
    store.delete_grant(ctx.state.db, row["grant_id"])
    return {}


def _grant_of_key(ctx, key_text, grant_id, operation=None):
    if operation:
        key = lookup.authorized_key(ctx, key_text, operation, {}, allow_alias=False)
    else:
        key = lookup.find_key(ctx, key_text, allow_alias=False)
    if len(grant_id) != 64 or not all(c in "0123456789abcdef" for c in grant_id):
        raise InvalidGrantIdException("Invalid grant ID")
    row = store.grant(ctx.state.db, grant_id)
    if row is None or row["key_uid"] != key["uid"]:
        raise NotFoundException(f"Grant ID {grant_id} not found")
    return row


def _parameters(row):
    """(principals as _principals gives them, operations, constraints) of a stored grant."""
    principals = (row["grantee"], bool(row["grantee_is_service"]), row["retiring"], bool(row["retiring_is_service"]))
    return (principals, json.loads(row["operations"]),
            json.loads(row["grant_constraints"]) if row["grant_constraints"] else None)


def _page(ctx, rows, params):
    """A page of `rows` (in (created_ms, grant_id) order) after the Marker, which names
    the last grant the previous page gave (its creation time and id), not how many came
    before it: grants revoked or retired between pages move nothing that follows."""
    marker = params.get("Marker")
    if marker is not None:
        after = _marker_position(marker)
        rows = [row for row in rows if (row["created_ms"], row["grant_id"]) > after]
    limit = params.get("Limit") or LIST_DEFAULT_LIMIT
    page = rows[:limit]
    answer = {"Grants": [_described(ctx, row) for row in page], "Truncated": len(rows) > limit}
    if answer["Truncated"]:
        answer["NextMarker"] = f"{page[-1]['created_ms']}-{page[-1]['grant_id']}"
    return answer


def _marker_position(marker) -> tuple:
    created, _, grant_id = marker.partition("-")
    if not created.isdigit() or len(grant_id) != 64 or not all(c in "0123456789abcdef" for c in grant_id):
        raise InvalidMarkerException("Invalid marker")
    return int(created), grant_id


def _described(ctx, row) -> dict:
    key = store.key_by_uid(ctx.state.db, row["key_uid"])
    (grantee, grantee_is_service, retiring, retiring_is_service), operations, constraints = _parameters(row)
    issuer = f"arn:{arns.partition(key['region'])}:iam::{key['account']}:root"
    described = {"KeyId": lookup.arn_of(key), "GrantId": row["grant_id"], "CreationDate": row["created_ms"] / 1000,
                 "GranteeServicePrincipal" if grantee_is_service else "GranteePrincipal": grantee,
                 "IssuingAccount": issuer, "Operations": operations}
    if row["name"]:
        described["Name"] = row["name"]
    if retiring:
        described["RetiringServicePrincipal" if retiring_is_service else "RetiringPrincipal"] = retiring
    if constraints:
        described["Constraints"] = constraints
    return described
