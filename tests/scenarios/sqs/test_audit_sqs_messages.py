"""Issue 13's delivery items not covered elsewhere, as a worker that heartbeats meets
them: a receive's visibility can be extended up to 12 hours after it, never beyond
("If you attempt to set the VisibilityTimeout to a value greater than the maximum time
left, Amazon SQS returns an error": ChangeMessageVisibility API reference, with its
example of a 30-minute message extended by 2 hours leaving 9 hours 30 minutes), and a
new receive starts a new 12 hours."""
import pytest
from sqs_helpers import error_of


@pytest.mark.local_only
def test_visibility_extends_to_12_hours_after_the_receive_and_no_further(sqs, make_queue, clock):
    url = make_queue(VisibilityTimeout=1800)
    sqs.send_message(QueueUrl=url, MessageBody="long job")
    [held] = sqs.receive_message(QueueUrl=url)["Messages"]
    handle = held["ReceiptHandle"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=7200)
    clock(7000)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=36000)   # 11 h 57 min in all
    for timeout in (36300, 43200):
        with pytest.raises(sqs.exceptions.ClientError) as raised:
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=timeout)
        assert error_of(raised) == ("InvalidParameterValue", f"Value {timeout} for parameter VisibilityTimeout is "
                                    "invalid. Reason: Total VisibilityTimeout for the message is beyond the limit "
                                    "[43200 seconds]")
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None           # the refused calls changed nothing
    clock(36001)
    [again] = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"
    # A new receive: a new 12 hours.
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"], VisibilityTimeout=43000)
    batch = sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
        {"Id": "over", "ReceiptHandle": again["ReceiptHandle"], "VisibilityTimeout": 43200}])
    assert batch["Failed"][0]["Code"] == "InvalidParameterValue" and "Successful" not in batch
