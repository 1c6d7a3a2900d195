"""What other services may ask of SQS: deliver a message to a queue named by its ARN, as
AWS services do (S3 event notifications), when the queue's policy lets the service
principal send for the source resource (`access.service_allows`: aws:SourceArn,
aws:SourceAccount); the message is as durable as a SendMessage, and sealed at rest as
the queue says."""
import uuid

from lakebox.kit import calls
from lakebox.services.sqs import access, attributes, encryption, store, waiting
from lakebox.services.sqs.errors import SqsError
from lakebox.services.sqs.lookup import queue_by_arn

__all__ = ["send_event", "queue_exists", "accepts"]

SERVICE_SENDER = "AIDAJDPLRKLG7UEXAMPLE"       # the SenderId AWS services' messages carry


def queue_exists(state, queue_arn: str) -> bool:
    """Whether the queue `queue_arn` names exists (S3 checks a notification's queue)."""
    return queue_by_arn(state.db, queue_arn) is not None


def accepts(state, queue_arn: str, service: str = "s3", source_arn: str | None = None,
            source_account: str | None = None) -> bool:
    """Whether the queue exists and its policy lets `service` ("s3": the principal
    s3.amazonaws.com) send to it for `source_arn` of `source_account` (S3 checks this
    before it keeps a notification configuration)."""
    queue = queue_by_arn(state.db, queue_arn)
    return queue is not None and access.service_allows(queue, f"{service}.amazonaws.com", source_arn, source_account)


def send_event(state, queue_arn: str, body: str, service: str = "s3", source_arn: str | None = None,
               source_account: str | None = None) -> str | None:
    """Send `body` from `service` (for the resource `source_arn` of `source_account`) to a
    standard queue; returns the message id, or None when there is no such standard queue,
    its policy does not let the service send, or its KMS key refuses (AWS drops such
    events; S3 cannot target FIFO queues)."""
    queue = queue_by_arn(state.db, queue_arn)
    if queue is None or queue["fifo"] or \
            not access.service_allows(queue, f"{service}.amazonaws.com", source_arn, source_account):
        return None
    ctx = calls.system_context(state, service, "SendMessage", queue["account"], queue["region"])
    queue_attrs = store.attributes_of(queue)
    try:
        sealer = encryption.sealer(ctx, queue, queue_attrs)
    except SqsError:
        return None
    now = ctx.now
    delay = attributes.int_attribute(queue_attrs, "DelaySeconds")
    message_id = str(uuid.uuid4())
    stored_body, data_key = encryption.stored_body(sealer, message_id, body)
    store.insert_messages(state.db, [(queue["uid"], message_id, stored_body, None, None, now, now + delay, None,
                                      None, SERVICE_SENDER, None, data_key)])
    waiting.notify(state, queue["uid"])
    return message_id
