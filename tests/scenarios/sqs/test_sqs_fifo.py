"""FIFO queues with boto3: strict order per message group, a group held back while one
of its messages is in flight, deduplication for 5 minutes by id or content (kept after
the message is deleted), and FIFO's own parameter rules."""
import pytest
from sqs_helpers import error_of


def bodies(answer):
    return [m["Body"] for m in answer.get("Messages", [])]


def test_order_per_group_and_groups_blocked_while_in_flight(sqs, make_queue):
    url = make_queue(fifo=True, ContentBasedDeduplication="true")
    for i in range(4):
        sqs.send_message(QueueUrl=url, MessageBody=f"a{i}", MessageGroupId="A")
        sqs.send_message(QueueUrl=url, MessageBody=f"b{i}", MessageGroupId="B")
    # A receive takes as many messages of one group as it can (AWS's FIFO delivery logic).
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=3)
    assert bodies(first) == ["a0", "a1", "a2"]
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["b0", "b1", "b2", "b3"]
    # Both groups have messages in flight: nothing more until they are done.
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == []
    for message in first["Messages"]:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["a3"]


def test_a_returned_message_comes_back_first_in_its_group(sqs, make_queue):
    url = make_queue(fifo=True, ContentBasedDeduplication="true")
    for body in ("one", "two", "three"):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g")
    [held] = sqs.receive_message(QueueUrl=url)["Messages"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=held["ReceiptHandle"], VisibilityTimeout=0)
    again = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                MessageSystemAttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in again] == ["one", "two", "three"]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"
    assert again[0]["Attributes"]["MessageGroupId"] == "g"
    sequence = [int(m["Attributes"]["SequenceNumber"]) for m in again]
    assert sequence == sorted(sequence)


def test_deduplication_by_id_and_by_content(sqs, make_queue):
    url = make_queue(fifo=True, ContentBasedDeduplication="true")
    first = sqs.send_message(QueueUrl=url, MessageBody="pay 10", MessageGroupId="g")
    again = sqs.send_message(QueueUrl=url, MessageBody="pay 10", MessageGroupId="g")
    assert again["MessageId"] == first["MessageId"]
    assert again["SequenceNumber"] == first["SequenceNumber"]
    by_id = sqs.send_message(QueueUrl=url, MessageBody="other body", MessageGroupId="g",
                             MessageDeduplicationId="order-1")
    sqs.send_message(QueueUrl=url, MessageBody="yet another", MessageGroupId="g", MessageDeduplicationId="order-1")
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                   MessageSystemAttributeNames=["MessageDeduplicationId"])["Messages"]
    assert [m["Body"] for m in received] == ["pay 10", "other body"]
    assert received[1]["MessageId"] == by_id["MessageId"]
    assert received[1]["Attributes"]["MessageDeduplicationId"] == "order-1"
    for message in received:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    # Deleted, and still deduplicated within the 5 minutes.
    sqs.send_message(QueueUrl=url, MessageBody="pay 10", MessageGroupId="g")
    assert bodies(sqs.receive_message(QueueUrl=url)) == []


@pytest.mark.local_only
def test_deduplication_ends_after_five_minutes(sqs, make_queue, clock):
    url = make_queue(fifo=True)
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d")
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    clock(299)
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d")
    assert bodies(sqs.receive_message(QueueUrl=url)) == []
    clock(2)
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d")
    assert bodies(sqs.receive_message(QueueUrl=url)) == ["x"]


def test_deduplication_scope_message_group(sqs, make_queue):
    url = make_queue(fifo=True, DeduplicationScope="messageGroup", FifoThroughputLimit="perMessageGroupId")
    sqs.send_message(QueueUrl=url, MessageBody="a", MessageGroupId="g1", MessageDeduplicationId="same")
    sqs.send_message(QueueUrl=url, MessageBody="b", MessageGroupId="g2", MessageDeduplicationId="same")
    sqs.send_message(QueueUrl=url, MessageBody="c", MessageGroupId="g2", MessageDeduplicationId="same")
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["a", "b"]


def test_fifo_parameter_rules(sqs, make_queue):
    url = make_queue(fifo=True)
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")
    assert error_of(raised) == ("MissingParameter", "The request must contain the parameter MessageGroupId.")
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
    assert error_of(raised) == ("InvalidParameterValue", "The queue should either have ContentBasedDeduplication "
                                                         "enabled or MessageDeduplicationId provided explicitly")
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d",
                         DelaySeconds=5)
    assert error_of(raised) == ("InvalidParameterValue", "Value 5 for parameter DelaySeconds is invalid. Reason: "
                                "The request include parameter that is not valid for this queue type.")
    standard = make_queue()
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.send_message(QueueUrl=standard, MessageBody="x", MessageDeduplicationId="d")
    assert error_of(raised) == ("InvalidParameterValue", "Value d for parameter MessageDeduplicationId is invalid. "
                                "Reason: The request includes a parameter that is not valid for this queue type.")


def test_batch_send_keeps_order(sqs, make_queue):
    url = make_queue(fifo=True, ContentBasedDeduplication="true")
    answer = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(i), "MessageBody": f"m{i}", "MessageGroupId": "g"} for i in range(10)])
    numbers = [int(e["SequenceNumber"]) for e in answer["Successful"]]
    assert numbers == sorted(numbers) and len(set(numbers)) == 10
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == [f"m{i}" for i in range(10)]


def test_a_duplicate_within_a_batch_is_answered_as_its_first_send(sqs, make_queue):
    url = make_queue(fifo=True)
    answer = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "a", "MessageBody": "first", "MessageGroupId": "g", "MessageDeduplicationId": "same"},
        {"Id": "b", "MessageBody": "other", "MessageGroupId": "g", "MessageDeduplicationId": "other"},
        {"Id": "c", "MessageBody": "again", "MessageGroupId": "g", "MessageDeduplicationId": "same"}])
    sent = {e["Id"]: (e["MessageId"], e["SequenceNumber"]) for e in answer["Successful"]}
    assert sent["c"] == sent["a"] != sent["b"]
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["first", "other"]


def test_fifo_delete_with_an_expired_handle(sqs, make_queue):
    url = make_queue(fifo=True, ContentBasedDeduplication="true")
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
    [first] = sqs.receive_message(QueueUrl=url)["Messages"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0)
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    assert error_of(raised) == ("InvalidParameterValue", f"Value {first['ReceiptHandle']} for parameter "
                                "ReceiptHandle is invalid. Reason: The receipt handle has expired.")


def test_a_retried_receive_attempt_gets_the_same_messages(sqs, make_queue):
    url = make_queue(fifo=True, ContentBasedDeduplication="true")
    for body in ("one", "two", "three"):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=body)
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1")
    again = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1")
    assert [m["ReceiptHandle"] for m in again["Messages"]] == [m["ReceiptHandle"] for m in first["Messages"]]
    assert bodies(again) == ["one", "two"]
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, ReceiveRequestAttemptId="attempt-2")) \
        == ["three"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["Messages"][0]["ReceiptHandle"])
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1")) \
        == ["two"]
