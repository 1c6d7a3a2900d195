"""AddPermission and RemovePermission: statements, one per label, in the queue's Policy
attribute (judged by `access` for every request that names the queue)."""
import json
import re

from lakebox.services.sqs import access, store
from lakebox.services.sqs.errors import InvalidParameterValue, OverLimit
from lakebox.services.sqs.lookup import arn_of, queue_from

MAX_ACTIONS = 7
# A label: "Maximum 80 characters. Allowed characters include alphanumeric characters,
# hyphens (-), and underscores (_)" (AddPermission API reference).
LABEL = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
# What AddPermission may grant another account: "*" and the queue's message and read
# actions (a batch action comes with its single form, as the API reference says); the
# actions "cross-account permissions don't apply to" are the owner's alone.
SHAREABLE_ACTIONS = {"*", "SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility",
                     "GetQueueAttributes", "GetQueueUrl", "ListDeadLetterSourceQueues", "PurgeQueue"}
OWNER_ACTIONS = access.OWNER_ACTIONS


def add_permission(ctx, params):
    queue = queue_from(ctx, params)
    label = params["Label"]
    if not LABEL.match(label):
        # AWS's reason for this refusal is not on public record: the API reference's rule.
        raise InvalidParameterValue(f"Value {label} for parameter Label is invalid. Reason: Maximum 80 characters; "
                                    "alphanumeric characters, hyphens (-), and underscores (_) are allowed.")
    attrs = store.attributes_of(queue)
    policy = _policy(queue, attrs)
    if any(statement.get("Sid") == label for statement in policy["Statement"]):
        raise InvalidParameterValue(f"Value {label} for parameter Label is invalid. Reason: Already exists.")
    actions = params["Actions"]
    if len(actions) > MAX_ACTIONS:
        raise OverLimit(f"{len(actions)} Actions were found, maximum allowed is {MAX_ACTIONS}.")
    for action in actions:
        _check_action(action)
    principals = [f"arn:aws:iam::{account}:root" for account in params["AWSAccountIds"]]
    policy["Statement"].append({
        "Sid": label, "Effect": "Allow",
        "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
        "Action": [f"SQS:{a}" for a in actions][0] if len(actions) == 1 else [f"SQS:{a}" for a in actions],
        "Resource": arn_of(queue)})
    _store(ctx, queue, attrs, policy)
    return {}


def _check_action(action):
    if action in SHAREABLE_ACTIONS:
        return
    reason = ("Only the queue owner is allowed to invoke this action." if action in OWNER_ACTIONS
              else "Please refer to the appropriate WSDL for a list of valid actions.")
    raise InvalidParameterValue(f"Value SQS:{action} for parameter ActionName is invalid. Reason: {reason}")


def remove_permission(ctx, params):
    queue = queue_from(ctx, params)
    label = params["Label"]
    attrs = store.attributes_of(queue)
    policy = _policy(queue, attrs)
    kept = [statement for statement in policy["Statement"] if statement.get("Sid") != label]
    if len(kept) == len(policy["Statement"]):
        raise InvalidParameterValue(f"Value {label} for parameter Label is invalid. Reason: can't find label on "
                                    "existing policy.")
    policy["Statement"] = kept
    _store(ctx, queue, attrs, policy if kept else None)
    return {}


def _policy(queue, attrs) -> dict:
    if attrs.get("Policy"):
        policy = json.loads(attrs["Policy"])
        policy.setdefault("Statement", [])
        if isinstance(policy["Statement"], dict):
            policy["Statement"] = [policy["Statement"]]
        return policy
    return {"Version": "2012-10-17", "Id": f"{arn_of(queue)}/SQSDefaultPolicy", "Statement": []}


def _store(ctx, queue, attrs, policy):
    if policy is None:
        attrs.pop("Policy", None)
    else:
        attrs["Policy"] = json.dumps(policy, separators=(",", ":"))
    store.set_attributes(ctx.state.db, queue["uid"], attrs, ctx.now)
