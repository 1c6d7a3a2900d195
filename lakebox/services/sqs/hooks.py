"""SQS's hooks into the pipeline (the interface is `lakebox/aws/hooks.py`): the queue a
request acts on, for its caller's session policies, and SQS's AccessDenied."""
from lakebox.kit import sessions
from lakebox.services.sqs import access, model
from lakebox.services.sqs.errors import AccessDenied, SqsError


def iam_request(ctx, params):
    """`sqs:<Operation>` on the queue QueueUrl names (unchecked when it names none, or
    is malformed: the action refuses that itself); a batch is its single action, as IAM
    names no batch actions of SQS."""
    url = params.get("QueueUrl")
    try:
        account, name = model.parse_queue_url(url, ctx.account) if url else (None, None)
    except SqsError:
        account = name = None
    return access.action_of(ctx.operation), model.queue_arn(ctx.region, account, name) if name else None, None


def access_denied(ctx, action, resource, reason):
    """SQS writes the action in lower case in its refusals (as `access.check` does)."""
    return AccessDenied(sessions.message(ctx, action.lower(), resource, reason.replace(action, action.lower())))
