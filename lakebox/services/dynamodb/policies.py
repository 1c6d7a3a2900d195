"""Resource-based policies of tables and streams: Put/Get/DeleteResourcePolicy, with
revision ids for optimistic concurrency. Policies are stored and answered; deciding
requests by them is left to the kit's evaluation as it grows."""
import re

from lakebox.kit import policies
from lakebox.services.dynamodb import store
from lakebox.services.dynamodb.errors import (
    PolicyNotFoundException, ResourceNotFoundException, ValidationException)

_ARN = re.compile(r"arn:aws[a-z-]*:dynamodb:([^:]+):(\d{12}):table/([a-zA-Z0-9_.-]{3,255})(/stream/.+)?$")


def _resource(ctx, arn):
    match = _ARN.match(arn)
    if match is None:
        raise ValidationException(f"Invalid ResourceArn provided as input {arn}")
    region, account, table, stream = match.groups()
    if store.table(ctx.state.db, account, region, table) is None:
        raise ResourceNotFoundException(f"Requested resource not found: ResourcArn: {arn} not found")
    return account, region


def _not_found(arn):
    return PolicyNotFoundException(f"Resource-based policy not found for the provided ResourceArn: {arn}")


def _check_revision(current, expected, arn):
    if expected is None:
        return
    if current is None:
        raise PolicyNotFoundException(f"Resource-based policy not found for the provided ResourceArn: {arn}")
    if current["revision"] != expected:
        raise ValidationException(f"A precondition failed: the provided ExpectedRevisionId {expected} does not "
                                  "match the current policy revision")


def put_resource_policy(ctx, params):
    arn = params["ResourceArn"]
    account, region = _resource(ctx, arn)
    try:
        policies.document(params["Policy"])
    except ValueError:
        raise ValidationException("Invalid policy document: the policy must be a JSON object") from None
    db = ctx.state.db
    _check_revision(store.policy(db, account, region, arn), params.get("ExpectedRevisionId"), arn)
    revision = str(int(ctx.now * 1_000_000))
    store.put_policy(db, account, region, arn, params["Policy"], revision)
    return {"RevisionId": revision}


def get_resource_policy(ctx, params):
    arn = params["ResourceArn"]
    account, region = _resource(ctx, arn)
    found = store.policy(ctx.state.db, account, region, arn)
    if found is None:
        raise _not_found(arn)
    return {"Policy": found["policy"], "RevisionId": found["revision"]}


def delete_resource_policy(ctx, params):
    arn = params["ResourceArn"]
    account, region = _resource(ctx, arn)
    db = ctx.state.db
    found = store.policy(db, account, region, arn)
    if found is None:
        raise _not_found(arn)
    _check_revision(found, params.get("ExpectedRevisionId"), arn)
    store.delete_policy(db, account, region, arn)
    return {"RevisionId": found["revision"]}
