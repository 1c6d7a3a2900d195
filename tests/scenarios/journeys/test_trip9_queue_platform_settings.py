"""A platform engineer provisions a team's queues with boto3: a dead-letter queue that
only the team's own queue may use (RedriveAllowPolicy byQueue), a quarantine queue no
one may use (denyAll), the redrive policies that name them (a typo in the ARN, a queue not
on the list, a denyAll target are each refused), encryption switched from SSE-SQS to the
team's KMS key and back (both at once is refused), an access policy for S3 events, the
team's queues found by prefix a page at a time and the dead-letter queue's sources, and
cost tags."""
import json
import uuid

import pytest

from trip_helpers import error_of


@pytest.fixture
def team(client):
    sqs, prefix, made = client("sqs"), f"pay{uuid.uuid4().hex[:6]}", []

    def make(name, **attributes):
        url = sqs.create_queue(QueueName=f"{prefix}-{name}", Attributes=attributes)["QueueUrl"]
        made.append(url)
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return url, arn
    make.prefix = prefix
    yield make
    for url in made:
        sqs.delete_queue(QueueUrl=url)


def redrive(arn, count=5):
    return json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": count})


def test_dead_letter_permissions(client, team):
    sqs = client("sqs")
    orders, orders_arn = team("orders")
    refunds, refunds_arn = team("refunds")
    dlq, dlq_arn = team("dlq", RedriveAllowPolicy=json.dumps(
        {"redrivePermission": "byQueue", "sourceQueueArns": [orders_arn]}))
    quarantine, quarantine_arn = team("quarantine", RedriveAllowPolicy=json.dumps({"redrivePermission": "denyAll"}))

    sqs.set_queue_attributes(QueueUrl=orders, Attributes={"RedrivePolicy": redrive(dlq_arn)})
    assert sqs.get_queue_attributes(QueueUrl=orders, AttributeNames=["RedrivePolicy"])["Attributes"] == {
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}, separators=(",", ":"))}
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [orders]

    typo = json.dumps({"deadLetterTargetArn": "payments-dlq", "maxReceiveCount": 5})
    assert error_of(sqs.set_queue_attributes, QueueUrl=refunds, Attributes={"RedrivePolicy": typo}) == (
        "InvalidParameterValue",
        f"Value {typo} for parameter RedrivePolicy is invalid. Reason: Invalid value for deadLetterTargetArn.")
    for target in (dlq_arn, quarantine_arn):
        code, message = error_of(sqs.set_queue_attributes, QueueUrl=refunds,
                                 Attributes={"RedrivePolicy": redrive(target)})
        assert code == "InvalidParameterValue"
        assert message.startswith(f"Value {redrive(target)} for parameter RedrivePolicy is invalid. Reason: ")
    assert "RedrivePolicy" not in sqs.get_queue_attributes(QueueUrl=refunds, AttributeNames=["All"])["Attributes"]

    # Letting refunds in too.
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps(
        {"redrivePermission": "byQueue", "sourceQueueArns": [orders_arn, refunds_arn]})})
    sqs.set_queue_attributes(QueueUrl=refunds, Attributes={"RedrivePolicy": redrive(dlq_arn, 3)})
    assert sorted(sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"]) == sorted([orders, refunds])
    assert "queueUrls" not in sqs.list_dead_letter_source_queues(QueueUrl=quarantine)
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix=f"{team.prefix}-nothing")


def test_encryption_choices(client, team, kms_keys):
    sqs = client("sqs")
    key = kms_keys(Description="payments queues")
    url, _ = team("ledger")
    names = ["SqsManagedSseEnabled", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds"]
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"] == {
        "SqsManagedSseEnabled": "true"}

    sqs.set_queue_attributes(QueueUrl=url, Attributes={"KmsMasterKeyId": key["KeyId"],
                                                       "KmsDataKeyReusePeriodSeconds": "600"})
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"] == {
        "SqsManagedSseEnabled": "false", "KmsMasterKeyId": key["KeyId"], "KmsDataKeyReusePeriodSeconds": "600"}
    sqs.send_message(QueueUrl=url, MessageBody="debit 10.00")
    (message,) = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"]
    assert message["Body"] == "debit 10.00"

    assert error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"SqsManagedSseEnabled": "true"}) == (
        "InvalidAttributeName",
        "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.")
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"KmsMasterKeyId": "", "SqsManagedSseEnabled": "true"})
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"] == {
        "SqsManagedSseEnabled": "true"}


def test_policy_listing_and_tags(client, team):
    sqs = client("sqs")
    urls = [team(f"shard{n}")[0] for n in range(5)]
    events, events_arn = team("s3events")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sqs:SendMessage",
        "Resource": events_arn, "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::pay-landing"}}}]})
    sqs.set_queue_attributes(QueueUrl=events, Attributes={"Policy": policy})
    stored = sqs.get_queue_attributes(QueueUrl=events, AttributeNames=["Policy"])["Attributes"]["Policy"]
    assert json.loads(stored) == json.loads(policy)

    pages, token = [], None
    while True:
        page = sqs.list_queues(QueueNamePrefix=f"{team.prefix}-shard", MaxResults=2,
                               **({"NextToken": token} if token else {}))
        pages.append(page["QueueUrls"])
        token = page.get("NextToken")
        if not token:
            break
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(url for page in pages for url in page) == sorted(urls)
    assert sqs.list_queues(QueueNamePrefix=f"{team.prefix}-s3")["QueueUrls"] == [events]

    sqs.tag_queue(QueueUrl=events, Tags={"team": "payments", "cost-center": "cc-104"})
    sqs.untag_queue(QueueUrl=events, TagKeys=["cost-center"])
    assert sqs.list_queue_tags(QueueUrl=events)["Tags"] == {"team": "payments"}
