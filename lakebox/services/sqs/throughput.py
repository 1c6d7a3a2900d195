"""FIFO queues' request quotas (`--limits aws`), from the SQS message quotas page
(https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html)
and the troubleshooting page for FIFO throttling:

- a FIFO queue takes 300 transactions per second per API action (SendMessage,
  ReceiveMessage, DeleteMessage, and their batch forms, a batch of up to 10 counting as
  one transaction: 3,000 messages per second);
- in high throughput mode (`DeduplicationScope` messageGroup and `FifoThroughputLimit`
  perMessageGroupId) the quota per API action is the region's: 70,000 TPS in us-east-1,
  us-west-2 and eu-west-1, 19,000 in us-east-2 and eu-central-1; the other figures
  (9,000 in the four Asia Pacific regions named, 4,500 in eu-west-2 and sa-east-1, 2,400
  elsewhere) are from AWS's 2023 announcement of these quotas.

Standard queues have no such quota. Each (queue, action) has a token bucket holding one
second of its rate, refilled on the lakebox clock; a call past it is refused with
`RequestThrottled` (which SDKs retry) and changes nothing. The buckets are in memory:
they describe recent traffic, not acknowledged data, so a restart or reset forgets them.
"""
from lakebox.services.sqs.errors import RequestThrottled

FIFO_TPS = 300
HIGH_THROUGHPUT_TPS = {"us-east-1": 70_000, "us-west-2": 70_000, "eu-west-1": 70_000,
                       "us-east-2": 19_000, "eu-central-1": 19_000,
                       "ap-south-1": 9_000, "ap-southeast-1": 9_000, "ap-southeast-2": 9_000,
                       "ap-northeast-1": 9_000, "eu-west-2": 4_500, "sa-east-1": 4_500}
OTHER_REGIONS_TPS = 2_400
# The actions the quota counts, each batch form with its single form's own bucket.
COUNTED = ("SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch")


def rate(queue, queue_attrs: dict) -> int:
    """Transactions per second per API action of a FIFO queue."""
    if queue_attrs.get("DeduplicationScope") == "messageGroup" and \
            queue_attrs.get("FifoThroughputLimit") == "perMessageGroupId":
        return HIGH_THROUGHPUT_TPS.get(queue["region"], OTHER_REGIONS_TPS)
    return FIFO_TPS


def admit(ctx, queue, queue_attrs: dict):
    """Count this call against its FIFO queue's quota, or refuse it."""
    if not queue["fifo"] or not ctx.limits_on or ctx.operation not in COUNTED:
        return
    per_second = rate(queue, queue_attrs)
    buckets = ctx.state.cache("sqs").setdefault("throughput", {})
    slot = (queue["uid"], ctx.operation)
    tokens, at = buckets.get(slot, (per_second, ctx.now))
    tokens = min(per_second, tokens + per_second * max(ctx.now - at, 0.0))
    if tokens < 1:
        buckets[slot] = (tokens, max(ctx.now, at))
        raise RequestThrottled("Rate exceeded")
    buckets[slot] = (tokens - 1, max(ctx.now, at))
