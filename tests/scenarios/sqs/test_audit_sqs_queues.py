"""Issue 13's SQS queue items checked as a boto3 user meets them: a dead-letter queue's
RedriveAllowPolicy (byQueue, denyAll) deciding which sources may name it, FIFO
high-throughput mode and the combinations SQS refuses, the queue Policy round trip,
retention on the lakebox clock, message move tasks to a destination and paced by
MaxNumberOfMessagesPerSecond, and ListDeadLetterSourceQueues pages.

Sources: the CreateQueue/SetQueueAttributes API reference (RedriveAllowPolicy:
"denyAll – No source queues can specify this queue as the dead-letter queue", "byQueue –
Only queues specified by the sourceQueueArns parameter can specify this queue as the
dead-letter queue"; high throughput for FIFO queues needs DeduplicationScope
messageGroup with FifoThroughputLimit perMessageGroupId); StartMessageMoveTask's API
reference (MaxNumberOfMessagesPerSecond up to 500, the default moving as fast as SQS
can). AWS's wording of a RedrivePolicy refused by its target's RedriveAllowPolicy is not
on public record: those refusals assert the code and the documented message shape only."""
import json
import time

import pytest
from sqs_helpers import error_of, receive_all


def arn(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def redrive(sqs, dlq, count=1):
    return json.dumps({"deadLetterTargetArn": arn(sqs, dlq), "maxReceiveCount": count})


def attributes_of(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def test_deny_all_refuses_every_source(sqs, make_queue):
    dlq = make_queue(prefix="dlq", RedriveAllowPolicy=json.dumps({"redrivePermission": "denyAll"}))
    source = make_queue(prefix="src")
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.set_queue_attributes(QueueUrl=source, Attributes={"RedrivePolicy": redrive(sqs, dlq)})
    code, message = error_of(raised)
    assert code == "InvalidParameterValue"
    assert message.startswith(f"Value {redrive(sqs, dlq)} for parameter RedrivePolicy is invalid. Reason: ")
    assert "RedrivePolicy" not in attributes_of(sqs, source)
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        make_queue(prefix="src", RedrivePolicy=redrive(sqs, dlq))
    assert error_of(raised)[0] == "InvalidParameterValue"
    assert "queueUrls" not in sqs.list_dead_letter_source_queues(QueueUrl=dlq)


def test_by_queue_allows_only_the_named_sources(sqs, make_queue):
    allowed, other = make_queue(prefix="src"), make_queue(prefix="src")
    dlq = make_queue(prefix="dlq", RedriveAllowPolicy=json.dumps(
        {"redrivePermission": "byQueue", "sourceQueueArns": [arn(sqs, allowed)]}))
    sqs.set_queue_attributes(QueueUrl=allowed, Attributes={"RedrivePolicy": redrive(sqs, dlq)})
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.set_queue_attributes(QueueUrl=other, Attributes={"RedrivePolicy": redrive(sqs, dlq)})
    assert error_of(raised)[0] == "InvalidParameterValue"
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [allowed]
    # The allowed source really dead-letters into it.
    sqs.send_message(QueueUrl=allowed, MessageBody="poison")
    sqs.receive_message(QueueUrl=allowed, VisibilityTimeout=0)
    assert sqs.receive_message(QueueUrl=allowed).get("Messages") is None
    assert [m["Body"] for m in receive_all(sqs, dlq)] == ["poison"]


def test_allow_all_and_no_policy_accept_any_source(sqs, make_queue):
    for policy in ({"RedriveAllowPolicy": json.dumps({"redrivePermission": "allowAll"})}, {}):
        dlq = make_queue(prefix="dlq", **policy)
        source = make_queue(prefix="src", RedrivePolicy=redrive(sqs, dlq, 3))
        assert json.loads(attributes_of(sqs, source)["RedrivePolicy"])["maxReceiveCount"] == 3


@pytest.mark.parametrize("policy, reason", [
    ({"redrivePermission": "byQueue"}, "Amazon SQS can't create the redrive allow policy. When you specify the "
     "byQueue permission type, you must also specify one or more sourceQueueArns values."),
    ({"redrivePermission": "denyAll", "sourceQueueArns": ["arn:aws:sqs:us-east-1:000000000000:x"]},
     "Amazon SQS can't create the redrive allow policy. To specify one or more source queue ARNs, you must set "
     "redrivePermission to byQueue."),
])
def test_malformed_redrive_allow_policies(sqs, make_queue, policy, reason):
    url = make_queue()
    value = json.dumps(policy)
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedriveAllowPolicy": value})
    assert error_of(raised) == ("InvalidParameterValue",
                                f"Value {value} for parameter RedriveAllowPolicy is invalid. Reason: {reason}")
    assert "RedriveAllowPolicy" not in attributes_of(sqs, url)


# --- FIFO high throughput ----------------------------------------------------------------------

def test_high_throughput_mode_round_trip(sqs, make_queue):
    url = make_queue(fifo=True, DeduplicationScope="messageGroup", FifoThroughputLimit="perMessageGroupId")
    every = attributes_of(sqs, url)
    assert (every["DeduplicationScope"], every["FifoThroughputLimit"]) == ("messageGroup", "perMessageGroupId")
    for group in ("g1", "g2", "g3"):
        for i in range(2):
            sqs.send_message(QueueUrl=url, MessageBody=f"{group}-{i}", MessageGroupId=group,
                             MessageDeduplicationId=f"d{i}")
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
    assert bodies == ["g1-0", "g1-1", "g2-0", "g2-1", "g3-0", "g3-1"]
    # Back to the default scope in one call: both change together.
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DeduplicationScope": "queue",
                                                       "FifoThroughputLimit": "perQueue"})
    every = attributes_of(sqs, url)
    assert (every["DeduplicationScope"], every["FifoThroughputLimit"]) == ("queue", "perQueue")


