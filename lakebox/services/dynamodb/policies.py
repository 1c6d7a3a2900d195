"""Resource-based policies of tables and streams: Put/Get/DeleteResourcePolicy, with
revision ids for optimistic concurrency (`access.py` decides requests by them).

AWS's answers recorded by tests run against it: putting the policy already in force is a
no-op answering its revision; revision ids are the epoch milliseconds of the change; an
ExpectedRevisionId that is not the current one (or `NO_POLICY` while one exists) is
PolicyNotFoundException naming both revisions; a resource's policy changes at most once
in 15 seconds (ThrottlingException); deleting no policy is a no-op."""
import re

from lakebox.kit import policies
from lakebox.services.dynamodb import access, lookup, policy_form, store
from lakebox.services.dynamodb.errors import (
    AccessDeniedException, PolicyNotFoundException, ThrottlingException, ValidationException, invalid, table_not_found)

_ARN = re.compile(r"arn:aws[a-z-]*:dynamodb:([^:]+):(\d{12}):table/([a-zA-Z0-9_.-]{3,255})(/stream/.+)?$")
NO_POLICY = "NO_POLICY"
POLICY_COOLDOWN_MS = 15_000
MAX_POLICY_BYTES = 20_480
_NOT_FOUND = "Resource-based policy not found for the provided ResourceArn: "


def _resource(ctx, arn):
    """(account, region, table name, current policy row or None) of a table or stream
    ARN, once the caller may run this operation on it."""
    match = _ARN.match(arn)
    if match is None:
        raise _arn_refusal(arn)
    region, account, table, _ = match.groups()
    if region != ctx.region:
        raise invalid(f"Invalid resource Arn: {arn}")
    if store.table(ctx.state.db, account, region, table) is None:
        raise table_not_found(table)
    found = store.policy(ctx.state.db, account, region, arn)
    access.check(ctx, account, arn, policies.parse(found["policy"]) if found else None)
    return account, region, table, found


def _arn_refusal(arn) -> ValidationException:
    """What is wrong with a ResourceArn that names no table or stream (DynamoDB's message
    catalogue, recorded replies)."""
    if not arn.startswith("arn:"):
        return invalid(f"ARNs must start with 'arn:': {arn}")
    if arn.split(":")[2:3] != ["dynamodb"]:
        return invalid(f"Provided Arn is not a DynamoDB resource arn: {arn}")
    return invalid(f"Invalid resource arn provided, only table or stream is accepted. Provided resource arn: {arn}")


def _check_document(text) -> dict:
    """The policy document's refusals, in DynamoDB's words (its message catalogue); the
    document when it has none."""
    if len(text.encode()) > MAX_POLICY_BYTES:
        raise invalid(f"Maximum policy size of {MAX_POLICY_BYTES} bytes exceeded")
    if text.strip() == "null":
        raise invalid("Invalid policy document: This text appears not to be a policy")
    try:
        found = policies.document(text)
    except ValueError:
        raise invalid("Invalid policy document: This policy contains invalid Json") from None
    if "Statement" not in found:
        # IAM's parser reaches the end of the text still wanting a Statement: '{}' is
        # 'Syntax error at position (1,3)' (recorded replies, DDB-TABLE-457).
        lines = text.split("\n")
        raise invalid(f"Invalid policy document: Syntax error at position ({len(lines)},{len(lines[-1]) + 1})")
    statements = found.get("Statement")
    statements = [statements] if isinstance(statements, dict) else statements or []
    if not statements:
        raise invalid("Invalid policy document: Could not parse the policy: Statement is empty!")
    sids = [s.get("Sid") for s in statements if isinstance(s, dict) and s.get("Sid") is not None]
    if len(sids) != len(set(sids)):
        raise invalid("Invalid policy document: The Statement Ids in the policy are not unique")
    for field, present in (("Effect", lambda s: "Effect" in s),
                           ("Resource", lambda s: "Resource" in s or "NotResource" in s)):
        if any(isinstance(s, dict) and not present(s) for s in statements):
            raise invalid(f"Invalid policy document: Missing required field {field}")
    return found


