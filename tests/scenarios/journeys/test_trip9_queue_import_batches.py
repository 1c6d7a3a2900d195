"""A nightly order import feeds queues in batches of ten, and its first runs go wrong the
way such jobs do: a FIFO batch where one entry lost its MessageGroupId, or its
MessageDeduplicationId on a queue without content-based deduplication, is refused whole
(nothing is queued), unlike a single SendMessage's MissingParameter; an entry larger than
the queue's MaximumMessageSize fails on its own in a standard queue's batch, with the
batch's own words; an operator tries to flip the queue type with SetQueueAttributes. A
message that keeps failing reaches the dead-letter queue with its attributes, its trace
header and the source queue's ARN."""
import json

from trip_helpers import error_of

TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


def arn_of(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def test_fifo_batches_are_refused_whole(client, sqs_queues):
    sqs = client("sqs")
    url = sqs_queues("orders", FifoQueue="true", ContentBasedDeduplication="false")
    good = {"Id": "o1", "MessageBody": '{"order": 1}', "MessageGroupId": "c-1", "MessageDeduplicationId": "o1"}
    assert error_of(sqs.send_message_batch, QueueUrl=url, Entries=[
        good, {"Id": "o2", "MessageBody": '{"order": 2}', "MessageDeduplicationId": "o2"}]) == (
        "InvalidParameterValue", "The request must contain the parameter MessageGroupId.")
    assert error_of(sqs.send_message_batch, QueueUrl=url, Entries=[
        good, {"Id": "o2", "MessageBody": '{"order": 2}', "MessageGroupId": "c-1"}]) == (
        "InvalidParameterValue",
        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided "
        "explicitly")
    assert error_of(sqs.send_message, QueueUrl=url, MessageBody='{"order": 2}') == (
        "MissingParameter", "The request must contain the parameter MessageGroupId.")
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert counts["Attributes"] == {"ApproximateNumberOfMessages": "0"}

    sent = sqs.send_message_batch(QueueUrl=url, Entries=[
        good, {"Id": "o2", "MessageBody": '{"order": 2}', "MessageGroupId": "c-1", "MessageDeduplicationId": "o2"}])
    assert [entry["Id"] for entry in sent["Successful"]] == ["o1", "o2"]
    assert not sent.get("Failed")

    # The queue type stays what it was created as.
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"FifoQueue": "true"})
    assert error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"FifoQueue": "false"}) == (
        "InvalidAttributeValue", "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not "
                                 "supported.")


def test_standard_batches_fail_per_entry(client, sqs_queues):
    sqs = client("sqs")
    url = sqs_queues("imports", MaximumMessageSize="1024")
    answer = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "big", "MessageBody": "x" * 1025}, {"Id": "small", "MessageBody": "y" * 1024}])
    assert [entry["Id"] for entry in answer["Successful"]] == ["small"]
    assert answer["Failed"] == [{
        "Id": "big", "SenderFault": True, "Code": "InvalidParameterValue",
        "Message": "One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes."}]
    assert error_of(sqs.send_message, QueueUrl=url, MessageBody="x" * 1025) == (
        "InvalidParameterValue", "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.")
    for value in ("true", "false"):
        assert error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"FifoQueue": value}) == (
            "InvalidAttributeName", "Unknown Attribute FifoQueue.")
    for name, value in (("DeduplicationScope", "messageGroup"), ("FifoThroughputLimit", "perMessageGroupId")):
        assert error_of(sqs.create_queue, QueueName=url.rsplit("/", 1)[1] + "-ht", Attributes={name: value}) == (
            "InvalidAttributeName", f"You can specify the {name} only when FifoQueue is set to true.")
    assert error_of(sqs.create_queue, QueueName=url.rsplit("/", 1)[1] + "-cbd",
                    Attributes={"ContentBasedDeduplication": "true"}) == (
        "InvalidAttributeName", "Unknown Attribute ContentBasedDeduplication.")


def test_poison_message_reaches_the_dead_letter_queue(client, sqs_queues):
    sqs = client("sqs")
    dlq = sqs_queues("imports-dlq")
    source = sqs_queues("imports-main", RedrivePolicy=json.dumps(
        {"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": 1}))
    sqs.send_message(QueueUrl=source, MessageBody="bad row",
                     MessageAttributes={"row": {"DataType": "Number", "StringValue": "17"}},
                     MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": TRACE}})
    (first,) = sqs.receive_message(QueueUrl=source, WaitTimeSeconds=5, VisibilityTimeout=0)["Messages"]
    assert sqs.receive_message(QueueUrl=source).get("Messages") is None       # moved, not handed out again
    (dead,) = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=5, MessageSystemAttributeNames=["All"],
                                  MessageAttributeNames=["All"])["Messages"]
    assert (dead["MessageId"], dead["Body"]) == (first["MessageId"], "bad row")
    assert dead["MessageAttributes"] == {"row": {"DataType": "Number", "StringValue": "17"}}
    assert dead["Attributes"]["AWSTraceHeader"] == TRACE
    assert dead["Attributes"]["DeadLetterQueueSourceArn"] == arn_of(sqs, source)
    assert dead["Attributes"]["ApproximateReceiveCount"] == "2"