def test_message_group_scope_with_per_queue_limit_is_allowed(sqs, make_queue):
    url = make_queue(fifo=True, DeduplicationScope="messageGroup", FifoThroughputLimit="perQueue")
    assert attributes_of(sqs, url)["FifoThroughputLimit"] == "perQueue"


@pytest.mark.parametrize("attributes, code, message", [
    ({"FifoThroughputLimit": "perMessageGroupId"}, "InvalidAttributeValue",
     "The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup."),
    ({"DeduplicationScope": "queue", "FifoThroughputLimit": "perMessageGroupId"}, "InvalidAttributeValue",
     "The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup."),
    ({"DeduplicationScope": "group"}, "InvalidAttributeValue", "Invalid value for the parameter DeduplicationScope."),
    ({"FifoThroughputLimit": "perGroup"}, "InvalidAttributeValue",
     "Invalid value for the parameter FifoThroughputLimit."),
])
def test_refused_high_throughput_combinations(sqs, attributes, code, message):
    name = f"ht-{time.time_ns()}.fifo"
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true", **attributes})
    assert error_of(raised) == (code, message)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName=name)


def test_high_throughput_attributes_are_fifo_only(sqs, make_queue):
    url = make_queue()
    for name, value in (("FifoThroughputLimit", "perMessageGroupId"), ("DeduplicationScope", "messageGroup")):
        with pytest.raises(sqs.exceptions.InvalidAttributeName) as raised:
            sqs.set_queue_attributes(QueueUrl=url, Attributes={name: value})
        assert error_of(raised) == ("InvalidAttributeName",
                                    f"You can specify the {name} only when FifoQueue is set to true.")


def test_leaving_high_throughput_by_halves_is_refused(sqs, make_queue):
    url = make_queue(fifo=True, DeduplicationScope="messageGroup", FifoThroughputLimit="perMessageGroupId")
    with pytest.raises(sqs.exceptions.InvalidAttributeValue):
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"DeduplicationScope": "queue"})
    assert attributes_of(sqs, url)["DeduplicationScope"] == "messageGroup"


# --- Policy, retention ----------------------------------------------------------------------------

