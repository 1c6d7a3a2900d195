"""A multi-tenant billing pipeline on SQS FIFO queues, as a SaaS team builds it: one message
group per tenant, so each tenant's invoices are processed in order while tenants proceed
in parallel. The queue first runs with queue-wide deduplication: a producer's retry of the
same invoice (same MessageDeduplicationId) is answered with the first send's MessageId and
sequence number and nothing new is queued, even from another tenant's group, until the
five-minute window has passed. Moving to high-throughput mode (DeduplicationScope
messageGroup, FifoThroughputLimit perMessageGroupId) makes the same id in two tenants two
messages. A consumer that times out retries its receive with the same
ReceiveRequestAttemptId and gets the same messages; a tenant's next invoice waits while
its first is in flight and is released at once when the consumer gives it back
(visibility 0). Attribute mistakes are refused with SQS's words."""
import uuid

import pytest

from trip_helpers import error_of


@pytest.fixture
def billing(client):
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=f"billing-{uuid.uuid4().hex[:8]}.fifo", Attributes={
        "FifoQueue": "true", "VisibilityTimeout": "60"})["QueueUrl"]
    yield url
    sqs.delete_queue(QueueUrl=url)


def send(sqs, url, tenant, invoice, dedup=None):
    return sqs.send_message(QueueUrl=url, MessageBody=f"{tenant}:{invoice}", MessageGroupId=tenant,
                            MessageDeduplicationId=dedup or invoice)


def bodies(messages):
    return [m["Body"] for m in messages]


@pytest.mark.local_only
def test_tenants_in_order_and_dedup_windows(client, billing, clock):
    sqs = client("sqs")
    first = send(sqs, billing, "acme", "inv-1")
    retry = send(sqs, billing, "acme", "inv-1")
    assert (retry["MessageId"], retry["SequenceNumber"]) == (first["MessageId"], first["SequenceNumber"])
    other_tenant = send(sqs, billing, "globex", "x", dedup="inv-1")        # queue-wide scope: a duplicate
    assert other_tenant["MessageId"] == first["MessageId"]
    send(sqs, billing, "acme", "inv-2")
    send(sqs, billing, "globex", "inv-7")
    send(sqs, billing, "acme", "inv-3")
    attributes = sqs.get_queue_attributes(QueueUrl=billing, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "4"
    assert (attributes["DeduplicationScope"], attributes["FifoThroughputLimit"]) == ("queue", "perQueue")

    batch = sqs.receive_message(QueueUrl=billing, MaxNumberOfMessages=2, ReceiveRequestAttemptId="poll-1",
                                MessageSystemAttributeNames=["MessageGroupId", "SequenceNumber"])["Messages"]
    retried = sqs.receive_message(QueueUrl=billing, MaxNumberOfMessages=2, ReceiveRequestAttemptId="poll-1",
                                  MessageSystemAttributeNames=["MessageGroupId", "SequenceNumber"])["Messages"]
    assert bodies(batch) == ["acme:inv-1", "acme:inv-2"]
    assert [(m["MessageId"], m["ReceiptHandle"]) for m in retried] == [
        (m["MessageId"], m["ReceiptHandle"]) for m in batch]
    assert [m["Attributes"]["MessageGroupId"] for m in batch] == ["acme", "acme"]
    assert int(batch[0]["Attributes"]["SequenceNumber"]) < int(batch[1]["Attributes"]["SequenceNumber"])

    nxt = sqs.receive_message(QueueUrl=billing, MaxNumberOfMessages=10)["Messages"]
    assert bodies(nxt) == ["globex:inv-7"]                  # acme waits: its invoices are in flight
    sqs.change_message_visibility(QueueUrl=billing, ReceiptHandle=batch[1]["ReceiptHandle"], VisibilityTimeout=0)
    sqs.delete_message(QueueUrl=billing, ReceiptHandle=batch[0]["ReceiptHandle"])
    released = sqs.receive_message(QueueUrl=billing, MaxNumberOfMessages=10)["Messages"]
    assert bodies(released) == ["acme:inv-2", "acme:inv-3"]
    for message in released + nxt:
        sqs.delete_message(QueueUrl=billing, ReceiptHandle=message["ReceiptHandle"])

    clock(301)                                               # past the deduplication window
    resent = send(sqs, billing, "acme", "inv-1")
    assert resent["MessageId"] != first["MessageId"]
    assert int(resent["SequenceNumber"]) > int(first["SequenceNumber"])

    code, message = error_of(sqs.set_queue_attributes, QueueUrl=billing,
                             Attributes={"FifoThroughputLimit": "perMessageGroupId"})
    assert (code, message) == ("InvalidAttributeValue", "The perMessageGroupId value is allowed only when the value "
                                                        "for DeduplicationScope is messageGroup.")
    sqs.set_queue_attributes(QueueUrl=billing, Attributes={"DeduplicationScope": "messageGroup",
                                                           "FifoThroughputLimit": "perMessageGroupId"})
    a = send(sqs, billing, "acme", "run-9")
    b = send(sqs, billing, "globex", "run-9")
    assert a["MessageId"] != b["MessageId"]
    assert send(sqs, billing, "globex", "run-9")["MessageId"] == b["MessageId"]
    got = sqs.receive_message(QueueUrl=billing, MaxNumberOfMessages=10)["Messages"]
    assert sorted(bodies(got)) == ["acme:inv-1", "acme:run-9", "globex:run-9"]
    assert bodies(got).index("acme:inv-1") < bodies(got).index("acme:run-9")


def test_fifo_mistakes(client, billing):
    sqs = client("sqs")
    code, message = error_of(sqs.send_message, QueueUrl=billing, MessageBody="x", MessageGroupId="acme")
    assert (code, message) == ("InvalidParameterValue", "The queue should either have ContentBasedDeduplication "
                                                        "enabled or MessageDeduplicationId provided explicitly")
    code, message = error_of(sqs.send_message, QueueUrl=billing, MessageBody="x", MessageDeduplicationId="d")
    assert (code, message) == ("MissingParameter", "The request must contain the parameter MessageGroupId.")
    code, message = error_of(sqs.send_message, QueueUrl=billing, MessageBody="x", MessageGroupId="acme",
                             MessageDeduplicationId="d", DelaySeconds=5)
    assert (code, message) == ("InvalidParameterValue", "Value 5 for parameter DelaySeconds is invalid. Reason: The "
                                                        "request include parameter that is not valid for this queue "
                                                        "type.")
    code, message = error_of(sqs.set_queue_attributes, QueueUrl=billing, Attributes={"DeduplicationScope": "tenant"})
    assert (code, message) == ("InvalidAttributeValue", "Invalid value for the parameter DeduplicationScope.")
    code, message = error_of(sqs.set_queue_attributes, QueueUrl=billing, Attributes={"FifoQueue": "false"})
    assert (code, message) == ("InvalidAttributeValue", "Invalid value for the parameter FifoQueue. Reason: "
                                                        "Modifying queue type is not supported.")
    # One entry without a deduplication id refuses the whole batch.
    code, message = error_of(sqs.send_message_batch, QueueUrl=billing, Entries=[
        {"Id": "ok", "MessageBody": "a", "MessageGroupId": "acme", "MessageDeduplicationId": "b1"},
        {"Id": "nodedup", "MessageBody": "b", "MessageGroupId": "acme"}])
    assert (code, message) == ("InvalidParameterValue", "The queue should either have ContentBasedDeduplication "
                                                        "enabled or MessageDeduplicationId provided explicitly")
