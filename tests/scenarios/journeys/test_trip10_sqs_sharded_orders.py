"""An order-routing team moves its FIFO queue to high throughput mode: one message group
per store, DeduplicationScope messageGroup and FifoThroughputLimit perMessageGroupId,
content-based deduplication on. Two stores send the same order document: both orders
are kept, since duplicates are now judged per group; a store that resends its document
gets the first message's id and sequence number back and nothing new is delivered. The
deduplication id SQS made is the SHA-256 of the body (hex), readable as the
MessageDeduplicationId system attribute, which the team's two consumers ask for by the
new parameter (MessageSystemAttributeNames) and the old one (AttributeNames); a request
that names attributes in both gets the union. Leaving high throughput mode by halves is
refused; leaving it whole works, and from then on deduplication is queue-wide again.

Sources: SQS Developer Guide, "High throughput for FIFO queues" and "Exactly-once
processing" (content-based deduplication: SHA-256 of the body); CreateQueue /
SetQueueAttributes API reference (DeduplicationScope, FifoThroughputLimit: "the
perMessageGroupId value is allowed only when the value for DeduplicationScope is
messageGroup"); ReceiveMessage API reference (AttributeNames, MessageSystemAttributeNames)."""
import hashlib

from trip_helpers import error_of

DOCUMENT = '{"order": "A-1001", "lines": [{"sku": "tea", "qty": 2}]}'
SYSTEM = ["MessageGroupId", "MessageDeduplicationId", "SequenceNumber"]


def test_orders_per_store(client, sqs_queues):
    sqs = client("sqs")
    orders = sqs_queues("orders", FifoQueue="true", ContentBasedDeduplication="true",
                        DeduplicationScope="messageGroup", FifoThroughputLimit="perMessageGroupId")
    attrs = sqs.get_queue_attributes(QueueUrl=orders, AttributeNames=["All"])["Attributes"]
    assert {k: attrs[k] for k in ("FifoQueue", "ContentBasedDeduplication", "DeduplicationScope",
                                  "FifoThroughputLimit")} == {
        "FifoQueue": "true", "ContentBasedDeduplication": "true", "DeduplicationScope": "messageGroup",
        "FifoThroughputLimit": "perMessageGroupId"}

    north = sqs.send_message(QueueUrl=orders, MessageBody=DOCUMENT, MessageGroupId="store-north")
    south = sqs.send_message(QueueUrl=orders, MessageBody=DOCUMENT, MessageGroupId="store-south")
    resent = sqs.send_message(QueueUrl=orders, MessageBody=DOCUMENT, MessageGroupId="store-north")
    assert north["MessageId"] != south["MessageId"]
    assert (resent["MessageId"], resent["SequenceNumber"]) == (north["MessageId"], north["SequenceNumber"])
    assert int(north["SequenceNumber"]) < int(south["SequenceNumber"])
    assert len(north["SequenceNumber"]) == 20
    assert resent["MD5OfMessageBody"] == hashlib.md5(DOCUMENT.encode()).hexdigest()

    # Consumer one: the new parameter name, and one old name in the same call.
    got = sqs.receive_message(QueueUrl=orders, MaxNumberOfMessages=10, VisibilityTimeout=0,
                              MessageSystemAttributeNames=SYSTEM[:2], AttributeNames=["SequenceNumber"])["Messages"]
    digest = hashlib.sha256(DOCUMENT.encode()).hexdigest()
    assert [(m["MessageId"], m["Attributes"]) for m in got] == [
        (north["MessageId"], {"MessageGroupId": "store-north", "MessageDeduplicationId": digest,
                              "SequenceNumber": north["SequenceNumber"]}),
        (south["MessageId"], {"MessageGroupId": "store-south", "MessageDeduplicationId": digest,
                              "SequenceNumber": south["SequenceNumber"]})]
    # Consumer two, on an old SDK: AttributeNames only.
    old = sqs.receive_message(QueueUrl=orders, MaxNumberOfMessages=10, AttributeNames=["MessageGroupId"])["Messages"]
    assert [m["Attributes"] for m in old] == [{"MessageGroupId": "store-north"}, {"MessageGroupId": "store-south"}]
    for message in old:
        sqs.delete_message(QueueUrl=orders, ReceiptHandle=message["ReceiptHandle"])

    # An explicit deduplication id wins over the body's hash.
    first = sqs.send_message(QueueUrl=orders, MessageBody=DOCUMENT, MessageGroupId="store-east",
                             MessageDeduplicationId="A-1001-v1")
    second = sqs.send_message(QueueUrl=orders, MessageBody=DOCUMENT + " ", MessageGroupId="store-east",
                              MessageDeduplicationId="A-1001-v1")
    assert second["MessageId"] == first["MessageId"]
    [east] = sqs.receive_message(QueueUrl=orders, MaxNumberOfMessages=10,
                                 MessageSystemAttributeNames=["MessageDeduplicationId"])["Messages"]
    assert (east["Body"], east["Attributes"]) == (DOCUMENT, {"MessageDeduplicationId": "A-1001-v1"})
    sqs.delete_message(QueueUrl=orders, ReceiptHandle=east["ReceiptHandle"])

    # Leaving high throughput mode: not by halves.
    assert error_of(sqs.set_queue_attributes, QueueUrl=orders, Attributes={"DeduplicationScope": "queue"}) == (
        "InvalidAttributeValue", "The perMessageGroupId value is allowed only when the value for "
                                 "DeduplicationScope is messageGroup.")
    sqs.set_queue_attributes(QueueUrl=orders, Attributes={"DeduplicationScope": "queue",
                                                          "FifoThroughputLimit": "perQueue"})
    west = sqs.send_message(QueueUrl=orders, MessageBody="B-7", MessageGroupId="store-west")
    other = sqs.send_message(QueueUrl=orders, MessageBody="B-7", MessageGroupId="store-north")
    assert other["MessageId"] == west["MessageId"]          # queue-wide again
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=orders, MaxNumberOfMessages=10)["Messages"]] == ["B-7"]
