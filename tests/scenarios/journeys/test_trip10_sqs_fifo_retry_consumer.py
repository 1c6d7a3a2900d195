"""A ledger service consumes account movements from a FIFO queue over a flaky network.
Each account is a message group. The consumer tags every poll with a
ReceiveRequestAttemptId and, when an answer is lost, retries with the same id: it gets
the same messages with the same receipt handles, and the retry starts their visibility
timeout anew (so a retry late in the timeout does not let a second consumer take the
same movements). While an account's movements are in flight, a second consumer gets only
other accounts' movements, and the account's later movements wait behind them; once the
first consumer deletes what it applied, the next movement of that account comes out.

Sources: ReceiveMessage API reference (ReceiveRequestAttemptId: "During a visibility
timeout, subsequent calls with the same ReceiveRequestAttemptId return the same messages
and receipt handles. If a retry occurs within the deduplication interval, it resets the
visibility timeout"; usable for 5 minutes); SQS Developer Guide, FIFO queue message
grouping (messages of a group in flight block that group, a receive returns as many of
one group as it can)."""
import pytest


def movements(sqs, url, **params):
    answer = sqs.receive_message(QueueUrl=url, **{"MaxNumberOfMessages": 10, **params})
    return answer.get("Messages", [])


@pytest.mark.local_only
def test_retried_polls_and_blocked_accounts(client, sqs_queues, clock):
    sqs = client("sqs")
    ledger = sqs_queues("ledger", FifoQueue="true", ContentBasedDeduplication="true", VisibilityTimeout="30")
    for account, body in (("acct-1", "a1:+100"), ("acct-1", "a1:-40"), ("acct-2", "a2:+7"), ("acct-1", "a1:+3")):
        sqs.send_message(QueueUrl=ledger, MessageBody=body, MessageGroupId=account)

    first = movements(sqs, ledger, ReceiveRequestAttemptId="poll-0001", MaxNumberOfMessages=2,
                      MessageSystemAttributeNames=["MessageGroupId", "SequenceNumber"])
    assert [(m["Body"], m["Attributes"]["MessageGroupId"]) for m in first] == [
        ("a1:+100", "acct-1"), ("a1:-40", "acct-1")]
    # The answer was lost: the same attempt id gives the same messages and handles back.
    again = movements(sqs, ledger, ReceiveRequestAttemptId="poll-0001", MaxNumberOfMessages=2,
                      MessageSystemAttributeNames=["MessageGroupId", "SequenceNumber"])
    assert [(m["MessageId"], m["ReceiptHandle"], m["Attributes"]) for m in again] == [
        (m["MessageId"], m["ReceiptHandle"], m["Attributes"]) for m in first]

    # A second consumer: acct-1 is blocked behind the messages in flight, acct-2 is not.
    [other] = movements(sqs, ledger)
    assert other["Body"] == "a2:+7"
    sqs.delete_message(QueueUrl=ledger, ReceiptHandle=other["ReceiptHandle"])

    # Late in the visibility timeout the first consumer retries again: the timeout restarts,
    # so 20 + 20 seconds after the first receive the movements are still its own.
    clock(20)
    retried = movements(sqs, ledger, ReceiveRequestAttemptId="poll-0001", MaxNumberOfMessages=2)
    assert [m["ReceiptHandle"] for m in retried] == [m["ReceiptHandle"] for m in first]
    clock(20)
    assert movements(sqs, ledger) == []
    for message in retried:
        sqs.delete_message(QueueUrl=ledger, ReceiptHandle=message["ReceiptHandle"])
    assert [m["Body"] for m in movements(sqs, ledger, ReceiveRequestAttemptId="poll-0002")] == ["a1:+3"]
    # The attempt's messages are gone now: retrying it returns nothing.
    assert movements(sqs, ledger, ReceiveRequestAttemptId="poll-0001") == []


def test_an_unanswered_attempt_left_alone(client, sqs_queues):
    """Without a retry, the messages of an attempt come back once their visibility
    timeout is over, to whoever asks (VisibilityTimeout 0 here), still in group order."""
    sqs = client("sqs")
    ledger = sqs_queues("ledger", FifoQueue="true", ContentBasedDeduplication="true")
    for body in ("b1", "b2", "b3"):
        sqs.send_message(QueueUrl=ledger, MessageBody=body, MessageGroupId="acct-9")
    taken = movements(sqs, ledger, ReceiveRequestAttemptId="poll-a", VisibilityTimeout=0,
                      MessageSystemAttributeNames=["ApproximateReceiveCount"])
    assert [(m["Body"], m["Attributes"]["ApproximateReceiveCount"]) for m in taken] == [
        ("b1", "1"), ("b2", "1"), ("b3", "1")]
    later = movements(sqs, ledger, MessageSystemAttributeNames=["ApproximateReceiveCount"])
    assert [(m["Body"], m["Attributes"]["ApproximateReceiveCount"]) for m in later] == [
        ("b1", "2"), ("b2", "2"), ("b3", "2")]