def _check_revision(current, expected, table, owner=None, arn=None):
    """ExpectedRevisionId against the policy in force. A resource that never had a policy
    says so ('table <t> has no associated policy', replies recorded against DynamoDB by the
    ack-api-quirks lab, DDB-TABLE-205/209); one whose policy was deleted names its revision."""
    if expected is None:
        return
    if expected == NO_POLICY:
        if current is not None:
            raise PolicyNotFoundException(
                f"{_NOT_FOUND}Requested policy update expecting none to be present for table {table}, but a "
                f"policy exists with revision id {current['revision']}.")
        return
    if current is None and owner is not None and arn not in owner.spec.get("policy_changes", {}):
        raise PolicyNotFoundException(
            f"{_NOT_FOUND}Requested update for policy with revision id {expected}, but table {table} has no "
            f"associated policy.")
    if current is None or current["revision"] != expected:
        held = current["revision"] if current else "null"
        raise PolicyNotFoundException(
            f"{_NOT_FOUND}Requested update for policy with revision id {expected}, but the policy associated to "
            f"target table {table} has revision id {held}.")


def _forget_table(ctx, account, region, table):
    """The table's cached definition carries its parsed policy: read it again."""
    ctx.state.cache("dynamodb").get("tables", {}).pop((account, region, table), None)


def kept_form(text: str, region: str) -> str:
    """The form DynamoDB keeps a policy document in, once the document passes its checks
    (also for CreateTable's ResourcePolicy)."""
    kept = policy_form.canonical(_check_document(text), region)
    policy_form.check_public(kept)
    return kept


def put_resource_policy(ctx, params):
    arn = params["ResourceArn"]
    account, region, table, current = _resource(ctx, arn)
    text = kept_form(params["Policy"], region)
    owner = lookup.loaded(ctx, (account, region, table))
    _check_revision(current, params.get("ExpectedRevisionId"), table, owner, arn)
    if current is not None and current["policy"] == text:
        return {"RevisionId": current["revision"]}
    _check_cooldown(ctx, owner, arn)
    if not params.get("ConfirmRemoveSelfResourceAccess") and \
            access.decision(ctx, policies.parse(text), "dynamodb:PutResourcePolicy", arn) == "Deny":
        # DynamoDB's words, recorded against it by the ack-api-quirks lab (DDB-TABLE-210).
        raise AccessDeniedException("The new resource policy will not allow you to update the resource policy in "
                                    "the future.")
    revision = str(_changed(ctx, owner, arn))
    store.put_policy(ctx.state.db, account, region, arn, text, revision)
    _forget_table(ctx, account, region, table)
    return {"RevisionId": revision}


def _check_cooldown(ctx, owner, arn):
    """A resource's policy changes at most once in 15 seconds; the time to try again is
    the last change's revision plus 15 s (recorded replies)."""
    again = lookup.held_back_until(ctx, owner.spec.get("policy_changes", {}).get(arn), POLICY_COOLDOWN_MS)
    if again is not None:
        stream = arn.split("/stream/", 1)
        what = f"stream {stream[1]}" if len(stream) == 2 else f"table {owner.name}"
        raise ThrottlingException(f"Resource-based policy for {what} modified within the previous "
                                  f"{POLICY_COOLDOWN_MS} milliseconds. Please try again after {again}Z.")


def _changed(ctx, owner, arn) -> int:
    """Note a change of the resource's policy now; its time in epoch milliseconds is the
    new RevisionId, as DynamoDB's are (13 digits, growing)."""
    now = lookup.now_ms(ctx)
    owner.spec.setdefault("policy_changes", {})[arn] = now
    lookup.save(ctx, owner)
    return now


def get_resource_policy(ctx, params):
    arn = params["ResourceArn"]
    _, _, _, found = _resource(ctx, arn)
    if found is None:
        raise PolicyNotFoundException(_NOT_FOUND + arn)
    return {"Policy": found["policy"], "RevisionId": found["revision"]}


def delete_resource_policy(ctx, params):
    """Delete; with no policy it is a no-op answering nothing, or, after a real delete,
    the time of that delete as its RevisionId (recorded replies)."""
    arn = params["ResourceArn"]
    account, region, table, found = _resource(ctx, arn)
    owner = lookup.loaded(ctx, (account, region, table))
    _check_revision(found, params.get("ExpectedRevisionId"), table, owner, arn)
    if found is None:
        deleted = owner.spec.get("policy_changes", {}).get(arn)
        return {"RevisionId": str(deleted)} if deleted is not None else {}
    _check_cooldown(ctx, owner, arn)
    _changed(ctx, owner, arn)
    store.delete_policy(ctx.state.db, account, region, arn)
    _forget_table(ctx, account, region, table)
    return {"RevisionId": found["revision"]}