def test_queue_policy_round_trip(sqs, make_queue):
    url = make_queue()
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "s3-events", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": arn(sqs, url),
        "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::my-bucket"}}}]})
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"] == {"Policy": policy}
    with pytest.raises(sqs.exceptions.InvalidAttributeValue) as raised:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": "{not json"})
    assert error_of(raised) == ("InvalidAttributeValue", "Invalid value for the parameter Policy.")
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"] == {"Policy": policy}
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
    assert "Policy" not in attributes_of(sqs, url)


@pytest.mark.local_only
def test_retention_expiry_on_the_lakebox_clock(sqs, make_queue, clock):
    url = make_queue(MessageRetentionPeriod=60)
    sqs.send_message(QueueUrl=url, MessageBody="old")
    [held] = sqs.receive_message(QueueUrl=url)["Messages"]
    clock(30)
    sqs.send_message(QueueUrl=url, MessageBody="young")
    clock(31)
    # The first message is past its 60 s even while in flight; the second is kept.
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    assert counts == {"ApproximateNumberOfMessages": "1", "ApproximateNumberOfMessagesNotVisible": "0"}
    sqs.delete_message(QueueUrl=url, ReceiptHandle=held["ReceiptHandle"])      # gone already: still succeeds
    assert [m["Body"] for m in receive_all(sqs, url)] == ["young"]


# --- message move tasks ----------------------------------------------------------------------------

def dead_letters(sqs, make_queue, count):
    """(source, dead-letter queue) with `count` messages dead-lettered."""
    dlq = make_queue(prefix="dlq")
    source = make_queue(prefix="src", RedrivePolicy=redrive(sqs, dlq))
    for start in range(0, count, 10):
        sqs.send_message_batch(QueueUrl=source, Entries=[{"Id": str(i), "MessageBody": f"m{i}"}
                                                         for i in range(start, min(start + 10, count))])
    while sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages"):
        pass
    assert attributes_of(sqs, dlq)["ApproximateNumberOfMessages"] == str(count)
    return source, dlq


def task_of(sqs, dlq):
    [task] = sqs.list_message_move_tasks(SourceArn=arn(sqs, dlq))["Results"]
    return task


def wait_until(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


@pytest.mark.local_only
def test_paced_move_to_a_destination_follows_the_clock(sqs, make_queue, clock):
    source, dlq = dead_letters(sqs, make_queue, 30)
    destination = make_queue(prefix="dest")
    sqs.start_message_move_task(SourceArn=arn(sqs, dlq), DestinationArn=arn(sqs, destination),
                                MaxNumberOfMessagesPerSecond=1)
    task = task_of(sqs, dlq)
    assert (task["Status"], task["DestinationArn"], task["MaxNumberOfMessagesPerSecond"],
            task["ApproximateNumberOfMessagesToMove"]) == ("RUNNING", arn(sqs, destination), 1, 30)
    assert task["ApproximateNumberOfMessagesMoved"] < 30           # one a second: far from done
    clock(60)
    done = wait_until(lambda: (lambda t: t if t["Status"] == "COMPLETED" else None)(task_of(sqs, dlq)))
    assert done["ApproximateNumberOfMessagesMoved"] == 30 and "TaskHandle" not in done
    moved = receive_all(sqs, destination, MessageSystemAttributeNames=["ApproximateReceiveCount"])
    assert sorted(m["Body"] for m in moved) == sorted(f"m{i}" for i in range(30))
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in moved} == {"1"}
    assert sqs.receive_message(QueueUrl=source).get("Messages") is None


def test_move_task_rules(sqs, make_queue):
    source, dlq = dead_letters(sqs, make_queue, 2)
    for rate in (0, 501):
        with pytest.raises(sqs.exceptions.ClientError) as raised:
            sqs.start_message_move_task(SourceArn=arn(sqs, dlq), MaxNumberOfMessagesPerSecond=rate)
        assert error_of(raised)[0] == "InvalidParameterValue"
    with pytest.raises(sqs.exceptions.ResourceNotFoundException):
        sqs.start_message_move_task(SourceArn=arn(sqs, dlq),
                                    DestinationArn=arn(sqs, dlq).rsplit(":", 1)[0] + ":no-such-queue")
    handle = sqs.start_message_move_task(SourceArn=arn(sqs, dlq), MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.start_message_move_task(SourceArn=arn(sqs, dlq))
    assert error_of(raised) == ("InvalidParameterValue", "There is already a task running. Only one active task is "
                                                         "allowed for a source queue arn at a given time.")
    sqs.cancel_message_move_task(TaskHandle=handle)
    assert task_of(sqs, dlq)["Status"] == "CANCELLING"
    assert wait_until(lambda: task_of(sqs, dlq)["Status"] == "CANCELLED")


def test_dead_letter_source_queues_page(sqs, make_queue):
    dlq = make_queue(prefix="dlq")
    sources = sorted(make_queue(prefix="src", RedrivePolicy=redrive(sqs, dlq, 5)) for _ in range(5))
    make_queue(prefix="unrelated")
    seen, token = [], None
    while True:
        page = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2, **({"NextToken": token} if token else {}))
        seen += page["queueUrls"]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == sources
    assert sorted(sqs.get_paginator("list_dead_letter_source_queues").paginate(QueueUrl=dlq).build_full_result()[
        "queueUrls"]) == sources


@pytest.mark.parametrize("action, reason", [
    ("SendMessageBatch", "Please refer to the appropriate WSDL for a list of valid actions."),
    ("Fly", "Please refer to the appropriate WSDL for a list of valid actions."),
    ("CreateQueue", "Only the queue owner is allowed to invoke this action."),
    ("SetQueueAttributes", "Only the queue owner is allowed to invoke this action."),
])
def test_add_permission_grants_only_shareable_actions(sqs, make_queue, action, reason):
    """The API reference: batch actions come with their single forms, and "cross-account
    permissions don't apply" to the owner's actions (the wordings are SQS's replies as
    other projects' tests record them)."""
    url = make_queue()
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.add_permission(QueueUrl=url, Label="share", AWSAccountIds=["111122223333"],
                           Actions=["SendMessage", action])
    assert error_of(raised) == ("InvalidParameterValue",
                                f"Value SQS:{action} for parameter ActionName is invalid. Reason: {reason}")
    assert "Policy" not in attributes_of(sqs, url)
    sqs.add_permission(QueueUrl=url, Label="share", AWSAccountIds=["111122223333"],
                       Actions=["SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility",
                                "GetQueueAttributes", "GetQueueUrl", "PurgeQueue"])
    sqs.add_permission(QueueUrl=url, Label="everything", AWSAccountIds=["111122223333"], Actions=["*"])
    assert [s["Sid"] for s in json.loads(attributes_of(sqs, url)["Policy"])["Statement"]] == ["share", "everything"]
