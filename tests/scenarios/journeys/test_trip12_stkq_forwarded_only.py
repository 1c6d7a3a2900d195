"""A platform team locks its queues and their KMS key so that people cannot use them
directly, only through SQS: each queue policy denies receives and sends unless the call
comes through an AWS service (aws:CalledViaLast, aws:CalledViaFirst, aws:CalledVia,
aws:ViaAWSService), or from an AWS service principal (aws:PrincipalIsAWSService). A
direct receive or send is refused with an explicit deny; the key refuses a direct
GenerateDataKey, yet SQS, calling KMS for the sender, encrypts and delivers the message,
unless the key insists on a service principal, in which case SQS passes KMS's refusal
on. Recorded from real SQS and KMS: radkawar/stackd testdata/aws/sqs/forwarding.json and
forwarding_redrive.json (*_direct_receive, *_direct_send, kms_*_direct, kms_*_send)."""
import json
import re

import pytest

from trip_helpers import error_of, wait_for

CONDITIONS = {
    "last": {"StringNotEqualsIfExists": {"aws:CalledViaLast": "sqs.amazonaws.com"}},
    "first": {"StringNotEqualsIfExists": {"aws:CalledViaFirst": "sqs.amazonaws.com"}},
    "chain": {"ForAllValues:StringNotEquals": {"aws:CalledVia": "sqs.amazonaws.com"}},
    "via": {"Bool": {"aws:ViaAWSService": "false"}},
    "principal": {"Bool": {"aws:PrincipalIsAWSService": "false"}},
}


def _deny(actions, resource, condition):
    return {"Effect": "Deny", "Principal": "*", "Action": actions, "Resource": resource, "Condition": condition}


@pytest.mark.parametrize("name", sorted(CONDITIONS))
def test_direct_calls_meet_the_queue_policy_deny(client, sqs_queues, name):
    sqs = client("sqs")
    me = client("sts").get_caller_identity()["Arn"]
    url = sqs_queues(f"locked-{name}")
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": [
        _deny(["sqs:ReceiveMessage", "sqs:SendMessage"], arn, CONDITIONS[name])]})})
    for action, call, args in (("receivemessage", sqs.receive_message, {}),
                               ("sendmessage", sqs.send_message, {"MessageBody": "direct"})):
        assert error_of(call, QueueUrl=url, **args) == (
            "AccessDenied", f"User: {me} is not authorized to perform: sqs:{action} on resource: {arn} "
            "with an explicit deny in a resource-based policy")


@pytest.mark.parametrize("name", ["last", "via", "principal"])
def test_a_key_used_only_through_sqs(client, sqs_queues, kms_keys, name):
    sqs, kms = client("sqs"), client("kms")
    me = client("sts").get_caller_identity()
    key = kms_keys(Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "owner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{me['Account']}:root"},
         "Action": "kms:*", "Resource": "*"},
        _deny(["kms:GenerateDataKey", "kms:Decrypt"], "*", CONDITIONS[name])]}))
    denied = (f"User: {me['Arn']} is not authorized to perform: kms:GenerateDataKey on resource: {key['Arn']} "
              "with an explicit deny in a resource-based policy")
    assert error_of(kms.generate_data_key, KeyId=key["KeyId"], KeySpec="AES_256") == ("AccessDeniedException", denied)
    url = sqs_queues(f"kms-{name}", KmsMasterKeyId=key["Arn"])
    if name == "principal":
        code, message = error_of(sqs.send_message, QueueUrl=url, MessageBody="encrypted")
        assert code == "KMS.AccessDeniedException"
        assert re.fullmatch(re.escape(denied) + r" \(Service: AWSKMS; Status Code: 400; Error Code: "
                            r"AccessDeniedException; Request ID: [0-9a-f-]{36}; Proxy: null\)", message), message
        assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages") is None
        return
    sent = sqs.send_message(QueueUrl=url, MessageBody="encrypted")
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert [(m["MessageId"], m["Body"]) for m in got] == [(sent["MessageId"], "encrypted")]


def _queue(sqs, sqs_queues, prefix, **attributes):
    url = sqs_queues(prefix, **attributes)
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def _policy(arn, action, condition):
    return {"Policy": json.dumps({"Version": "2012-10-17", "Statement": [_deny(action, arn, condition)]})}


@pytest.mark.parametrize("name", ["last", "chain", "via", "principal"])
def test_a_redrive_runs_through_sqs(client, sqs_queues, name):
    """forwarding_execution.json: *_start, *_before_release, *_progress, *_destination;
    the task is started while the dead letter is held (it waits for it, RUNNING), the
    queues are locked, the letter released: the task's receives and sends come through
    SQS, so only the service-principal condition fails it."""
    sqs = client("sqs")
    dead, dead_arn = _queue(sqs, sqs_queues, f"fwd-{name}-dead")
    sqs_queues(f"fwd-{name}-source",
               RedrivePolicy=json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": 1}))
    repair, repair_arn = _queue(sqs, sqs_queues, f"fwd-{name}-repair")
    sqs.send_message(QueueUrl=dead, MessageBody="redriven")
    [held] = sqs.receive_message(QueueUrl=dead)["Messages"]
    sqs.start_message_move_task(SourceArn=dead_arn, DestinationArn=repair_arn, MaxNumberOfMessagesPerSecond=10)
    sqs.set_queue_attributes(QueueUrl=dead, Attributes=_policy(dead_arn, "sqs:ReceiveMessage", CONDITIONS[name]))
    sqs.set_queue_attributes(QueueUrl=repair, Attributes=_policy(repair_arn, "sqs:SendMessage", CONDITIONS[name]))
    waiting = sqs.list_message_move_tasks(SourceArn=dead_arn)["Results"][0]
    assert (waiting["Status"], waiting["ApproximateNumberOfMessagesMoved"],
            waiting["ApproximateNumberOfMessagesToMove"]) == ("RUNNING", 0, 1)
    sqs.change_message_visibility(QueueUrl=dead, ReceiptHandle=held["ReceiptHandle"], VisibilityTimeout=0)
    task = wait_for(lambda: (t := sqs.list_message_move_tasks(SourceArn=dead_arn)["Results"][0])["Status"]
                    != "RUNNING" and t)
    if name == "principal":
        assert (task["Status"], task["FailureReason"], task["ApproximateNumberOfMessagesMoved"],
                task["ApproximateNumberOfMessagesToMove"]) == ("FAILED", "AccessDenied", 0, 1)
        assert sqs.receive_message(QueueUrl=repair, WaitTimeSeconds=1).get("Messages") is None
        return
    assert task["Status"] == "COMPLETED" and "FailureReason" not in task
    got = sqs.receive_message(QueueUrl=repair, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in got] == ["redriven"]


def test_a_policy_denying_the_move_task_itself(client, sqs_queues):
    """forwarding.json: control_start, control_destination."""
    sqs = client("sqs")
    me = client("sts").get_caller_identity()["Arn"]
    dead, dead_arn = _queue(sqs, sqs_queues, "ctl-dead")
    sqs_queues("ctl-source", RedrivePolicy=json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": 1}))
    repair, repair_arn = _queue(sqs, sqs_queues, "ctl-repair")
    sqs.send_message(QueueUrl=dead, MessageBody="stays")
    sqs.set_queue_attributes(QueueUrl=dead, Attributes=_policy(dead_arn, "sqs:StartMessageMoveTask",
                                                               CONDITIONS["via"]))
    assert error_of(sqs.start_message_move_task, SourceArn=dead_arn, DestinationArn=repair_arn) == (
        "AccessDenied", f"User: {me} is not authorized to perform: sqs:startmessagemovetask on resource: "
        f"{dead_arn} with an explicit deny in a resource-based policy")
    assert sqs.receive_message(QueueUrl=repair, WaitTimeSeconds=1).get("Messages") is None


@pytest.mark.parametrize("name", ["last", "first", "chain", "via", "attributes"])
def test_a_locked_dead_letter_queue_refuses_to_start_a_redrive(client, sqs_queues, name):
    """forwarding_redrive.json: *_start. The caller starting the task must be let read
    the dead-letter queue itself: a policy refusing it ReceiveMessage (or
    GetQueueAttributes) refuses the start, whatever SQS could do for it; nothing moves."""
    sqs = client("sqs")
    me = client("sts").get_caller_identity()["Arn"]
    dead, dead_arn = _queue(sqs, sqs_queues, f"lock-{name}-dead")
    sqs_queues(f"lock-{name}-source", RedrivePolicy=json.dumps({"deadLetterTargetArn": dead_arn,
                                                                "maxReceiveCount": 1}))
    repair, repair_arn = _queue(sqs, sqs_queues, f"lock-{name}-repair")
    sqs.send_message(QueueUrl=dead, MessageBody="stays")
    if name == "attributes":
        action, condition = "getqueueattributes", CONDITIONS["via"]
        sqs.set_queue_attributes(QueueUrl=dead, Attributes=_policy(dead_arn, "sqs:GetQueueAttributes", condition))
    else:
        action, condition = "receivemessage", CONDITIONS[name]
        sqs.set_queue_attributes(QueueUrl=dead, Attributes=_policy(dead_arn, "sqs:ReceiveMessage", condition))
        sqs.set_queue_attributes(QueueUrl=repair, Attributes=_policy(repair_arn, "sqs:SendMessage", condition))
    assert error_of(sqs.start_message_move_task, SourceArn=dead_arn, DestinationArn=repair_arn) == (
        "AccessDenied", f"User: {me} is not authorized to perform: sqs:{action} on resource: {dead_arn} "
        "with an explicit deny in a resource-based policy")
    sqs.set_queue_attributes(QueueUrl=repair, Attributes={"Policy": ""})
    assert sqs.receive_message(QueueUrl=repair, WaitTimeSeconds=1).get("Messages") is None
